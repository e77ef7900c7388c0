// Material's search panel is a dialog without a name (axe: aria-dialog-name); give it one.
document.querySelectorAll('.md-search[role="dialog"]').forEach(function (el) {
  el.setAttribute("aria-label", "Search this guidance");
});
