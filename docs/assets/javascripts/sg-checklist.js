/* Checklist page: remembers the ticks in this browser (localStorage), counts the items in place,
   prints. Nothing leaves the browser. Each box is keyed by data-sg-item, which stays the same while
   an item's wording does. Without JavaScript (or storage) the boxes still tick; nothing is kept. */
(function () {
  "use strict";
  var root = document.getElementById("sg-checklist");
  if (!root) return;
  var KEY = "sg-checklist:v1";
  var boxes = Array.prototype.slice.call(root.querySelectorAll("input.sg-checklist__box[data-sg-item]"));
  var done = document.getElementById("sg-checklist-done");
  var total = document.getElementById("sg-checklist-total");

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (e) {
      return {};
    }
  }
  function save(state) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(state));
    } catch (e) { /* storage off or full: the ticks last until the page closes */ }
  }
  function count() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    if (done) done.textContent = String(n);
    if (total) total.textContent = String(boxes.length);
    root.setAttribute("data-sg-done", String(n));
  }

  var state = load();
  boxes.forEach(function (box) {
    box.checked = state[box.getAttribute("data-sg-item")] === true;
    box.addEventListener("change", function () {
      var current = load();
      if (box.checked) current[box.getAttribute("data-sg-item")] = true;
      else delete current[box.getAttribute("data-sg-item")];
      save(current);
      count();
    });
  });
  count();

  var print = document.getElementById("sg-checklist-print");
  if (print) print.addEventListener("click", function () { window.print(); });
  var clear = document.getElementById("sg-checklist-clear");
  if (clear) clear.addEventListener("click", function () {
    boxes.forEach(function (b) { b.checked = false; });
    save({});
    count();
    if (boxes[0]) boxes[0].focus();
  });
})();
