// The screening request form (templates/intake/request_form.html) warns as soon as the sick
// leave given is longer than the chosen programme takes. Only a help: the server says the same
// when the form comes back, and Fedris decides on eligibility.
(function () {
  var warning = document.getElementById("sick-leave-warning");
  var form = warning && warning.closest("form");
  if (!form) { return; }
  var rules = {};
  var fallback = null;
  document.querySelectorAll("#eligibility-rules [data-programme]").forEach(function (rule) {
    rules[rule.dataset.programme] = {max: parseInt(rule.dataset.maxDays, 10),
                                     name: rule.dataset.name,
                                     exception: "exception" in rule.dataset};
    if (fallback === null) { fallback = rules[rule.dataset.programme]; }
  });
  var serverText = warning.textContent;

  // A longer incapacity that is not for burnout, with adapted work agreed by the mutuality's
  // advisory physician, is accepted where the programme says so (intake.eligibility).
  function exceptionApplies() {
    var answers = ["incapacity_not_burnout", "adapted_work_agreed"].map(function (name) {
      return form.querySelector("input[name=" + name + "]:checked");
    });
    return answers.every(function (answer) { return answer && answer.value === "True"; });
  }

  function update() {
    var status = form.querySelector("input[name=work_status]:checked");
    var since = form.querySelector("input[name=sick_leave_since]");
    var programme = form.querySelector("select[name=programme]");
    var rule = programme && rules[programme.value] ? rules[programme.value] : fallback;
    if (!status || status.value !== "sick_leave" || !since || !since.value || rule === null) {
      warning.hidden = true;
      return;
    }
    var start = new Date(since.value + "T00:00:00");
    var today = new Date();
    today.setHours(0, 0, 0, 0);
    var days = Math.round((today - start) / 86400000);
    if (isNaN(days) || days <= rule.max || (rule.exception && exceptionApplies())) {
      warning.hidden = true;
      return;
    }
    warning.textContent = warning.dataset.template
      .replace("DAYS", days).replace("MAXIMUM", rule.max).replace("PROGRAMME", rule.name);
    warning.hidden = false;
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  if (serverText.trim()) { return; }  // the server's own words stay until something changes
  update();
})();
