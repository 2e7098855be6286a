// Behaviour shared by every page. Kept in a static file: the content
// security policy allows no inline script.
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (event) {
    var target = document.getElementById("main");
    if (!target) { return; }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger";
    alert.setAttribute("role", "alert");
    alert.textContent = document.documentElement.lang === "en"
      ? "The change could not be saved. Please reload the page and try again."
      : "保存失败，请刷新页面后重试。";
    target.prepend(alert);
  });

  // A row of tabs wider than a phone scrolls sideways: bring the current
  // tab into view instead of leaving it past the right edge.
  document.querySelectorAll("[data-scroll-to-active]").forEach(function (row) {
    var active = row.querySelector(".active");
    if (!active) { return; }
    var rowBox = row.getBoundingClientRect();
    var activeBox = active.getBoundingClientRect();
    row.scrollLeft += activeBox.left - rowBox.left - (rowBox.width - activeBox.width) / 2;
  });
})();
