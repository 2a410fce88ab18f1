/* The screening visit form: add interview rows without reloading (plain JS, no library). */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (form) {
    // A second tap on a slow connection must not record the visit twice.
    var sent = false;
    form.addEventListener("submit", function (event) {
      if (sent) {
        event.preventDefault();
        return;
      }
      sent = true;
    });
  }
  var button = document.getElementById("add-interview");
  var template = document.getElementById("interview-template");
  var list = document.getElementById("interview-forms");
  var total = document.getElementById("id_interviews-TOTAL_FORMS");
  var max = document.getElementById("id_interviews-MAX_NUM_FORMS");
  if (!button || !template || !list || !total) {
    return;
  }
  function renumber() {
    list.querySelectorAll(".interview-number").forEach(function (span, index) {
      span.textContent = String(index + 1);
    });
  }
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) {
      return;
    }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fieldset = holder.querySelector("fieldset");
    list.appendChild(fieldset);
    total.value = String(index + 1);
    renumber();
    var first = fieldset.querySelector("input[type=text], input:not([type=hidden])");
    if (first) {
      first.focus();
    }
  });
  renumber();
})();
