// A form is sent once: after the first submit its buttons are disabled, so a double click
// cannot post it twice (the server also refuses a second post of the same form).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = "1";
  var clicked = event.submitter;
  if (clicked && clicked.name) {
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = clicked.name; hidden.value = clicked.value;
    form.appendChild(hidden);
  }
  setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, 0);
});
var summary = document.getElementById("error-summary");
if (summary) { summary.focus(); }
