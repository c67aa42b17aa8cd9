/* The study record (学习记录), kept only in this browser: "学完了" under each material (theme/partials/sp-record.html)
 * and, on a curriculum page (theme/partials/sp-progress.html), progress per module, hours this year against the
 * yearly target, the list of studied materials, a CSV export for the branch's 学习台账 (UTF-8 with BOM, so Excel
 * reads the Chinese) and a printable summary. Nothing is sent anywhere; file:// pages of an offline copy share the
 * record. Both parts start hidden, so without JavaScript no control shows that would do nothing. Page text is
 * only ever set as text, never parsed as HTML. ES5, for old browsers on village terminals. */
(function () {
  "use strict";
  var STORE = "studyportal.record.v1";
  var HEAD = ["姓名", "支部", "材料", "类别", "学完日期", "学时", "年度目标"];
  var memory = null; // when the browser refuses storage: this visit still counts

  function fresh() {
    return { done: {}, who: { name: "", branch: "" } };
  }

  function load() {
    var record = null;
    try {
      record = JSON.parse(window.localStorage.getItem(STORE) || "null");
    } catch (e) {
      return memory || fresh();
    }
    if (!record || typeof record !== "object") return memory || fresh();
    if (!record.done || typeof record.done !== "object") record.done = {};
    var who = record.who && typeof record.who === "object" ? record.who : {};
    record.who = { name: String(who.name || ""), branch: String(who.branch || "") };
    return record;
  }

  function save(record) {
    memory = record;
    try {
      window.localStorage.setItem(STORE, JSON.stringify(record));
    } catch (e) { /* private mode or full */ }
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function cnDate(iso) {
    var p = String(iso).split("-");
    return p.length === 3 ? p[0] + "年" + Number(p[1]) + "月" + Number(p[2]) + "日" : String(iso);
  }

  function number(value) {
    var n = parseFloat(value);
    return isFinite(n) && n > 0 ? n : 0;
  }

  function fmt(n) {
    return String(Math.round(n * 100) / 100);
  }

  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /* Studied materials, oldest first: [{slug, t: title, k: kind, h: hours, d: yyyy-mm-dd}]. */
  function entries(record) {
    var out = [];
    for (var slug in record.done) {
      if (!Object.prototype.hasOwnProperty.call(record.done, slug)) continue;
      var e = record.done[slug];
      if (!e || typeof e.d !== "string") continue;
      out.push({ slug: slug, t: String(e.t || slug), k: String(e.k || ""), h: number(e.h), d: e.d });
    }
    out.sort(function (a, b) {
      return a.d < b.d ? -1 : a.d > b.d ? 1 : a.t < b.t ? -1 : a.t > b.t ? 1 : 0;
    });
    return out;
  }

  var refreshers = [];

  function refreshAll() {
    for (var i = 0; i < refreshers.length; i++) refreshers[i]();
  }

  /* ---- under a material: 学完了 / 撤销 ---- */
  function setupMaterial(box) {
    var slug = box.getAttribute("data-slug");
    var button = box.querySelector("[data-sp-record-toggle]");
    var status = box.querySelector("[data-sp-record-status]");
    if (!slug || !button || !status) return;

    function show() {
      var e = load().done[slug];
      if (e && typeof e.d === "string") {
        var hours = number(e.h);
        status.textContent = "✔ 已于 " + cnDate(e.d) + " 学完" + (hours ? "，记 " + fmt(hours) + " 学时" : "") + "。记录只保存在这台设备上。";
        button.textContent = "撤销“学完了”";
        box.className = "sp-record sp-record--done";
      } else {
        status.textContent = "读完了吗？点“学完了”，记下日期和学时（只保存在这台设备上）。";
        button.textContent = "学完了";
        box.className = "sp-record";
      }
    }

    button.addEventListener("click", function () {
      var record = load();
      if (record.done[slug]) delete record.done[slug];
      else record.done[slug] = { t: box.getAttribute("data-title") || slug, k: box.getAttribute("data-kind") || "", h: number(box.getAttribute("data-hours")), d: today() };
      save(record);
      show();
    });
    box.hidden = false;
    refreshers.push(show);
    show();
  }

  /* ---- on a curriculum page: progress, hours, the record, export and print ---- */
  /* A cell Excel would run as a formula (=, +, -, @) gets a leading ' so it stays text; studyportal ledger drops it again. */
  function csvText(value) {
    var text = String(value);
    return /^[=+\-@]/.test(text) ? "'" + text : text;
  }

  function csvCell(value) {
    var text = String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function download(text, filename) {
    var blob = new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" });
    if (window.navigator.msSaveOrOpenBlob) {
      window.navigator.msSaveOrOpenBlob(blob, filename);
      return;
    }
    var a = document.createElement("a");
    var url = URL.createObjectURL(blob);
    a.href = url;
    a.download = filename;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    window.setTimeout(function () {
      document.body.removeChild(a);
      URL.revokeObjectURL(url);
    }, 1000);
  }

  function setupProgress(box) {
    var target = number(box.getAttribute("data-target"));
    var hoursLine = box.querySelector("[data-sp-progress-hours]");
    var bar = box.querySelector("progress");
    var modules = box.querySelectorAll("[data-sp-progress-module]");
    var name = box.querySelector("[data-sp-record-name]");
    var branch = box.querySelector("[data-sp-record-branch]");
    var whoLine = box.querySelector("[data-sp-record-who]");
    var table = box.querySelector("[data-sp-record-table]");
    var body = table ? table.querySelector("tbody") : null;
    var total = box.querySelector("[data-sp-record-total]");
    var empty = box.querySelector("[data-sp-record-empty]");
    var message = box.querySelector("[data-sp-record-message]");
    var exportButton = box.querySelector("[data-sp-record-export]");
    var printButton = box.querySelector("[data-sp-record-print]");
    if (!hoursLine || !name || !branch || !body) return;
    var inline = []; // "我已学 n / m" beside each module's figures in the page body
    for (var i = 0; i < modules.length; i++) {
      var heading = document.getElementById(modules[i].getAttribute("data-key") || "");
      var stats = heading ? heading.nextElementSibling : null;
      if (stats && stats.className.indexOf("sp-module-stats") >= 0) inline[i] = stats.appendChild(make("span", "sp-progress__mine"));
    }

    function studiedIn(list, slugs) {
      var n = 0;
      for (var j = 0; j < slugs.length; j++) if (slugs[j] && list[slugs[j]]) n += 1;
      return n;
    }

    function render() {
      var record = load();
      var list = entries(record);
      var year = String(new Date().getFullYear());
      var done = 0;
      var all = 0;
      for (var j = 0; j < list.length; j++) {
        all += list[j].h;
        if (list[j].d.slice(0, 4) === year) done += list[j].h;
      }
      var line = year + " 年已学 " + fmt(done) + " 学时，年度目标 " + fmt(target) + " 学时";
      hoursLine.textContent = line + (done >= target ? "，已达到年度目标。" : "，还差 " + fmt(target - done) + " 学时。");
      if (bar) {
        bar.max = target || 1;
        bar.value = Math.min(done, target || 1);
      }
      for (var k = 0; k < modules.length; k++) {
        var slugs = (modules[k].getAttribute("data-sp-progress-module") || "").split(" ");
        var count = slugs[0] ? slugs.length : 0;
        var n = studiedIn(record.done, slugs);
        var out = modules[k].querySelector("[data-sp-progress-count]");
        if (out) out.textContent = "已学 " + n + " / " + count + " 个材料" + (count && n === count ? " ✔" : "");
        if (inline[k]) inline[k].textContent = " · 我已学 " + n + " / " + count;
      }
      while (body.firstChild) body.removeChild(body.firstChild);
      for (var r = 0; r < list.length; r++) {
        var row = make("tr");
        row.appendChild(make("td", "", list[r].t));
        row.appendChild(make("td", "", list[r].k));
        row.appendChild(make("td", "", list[r].d));
        row.appendChild(make("td", "", fmt(list[r].h)));
        body.appendChild(row);
      }
      if (total) total.textContent = fmt(all);
      table.hidden = list.length === 0;
      if (empty) empty.hidden = list.length > 0;
      if (document.activeElement !== name) name.value = record.who.name || "";
      if (document.activeElement !== branch) branch.value = record.who.branch || "";
      markSteps(record.done);
      return list;
    }

    function keepWho() {
      var record = load();
      record.who = { name: name.value.replace(/^\s+|\s+$/g, ""), branch: branch.value.replace(/^\s+|\s+$/g, "") };
      save(record);
    }
    name.addEventListener("input", keepWho);
    branch.addEventListener("input", keepWho);

    if (exportButton) {
      exportButton.addEventListener("click", function () {
        keepWho();
        var record = load();
        var list = entries(record);
        if (!record.who.name || !record.who.branch) {
          message.textContent = "请先填写姓名和支部：支部书记汇总学习台账时要用。";
          (record.who.name ? branch : name).focus();
          return;
        }
        if (!list.length) {
          message.textContent = "还没有学完的材料，没有可以导出的记录。";
          return;
        }
        var lines = [HEAD.join(",")];
        for (var j = 0; j < list.length; j++) {
          var e = list[j];
          lines.push([csvText(record.who.name), csvText(record.who.branch), csvText(e.t), csvText(e.k), e.d, fmt(e.h), fmt(target)].map(csvCell).join(","));
        }
        var filename = "学习记录-" + record.who.name.replace(/[\\/:*?"<>|\s]+/g, "") + "-" + today() + ".csv";
        download(lines.join("\r\n") + "\r\n", filename);
        message.textContent = "已导出 " + list.length + " 条记录：" + filename + "（在浏览器的“下载”里）。把这个文件发给支部书记。";
      });
    }

    if (printButton) {
      printButton.addEventListener("click", function () {
        keepWho();
        var record = load();
        if (whoLine) {
          whoLine.textContent = "姓名：" + (record.who.name || "＿＿＿＿＿＿") + "　支部：" + (record.who.branch || "＿＿＿＿＿＿＿＿") + "　打印日期：" + cnDate(today());
        }
        render();
        var root = document.documentElement;
        if (root.className.indexOf("sp-print-record") < 0) root.className += " sp-print-record";
        window.print();
      });
      window.addEventListener("afterprint", function () {
        document.documentElement.className = document.documentElement.className.replace(/\s*sp-print-record/g, "");
      });
    }

    box.hidden = false;
    refreshers.push(render);
    render();
  }

  /* A ✔ after each studied material in the curriculum's lists (links to materials/<slug>/). */
  function markSteps(done) {
    var links = document.querySelectorAll(".sp-body .sp-step a");
    for (var i = 0; i < links.length; i++) {
      var m = /materials\/([^\/]+)\/(index\.html)?$/.exec(links[i].getAttribute("href") || "");
      var mark = links[i].parentNode.querySelector(".sp-progress__tick");
      var studied = m && done[decodeURIComponent(m[1])];
      if (studied && !mark) {
        mark = make("span", "sp-progress__tick", "✔ 已学完");
        links[i].parentNode.insertBefore(mark, links[i].nextSibling);
      } else if (!studied && mark) {
        mark.parentNode.removeChild(mark);
      }
    }
  }

  function init() {
    refreshers = [];
    var boxes = document.querySelectorAll("[data-sp-record]");
    for (var i = 0; i < boxes.length; i++) setupMaterial(boxes[i]);
    var panels = document.querySelectorAll("[data-sp-progress]");
    for (var j = 0; j < panels.length; j++) setupProgress(panels[j]);
  }

  init();
  window.addEventListener("storage", function (event) {
    if (event.key === STORE || event.key === null) refreshAll();
  });
})();
