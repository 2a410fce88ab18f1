/* Keep the session alive while a form is being typed in (core/formkeeping.py).

A session ends after 30 minutes without a request. While the person types (any input,
change or key on the page), the page asks the cheap ping URL at most every five minutes;
the request extends the session. If it has ended anyway (401), a notice says that what was
typed is kept and comes back after logging in. No library; the URL and the notice's text come
from the script tag's data attributes (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) {
    return;
  }
  var url = script.getAttribute("data-ping-url");
  var ended = script.getAttribute("data-ended");
  var EVERY = 5 * 60 * 1000;
  var last = Date.now();
  var typed = false;
  var told = false;

  function tell() {
    if (told || !ended) {
      return;
    }
    told = true;
    var note = document.createElement("div");
    note.className = "alert alert-warning";
    note.id = "session-ended-note";
    note.setAttribute("role", "status");
    note.textContent = ended;
    var main = document.querySelector("main") || document.body;
    main.insertBefore(note, main.firstChild);
  }

  function ping() {
    typed = false;
    last = Date.now();
    fetch(url, { credentials: "same-origin", cache: "no-store", redirect: "manual" })
      .then(function (response) {
        if (response.status === 401) {
          tell();
        }
      })
      .catch(function () {
        /* No network: nothing to extend; the form's submit will tell. */
      });
  }

  function activity() {
    typed = true;
    if (Date.now() - last >= EVERY) {
      ping();
    }
  }

  ["input", "change", "keydown"].forEach(function (name) {
    document.addEventListener(name, activity, true);
  });
  // A person who typed and then paused (reading a contract on the wall) is still at work.
  window.setInterval(function () {
    if (typed && Date.now() - last >= EVERY) {
      ping();
    }
  }, 60 * 1000);
})();
