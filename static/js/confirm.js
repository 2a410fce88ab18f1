// A button with data-confirm asks before its form is sent: a dialog says what happens next
// (data-confirm-title, data-confirm-ok name the dialog and its button). Without JavaScript
// the button sends the form directly.
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || !window.bootstrap) return;
  var modal = window.bootstrap.Modal.getOrCreateInstance(dialog);
  var ok = dialog.querySelector("[data-confirm-ok]");
  var pending = null;

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (!button || !button.form) return;
    var form = button.form;
    // The browser's own checks first, where the form asks for them.
    if (!button.formNoValidate && !form.noValidate && !form.checkValidity()) return;
    event.preventDefault();
    pending = button;
    var label = button.textContent.trim();
    dialog.querySelector("[data-confirm-title]").textContent = button.dataset.confirmTitle || label;
    dialog.querySelector("[data-confirm-body]").textContent = button.dataset.confirm;
    ok.textContent = button.dataset.confirmOk || label;
    modal.show();
  });

  ok.addEventListener("click", function () {
    var button = pending;
    pending = null;
    if (!button) return;
    modal.hide();
    // The form is sent as if the button had been pressed (its name and value included).
    if (typeof button.form.requestSubmit === "function") {
      button.form.requestSubmit(button);
    } else {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = button.name;
      input.value = button.value;
      if (button.name) button.form.appendChild(input);
      button.form.submit();
    }
  });
})();
