/* The leaders' dashboard: draws the charts from the JSON the page embeds (json_script
 * "dashboard-data") with plotly.js, served from our own static files. No inline script. */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || !window.Plotly) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var L = data.labels;

  // The four colours of the list, as the level badges show them (static/css/app.css).
  var LEVEL = { red: "#c62828", orange: "#ef6c00", yellow: "#f9a825", green: "#2e7d32" };
  var GREY = "#ced4da";
  var BLUE = "#1565c0";
  var DANGER = "#b71c1c";
  var AMBER = "#ffa000";
  var SUCCESS = "#2e7d32";
  var FONT =
    'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "PingFang SC", ' +
    '"Microsoft YaHei", sans-serif';
  var narrow = window.matchMedia("(max-width: 575.98px)").matches;
  var CONFIG = { displayModeBar: false, responsive: true, displaylogo: false };

  function sum(values) {
    return values.reduce(function (a, b) {
      return a + (b || 0);
    }, 0);
  }

  function layout(extra) {
    var base = {
      font: { family: FONT, size: 12, color: "#212529" },
      margin: { l: 10, r: 10, t: 10, b: 30 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom", traceorder: "normal" },
      hoverlabel: { font: { family: FONT } },
      bargap: 0.3,
    };
    return Object.assign(base, extra);
  }

  // A count axis: whole numbers only (a step of 1 while the largest stack is small).
  function countAxis(traces, horizontal, extra) {
    var stacks = {};
    traces.forEach(function (trace) {
      if (trace.type !== "bar") {
        return;
      }
      var values = horizontal ? trace.x : trace.y;
      var categories = horizontal ? trace.y : trace.x;
      values.forEach(function (value, i) {
        stacks[categories[i]] = (stacks[categories[i]] || 0) + (value || 0);
      });
    });
    var largest = Math.max.apply(null, [0].concat(Object.values(stacks)));
    var axis = { rangemode: "tozero", gridcolor: "#e9ecef", zeroline: false, automargin: true };
    if (largest <= 6) {
      axis.tick0 = 0;
      axis.dtick = 1;
    }
    return Object.assign(axis, extra || {});
  }

  // Horizontal bars: one row per township, the first township at the top.
  function townshipLayout(traces, count) {
    return layout({
      height: Math.max(200, 26 * count + 90),
      barmode: "stack",
      bargap: count <= 2 ? 0.55 : 0.3, // a township's own page: slim bars, not slabs
      margin: { l: 10, r: 10, t: 40, b: 30 },
      xaxis: countAxis(traces, true),
      yaxis: { autorange: "reversed", automargin: true, ticksuffix: " " },
    });
  }

  function empty(element) {
    var note = document.createElement("p");
    note.className = "text-secondary small m-3";
    note.textContent = L.empty;
    element.appendChild(note);
  }

  function draw(id, traces, chartLayout) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    // Only bars and lines count: the official-count markers alone are not worth a chart.
    var total = traces.reduce(function (acc, trace) {
      if (trace.mode === "markers") {
        return acc;
      }
      return acc + sum(trace.orientation === "h" ? trace.x : trace.y);
    }, 0);
    if (!total) {
      empty(element);
      return;
    }
    window.Plotly.newPlot(element, traces, chartLayout, CONFIG);
  }

  function hbar(name, values, townships, color, extra) {
    return Object.assign(
      {
        type: "bar",
        orientation: "h",
        name: name,
        x: values,
        y: townships,
        marker: { color: color },
        hovertemplate: "%{y} · " + name + ": %{x}<extra></extra>",
      },
      extra || {}
    );
  }

  // 1. Ratings per township: approved levels, stacked red → green, then those not approved.
  var ratings = data.ratings;
  var ratingTraces = ratings.series.map(function (series) {
    return hbar(series.name, series.values, ratings.townships, LEVEL[series.level]);
  });
  ratingTraces.push(hbar(L.not_approved, ratings.not_approved, ratings.townships, GREY));
  draw("chart-ratings", ratingTraces, townshipLayout(ratingTraces, ratings.townships.length));

  // 2. The weekly trend of red, orange and yellow.
  var trend = data.trend;
  var trendTraces = trend.series.map(function (series) {
    return {
      type: "scatter",
      mode: "lines+markers",
      name: series.name,
      x: trend.dates,
      y: series.values,
      customdata: trend.weeks,
      line: { color: LEVEL[series.level], width: 3, shape: "linear" },
      marker: { size: 7 },
      hovertemplate: "%{customdata} · " + series.name + ": %{y}<extra></extra>",
    };
  });
  var trendMax = Math.max.apply(
    null,
    [0].concat.apply(
      [0],
      trend.series.map(function (series) {
        return series.values;
      })
    )
  );
  var trendAxis = { rangemode: "tozero", gridcolor: "#e9ecef", zeroline: false, automargin: true };
  if (trendMax <= 6) {
    trendAxis.tick0 = 0;
    trendAxis.dtick = 1; // whole numbers while the list is short
  }
  draw(
    "chart-trend",
    trendTraces,
    layout({
      height: 300,
      margin: { l: 10, r: 10, t: 40, b: 40 },
      xaxis: { type: "category", tickangle: narrow ? -60 : -45, automargin: true },
      yaxis: trendAxis,
    })
  );

  // 3. Screening coverage: screened and not yet, with the official count as a marker.
  var coverage = data.coverage;
  var coverageTraces = [
    hbar(L.screened, coverage.screened, coverage.townships, BLUE),
    hbar(L.not_screened, coverage.not_screened, coverage.townships, GREY),
  ];
  var official = coverage.official.map(function (value) {
    return value === null ? null : value;
  });
  if (
    official.some(function (value) {
      return value !== null;
    })
  ) {
    coverageTraces.push({
      type: "scatter",
      mode: "markers",
      name: L.official,
      x: official,
      y: coverage.townships,
      marker: { symbol: "line-ns-open", size: 18, color: "#212529", line: { width: 2 } },
      hovertemplate: "%{y} · " + L.official + ": %{x}<extra></extra>",
    });
  }
  draw("chart-coverage", coverageTraces, townshipLayout(coverageTraces, coverage.townships.length));

  // 4. Disposal per level: overdue, open within the deadline, completed.
  var disposal = data.disposal;
  function vbar(name, values, color) {
    return {
      type: "bar",
      name: name,
      x: disposal.names,
      y: values,
      marker: { color: color },
      hovertemplate: "%{x} · " + name + ": %{y}<extra></extra>",
    };
  }
  var disposalTraces = [
    vbar(L.overdue, disposal.overdue, DANGER),
    vbar(L.on_time, disposal.on_time, AMBER),
    vbar(L.done, disposal.done, SUCCESS),
  ];
  draw(
    "chart-disposal",
    disposalTraces,
    layout({
      height: 300,
      barmode: "stack",
      margin: { l: 10, r: 10, t: 40, b: 30 },
      xaxis: { type: "category" },
      yaxis: countAxis(disposalTraces, false, { title: { text: L.actions } }),
    })
  );

  // 5. 清零: venues crossed off and still to cross off, per township with venues.
  var zeroing = data.zeroing;
  var zeroingTraces = [
    hbar(L.crossed_off, zeroing.crossed_off, zeroing.townships, SUCCESS),
    hbar(L.remaining, zeroing.remaining, zeroing.townships, LEVEL.orange),
  ];
  draw("chart-zeroing", zeroingTraces, townshipLayout(zeroingTraces, zeroing.townships.length));
})();
