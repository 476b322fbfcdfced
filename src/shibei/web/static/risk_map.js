// 风险地图: communities coloured by their watchlist counts, from /api/geo and /api/risk.
(function () {
  "use strict";
  var el = document.getElementById("risk-map");
  if (!el || !window.echarts) { return; }
  var chart = echarts.init(el);
  var metric = document.getElementById("risk-metric");
  var tbody = document.querySelector("#risk-communities tbody");
  var home = el.dataset.home;
  var within = home.length > 6 ? "?within=" + home.slice(0, Math.min(home.length, 12)) : "";
  var stats = [];

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function drawTable() {
    tbody.textContent = "";
    stats.slice().sort(function (a, b) { return b.watched - a.watched || b.top_score - a.top_score; })
      .forEach(function (s) {
        var tr = document.createElement("tr");
        var td = document.createElement("td");
        var a = document.createElement("a");
        a.href = "/risk?community=" + s.code + "&day=" + el.dataset.day;
        a.textContent = s.name;
        td.appendChild(a); tr.appendChild(td);
        [s.watched, s.high, s.top_score, s.organizations].forEach(function (v) {
          var c = document.createElement("td"); c.textContent = String(v); tr.appendChild(c);
        });
        tbody.appendChild(tr);
      });
  }

  function draw() {
    var key = metric.value;
    var data = stats.map(function (s) { return { name: s.code, value: s[key], label: s.name }; });
    var max = Math.max.apply(null, data.map(function (d) { return d.value; }).concat([1]));
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        return p.data ? p.data.label + "：" + p.data.value : p.name; } },
      visualMap: { min: 0, max: max, left: 10, bottom: 10, text: ["高", "低"], calculable: true,
                   inRange: { color: ["#fff5f0", "#fb6a4a", "#99000d"] } },
      series: [{ type: "map", map: "risk-communities", nameProperty: "code", roam: true, data: data,
                 label: { show: false }, emphasis: { label: { show: true, formatter: function (p) {
                   return p.data ? p.data.label : ""; } } } }]
    }, true);
  }

  Promise.all([getJSON("/api/geo/community" + within), getJSON("/api/risk/communities?day=" + el.dataset.day)])
    .then(function (res) {
      echarts.registerMap("risk-communities", res[0]);
      stats = res[1];
      draw(); drawTable();
      el.dataset.ready = "1";
    })
    .catch(function (e) { el.dataset.ready = "error"; el.textContent = "地图加载失败：" + e.message; });
  chart.on("click", function (p) {
    if (p.data) { window.location.href = "/risk?community=" + p.data.name + "&day=" + el.dataset.day; }
  });
  metric.addEventListener("change", draw);
  window.addEventListener("resize", function () { chart.resize(); });
})();
