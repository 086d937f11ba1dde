// Small behaviours of the pages, without inline script (the content security policy
// allows none): print buttons, and "select all" boxes over a list of checkboxes.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("click", function () {
      var name = box.getAttribute("data-check-all");
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (c) { c.checked = box.checked; });
    });
  });
})();
