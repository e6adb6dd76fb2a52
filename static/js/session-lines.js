// A treatment request or plan (templates/botp/_session_lines.html): the totals and the shared
// caps follow what is typed. Only a help: the server checks the caps when the form is sent.
(function () {
  document.querySelectorAll("table[data-session-lines]").forEach(function (table) {
    function count(input) {
      var value = parseInt(input.value, 10);
      return isNaN(value) || value < 0 ? 0 : value;
    }
    function update() {
      var inputs = table.querySelectorAll("input.count");
      table.querySelectorAll("output[data-group]").forEach(function (output) {
        var used = 0;
        inputs.forEach(function (input) {
          if (input.dataset.type === output.dataset.group) { used += count(input); }
        });
        output.textContent = output.dataset.template.replace("USED", used);
        output.parentNode.classList.toggle("over", used > parseInt(output.dataset.cap, 10));
      });
      table.querySelectorAll("tr[data-limit]").forEach(function (row) {
        var flag = row.dataset.limit === "total" ? "total" : "treatment";
        var used = parseInt(row.dataset.held, 10) || 0;
        inputs.forEach(function (input) {
          if (input.dataset[flag] === "1") { used += count(input); }
        });
        var over = used > parseInt(row.dataset.cap, 10);
        row.querySelector("output").textContent = used;
        row.classList.toggle("over", over);
        var note = row.querySelector(".over-note");
        note.textContent = over ? note.dataset.overText : "";
      });
    }
    table.addEventListener("input", update);
    update();
  });
})();
