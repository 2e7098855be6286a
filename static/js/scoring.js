// The category chart of a score sheet. Redrawn whenever htmx swaps in a new
// summary (each mark changes the totals).
(function () {
  "use strict";
  var charts = new WeakMap();

  function draw(canvas) {
    if (typeof Chart === "undefined" || charts.has(canvas)) { return; }
    var data = JSON.parse(canvas.getAttribute("data-chart"));
    charts.set(canvas, new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ data: data.values, backgroundColor: "rgba(13, 110, 253, 0.6)" }]
      },
      options: {
        indexAxis: "y",
        animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } }
      }
    }));
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
