/*
 * studyportal 适老化 bar (theme/partials/studyportal-reach.html): 大字, 高对比, 大鼠标 and 朗读, and the
 * keyboard help Material's header lacks (menu and search buttons that Tab reaches, Esc closes).
 *
 * A reader's choices are kept in localStorage under Material's scope (boot.js: __md_get/__md_set),
 * so each copy of the site, an offline one from file:// too, remembers its own. boot.js sets the
 * classes in <head> before the first paint; this file, loaded with defer, only changes them.
 * 朗读 uses the browser's own speech synthesis with a Chinese voice of the device (offline too).
 * ES5 syntax only: village terminals run old browsers.
 */
(function () {
  "use strict";

  var KEY = "sp-reach"; /* boot.js reads the same key */
  var MODES = { big: "sp-big", contrast: "sp-contrast", cursor: "sp-cursor" };
  var BLOCKS = "h1,h2,h3,h4,h5,h6,p,li,dt,dd,th,td,blockquote,pre,figcaption";
  var html = document.documentElement;
  var each = function (list, fn) {
    Array.prototype.forEach.call(list, fn);
  };

  /* ---- the reader's choices ---- */

  function load() {
    try {
      return (window.__md_get && window.__md_get(KEY)) || {};
    } catch (e) {
      return {};
    }
  }

  function save(prefs) {
    if (window.__md_set) window.__md_set(KEY, prefs);
  }

  function apply(prefs) {
    Object.keys(MODES).forEach(function (name) {
      if (prefs[name]) html.classList.add(MODES[name]);
      else html.classList.remove(MODES[name]);
    });
    each(document.querySelectorAll("[data-sp-reach]"), function (b) {
      var name = b.getAttribute("data-sp-reach");
      if (MODES[name]) b.setAttribute("aria-pressed", prefs[name] ? "true" : "false");
    });
  }

  function toggle(name) {
    var prefs = load();
    if (prefs[name]) delete prefs[name];
    else prefs[name] = 1;
    save(prefs);
    apply(prefs);
  }

  /* ---- 朗读: the page's text, paragraph by paragraph, the one being read marked ---- */

  function chineseVoice(synth) {
    var best = null;
    var rank = -1;
    synth.getVoices().forEach(function (v) {
      if (!/^(zh|cmn)([-_]|$)/i.test(v.lang || "")) return;
      /* a voice of the device works offline; mainland Mandarin first */
      var r = (v.localService ? 2 : 0) + (/CN|Hans/i.test(v.lang) ? 1 : 0);
      if (r > rank) {
        best = v;
        rank = r;
      }
    });
    return best;
  }

  /* The text of a block without the text of blocks inside it (they are read on their own). */
  function ownText(el) {
    var copy = el.cloneNode(true);
    each(copy.querySelectorAll(BLOCKS + ",.headerlink,[aria-hidden=true]"), function (inner) {
      inner.parentNode.removeChild(inner);
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  /* Pieces short enough for every speech engine (some stop after about 15 seconds), cut after sentences. */
  function pieces(text) {
    var out = [];
    var now = "";
    (text.match(/[^。！？；!?;]+[。！？；!?;]*/g) || [text]).forEach(function (s) {
      if (now && now.length + s.length > 120) {
        out.push(now);
        now = "";
      }
      now += s;
    });
    if (now) out.push(now);
    return out;
  }

  function Reader(synth, ui) {
    this.synth = synth;
    this.ui = ui;
    this.voice = null;
    this.run = null;
    this.current = null;
  }

  Reader.prototype.text = function () {
    var main = document.querySelector("main article") || document.querySelector("article") || document.body;
    var out = [];
    each(main.querySelectorAll(BLOCKS), function (el) {
      if (el.closest("nav, [hidden], .sp-places") || !el.getClientRects().length) return;
      var text = ownText(el);
      if (text) out.push({ el: el, parts: pieces(text) });
    });
    return out;
  };

  Reader.prototype.mark = function (el) {
    if (this.current) this.current.classList.remove("sp-reading");
    this.current = el;
    if (!el) return;
    el.classList.add("sp-reading");
    var r = el.getBoundingClientRect();
    if (r.top < 0 || r.bottom > (window.innerHeight || html.clientHeight)) el.scrollIntoView({ block: "center" });
  };

  Reader.prototype.start = function () {
    var self = this;
    var run = { blocks: this.text(), block: 0, part: 0 };
    this.synth.cancel();
    this.run = run;
    this.ui.reading(true);
    function next() {
      if (self.run !== run) return;
      var b = run.blocks[run.block];
      if (!b) return self.stop();
      if (run.part >= b.parts.length) {
        run.block++;
        run.part = 0;
        return next();
      }
      self.mark(b.el);
      var u = new window.SpeechSynthesisUtterance(b.parts[run.part++]);
      u.lang = (self.voice && self.voice.lang) || "zh-CN";
      if (self.voice) u.voice = self.voice;
      u.onend = next;
      u.onerror = function (ev) {
        if (ev.error !== "interrupted" && ev.error !== "canceled") next();
      };
      self.synth.speak(u);
    }
    next();
  };

  Reader.prototype.pause = function () {
    if (!this.run) return;
    this.run.paused = !this.run.paused;
    if (this.run.paused) this.synth.pause();
    else this.synth.resume();
    this.ui.paused(this.run.paused);
  };

  Reader.prototype.stop = function () {
    var was = this.run;
    this.run = null;
    if (was) this.synth.cancel();
    this.mark(null);
    this.ui.reading(false);
  };

  function setUpReading(bar) {
    var read = bar.querySelector('[data-sp-reach="read"]');
    var pause = bar.querySelector("[data-sp-reach-pause]");
    var stop = bar.querySelector("[data-sp-reach-stop]");
    var note = bar.querySelector("[data-sp-reach-note]");
    var synth = window.speechSynthesis;
    if (!read) return;
    function none() {
      read.hidden = true;
      if (note) note.hidden = false;
    }
    if (!synth || !window.SpeechSynthesisUtterance) return none();
    var reader = new Reader(synth, {
      reading: function (on) {
        read.setAttribute("aria-pressed", on ? "true" : "false");
        pause.hidden = stop.hidden = !on;
        this.paused(false);
      },
      paused: function (on) {
        pause.textContent = on ? "继续" : "暂停";
        pause.setAttribute("aria-pressed", on ? "true" : "false");
      }
    });
    function found() {
      reader.voice = chineseVoice(synth);
      if (reader.voice) {
        read.hidden = false;
        if (note) note.hidden = true;
      }
      return !!reader.voice;
    }
    if (!found()) {
      synth.addEventListener("voiceschanged", found);
      /* voices come late on some browsers and never on others */
      setTimeout(function () {
        if (!found()) none();
      }, 2000);
    }
    read.addEventListener("click", function () {
      if (reader.run) reader.stop();
      else reader.start();
    });
    pause.addEventListener("click", function () {
      reader.pause();
    });
    stop.addEventListener("click", function () {
      reader.stop();
      read.focus();
    });
    window.addEventListener("pagehide", function () {
      reader.stop();
    });
  }

  /* ---- keyboard: the header's label buttons (menu, search) and the drawer ---- */

  function setUpButtons() {
    each(document.querySelectorAll("label[role=button][for]"), function (label) {
      var box = document.getElementById(label.getAttribute("for"));
      if (!box) return;
      var drawer = label.hasAttribute("data-sp-drawer") ? document.querySelector(label.getAttribute("data-sp-drawer")) : null;
      var byKey = false;
      function sync() {
        label.setAttribute("aria-expanded", box.checked ? "true" : "false");
        if (!drawer) return;
        if (box.checked && byKey) {
          var first = drawer.querySelector("a[href], [tabindex='0']");
          if (first) first.focus();
        } else if (!box.checked && drawer.contains(document.activeElement)) {
          label.focus();
        }
        byKey = false;
      }
      label.addEventListener("keydown", function (ev) {
        if (ev.key !== "Enter" && ev.key !== " " && ev.key !== "Spacebar") return;
        ev.preventDefault();
        byKey = true;
        label.click();
      });
      box.addEventListener("change", sync);
      sync();
      if (drawer) {
        document.addEventListener("keydown", function (ev) {
          if ((ev.key === "Escape" || ev.key === "Esc") && box.checked) {
            box.checked = false;
            box.dispatchEvent(new Event("change"));
            if (drawer.contains(document.activeElement) || document.activeElement === document.body) label.focus();
          }
        });
      }
    });
  }

  function init() {
    apply(load());
    each(document.querySelectorAll("[data-sp-reach-bar]"), function (bar) {
      if (bar.getAttribute("data-sp-mounted")) return;
      bar.setAttribute("data-sp-mounted", "1");
      each(bar.querySelectorAll("[data-sp-reach]"), function (b) {
        var name = b.getAttribute("data-sp-reach");
        if (MODES[name]) {
          b.addEventListener("click", function () {
            toggle(name);
          });
        }
      });
      setUpReading(bar);
    });
    setUpButtons();
  }

  /* back to a page kept in memory: the choices may have changed on another page meanwhile */
  window.addEventListener("pageshow", function () {
    apply(load());
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
