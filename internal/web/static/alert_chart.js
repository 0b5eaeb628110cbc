// campusguard: the chart of an alert's daily series. The page holds the
// points as JSON in a script element of type application/json (no inline
// script is allowed) and a plain table of the same points; once the chart
// is drawn the table folds away, still one tap from view.
(function () {
  "use strict";
  function draw(el) {
    if (typeof echarts === "undefined") {
      return;
    }
    var src = document.getElementById(el.getAttribute("data-source"));
    var points;
    try {
      points = JSON.parse(src ? src.textContent : "[]");
    } catch (e) {
      return;
    }
    if (!points || !points.length) {
      return;
    }
    var days = points.map(function (p) { return p.day; });
    var counts = points.map(function (p) { return p.count; });
    var upper = points.map(function (p) { return p.upper === null || p.upper === undefined ? null : Math.round(p.upper * 100) / 100; });
    var alarms = [];
    points.forEach(function (p) {
      if (p.alarm) {
        alarms.push([p.day, p.count]);
      }
    });
    el.hidden = false; // hidden until drawn, so that without script no empty box shows
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 36, right: 12, top: 36, bottom: 40 },
      // The tooltip drawn on the canvas: an HTML one would need inline styles.
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0, data: [el.getAttribute("data-label-count"), el.getAttribute("data-label-upper"), el.getAttribute("data-label-alarm")] },
      xAxis: { type: "category", data: days, axisLabel: { formatter: function (d) { return d.slice(5); } } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: el.getAttribute("data-label-count"), type: "line", data: counts, symbolSize: 6, itemStyle: { color: "#1a73e8" } },
        { name: el.getAttribute("data-label-upper"), type: "line", data: upper, connectNulls: false, symbol: "none",
          lineStyle: { type: "dashed", color: "#c99a00" }, itemStyle: { color: "#c99a00" } },
        { name: el.getAttribute("data-label-alarm"), type: "scatter", data: alarms, symbol: "diamond", symbolSize: 14,
          itemStyle: { color: "#d93025" }, z: 3 }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    var table = el.parentNode.querySelector("[data-chart-table]");
    if (table) {
      table.removeAttribute("open");
    }
  }
  function drawAll() {
    document.querySelectorAll("[data-chart=alert-series]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
