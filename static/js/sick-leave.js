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
                                     months: parseInt(rule.dataset.months || "0", 10),
                                     limit: rule.dataset.limit,
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

  // ``day`` plus whole calendar months, on the last day of a shorter month, as the server
  // counts them (botp.duration.add_months).
  function addMonths(day, months) {
    var index = day.getMonth() + months;
    var year = day.getFullYear() + Math.floor(index / 12);
    var month = index % 12;
    var last = new Date(year, month + 1, 0).getDate();
    return new Date(year, month, Math.min(day.getDate(), last));
  }

  // Since 2024 the limit is in calendar months (reached on the same date N months on), before
  // it in days (intake.eligibility.over_sick_leave_limit).
  function over(rule, start, today, days) {
    if (rule.months) { return today >= addMonths(start, rule.months); }
    return days > rule.max;
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
    if (isNaN(days) || !over(rule, start, today, days) ||
        (rule.exception && exceptionApplies())) {
      warning.hidden = true;
      return;
    }
    var template = rule.months ? warning.dataset.templateMonths : warning.dataset.template;
    warning.textContent = template.replace("DAYS", days).replace("MAXIMUM", rule.max)
      .replace("LIMIT", rule.limit).replace("PROGRAMME", rule.name);
    warning.hidden = false;
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  if (serverText.trim()) { return; }  // the server's own words stay until something changes
  update();
})();
