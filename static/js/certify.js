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
})();
