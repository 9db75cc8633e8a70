// The language switcher works as a plain form (choose, then "Switch"); with JavaScript the
// choice alone sends it, so the button goes.
(function () {
  "use strict";
  function wire(form) {
    var select = form.querySelector("select[data-submit-on-change]");
    var button = form.querySelector("[data-without-js]");
    if (!select) return;
    if (button) button.hidden = true;
    select.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.language-form").forEach(wire);
  });
})();
