// The scheme editor (templates/scoring/editor/): confirmations before
// deleting or publishing, and the inline forms htmx loads into a slot.
// Kept in a static file: the content security policy allows no inline script.
(function () {
  "use strict";

  // <form data-confirm="…">: ask before posting.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // "Cancel" in an inline form empties its slot instead of reloading.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-editor-cancel]");
    var slot = link && link.closest("[data-editor-slot]");
    if (slot) {
      event.preventDefault();
      slot.replaceChildren();
    }
  });

  // A form loaded into a slot: show it and put the cursor in its first field.
  document.addEventListener("htmx:afterSwap", function (event) {
    var slot = event.detail.target;
    if (!slot || !slot.hasAttribute("data-editor-slot")) { return; }
    // One open form per page is easier to follow: close the others.
    document.querySelectorAll("[data-editor-slot]").forEach(function (other) {
      if (other !== slot) { other.replaceChildren(); }
    });
    slot.scrollIntoView({block: "nearest"});
    var field = slot.querySelector("input:not([type=hidden]), select, textarea");
    if (field) { field.focus(); }
  });
})();
