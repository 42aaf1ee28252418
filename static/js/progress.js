// Draws the progress tables' charts when Chart.js is on the page; the tables always carry the same numbers.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var stacked = spec.type === "stacked-bar";
    canvas.closest("figure").hidden = false;
    new window.Chart(canvas, {
      type: spec.type === "line" ? "line" : "bar",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        aspectRatio: 2.5,
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
})();
