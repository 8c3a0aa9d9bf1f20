// Progressive enhancement only: the pages work without this script.
// Tables with class "sortable" sort by a column when its header is clicked
// (or activated with the keyboard). Cells may carry data-value for sorting.
(function () {
  "use strict";
  function key(cell, numeric) {
    var raw = cell.getAttribute("data-value");
    if (raw === null) raw = cell.textContent.trim();
    if (numeric) {
      var number = parseFloat(raw.replace(/,/g, ""));
      return isNaN(number) ? Infinity : number;
    }
    return raw;
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = header.getAttribute("data-sort") === "number" ||
      rows.every(function (row) {
        var cell = row.cells[index];
        return !cell || cell.hasAttribute("data-value");
      });
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = a.cells[index] ? key(a.cells[index], numeric) : "";
      var y = b.cells[index] ? key(b.cells[index], numeric) : "";
      var order = numeric ? (x - y || 0) : String(x).localeCompare(String(y), document.documentElement.lang);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
      var head = table.tHead;
      if (!head || !head.rows[0]) return;
      Array.prototype.forEach.call(head.rows[0].cells, function (header, index) {
        header.tabIndex = 0;
        header.classList.add("sort-header");
        header.addEventListener("click", function () { sortBy(table, index, header); });
        header.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, index, header); }
        });
      });
    });
  });
})();
