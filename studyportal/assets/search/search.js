/*
 * studyportal search box: the search in the header (keyboard, filters, results), around the engine.
 *
 * Tokens, index files and ranking are engine.js (window.__spSearch), the same rules as
 * `studyportal search`; this file is only the page's side. Nothing is loaded until the reader
 * opens the search: then lunr.min.js, engine.js and the index's meta.js (which carries the
 * engine's settings), and for each query only the postings files of its terms and the text files
 * of the results shown. Everything is loaded with <script> tags, so the offline copy works from
 * file:// too. ES5 syntax only: village terminals run old browsers. The theme's names (the id of
 * the checkbox that opens the search, the classes of a result, its page-change stream) come from
 * data-sp-* attributes of theme/partials/studyportal-search.html, not from this file.
 */
(function () {
  "use strict";

  var INDEX = "search/data/"; /* index.py INDEX_DIR, relative to the site root */
  var ASSETS = "assets/studyportal/search/"; /* pages.py ASSET_DIR: engine.js and lunr.min.js */
  var PROMPT = "输入关键词开始搜索，如：党员教育培训";
  var SCRIPT = document.currentScript;

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

  /* One result: an option of the results' listbox (the query box is its combobox), id'd for aria-activedescendant. */
  function resultHtml(h, base, cls, id) {
    var facts = '<span class="sp-kind sp-kind--' + esc(h.kind) + '">' + esc(h.kindName) + "</span>";
    h.audiences.forEach(function (a) {
      facts += ' <span class="sp-badge sp-badge--' + esc(a.code) + '">' + esc(a.name) + "</span>";
    });
    if (h.required) facts += ' <span class="sp-req">必学</span>';
    return (
      '<li class="' + cls.item + '" role="none"><a href="' + esc(new URL(h.url, base).href) + '" class="' + cls.link + '" tabindex="-1" data-sp-result' +
      ' role="option" aria-selected="false" id="' + id + '">' +
      '<article class="' + cls.article + '" data-sp-tier="' + h.tier + '">' +
      '<div class="' + cls.icon + '"></div>' +
      "<h1>" + marks(h.titleMarks) + "</h1>" +
      '<p class="sp-search-facts">' + facts + "</p>" +
      '<p class="sp-search-snippet">' + marks(h.snippet) + "</p>" +
      "</article></a></li>"
    );
  }

  /* What a reader can do when index files do not load: copy the offline edition again, or reload. */
  function failed(error) {
    if (window.console) console.error(error);
    return location.protocol === "file:"
      ? "搜索文件不完整，请重新复制完整的离线版（整个文件夹）后再试。"
      : "搜索文件没有加载成功，请检查网络后刷新页面再试。";
  }

  /* ---- the box ---- */

  function Box(root) {
    this.base = new URL((root.getAttribute("data-sp-base") || ".").replace(/\/?$/, "/"), location.href).href;
    this.open = opener(this.base);
    this.site = null;
    this.toggle = document.getElementById(root.getAttribute("data-sp-toggle") || "");
    this.root = root;
    this.input = root.querySelector("[data-sp-search-query]");
    this.form = root.querySelector("form");
    this.box = root.querySelector("[data-sp-search-result]");
    this.status = root.querySelector("[data-sp-search-meta]");
    this.list = root.querySelector("[data-sp-search-list]");
    this.classes = {};
    var self = this;
    ["item", "link", "article", "icon"].forEach(function (part) {
      self.classes[part] = esc(self.list.getAttribute("data-sp-" + part + "-class") || "");
    });
    this.more = root.querySelector("[data-sp-search-more]");
    this.audienceSel = root.querySelector('[data-sp-filter="audience"]');
    this.kindSel = root.querySelector('[data-sp-filter="kind"]');
    this.shown = 0; /* results asked for; 0: one page */
    this.renders = 0;
    this.seq = 0;
    this.timer = 0;
    this.composing = false;
    this.active = -1; /* the result chosen with the arrow keys */
    this.quiet = false; /* focus given back by Esc: do not open again */
  }

  Box.prototype.setOpen = function (open) {
    if (this.toggle && this.toggle.checked !== open) this.toggle.checked = open;
    this.input.setAttribute("aria-expanded", open && this.results().length ? "true" : "false");
  };

  /* Esc: closed, and the focus back on the box (on phones, where the box closes away, on the header's search button). */
  Box.prototype.close = function () {
    var button = document.querySelector("[data-sp-search-toggle]");
    this.setOpen(false);
    this.choose(-1);
    this.quiet = true;
    (button && button.getClientRects().length ? button : this.input).focus();
    this.quiet = false;
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
      function (error) {
        self.status.textContent = failed(error);
        return false;
      }
    );
  };

  Box.prototype.render = function (result, query) {
    var base = this.base;
    var classes = this.classes;
    this.box.setAttribute("data-sp-query", query);
    this.box.setAttribute("data-sp-renders", String(++this.renders));
    if (!query) {
      this.list.innerHTML = "";
      this.list.hidden = this.more.hidden = true;
      this.status.textContent = PROMPT;
      this.choose(-1);
      this.input.setAttribute("aria-expanded", "false");
      return;
    }
    /* tier 0 and 1: the whole query is in the page; the engine ranks them first (engine.js verify) */
    var loose = result.hits.length && result.hits[0].tier >= 2;
    this.status.textContent = !result.total
      ? "没有找到与“" + query + "”相关的内容"
      : loose
        ? "没有页面包含完整的“" + query + "”，下面 " + result.total + " 个结果只包含其中的部分字词"
        : "找到 " + result.total + " 个结果";
    this.list.innerHTML = result.hits
      .map(function (h, i) {
        return resultHtml(h, base, classes, "__sp_result_" + i);
      })
      .join("");
    this.list.hidden = !result.hits.length;
    this.more.hidden = result.total <= result.hits.length;
    this.choose(-1);
    this.setOpen(!this.toggle || this.toggle.checked);
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
        if (mine === self.seq) self.status.textContent = failed(e);
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

  /* The focus stays in the box; the chosen result is marked (aria-selected) and named by aria-activedescendant. */
  Box.prototype.choose = function (i) {
    var all = this.results();
    this.active = i >= 0 && i < all.length ? i : -1;
    for (var k = 0; k < all.length; k++) all[k].setAttribute("aria-selected", k === this.active ? "true" : "false");
    if (this.active < 0) return this.input.removeAttribute("aria-activedescendant");
    this.input.setAttribute("aria-activedescendant", all[this.active].id);
    if (all[this.active].scrollIntoView) all[this.active].scrollIntoView({ block: "nearest" });
  };

  Box.prototype.move = function (step) {
    var n = this.results().length;
    if (!n) return;
    if (document.activeElement !== this.input) this.input.focus();
    this.choose(this.active < 0 ? (step > 0 ? 0 : n - 1) : this.active + step);
  };

  Box.prototype.onKey = function (ev) {
    if (ev.key === "Escape" || ev.key === "Esc") {
      ev.preventDefault();
      this.close();
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (ev.target === this.audienceSel || ev.target === this.kindSel) return;
      ev.preventDefault();
      this.move(ev.key === "ArrowDown" ? 1 : -1);
    } else if (ev.key === "Enter" && ev.target === this.input) {
      ev.preventDefault();
      var chosen = this.results()[this.active < 0 ? 0 : this.active];
      if (chosen) chosen.click();
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
      if (this.quiet) return;
      this.setOpen(true);
      this.prepare();
    });
    /* Tab out of the search: it closes, so that nothing in it stays open under the page */
    on(this.root, "focusout", function (ev) {
      if (ev.relatedTarget && !this.root.contains(ev.relatedTarget)) {
        this.setOpen(false);
        this.choose(-1);
      }
    });
    on(input, "compositionstart", function () {
      this.composing = true;
    });
    on(input, "compositionend", function () {
      this.composing = false;
      this.schedule();
    });
    on(input, "input", function (ev) {
      this.setOpen(true);
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

  /* The search panel's stylesheets are not in the page's head, so they never delay its first paint: loaded
     here, once, and the box is shown when they have arrived (or failed). Each keeps its place in the cascade:
     data-sp-styles-theme right after the theme's stylesheet (link[data-sp-theme-css]), data-sp-styles last. */
  function hrefs(name) {
    return ((SCRIPT && SCRIPT.getAttribute(name)) || "").split(" ").filter(Boolean).map(function (href) {
      return new URL(href, document.baseURI).href;
    });
  }
  var STYLES = [[hrefs("data-sp-styles-theme"), document.querySelector("link[data-sp-theme-css]")], [hrefs("data-sp-styles"), null]];
  var styled = null;
  function loadStyles() {
    if (!styled) {
      var loading = [];
      STYLES.forEach(function (group) {
        var after = group[1];
        group[0].forEach(function (href) {
          var link = document.createElement("link");
          link.rel = "stylesheet";
          link.href = href;
          loading.push(new Promise(function (done) {
            link.addEventListener("load", done);
            link.addEventListener("error", done);
          }));
          if (after && after.parentNode) {
            after.parentNode.insertBefore(link, after.nextSibling);
            after = link;
          } else {
            document.head.appendChild(link);
          }
        });
      });
      styled = Promise.all(loading);
    }
    return styled;
  }

  function mount(root) {
    if (root.getAttribute("data-sp-mounted")) return;
    root.setAttribute("data-sp-mounted", "1");
    var box = new Box(root);
    rememberReader(box.base);
    box.bind();
    loadStyles().then(function () {
      root.hidden = false;
      Array.prototype.forEach.call(document.querySelectorAll("[data-sp-search-toggle]"), function (el) {
        el.hidden = false;
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sp-search]"), mount);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  /* The theme's stream of page changes without a reload (instant navigation), when it has one. */
  var pages = SCRIPT && window[SCRIPT.getAttribute("data-sp-page-stream") || ""];
  if (pages && typeof pages.subscribe === "function") pages.subscribe(init);
})();
