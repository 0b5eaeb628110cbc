// campusguard: the dashboard's trend chart. The page holds the school days
// of the last 30 days as JSON in a script element of type application/json
// (no inline script is allowed) and a table of the same days; the 7/30
// switch is two links that work without script, and with it redraw the
// chart in place and show or hide the table's older rows.
(function () {
  "use strict";
  function setup(el) {
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
    var card = el.closest("section") || document;
    var range = el.getAttribute("data-range") === "30" ? 30 : 7;
    var chart = null;
    function draw() {
      var shown = points.slice(-range);
      if (typeof echarts === "undefined") {
        return;
      }
      el.hidden = false; // hidden until drawn, so that without script no empty box shows
      if (!chart) {
        chart = echarts.init(el, null, { renderer: "canvas" });
        window.addEventListener("resize", function () { chart.resize(); });
      }
      var rate = el.getAttribute("data-label-rate");
      var fever = el.getAttribute("data-label-fever");
      var ill = el.getAttribute("data-label-ill");
      chart.setOption({
        animation: false,
        grid: { left: 44, right: 40, top: 36, bottom: 40 },
        // The tooltip drawn on the canvas: an HTML one would need inline styles.
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { top: 0, data: [rate, fever, ill] },
        xAxis: { type: "category", data: shown.map(function (p) { return p.day; }),
          axisLabel: { formatter: function (d) { return d.slice(5); } } },
        yAxis: [
          { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
          { type: "value", minInterval: 1, min: 0 }
        ],
        series: [
          { name: rate, type: "line", yAxisIndex: 0, data: shown.map(function (p) { return p.rate; }), itemStyle: { color: "#0b5e8a" } },
          { name: fever, type: "line", yAxisIndex: 1, data: shown.map(function (p) { return p.fever; }), itemStyle: { color: "#b3261e" } },
          { name: ill, type: "line", yAxisIndex: 1, data: shown.map(function (p) { return p.ill_absent; }),
            lineStyle: { type: "dashed" }, itemStyle: { color: "#8a5200" } }
        ]
      }, true);
      var table = card.querySelector("[data-chart-table]");
      if (table) {
        table.removeAttribute("open");
      }
    }
    function choose(n) {
      range = n;
      el.setAttribute("data-range", String(n));
      card.querySelectorAll("a[data-range]").forEach(function (a) {
        var on = a.getAttribute("data-range") === String(n);
        a.classList.toggle("current", on);
        if (on) {
          a.setAttribute("aria-current", "true");
        } else {
          a.removeAttribute("aria-current");
        }
      });
      card.querySelectorAll("tr[data-older]").forEach(function (tr) {
        tr.hidden = n !== 30;
      });
      draw();
    }
    card.addEventListener("click", function (ev) {
      var a = ev.target instanceof Element ? ev.target.closest("a[data-range]") : null;
      if (!a) {
        return;
      }
      ev.preventDefault();
      choose(a.getAttribute("data-range") === "30" ? 30 : 7);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", a.href);
      }
    });
    draw();
  }
  function setupAll() {
    document.querySelectorAll("[data-chart=dash-trend]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
