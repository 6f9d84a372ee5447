// "Print": a button with data-print opens the browser's print dialog. Without JavaScript the
// button stays hidden and the browser's own Print command prints the same clean page.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
