// 驾驶舱: choropleth of streets → communities → grids from /api/geo and /api/stats.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.echarts) { return; }
  var chart = echarts.init(el);
  var metric = document.getElementById("metric");
  var crumbs = document.getElementById("crumbs");
  var tbody = document.querySelector("#children tbody");
  var CHILD = { district: "street", street: "community", community: "grid" };
  var LEVEL_OF_LENGTH = { 6: "district", 9: "street", 12: "community", 15: "grid" };
  var trail = [];
  var current = null;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function drawCrumbs() {
    crumbs.textContent = "";
    trail.forEach(function (step, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = step.name;
      b.dataset.code = step.code;
      b.addEventListener("click", function () { trail = trail.slice(0, i); open(step.code, step.name); });
      crumbs.appendChild(b);
      if (i < trail.length - 1) { crumbs.appendChild(document.createTextNode(" › ")); }
    });
  }

  function drawTable(stats) {
    tbody.textContent = "";
    stats.forEach(function (s) {
      var tr = document.createElement("tr");
      var td = document.createElement("td");
      var b = document.createElement("button");
      b.type = "button"; b.className = "link drill"; b.textContent = s.name; b.dataset.code = s.code;
      b.addEventListener("click", function () { drill(s.code, s.name); });
      td.appendChild(b); tr.appendChild(td);
      [s.persons, s.migrants, s.houses, s.organizations].forEach(function (v) {
        var c = document.createElement("td"); c.textContent = v.toLocaleString("zh-CN"); tr.appendChild(c);
      });
      tbody.appendChild(tr);
    });
  }

  function draw() {
    if (!current) { return; }
    var key = metric.value;
    var values = current.stats.map(function (s) { return s[key]; });
    var data = current.stats.map(function (s) { return { name: s.code, value: s[key], label: s.name }; });
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        return p.data ? p.data.label + "：" + p.data.value.toLocaleString("zh-CN") : p.name; } },
      visualMap: { min: 0, max: Math.max.apply(null, values.concat([1])), left: 10, bottom: 10,
                   text: ["高", "低"], calculable: true, inRange: { color: ["#fff5eb", "#fd8d3c", "#a63603"] } },
      series: [{ type: "map", map: current.mapName, nameProperty: "code", roam: true, data: data,
                 label: { show: current.level !== "grid", formatter: function (p) { return p.data ? p.data.label : ""; }, fontSize: 10 },
                 emphasis: { label: { show: true } } }]
    }, true);
  }

  function open(code, name) {
    var level = LEVEL_OF_LENGTH[code.length];
    var child = CHILD[level];
    trail.push({ code: code, name: name });
    drawCrumbs();
    if (!child) { window.location.href = "/divisions/" + code; return; }
    el.dataset.ready = "0";
    var q = code.length > 6 ? "?within=" + code : "";
    Promise.all([getJSON("/api/geo/" + child + q), getJSON("/api/stats/rollups?level=" + child + (q ? "&within=" + code : ""))])
      .then(function (res) {
        var mapName = child + "-" + code;
        echarts.registerMap(mapName, res[0]);
        current = { level: child, code: code, mapName: mapName, stats: res[1] };
        el.dataset.level = child; el.dataset.code = code;
        draw(); drawTable(res[1]);
        el.dataset.ready = "1";
      })
      .catch(function (e) { el.dataset.ready = "error"; el.textContent = "地图加载失败：" + e.message; });
  }

  function drill(code, name) {
    if (code.length >= 15) { window.location.href = "/divisions/" + code; return; }
    open(code, name);
  }

  chart.on("click", function (p) { if (p.data) { drill(p.data.name, p.data.label); } });
  metric.addEventListener("change", draw);
  window.addEventListener("resize", function () { chart.resize(); });
  var home = el.dataset.home;
  open(home, home.length === 6 ? "市北区" : (document.querySelector("h1").textContent.split("·")[1] || home).trim());
})();
