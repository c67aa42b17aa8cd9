/* The self-test under material and module pages (plan/selftest.py writes the questions as plain HTML).
 * Each question becomes radio buttons (单选、判断) or check boxes (多选) and a submit button; the answer is
 * checked here, the explanation shown after answering, and every answer kept in localStorage on this
 * device (nothing is sent anywhere; file:// pages keep it too). Page text is only ever moved or read as
 * text, never parsed as HTML. ES5, for old browsers on village terminals. */
(function () {
  "use strict";
  var STORE = "studyportal.selftest.v1";
  var LETTERS = "ABCDEFGH";
  var memory = {};

  function load() {
    try {
      var records = JSON.parse(window.localStorage.getItem(STORE) || "{}");
      return records && typeof records === "object" ? records : {};
    } catch (e) {
      return memory;
    }
  }

  function save(records) {
    memory = records;
    try {
      window.localStorage.setItem(STORE, JSON.stringify(records));
    } catch (e) { /* private mode or full: this visit still counts */ }
  }

  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function classValue(el, prefix) {
    var names = el.className.split(/\s+/);
    for (var i = 0; i < names.length; i++) {
      if (names[i].indexOf(prefix) === 0) return names[i].slice(prefix.length);
    }
    return "";
  }

  function setupQuestion(li, quiz) {
    var key = li.id.replace(/^sp-q-/, "");
    var type = li.className.indexOf("sp-quiz-multiple") >= 0 ? "multiple" : li.className.indexOf("sp-quiz-judge") >= 0 ? "judge" : "single";
    var answer = classValue(li, "sp-quiz-ans-").toUpperCase();
    var stem = li.querySelector(".sp-quiz-stem");
    var list = li.querySelector(".sp-quiz-opts");
    var reveal = li.querySelector(".sp-quiz-reveal");
    var shown = li.querySelector(".sp-quiz-answer");
    if (!key || !answer || !stem || !list) return null;

    var field = make("fieldset", "sp-quiz-field");
    var legend = make("legend", "sp-quiz-stem");
    while (stem.firstChild) legend.appendChild(stem.firstChild);
    legend.id = stem.id;
    stem.parentNode.replaceChild(field, stem);
    field.appendChild(legend);
    field.appendChild(list);
    var inputs = [];
    var labels = [];
    var marks = []; // words beside an option after answering: colour is not the only sign
    var options = list.children;
    for (var i = 0; i < options.length && i < LETTERS.length; i++) {
      var option = options[i];
      var letter = LETTERS.charAt(i);
      var input = make("input");
      input.type = type === "multiple" ? "checkbox" : "radio";
      input.name = "sp-q-" + key;
      input.value = letter;
      input.id = li.id + "-" + letter;
      var label = make("label", "sp-quiz-option");
      label.htmlFor = input.id;
      var text = make("span", "sp-quiz-option-text");
      while (option.firstChild) text.appendChild(option.firstChild);
      label.appendChild(input);
      if (type !== "judge") label.appendChild(make("span", "sp-quiz-letter", letter + "．"));
      label.appendChild(text);
      option.appendChild(label);
      inputs.push(input);
      labels.push(label);
      marks.push(text.appendChild(make("span", "sp-quiz-mark")));
    }
    var actions = make("p", "sp-quiz-actions");
    var button = make("button", "md-button sp-quiz-submit", "提交答案");
    button.type = "button";
    var feedback = make("p", "sp-quiz-feedback");
    feedback.setAttribute("role", "status");
    actions.appendChild(button);
    field.appendChild(actions);
    field.appendChild(feedback);
    if (reveal) reveal.hidden = true;
    var correctText = shown ? shown.textContent.replace(/^答案：/, "") : answer;

    function show(record) {
      for (var i = 0; i < inputs.length; i++) {
        var letter = inputs[i].value;
        inputs[i].checked = record.a.indexOf(letter) >= 0;
        inputs[i].disabled = true;
        var right = answer.indexOf(letter) >= 0;
        labels[i].className = "sp-quiz-option" + (right ? " sp-quiz-right" : inputs[i].checked ? " sp-quiz-wrong" : "");
        marks[i].textContent = right ? "（正确答案）" : inputs[i].checked ? "（你的选择）" : "";
      }
      li.className = li.className.replace(/ sp-quiz-(done|ok|bad)/g, "") + " sp-quiz-done " + (record.ok ? "sp-quiz-ok" : "sp-quiz-bad");
      feedback.textContent = record.ok ? "✔ 回答正确！" : "✘ 回答错误。正确答案：" + correctText;
      if (reveal) {
        reveal.hidden = false;
        reveal.open = true;
      }
      button.textContent = "再做一次";
    }

    function clear() {
      for (var i = 0; i < inputs.length; i++) {
        inputs[i].checked = false;
        inputs[i].disabled = false;
        labels[i].className = "sp-quiz-option";
        marks[i].textContent = "";
      }
      li.className = li.className.replace(/ sp-quiz-(done|ok|bad)/g, "");
      feedback.textContent = "";
      if (reveal) {
        reveal.open = false;
        reveal.hidden = true;
      }
      button.textContent = "提交答案";
    }

    button.addEventListener("click", function () {
      var records = load();
      if (records[key]) {
        delete records[key];
        save(records);
        clear();
        if (inputs[0]) inputs[0].focus();
        quiz.update();
        return;
      }
      var chosen = "";
      for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) chosen += inputs[i].value;
      if (!chosen) {
        feedback.textContent = type === "multiple" ? "请先选择答案（可以选几项）。" : "请先选择一个答案。";
        return;
      }
      records[key] = { a: chosen, ok: chosen === answer };
      save(records);
      show(records[key]);
      quiz.update();
    });

    return {
      key: key,
      restore: function (records) {
        if (records[key] && typeof records[key].a === "string") show(records[key]);
        else clear();
      }
    };
  }

  function setupQuiz(box) {
    box.className += " sp-quiz--ready";
    var intro = box.querySelector(".sp-quiz-intro");
    if (intro) intro.textContent = "选好答案后点“提交答案”，马上能看到对错和解析。答题记录只保存在这台设备的浏览器里。";
    var score = make("p", "sp-quiz-score");
    score.setAttribute("aria-live", "polite");
    var reset = make("button", "md-button sp-quiz-reset", "全部重做");
    reset.type = "button";
    var bar = make("div", "sp-quiz-bar");
    bar.appendChild(score);
    bar.appendChild(reset);
    if (intro && intro.nextSibling) box.insertBefore(bar, intro.nextSibling);
    else box.insertBefore(bar, box.firstChild);
    var questions = [];
    var quiz = {
      update: function () {
        var records = load();
        var answered = 0;
        var right = 0;
        for (var i = 0; i < questions.length; i++) {
          var record = records[questions[i].key];
          if (record) {
            answered += 1;
            if (record.ok) right += 1;
          }
        }
        var text = "本页 " + questions.length + " 题：已答 " + answered + " 题，答对 " + right + " 题";
        if (answered === questions.length) text = "本页 " + questions.length + " 题全部答完：答对 " + right + " 题，得分 " + Math.round((100 * right) / questions.length) + "（满分 100）";
        score.textContent = text + "。";
        reset.hidden = answered === 0;
      }
    };
    var items = box.querySelectorAll(".sp-quiz-q");
    for (var i = 0; i < items.length; i++) {
      var q = setupQuestion(items[i], quiz);
      if (q) questions.push(q);
    }
    reset.addEventListener("click", function () {
      var records = load();
      for (var i = 0; i < questions.length; i++) delete records[questions[i].key];
      save(records);
      for (var j = 0; j < questions.length; j++) questions[j].restore(records);
      quiz.update();
      score.focus();
    });
    score.tabIndex = -1;
    var records = load();
    for (var k = 0; k < questions.length; k++) questions[k].restore(records);
    quiz.update();
  }

  function init() {
    var boxes = document.querySelectorAll(".sp-quiz");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].className.indexOf("sp-quiz--ready") < 0) setupQuiz(boxes[i]);
    }
  }

  init();
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
})();
