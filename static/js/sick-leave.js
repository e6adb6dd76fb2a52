// The screening request form (templates/intake/request_form.html) warns as soon as the sick
// leave given is longer than the chosen programme takes. Only a help: the server says the same
// when the form comes back, and Fedris decides on eligibility.
(function () {
  var warning = document.getElementById("sick-leave-warning");
  var form = warning && warning.closest("form");
  if (!form) { return; }
  var maxima = {};
  var fallback = null;
  document.querySelectorAll("#eligibility-rules [data-programme]").forEach(function (rule) {
    maxima[rule.dataset.programme] = parseInt(rule.dataset.maxDays, 10);
    if (fallback === null) { fallback = maxima[rule.dataset.programme]; }
  });
  var serverText = warning.textContent;

  function update() {
    var status = form.querySelector("input[name=work_status]:checked");
    var since = form.querySelector("input[name=sick_leave_since]");
    var programme = form.querySelector("select[name=programme]");
    var maximum = programme && maxima[programme.value] !== undefined
      ? maxima[programme.value] : fallback;
    if (!status || status.value !== "sick_leave" || !since || !since.value || maximum === null) {
      warning.hidden = true;
      return;
    }
    var start = new Date(since.value + "T00:00:00");
    var today = new Date();
    today.setHours(0, 0, 0, 0);
    var days = Math.round((today - start) / 86400000);
    if (isNaN(days) || days <= maximum) { warning.hidden = true; return; }
    warning.textContent = warning.dataset.template
      .replace("DAYS", days).replace("MAXIMUM", maximum);
    warning.hidden = false;
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  if (serverText.trim()) { return; }  // the server's own words stay until something changes
  update();
})();
