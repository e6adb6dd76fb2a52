// Questions asked only after a given answer ("show_if") appear and disappear as the participant
// answers; without JavaScript they are all shown and the server ignores those not asked.
(function () {
  var dependants = document.querySelectorAll("[data-show-if-item]");
  if (!dependants.length) { return; }
  function update() {
    dependants.forEach(function (question) {
      var item = question.dataset.showIfItem;
      var checked = document.querySelector("input[name='" + item + "']:checked");
      var values = question.dataset.showIfValues.split("|");
      question.hidden = !(checked && values.indexOf(checked.value) !== -1);
    });
  }
  document.addEventListener("change", update);
  update();
})();
