/* Live character count of a text box marked data-char-counter (the weekly report summary).
   Counts as the server does: NFC-normalised, ends trimmed, one per code point. */
(function () {
  "use strict";
  var box = document.querySelector("[data-char-counter]");
  var out = document.querySelector("[data-char-count]");
  if (!box || !out) return;
  var max = parseInt(box.getAttribute("data-max-chars"), 10);
  function update() {
    var n = Array.from(box.value.normalize("NFC").trim()).length;
    out.textContent = n;
    out.parentNode.classList.toggle("text-danger", n > max);
    box.classList.toggle("is-invalid", n > max);
  }
  box.addEventListener("input", update);
  update();
})();
