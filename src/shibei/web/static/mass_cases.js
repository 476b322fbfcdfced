// 涉众案件接报. Resident form: one more transfer row, draft autosave (kept on the phone
// when the network drops), photos shrunk before upload. Officer cluster page: the map of
// victims by community and the timeline (ECharts, vendored). No third-party requests.
(function () {
  "use strict";

  // -- resident form -----------------------------------------------------------------
  var form = document.getElementById("report-form");
  if (form) {
    var key = "mc-draft-" + form.dataset.draft;
    var status = document.getElementById("autosave");
    var addRow = document.getElementById("add-row");
    var rows = document.getElementById("transfers");
    var timer = null;

    addRow.hidden = false;
    addRow.addEventListener("click", function () {
      var all = rows.querySelectorAll(".mc-row");
      var copy = all[all.length - 1].cloneNode(true);
      copy.removeAttribute("aria-invalid");
      copy.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      copy.querySelector(".n").textContent = String(all.length + 1);
      rows.appendChild(copy);
    });

    function values(name) {
      return Array.prototype.map.call(form.querySelectorAll("[name='" + name + "']"), function (e) { return e.value; });
    }
    function one(name) { var e = form.elements[name]; return e ? e.value : ""; }
    function body() {
      var d = values("t_paid_on"), a = values("t_amount"), m = values("t_method"),
          n = values("t_payee_name"), c = values("t_payee_account"), b = values("t_payee_bank");
      var transfers = d.map(function (_, i) {
        return { paid_on: d[i], amount: a[i], method: m[i], payee_name: n[i], payee_account: c[i], payee_bank: b[i] };
      }).filter(function (t) { return t.paid_on || t.amount || t.payee_name || t.payee_account || t.payee_bank; });
      var fields = ["name", "id_number", "phone", "community_code", "address", "organization", "uscc",
                    "suspect_person", "suspect_phones", "platform", "suspect_address", "story"];
      var out = { transfers: transfers, version: parseInt(one("version"), 10) || null };
      fields.forEach(function (f) { out[f] = one(f); });
      return out;
    }
    function save() {
      var data = body();
      fetch("/api/mass-cases/draft", {
        method: "PUT", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": form.dataset.csrf },
        body: JSON.stringify(data)
      }).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      }).then(function (d) {
        form.elements.version.value = d.version;
        localStorage.removeItem(key);
        status.textContent = "草稿已自动保存 " + new Date().toTimeString().slice(0, 5);
      }).catch(function () {
        try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full */ }
        status.textContent = "网络不好，草稿先存在本机，恢复网络后会再保存";
      });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(save, 4000);
    });
    form.addEventListener("submit", function () { clearTimeout(timer); });

    // a copy kept on the phone by an earlier failed autosave: put it back in the form
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (kept) {
      Object.keys(kept).forEach(function (f) {
        var e = form.elements[f];
        if (e && typeof kept[f] === "string" && !e.value) { e.value = kept[f]; }
      });
      status.textContent = "已恢复上次未能保存的内容";
    }

    // shrink large photos on the phone before they travel (the server re-encodes anyway)
    var files = document.getElementById("files");
    files.addEventListener("change", function () {
      if (!window.DataTransfer || !window.HTMLCanvasElement) { return; }
      var list = Array.prototype.slice.call(files.files);
      if (!list.some(function (f) { return f.type === "image/jpeg" && f.size > 1500000; })) { return; }
      Promise.all(list.map(shrink)).then(function (out) {
        var dt = new DataTransfer();
        out.forEach(function (f) { dt.items.add(f); });
        files.files = dt.files;
      });
    });
    function shrink(file) {
      if (file.type !== "image/jpeg" || file.size <= 1500000) { return Promise.resolve(file); }
      return new Promise(function (resolve) {
        var img = new Image();
        img.onload = function () {
          var scale = Math.min(1, 2000 / Math.max(img.width, img.height));
          var c = document.createElement("canvas");
          c.width = Math.round(img.width * scale); c.height = Math.round(img.height * scale);
          c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
          URL.revokeObjectURL(img.src);
          c.toBlob(function (b) { resolve(b ? new File([b], file.name, { type: "image/jpeg" }) : file); }, "image/jpeg", 0.85);
        };
        img.onerror = function () { resolve(file); };
        img.src = URL.createObjectURL(file);
      });
    }
  }

  // -- officer cluster page ----------------------------------------------------------
  var mapEl = document.getElementById("victim-map");
  if (mapEl && window.echarts) {
    var points = JSON.parse(mapEl.dataset.points || "[]");
    var chart = echarts.init(mapEl);
    fetch("/api/geo/community", { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (geo) {
      echarts.registerMap("mc-communities", geo);
      var max = Math.max.apply(null, points.map(function (p) { return p.value; }).concat([1]));
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.data ? p.data.label + "：" + p.data.value + " 人" : p.name; } },
        visualMap: { min: 0, max: max, left: 10, bottom: 10, text: ["多", "少"], calculable: true,
                     inRange: { color: ["#fff5eb", "#fd8d3c", "#a63603"] } },
        series: [{ type: "map", map: "mc-communities", nameProperty: "code", roam: true,
                   data: points.map(function (p) { return { name: p.code, value: p.value, label: p.name }; }) }]
      });
      mapEl.dataset.ready = "1";
    }).catch(function (e) { mapEl.dataset.ready = "error"; mapEl.textContent = "地图加载失败（" + e.message + "），见下表"; });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var lineEl = document.getElementById("timeline");
  if (lineEl && window.echarts) {
    var days = JSON.parse(lineEl.dataset.days || "[]");
    var line = echarts.init(lineEl);
    line.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: ["转账金额（元）", "当日报案"] },
      xAxis: { type: "category", data: days.map(function (d) { return d.day; }) },
      yAxis: [{ type: "value", name: "元" }, { type: "value", name: "件", minInterval: 1 }],
      series: [
        { name: "转账金额（元）", type: "bar", data: days.map(function (d) { return d.amount; }) },
        { name: "当日报案", type: "line", yAxisIndex: 1, data: days.map(function (d) { return d.reports; }) }
      ]
    });
    window.addEventListener("resize", function () { line.resize(); });
  }
})();
