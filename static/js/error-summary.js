// The error summary (templates/botp/_error_summary.html) takes the focus when the page opens,
// so a screen reader reads the problems first; its links move the focus to the field itself.
(function () {
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    // A field inside a closed <details> (the consent form) must be shown to take the focus.
    var details = field.closest("details");
    if (details) { details.open = true; }
    field.focus();
    field.scrollIntoView({block: "center"});
  });
})();
