// One ECharts theme for the whole product (UI.md): the same colours for the same meanings, levels 一级–四级
// always the four level colours, no 3D. Pages put their data in a <script type="application/json"> element
// and a container with data-chart naming the renderer and data-source naming that element.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var css = getComputedStyle(document.documentElement);
  function v(name, fallback) { return (css.getPropertyValue(name) || fallback).trim(); }
  var levels = [v("--dt-level-1", "#9ecae1"), v("--dt-level-2", "#4292c6"), v("--dt-level-3", "#2171b5"), v("--dt-level-4", "#08306b")];
  window.echarts.registerTheme("dengta", {
    color: ["#1d6fd1", "#b35c00", "#1e7b34", "#6c757d", "#c0262d"],
    textStyle: { fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif' }
  });
  var renderers = {
    radar: function (data, el) {
      var narrow = el.clientWidth < 480;
      return {
        legend: { bottom: 0, data: data.series.map(function (s) { return s.name; }) },
        tooltip: {},
        radar: {
          indicator: data.indicators,
          radius: narrow ? "50%" : "60%",
          center: ["50%", "47%"],  // room under the bottom axis name for the legend
          // Long axis names are wrapped so they are not cut at the edge: Chinese before a bracketed part
          // ("数字化经营" / "（场景）") or else after four characters, never inside a word; English between
          // words (about 14 characters a line). The line height keeps the two lines clear of each other
          // (ECharts' default equals the font size, so the lines of a wrapped name overlapped).
          axisName: { color: "#333", fontSize: narrow ? 11 : 12, lineHeight: narrow ? 15 : 17, formatter: function (name) {
            if (/[\u3400-\u9fff]/.test(name)) {
              var bracket = name.indexOf("\uff08");
              if (bracket > 0) { return name.slice(0, bracket) + "\n" + name.slice(bracket); }
              return name.length > 5 ? name.slice(0, 4) + "\n" + name.slice(4) : name;
            }
            var lines = [], line = "";
            name.split(" ").forEach(function (word) {
              if (line && (line + " " + word).length > 14) { lines.push(line); line = word; }
              else { line = line ? line + " " + word : word; }
            });
            lines.push(line);
            return lines.join("\n");
          } }
        },
        series: [{
          type: "radar",
          data: data.series.map(function (s, i) {
            var last = i === data.series.length - 1;
            return { name: s.name, value: s.value, areaStyle: { opacity: last ? 0.25 : 0.08 },
                     lineStyle: { width: last ? 2 : 1, type: last ? "solid" : "dashed" } };
          })
        }]
      };
    }
  };
  window.dengtaLevelColours = levels;
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      var render = renderers[el.dataset.chart];
      if (!source || !render) { return; }
      var chart = window.echarts.init(el, "dengta", { renderer: "svg" });
      chart.setOption(render(JSON.parse(source.textContent), el));
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
