/*
 * studyportal search box: the search in the header (keyboard, filters, results), around the engine.
 *
 * Tokens, index files and ranking are engine.js (window.__spSearch), the same rules as
 * `studyportal search`; this file is only the page's side. Nothing is loaded until the reader
 * opens the search: then lunr.min.js, engine.js and the index's meta.js (which carries the
 * engine's settings), and for each query only the postings files of its terms and the text files
 * of the results shown. Everything is loaded with <script> tags, so the offline copy works from
 * file:// too. ES5 syntax only: village terminals run old browsers.
 */
(function () {
  "use strict";

  var INDEX = "search/data/"; /* index.py INDEX_DIR, relative to the site root */
  var ASSETS = "assets/studyportal/search/"; /* pages.py ASSET_DIR: engine.js and lunr.min.js */
  var PROMPT = "输入关键词开始搜索，如：党员教育培训";

  /* ---- loading index files and scripts with <script> tags ---- */

  var received = {};
  var pending = {};
  /* Every index file is a call of this: __spSearchLoad("p", 7, {...}) (codec.py). */
  window.__spSearchLoad = function (kind, key, data) {
    received[kind + key] = data;
  };

  /* A Promise of the script's index data (id: its kind and key, "p7"), or of nothing for a program. */
  function loadScript(url, id) {
    if (pending[url]) return pending[url];
    pending[url] = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = url;
      s.async = true;
      s.onload = function () {
        if (!id) return resolve();
        if (id in received) return resolve(received[id]);
        reject(new Error("index file did not load: " + url));
      };
      s.onerror = function () {
        delete pending[url];
        reject(new Error("cannot load " + url));
      };
      document.head.appendChild(s);
    });
    return pending[url];
  }

  /* A function that returns a Promise of the site's engine.SiteIndex, loading lunr, engine and meta.js at once the first time. */
  function opener(base) {
    var opening = null;
    function url(rel) {
      return new URL(rel, base).href;
    }
    return function () {
      if (!opening) {
        opening = Promise.all([
          window.lunr ? null : loadScript(url(ASSETS + "lunr.min.js")),
          window.__spSearch ? null : loadScript(url(ASSETS + "engine.js")),
          loadScript(url(INDEX + "meta.js"), "m0")
        ]).then(function (r) {
          return new window.__spSearch.SiteIndex(r[2], function (path, id) {
            return loadScript(url(INDEX + path), id);
          });
        });
        opening.catch(function () {
          opening = null;
        });
      }
      return opening;
    };
  }

  /* ---- helpers ---- */

  function esc(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function marks(pieces) {
    return pieces
      .map(function (p) {
        return p[1] ? "<mark>" + esc(p[0]) + "</mark>" : esc(p[0]);
      })
      .join("");
  }

  /* localStorage, scoped to the site like Material's __md_get/__md_set. */
  function store(base, key, value) {
    var name = new URL(base).pathname + "studyportal." + key;
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem(name));
      localStorage.setItem(name, JSON.stringify(value));
    } catch (e) {
      return null;
    }
  }

  /* The reader's own audience: the last curriculum they opened. */
  function rememberReader(base) {
    var here = location.href.split("#")[0].split("?")[0];
    if (here.indexOf(base) !== 0) return;
    var m = /^curricula\/([a-z-]+)\//.exec(here.slice(base.length));
    if (m) store(base, "reader", m[1]);
  }

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function resultHtml(h, base) {
    var facts = '<span class="sp-kind sp-kind--' + esc(h.kind) + '">' + esc(h.kindName) + "</span>";
    h.audiences.forEach(function (a) {
      facts += ' <span class="sp-badge sp-badge--' + esc(a.code) + '">' + esc(a.name) + "</span>";
    });
    if (h.required) facts += ' <span class="sp-req">必学</span>';
    return (
      '<li class="md-search-result__item"><a href="' + esc(new URL(h.url, base).href) + '" class="md-search-result__link" tabindex="-1" data-sp-result>' +
      '<article class="md-search-result__article md-typeset" data-sp-tier="' + h.tier + '">' +
      '<div class="md-search-result__icon md-icon"></div>' +
      "<h1>" + marks(h.titleMarks) + "</h1>" +
      '<p class="sp-search-facts">' + facts + "</p>" +
      '<p class="sp-search-snippet">' + marks(h.snippet) + "</p>" +
      "</article></a></li>"
    );
  }

  /* ---- the box ---- */

  function Box(root) {
    this.base = new URL((root.getAttribute("data-sp-base") || ".").replace(/\/?$/, "/"), location.href).href;
    this.open = opener(this.base);
    this.site = null;
    this.toggle = document.getElementById("__search");
    this.root = root;
    this.input = root.querySelector("[data-sp-search-query]");
    this.form = root.querySelector("form");
    this.box = root.querySelector("[data-sp-search-result]");
    this.status = root.querySelector("[data-sp-search-meta]");
    this.list = root.querySelector("[data-sp-search-list]");
    this.more = root.querySelector("[data-sp-search-more]");
    this.audienceSel = root.querySelector('[data-sp-filter="audience"]');
    this.kindSel = root.querySelector('[data-sp-filter="kind"]');
    this.shown = 0; /* results asked for; 0: one page */
    this.renders = 0;
    this.seq = 0;
    this.timer = 0;
    this.composing = false;
  }

  Box.prototype.setOpen = function (open) {
    if (this.toggle && this.toggle.checked !== open) this.toggle.checked = open;
  };

  Box.prototype.page = function () {
    return this.site.meta.rules.page;
  };

  Box.prototype.fillFilters = function () {
    var m = this.site.meta;
    var self = this;
    if (this.audienceSel.options.length > 1) return;
    m.audiences.forEach(function (a, i) {
      self.audienceSel.add(new Option(m.audienceNames[i], a));
    });
    m.kinds.forEach(function (k, i) {
      self.kindSel.add(new Option(m.kindNames[i], k));
    });
  };

  /* Loads the engine and the index (once); a Promise of whether search can run. */
  Box.prototype.prepare = function () {
    var self = this;
    if (!this.site) this.status.textContent = "正在加载搜索索引…";
    return this.open().then(
      function (site) {
        self.site = site;
        self.fillFilters();
        if (!self.input.value.trim()) self.status.textContent = PROMPT;
        return true;
      },
      function () {
        self.status.textContent = "搜索索引加载失败，请检查网站文件是否完整。";
        return false;
      }
    );
  };

  Box.prototype.render = function (result, query) {
    var base = this.base;
    this.box.setAttribute("data-sp-query", query);
    this.box.setAttribute("data-sp-renders", String(++this.renders));
    if (!query) {
      this.list.innerHTML = "";
      this.more.hidden = true;
      this.status.textContent = PROMPT;
      return;
    }
    this.status.textContent = result.total ? "找到 " + result.total + " 个结果" : "没有找到与“" + query + "”相关的内容";
    this.list.innerHTML = result.hits
      .map(function (h) {
        return resultHtml(h, base);
      })
      .join("");
    this.more.hidden = result.total <= result.hits.length;
  };

  Box.prototype.run = function () {
    var self = this;
    var query = this.input.value.trim();
    var mine = ++this.seq;
    if (!query) return this.render(null, "");
    this.prepare()
      .then(function (ready) {
        if (!ready) return null;
        return window.__spSearch.search(self.site, query, {
          audience: self.audienceSel.value || null,
          kind: self.kindSel.value || null,
          reader: store(self.base, "reader"),
          limit: self.shown || self.page()
        });
      })
      .then(function (result) {
        if (result && mine === self.seq) self.render(result, query);
      })
      .catch(function (e) {
        if (mine === self.seq) self.status.textContent = "搜索出错：" + e.message;
      });
  };

  Box.prototype.schedule = function () {
    var self = this;
    this.shown = 0;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.run();
    }, 40);
  };

  Box.prototype.results = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll("[data-sp-result]"));
  };

  Box.prototype.move = function (step) {
    var all = this.results();
    if (!all.length) return;
    var i = all.indexOf(document.activeElement);
    var next = i < 0 ? (step > 0 ? 0 : all.length - 1) : i + step;
    if (next < 0 || next >= all.length) return this.input.focus();
    all[next].focus();
  };

  Box.prototype.onKey = function (ev) {
    if (ev.key === "Escape") {
      ev.preventDefault();
      this.setOpen(false);
      this.input.blur();
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (ev.target === this.audienceSel || ev.target === this.kindSel) return;
      ev.preventDefault();
      this.move(ev.key === "ArrowDown" ? 1 : -1);
    } else if (ev.key === "Enter" && ev.target === this.input) {
      ev.preventDefault();
      var first = this.results()[0];
      if (first) first.click();
    }
  };

  /* "/", "s" or "f" anywhere on the page (not while typing) opens the search. */
  Box.prototype.onPageKey = function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) return;
    if (ev.key === "/" || ev.key === "s" || ev.key === "S" || ev.key === "f" || ev.key === "F") {
      ev.preventDefault();
      this.setOpen(true);
      this.input.focus();
      this.input.select();
    }
  };

  Box.prototype.bind = function () {
    var self = this;
    var input = this.input;
    function on(el, type, method) {
      el.addEventListener(type, function (ev) {
        method.call(self, ev);
      });
    }
    on(input, "focus", function () {
      this.setOpen(true);
      this.prepare();
    });
    on(input, "compositionstart", function () {
      this.composing = true;
    });
    on(input, "compositionend", function () {
      this.composing = false;
      this.schedule();
    });
    on(input, "input", function (ev) {
      if (!this.composing && !ev.isComposing) this.schedule();
    });
    on(this.form, "submit", function (ev) {
      ev.preventDefault();
    });
    on(this.form, "reset", function () {
      setTimeout(function () {
        self.run();
        input.focus();
      });
    });
    on(this.audienceSel, "change", this.schedule);
    on(this.kindSel, "change", this.schedule);
    on(this.more, "click", function () {
      this.shown = (this.shown || this.page()) + this.page();
      this.run();
    });
    if (this.toggle) {
      on(this.toggle, "change", function () {
        if (this.toggle.checked) input.focus();
        else input.blur();
      });
    }
    on(this.root, "keydown", this.onKey);
    on(document, "keydown", this.onPageKey);
  };

  function mount(root) {
    if (root.getAttribute("data-sp-mounted")) return;
    root.setAttribute("data-sp-mounted", "1");
    var box = new Box(root);
    root.hidden = false;
    Array.prototype.forEach.call(document.querySelectorAll("[data-sp-search-toggle]"), function (el) {
      el.hidden = false;
    });
    rememberReader(box.base);
    box.bind();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sp-search]"), mount);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
})();
