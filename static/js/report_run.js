// The progress bar of a report run: polls the run's status while it is queued or being
// built, and reloads the page once it is ready or has failed (to show files or the error).
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box) return;
  var bar = box.querySelector("[data-progress-bar]");
  var step = box.querySelector("[data-run-step]");
  var status = box.querySelector("[data-run-status]");
  var error = box.querySelector("[data-run-error]");

  function show(progress) {
    bar.style.width = progress + "%";
    bar.textContent = progress + "%";
    bar.parentElement.setAttribute("aria-valuenow", progress);
  }
  show(parseInt(bar.getAttribute("data-progress"), 10) || 0);
  if (box.getAttribute("data-active") !== "true") return;

  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (run) {
        show(run.progress);
        step.textContent = run.step;
        status.textContent = run.status_label;
        status.setAttribute("data-run-status", run.status);
        if (run.error) {
          error.textContent = run.error;
          error.classList.remove("d-none");
        }
        if (run.active) {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
