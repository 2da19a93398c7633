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
  // The dashboard's charts (dengta/analytics): the country's provinces on the map of China (the 南海诸岛
  // inset is drawn by ECharts for the map named "china"), the 规上 share at 二级+ against the 90 % target,
  // and the money by region. Values come from the page; the tables below each chart carry the numbers.
  function bars(categories, series, unit, extra) {
    var option = {
      tooltip: { trigger: "axis" },
      legend: series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 8 ? 45 : 0 } },
      yAxis: { type: "value", name: unit },
      // Amounts and shares come as decimal strings (money is never a float on the server): read for drawing.
      series: series.map(function (s) {
        return { name: s.name, type: "bar", barMaxWidth: 48,
                 data: s.values.map(function (v) { return v === null ? null : Number(v); }) };
      })
    };
    if (extra) { extra(option); }
    return option;
  }
  renderers.shareBars = function (data) {
    var share = data.share;
    return bars(share.categories, [{ name: "%", values: share.values }], "%", function (option) {
      option.yAxis.max = 100;
      option.series[0].markLine = { symbol: "none", lineStyle: { color: "#c0262d", type: "dashed" },
        label: { formatter: share.target_label, position: "insideEndTop" }, data: [{ yAxis: Number(share.target) }] };
    });
  };
  renderers.levelBars = function (data) {
    // Enterprises are counted whole: no 0.2 ticks on the axis.
    return bars(data.levels.categories, data.levels.series, data.levels.unit, function (option) {
      option.yAxis.minInterval = 1;
    });
  };
  renderers.moneyBars = function (data) {
    return bars(data.money.categories, data.money.series, data.money.unit);
  };
  renderers.chinaMap = function (data, el) {
    var map = data.map;
    var max = Math.max.apply(null, map.values.map(function (v) { return v.value || 0; }).concat([1]));
    return fetch(el.dataset.map).then(function (response) { return response.json(); }).then(function (json) {
      window.echarts.registerMap("china", json);
      return {
        tooltip: { trigger: "item", formatter: function (p) { return p.name + (p.value === p.value && p.value !== undefined ? "：" + p.value : ""); } },
        visualMap: { min: 0, max: max, left: 8, bottom: 8, calculable: false, text: [String(max), "0"], inRange: { color: ["#e8f1fb", "#1d4f91"] } },
        series: [{ type: "map", map: "china", nameProperty: "id", nameMap: map.codes, data: map.values, roam: false,
                   name: map.title, emphasis: { label: { show: false } }, select: { disabled: true } }]
      };
    });
  };
  window.dengtaLevelColours = levels;
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      var render = renderers[el.dataset.chart];
      if (!source || !render) { return; }
      // The dashboard draws on canvas (many shapes on the map); the reports in SVG (crisp when printed).
      var chart = window.echarts.init(el, "dengta", { renderer: el.dataset.chart === "radar" ? "svg" : "canvas" });
      Promise.resolve(render(JSON.parse(source.textContent), el)).then(function (option) {
        chart.setOption(option);
        el.dataset.rendered = "1";
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
