// 驾驶舱趋势：/api/divisions/{code}/trends 的月度和年度折线图（ECharts）。
// 地图下钻时（#map 的 data-code 变化）随之切换到当前区划。
(function () {
  "use strict";
  var card = document.getElementById("trends");
  if (!card || !window.echarts) { return; }
  var monthly = echarts.init(document.getElementById("trend-monthly"));
  var yearly = echarts.init(document.getElementById("trend-yearly"));
  var loaded = null;

  function option(title, periods, series) {
    return {
      title: { text: title, left: 0, top: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, type: "scroll" },
      grid: { top: 40, left: 50, right: 20, bottom: 60 },
      xAxis: { type: "category", data: periods },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (s) {
        return { name: s.label, type: "line", showSymbol: false, data: s.values };
      })
    };
  }

  function load(code) {
    if (!code || code === loaded) { return; }
    loaded = code;
    card.dataset.ready = "0";
    fetch("/api/divisions/" + code + "/trends", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (t) {
        document.getElementById("trends-name").textContent = t.name;
        monthly.setOption(option("近 24 个月（每月）", t.months, t.monthly), true);
        yearly.setOption(option("近 10 年（每年）", t.years, t.yearly), true);
        card.dataset.code = t.code;
        card.dataset.ready = "1";
        card.hidden = false;
      })
      .catch(function () { card.dataset.ready = "error"; card.hidden = true; });
  }

  var map = document.getElementById("map");
  if (map) {
    new MutationObserver(function () {
      if (map.dataset.ready === "1" && map.dataset.code) { load(map.dataset.code); }
    }).observe(map, { attributes: true, attributeFilter: ["data-ready", "data-code"] });
  }
  window.addEventListener("resize", function () { monthly.resize(); yearly.resize(); });
  load(card.dataset.code);
})();
