// "Copy": a button with data-copy="<id>" copies the text of that element (a textarea) to the
// clipboard. Without JavaScript the button stays hidden and the text can be selected by hand.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    var status = document.getElementById(button.dataset.copy + "-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.value || source.textContent;
      var done = function (message) { if (status) status.textContent = message; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(
          function () { done("Copied."); },
          function () { source.select(); done("Selected: press Ctrl+C (⌘C) to copy."); }
        );
      } else {
        source.select();
        done("Selected: press Ctrl+C (⌘C) to copy.");
      }
    });
  });
});
