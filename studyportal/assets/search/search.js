/*
 * studyportal search: the search box in the header, querying the index built at build time.
 *
 * The browser's copy of studyportal/search/tokens.py, codec.py and query.py: the same token
 * scheme (character bigrams of Chinese runs, whole Latin/digit words), the same posting format,
 * lunr.js query parsing and scoring, and the same ranking rules. Keep them in step; the tests run
 * the same queries through both.
 *
 * Nothing is loaded until the reader opens the search: then lunr.min.js and search/meta.js, and
 * for each query only the postings files of its terms and the text files of the results shown.
 * Everything is loaded with <script> tags, so the offline copy works from file:// too.
 */
(function () {
  "use strict";

  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var RUN = new RegExp("[" + HAN + "]+|[0-9a-z]+", "g");
  var IS_HAN = new RegExp("^[" + HAN + "]");
  var EDGES = new RegExp("^[^" + HAN + "0-9a-z]+|[^" + HAN + "0-9a-z]+$", "g");
  var FOLDABLE = /[A-Z\uff01-\uff5e\u3000]/g;
  var MAX_WORD = 40;
  var MAX_QUERY = 100;
  var INDEX = "search/data/"; /* index.py INDEX_DIR, relative to the site root */
  var PAGE = 10;
  var SNIPPET = 110;
  var LEAD = 24;
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = {};
  for (var a = 0; a < ALPHABET.length; a++) DIGIT[ALPHABET.charAt(a)] = a;

  /* ---- tokens (tokens.py) ---- */

  function fold(text) {
    return text.replace(FOLDABLE, function (c) {
      var code = c.charCodeAt(0);
      if (code === 0x3000) return " ";
      if (code <= 0x5a) return String.fromCharCode(code + 32);
      code -= 0xfee0;
      return String.fromCharCode(code >= 0x41 && code <= 0x5a ? code + 32 : code);
    });
  }

  var SPACE_AFTER_HAN = new RegExp("([" + HAN + "])\\s+", "g");
  var SPACE_BEFORE_HAN = new RegExp("\\s+(?=[" + HAN + "])", "g");

  function squeeze(folded) {
    return folded.replace(SPACE_AFTER_HAN, "$1").replace(SPACE_BEFORE_HAN, "");
  }

  function runs(folded) {
    return folded.match(RUN) || [];
  }

  function docTerms(text) {
    var out = [];
    runs(fold(text)).forEach(function (run) {
      if (IS_HAN.test(run)) {
        for (var i = 0; i < run.length; i++) out.push(run.charAt(i));
        for (var j = 0; j + 1 < run.length; j++) out.push(run.substr(j, 2));
      } else if (run.length <= MAX_WORD) {
        out.push(run);
      }
    });
    return out;
  }

  function queryTerms(text) {
    var out = [];
    runs(fold(text)).forEach(function (run) {
      var grams = [];
      if (IS_HAN.test(run)) {
        if (run.length === 1) grams.push(run);
        for (var i = 0; i + 1 < run.length; i++) grams.push(run.substr(i, 2));
      } else {
        grams.push(run.substr(0, MAX_WORD));
      }
      grams.forEach(function (g) {
        if (out.indexOf(g) < 0) out.push(g);
      });
    });
    return out;
  }

  function parseQuery(query) {
    var lunr = window.lunr;
    var folded = fold(query.slice(0, MAX_QUERY)).trim();
    var names = {};
    names[lunr.Query.presence.OPTIONAL] = "optional";
    names[lunr.Query.presence.REQUIRED] = "required";
    names[lunr.Query.presence.PROHIBITED] = "prohibited";
    var raw;
    try {
      var parsed = new lunr.Query(["b"]);
      new lunr.QueryParser(folded.replace(/([\\:^~*])/g, "\\$1"), parsed).parse();
      raw = parsed.clauses.map(function (c) {
        return [fold(c.term), names[c.presence]];
      });
    } catch (e) {
      raw = folded.split(/\s+/).filter(Boolean).map(function (w) {
        return [w, "optional"];
      });
    }
    var parts = [];
    raw.forEach(function (r) {
      var terms = queryTerms(r[0]);
      if (terms.length) parts.push({ text: r[0].replace(EDGES, ""), terms: terms, presence: r[1] });
    });
    return parts;
  }

  /* ---- index files (codec.py) ---- */

  function decodePostings(data, weights) {
    var out = [];
    var doc = -1;
    var i = 0;
    while (i < data.length) {
      var n = 0;
      var mult = 1;
      for (;;) {
        var c = DIGIT[data.charAt(i++)];
        if (c < 32) {
          n += c * mult;
          break;
        }
        n += (c - 32) * mult;
        mult *= 32;
      }
      doc += n + 1;
      out.push(doc, weights[DIGIT[data.charAt(i++)]]);
    }
    return out;
  }

  function fnv1a(term) {
    var h = 0x811c9dc5;
    for (var i = 0; i < term.length; i++) {
      h ^= term.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  var received = {};
  var pending = {};
  window.__spSearchLoad = function (kind, key, data) {
    received[kind + key] = data;
  };

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

  function SiteIndex(base) {
    this.base = base;
    this.meta = null;
  }

  SiteIndex.prototype.url = function (rel) {
    return new URL(rel, this.base).href;
  };

  SiteIndex.prototype.ready = function () {
    var self = this;
    if (!this._ready) {
      this._ready = Promise.all([
        window.lunr ? Promise.resolve() : loadScript(this.url("assets/studyportal/search/lunr.min.js")),
        loadScript(this.url(INDEX + "meta.js"), "m0")
      ]).then(function (r) {
        self.meta = r[1];
        return self;
      });
      this._ready.catch(function () {
        self._ready = null;
      });
    }
    return this._ready;
  };

  SiteIndex.prototype.shards = function (terms) {
    var self = this;
    var keys = {};
    terms.forEach(function (t) {
      keys[fnv1a(t) % self.meta.shards] = true;
    });
    return Promise.all(
      Object.keys(keys).map(function (k) {
        return loadScript(self.url(INDEX + "p/" + k + ".js"), "p" + k);
      })
    );
  };

  SiteIndex.prototype.postings = function (term) {
    var data = received["p" + (fnv1a(term) % this.meta.shards)];
    var s = data && Object.prototype.hasOwnProperty.call(data, term) ? data[term] : "";
    return s ? decodePostings(s, this.meta.w) : [];
  };

  SiteIndex.prototype.texts = function (docs) {
    var self = this;
    var keys = {};
    docs.forEach(function (d) {
      keys[Math.floor(d / self.meta.chunk)] = true;
    });
    return Promise.all(
      Object.keys(keys).map(function (k) {
        return loadScript(self.url(INDEX + "t/" + k + ".js"), "t" + k);
      })
    );
  };

  SiteIndex.prototype.text = function (doc) {
    return received["t" + Math.floor(doc / this.meta.chunk)][doc % this.meta.chunk];
  };

  /* ---- ranking (query.py) ---- */

  function unique(list) {
    var out = [];
    list.forEach(function (x) {
      if (out.indexOf(x) < 0) out.push(x);
    });
    return out;
  }

  function miniIndex(site, terms) {
    var lunr = window.lunr;
    var ordered = unique(terms).sort();
    var inverted = {};
    var elements = {};
    ordered.forEach(function (t, i) {
      var plist = site.postings(t);
      var posting = {};
      for (var j = 0; j < plist.length; j += 2) {
        var d = plist[j];
        posting[d] = {};
        (elements[d] || (elements[d] = [])).push(i, plist[j + 1]);
      }
      inverted[t] = { _index: i, b: posting };
    });
    var vectors = {};
    Object.keys(elements).forEach(function (d) {
      vectors["b/" + d] = new lunr.Vector(elements[d]);
    });
    return new lunr.Index({
      invertedIndex: inverted,
      fieldVectors: vectors,
      tokenSet: lunr.TokenSet.fromArray(ordered),
      fields: ["b"],
      pipeline: new lunr.Pipeline()
    });
  }

  function compare(a, b) {
    return (
      a.tier - b.tier ||
      (a.tier === 3 ? b.cover - a.cover : 0) ||
      b.pref - a.pref ||
      b.score - a.score ||
      a.doc - b.doc
    );
  }

  function allIn(parts, folded) {
    return parts.every(function (p) {
      return folded.indexOf(p.text) >= 0;
    });
  }

  /* Ranked results: {hits, total, parts}; opts: audience, kind, reader, limit. */
  function search(site, query, opts) {
    opts = opts || {};
    var limit = opts.limit || PAGE;
    var lunr = window.lunr;
    var parts = parseQuery(query);
    var positive = parts.filter(function (p) {
      return p.presence !== "prohibited";
    });
    if (!positive.length) return Promise.resolve({ hits: [], total: 0, parts: parts });
    var allTerms = [];
    parts.forEach(function (p) {
      allTerms = allTerms.concat(p.terms);
    });
    var posTerms = [];
    positive.forEach(function (p) {
      posTerms = posTerms.concat(p.terms);
    });
    posTerms = unique(posTerms);
    var meta = site.meta;
    var audBit = opts.audience ? 1 << meta.audiences.indexOf(opts.audience) : 0;
    var readerBit = meta.audiences.indexOf(opts.reader) >= 0 ? 1 << meta.audiences.indexOf(opts.reader) : 0;
    var kindIndex = opts.kind ? meta.kinds.indexOf(opts.kind) : -1;
    if ((opts.audience && meta.audiences.indexOf(opts.audience) < 0) || (opts.kind && kindIndex < 0)) {
      return Promise.resolve({ hits: [], total: 0, parts: parts });
    }
    var presence = { optional: lunr.Query.presence.OPTIONAL, required: lunr.Query.presence.REQUIRED, prohibited: lunr.Query.presence.PROHIBITED };
    return site.shards(unique(allTerms)).then(function () {
      var idx = miniIndex(site, allTerms);
      var results = idx.query(function (q) {
        parts.forEach(function (p) {
          p.terms.forEach(function (t) {
            q.term(t, { usePipeline: false, presence: presence[p.presence], wildcard: lunr.Query.wildcard.NONE });
          });
        });
      });
      var cands = [];
      results.forEach(function (r) {
        var id = parseInt(r.ref, 10);
        var d = meta.docs[id];
        if ((audBit && !(d[3] & audBit)) || (kindIndex >= 0 && d[2] !== kindIndex)) return;
        var matched = r.matchData.metadata;
        var cover = posTerms.filter(function (t) {
          return Object.prototype.hasOwnProperty.call(matched, t);
        }).length;
        var complete = cover === posTerms.length;
        var tier = complete && allIn(positive, squeeze(fold(d[1]))) ? 0 : complete ? 1 : 3;
        cands.push({
          doc: id,
          tier: tier,
          cover: cover,
          score: r.score,
          pref: (d[4] ? 1 : 0) + (d[3] & readerBit ? 1 : 0),
          verified: tier !== 1
        });
      });
      cands.sort(compare);
      return verify(site, cands, positive, limit).then(function () {
        var shown = cands.slice(0, limit);
        return site.texts(shown.map(function (c) {
          return c.doc;
        })).then(function () {
          return { hits: shown.map(function (c) {
            return makeHit(site, c, positive);
          }), total: cands.length, parts: parts, all: cands };
        });
      });
    });
  }

  /* "Phrase in the text" is a guess until the text is read: read it for the results shown. */
  function verify(site, cands, positive, limit) {
    var unchecked = cands.slice(0, limit).filter(function (c) {
      return !c.verified;
    });
    if (!unchecked.length) return Promise.resolve();
    return site.texts(unchecked.map(function (c) {
      return c.doc;
    })).then(function () {
      unchecked.forEach(function (c) {
        var t = site.text(c.doc);
        c.verified = true;
        if (!allIn(positive, squeeze(fold(site.meta.docs[c.doc][1] + " " + t[0] + " " + t[1] + " " + t[2])))) c.tier = 2;
      });
      cands.sort(compare);
      return verify(site, cands, positive, limit);
    });
  }

  function makeHit(site, c, positive) {
    var meta = site.meta;
    var d = meta.docs[c.doc];
    var t = site.text(c.doc);
    var terms = Object.create(null); /* "constructor" is a word too */
    positive.forEach(function (p) {
      p.terms.forEach(function (x) {
        terms[x] = true;
      });
    });
    var audiences = [];
    meta.audiences.forEach(function (a, i) {
      if (d[3] & (1 << i)) audiences.push({ code: a, name: meta.audienceNames[i] });
    });
    return {
      doc: c.doc,
      url: d[0],
      title: d[1],
      kind: meta.kinds[d[2]],
      kindName: meta.kindNames[d[2]],
      audiences: audiences,
      required: !!d[4],
      tier: c.tier,
      cover: c.cover,
      score: c.score,
      titleMarks: highlight(d[1], 0, d[1].length, terms),
      snippet: snippet(t[0] && t[1] ? t[0] + " · " + t[1] : t[0] || t[1], positive, terms)
    };
  }

  function snippet(text, parts, terms) {
    var folded = fold(text);
    var anchor = -1;
    var lists = [parts.map(function (p) {
      return p.text;
    }), Object.keys(terms).sort()];
    for (var l = 0; l < lists.length && anchor < 0; l++) {
      lists[l].forEach(function (n) {
        var i = folded.indexOf(n);
        if (i >= 0 && (anchor < 0 || i < anchor)) anchor = i;
      });
    }
    var start = Math.max(0, anchor - LEAD);
    var end = Math.min(text.length, start + SNIPPET);
    start = Math.max(0, Math.min(start, end - SNIPPET));
    var out = highlight(text, start, end, terms);
    if (start > 0) out.unshift(["…", false]);
    if (end < text.length) out.push(["…", false]);
    return out;
  }

  function highlight(text, start, end, terms) {
    var folded = fold(text);
    var marked = [];
    for (var k = start; k < end; k++) marked.push(false);
    var re = new RegExp(RUN.source, "g");
    var m;
    while ((m = re.exec(folded))) {
      var run = m[0];
      var base = m.index;
      if (base >= end) break;
      if (base + run.length <= start) continue;
      if (!IS_HAN.test(run)) {
        if (terms[run]) {
          for (var i = base; i < base + run.length; i++) if (i >= start && i < end) marked[i - start] = true;
        }
        continue;
      }
      for (var j = 0; j < run.length; j++) {
        var hit2 = j + 1 < run.length && terms[run.substr(j, 2)];
        var span = hit2 ? [j, j + 1] : terms[run.charAt(j)] ? [j] : [];
        span.forEach(function (x) {
          if (base + x >= start && base + x < end) marked[base + x - start] = true;
        });
      }
    }
    var pieces = [];
    var p = 0;
    while (p < marked.length) {
      var q = p;
      while (q < marked.length && marked[q] === marked[p]) q++;
      pieces.push([text.slice(start + p, start + q), marked[p]]);
      p = q;
    }
    return pieces;
  }

  /* ---- the search box ---- */

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

  function mount(root) {
    if (root.getAttribute("data-sp-mounted")) return;
    root.setAttribute("data-sp-mounted", "1");
    var base = new URL((root.getAttribute("data-sp-base") || ".").replace(/\/?$/, "/"), location.href).href;
    var site = new SiteIndex(base);
    var toggle = document.getElementById("__search");
    var input = root.querySelector("[data-sp-search-query]");
    var form = root.querySelector("form");
    var box = root.querySelector("[data-sp-search-result]");
    var meta = root.querySelector("[data-sp-search-meta]");
    var list = root.querySelector("[data-sp-search-list]");
    var more = root.querySelector("[data-sp-search-more]");
    var audienceSel = root.querySelector('[data-sp-filter="audience"]');
    var kindSel = root.querySelector('[data-sp-filter="kind"]');
    var shown = PAGE;
    var renders = 0;
    var seq = 0;
    var timer = 0;
    var composing = false;
    root.hidden = false;
    Array.prototype.forEach.call(document.querySelectorAll("[data-sp-search-toggle]"), function (el) {
      el.hidden = false;
    });
    rememberReader(base);

    function setOpen(open) {
      if (toggle && toggle.checked !== open) toggle.checked = open;
    }

    function fillFilters() {
      var m = site.meta;
      if (!m || audienceSel.options.length > 1) return;
      m.audiences.forEach(function (a, i) {
        audienceSel.add(new Option(m.audienceNames[i], a));
      });
      m.kinds.forEach(function (k, i) {
        kindSel.add(new Option(m.kindNames[i], k));
      });
    }

    function prepare() {
      if (!site.meta) meta.textContent = "正在加载搜索索引…";
      return site.ready().then(function () {
        fillFilters();
        if (!input.value.trim()) meta.textContent = "输入关键词开始搜索，如：党员教育培训";
      }, function () {
        meta.textContent = "搜索索引加载失败，请检查网站文件是否完整。";
      });
    }

    function render(result, query) {
      box.setAttribute("data-sp-query", query);
      box.setAttribute("data-sp-renders", String(++renders));
      if (!query) {
        list.innerHTML = "";
        more.hidden = true;
        meta.textContent = "输入关键词开始搜索，如：党员教育培训";
        return;
      }
      meta.textContent = result.total ? "找到 " + result.total + " 个结果" : "没有找到与“" + query + "”相关的内容";
      list.innerHTML = result.hits
        .map(function (h) {
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
        })
        .join("");
      more.hidden = result.total <= result.hits.length;
    }

    function run() {
      var query = input.value.trim();
      var mine = ++seq;
      if (!query) return render(null, "");
      prepare()
        .then(function () {
          if (!site.meta) return null;
          return search(site, query, {
            audience: audienceSel.value || null,
            kind: kindSel.value || null,
            reader: store(base, "reader"),
            limit: shown
          });
        })
        .then(function (result) {
          if (result && mine === seq) render(result, query);
        })
        .catch(function (e) {
          if (mine === seq) meta.textContent = "搜索出错：" + e.message;
        });
    }

    function schedule() {
      shown = PAGE;
      clearTimeout(timer);
      timer = setTimeout(run, 40);
    }

    function results() {
      return Array.prototype.slice.call(list.querySelectorAll("[data-sp-result]"));
    }

    function move(step) {
      var all = results();
      if (!all.length) return;
      var i = all.indexOf(document.activeElement);
      var next = i < 0 ? (step > 0 ? 0 : all.length - 1) : i + step;
      if (next < 0 || next >= all.length) return input.focus();
      all[next].focus();
    }

    input.addEventListener("focus", function () {
      setOpen(true);
      prepare();
    });
    input.addEventListener("compositionstart", function () {
      composing = true;
    });
    input.addEventListener("compositionend", function () {
      composing = false;
      schedule();
    });
    input.addEventListener("input", function (ev) {
      if (!composing && !ev.isComposing) schedule();
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
    });
    form.addEventListener("reset", function () {
      setTimeout(function () {
        run();
        input.focus();
      });
    });
    audienceSel.addEventListener("change", schedule);
    kindSel.addEventListener("change", schedule);
    more.addEventListener("click", function () {
      shown += PAGE;
      run();
    });
    if (toggle) {
      toggle.addEventListener("change", function () {
        if (toggle.checked) {
          input.focus();
        } else {
          input.blur();
        }
      });
    }
    root.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") {
        ev.preventDefault();
        setOpen(false);
        input.blur();
      } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (ev.target === audienceSel || ev.target === kindSel) return;
        ev.preventDefault();
        move(ev.key === "ArrowDown" ? 1 : -1);
      } else if (ev.key === "Enter" && ev.target === input) {
        ev.preventDefault();
        var first = results()[0];
        if (first) first.click();
      }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) return;
      if (ev.key === "/" || ev.key === "s" || ev.key === "S" || ev.key === "f" || ev.key === "F") {
        ev.preventDefault();
        setOpen(true);
        input.focus();
        input.select();
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sp-search]"), mount);
  }

  window.__spSearch = {
    fold: fold,
    squeeze: squeeze,
    docTerms: docTerms,
    queryTerms: queryTerms,
    parseQuery: parseQuery,
    fnv1a: fnv1a,
    decodePostings: decodePostings,
    SiteIndex: SiteIndex,
    search: search
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
})();
