/* "本月" (theme/partials/sp-this-month.html): what a curriculum schedules today (its phase, this month's themed
   activity, this quarter's books). The page lists the whole plan (partials/sp-schedule.html),
   each dated entry with the first and last day it is current (data-sp-from, data-sp-to: ISO dates worked out
   by the planner, plan/schedule.py); this script only compares them with today's date on this device, marks
   the current ones and fills the box [data-sp-now] of each scope [data-sp-now-scope] (the whole page when
   the box has none). Without JavaScript the box stays hidden and the whole plan shows. ES5, for old browsers. */
(function () {
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  var d = new Date();
  var today = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  var todayText = d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日";

  function current(el) { return el.getAttribute("data-sp-from") <= today && today <= el.getAttribute("data-sp-to"); }

  function entries(scope, kind) {
    var all = scope.querySelectorAll("[data-sp-kind=" + kind + "][data-sp-from][data-sp-to]"), out = [];
    for (var i = 0; i < all.length; i++) out.push(all[i]);
    return out;
  }

  function line(at, label, content) {
    var p = document.createElement("div"); /* lines of one box, not paragraphs apart */
    p.className = "sp-now__line";
    var b = document.createElement("strong");
    b.textContent = label;
    p.appendChild(b);
    if (typeof content === "string") p.appendChild(document.createTextNode(content));
    else p.appendChild(content);
    at.appendChild(p);
    return p;
  }

  function phaseText(scope) {
    var phases = entries(scope, "phase"), i;
    for (i = 0; i < phases.length; i++) {
      if (current(phases[i])) return phases[i].getAttribute("data-sp-title") + "（" + phases[i].getAttribute("data-sp-range") + "）";
    }
    if (!phases.length) return "";
    if (today < phases[0].getAttribute("data-sp-from")) return "学习计划还没有开始，第一阶段“" + phases[0].getAttribute("data-sp-title") + "”从" + phases[0].getAttribute("data-sp-range").split(" — ")[0] + "开始";
    var last = phases[phases.length - 1];
    if (today > last.getAttribute("data-sp-to")) return "本学习计划已于" + last.getAttribute("data-sp-range").split(" — ")[1] + "结束";
    return "两个阶段之间，没有安排";
  }

  function fill(box, scope) {
    var phases = entries(scope, "phase"), months = entries(scope, "month"), quarters = entries(scope, "quarter"), i, j;
    for (i = 0; i < phases.length; i++) if (current(phases[i])) phases[i].classList.add("sp-now-current");
    var short = box.hasAttribute("data-sp-now-short");
    var at = box.querySelector("[data-sp-now-body]") || box;
    at.textContent = "";
    if (!short) line(at, "今天是", todayText + "。");
    var phase = phaseText(scope);
    if (phase) line(at, short ? "现在：" : "当前阶段：", phase);
    for (i = 0; i < months.length; i++) {
      if (!current(months[i])) continue;
      months[i].classList.add("sp-now-current");
      line(at, "本月活动：", months[i].getAttribute("data-sp-title"));
    }
    for (i = 0; i < quarters.length; i++) {
      if (!current(quarters[i])) continue;
      quarters[i].classList.add("sp-now-current");
      var books = quarters[i].querySelectorAll("[data-sp-book]");
      if (short) {
        var names = [];
        for (j = 0; j < books.length; j++) names.push(books[j].getAttribute("data-sp-book"));
        if (names.length) line(at, "本季度必读：", names.join("、"));
        continue;
      }
      var list = document.createElement("ul");
      for (j = 0; j < books.length; j++) {
        var item = document.createElement("li");
        item.innerHTML = books[j].innerHTML; /* the page's own escaped markup of that book */
        list.appendChild(item);
      }
      line(at, "本季度书目（" + quarters[i].getAttribute("data-sp-title") + "）：", "");
      at.appendChild(list);
    }
    box.hidden = false;
  }

  var boxes = document.querySelectorAll("[data-sp-now]");
  for (var k = 0; k < boxes.length; k++) {
    var scope = boxes[k].parentNode;
    while (scope && scope.nodeType === 1 && !scope.hasAttribute("data-sp-now-scope")) scope = scope.parentNode;
    fill(boxes[k], scope && scope.nodeType === 1 ? scope : document);
  }
})();
