/* The screening visit form: add interview rows without reloading (plain JS, no library). */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  function field(name) {
    return form ? form.querySelector('input[name="' + name + '"]') : null;
  }
  if (form) {
    // When and where (the visit's form time and position; asked, never required).
    var opened = field("form_opened_at");
    if (opened && !opened.value) {
      opened.value = new Date().toISOString();
    }
    if (navigator.geolocation && field("latitude") && !field("latitude").value) {
      navigator.geolocation.getCurrentPosition(
        function (position) {
          field("latitude").value = position.coords.latitude.toFixed(6);
          field("longitude").value = position.coords.longitude.toFixed(6);
          field("position_accuracy").value = String(Math.round(position.coords.accuracy));
        },
        function () {},
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    }
    // On the button's click: a confirmed submit is sent by form.submit() (confirm.js),
    // which fires no submit event.
    form.addEventListener("click", function (event) {
      var completed = field("form_completed_at");
      if (completed && event.target.closest("button[type=submit]")) {
        completed.value = new Date().toISOString();
      }
    });
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
