/* Completeness and timeliness: one stacked bar per county (or township) from the JSON the
 * page embeds (json_script "completeness-data"), drawn by plotly.js from our own static
 * files. No inline script (the Content-Security-Policy allows only the site's files). */
(function () {
  "use strict";

  var source = document.getElementById("completeness-data");
  var element = document.getElementById("completeness-chart");
  if (!source || !element || !window.Plotly) {
    return;
  }
  var data = JSON.parse(source.textContent);
  if (!data.units.length) {
    element.hidden = true;
    return;
  }
  var FONT =
    'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "PingFang SC", ' +
    '"Microsoft YaHei", sans-serif';
  var SERIES = [
    ["on_time", "#2e7d32"],
    ["late", "#ffa000"],
    ["missing", "#b71c1c"],
    ["pending", "#ced4da"],
  ];
  var traces = SERIES.map(function (series) {
    return {
      type: "bar",
      orientation: "h",
      name: data.labels[series[0]],
      y: data.units,
      x: data[series[0]],
      marker: { color: series[1] },
      hovertemplate: "%{y}：%{x}<extra>" + data.labels[series[0]] + "</extra>",
    };
  });
  var largest = 0;
  data.units.forEach(function (_unit, i) {
    var sum = SERIES.reduce(function (total, series) {
      return total + (data[series[0]][i] || 0);
    }, 0);
    largest = Math.max(largest, sum);
  });
  var xaxis = { rangemode: "tozero", gridcolor: "#e9ecef", zeroline: false, automargin: true };
  if (largest <= 6) {
    xaxis.tick0 = 0;
    xaxis.dtick = 1;
  }
  window.Plotly.newPlot(
    element,
    traces,
    {
      font: { family: FONT, size: 12, color: "#212529" },
      height: Math.max(200, 26 * data.units.length + 90),
      barmode: "stack",
      margin: { l: 10, r: 10, t: 40, b: 30 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom" },
      xaxis: xaxis,
      yaxis: { autorange: "reversed", automargin: true, ticksuffix: " " },
      hoverlabel: { font: { family: FONT } },
    },
    { displayModeBar: false, responsive: true, displaylogo: false },
  );
})();
