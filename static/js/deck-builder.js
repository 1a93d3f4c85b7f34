// The deck builder, enhanced: the count of selected cards follows every tick, a card listed
// under several topics is ticked everywhere at once, and "Select all" ticks a topic's cards
// in place. Without this script the same works through the server (the form's buttons).
(function () {
  "use strict";
  var form = document.getElementById("deck-form");
  var status = document.getElementById("selected-count");
  if (!form || !status) { return; }
  var labels = JSON.parse(status.getAttribute("data-labels") || "[]");
  var over = status.getAttribute("data-over") || "";
  var max = parseInt(status.getAttribute("data-max") || "0", 10);
  var counts = form.querySelectorAll(".selected-count");

  function boxes(value) {
    return form.querySelectorAll("input[type=checkbox][name=ids]" +
      (value ? "[value='" + value.replace(/'/g, "") + "']" : ""));
  }

  function update() {
    var chosen = {};
    boxes().forEach(function (box) { if (box.checked) { chosen[box.value] = true; } });
    var n = Object.keys(chosen).length;
    var text = n <= max && labels[n] ? labels[n] : over;
    counts.forEach(function (element) { element.textContent = text; });
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name !== "ids") { return; }
    boxes(box.value).forEach(function (other) { other.checked = box.checked; });
    update();
  });

  form.querySelectorAll("button.select-all").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var group = button.closest(".pick-group");
      group.querySelectorAll("input[name=ids]").forEach(function (box) {
        boxes(box.value).forEach(function (other) { other.checked = true; });
      });
      update();
    });
  });
  update();
})();
