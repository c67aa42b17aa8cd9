/*
 * studyportal search engine: query tokens, the index files and ranking, with no DOM.
 *
 * The browser's copy of studyportal/search/query.py, built on the same rule as tokens.py and the
 * same file format as codec.py: lunr.js query parsing and scoring, and the same ranking rules.
 * Everything both sides must agree on (character classes, fold table, limits, posting alphabet,
 * page size) is not written here but read from the index: meta.js carries it as "rules"
 * (index.py settings()). tests/js/engine.test.js runs the shared cases through this file in Node
 * and asserts the rankings Python gives.
 *
 * A classic script (the search box loads it with a <script> tag, from file:// too) that defines
 * window.__spSearch and nothing else; in Node, require() returns the same object. It loads no file
 * itself: a SiteIndex is given meta.js's data and a function that loads the other index files.
 * ES5 syntax only: village terminals run old browsers.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory(function () {
      return require("./lunr.min.js");
    });
  } else {
    root.__spSearch = factory(function () {
      return root.lunr;
    });
  }
})(this, function (getLunr) {
  "use strict";

  var FORMAT = 2; /* the index format this engine reads (index.py FORMAT_VERSION) */
  var FIELD = "b"; /* the single field of the query-time lunr index: weights are summed over fields */
  var has = Object.prototype.hasOwnProperty;

  function hex4(code) {
    return "\\u" + ("000" + code.toString(16)).slice(-4);
  }

  function charClass(ranges) {
    return ranges
      .map(function (r) {
        return hex4(r[0]) + "-" + hex4(r[1]);
      })
      .join("");
  }

  function unique(list) {
    var out = [];
    list.forEach(function (x) {
      if (out.indexOf(x) < 0) out.push(x);
    });
    return out;
  }

  /* ---- tokens (tokens.py): queries and highlighting, by the rule in meta.js ---- */

  function tokens(rules) {
    var HAN = charClass(rules.han);
    var RUN = new RegExp("[" + HAN + "]+|[0-9a-z]+", "g");
    var IS_HAN = new RegExp("^[" + HAN + "]");
    var EDGES = new RegExp("^[^" + HAN + "0-9a-z]+|[^" + HAN + "0-9a-z]+$", "g");
    var SPACE_AFTER_HAN = new RegExp("([" + HAN + "])\\s+", "g");
    var SPACE_BEFORE_HAN = new RegExp("\\s+(?=[" + HAN + "])", "g");
    var FOLDABLE = new RegExp("[" + charClass(rules.fold) + "]", "g");

    function fold(text) {
      return text.replace(FOLDABLE, function (c) {
        var code = c.charCodeAt(0);
        for (var i = 0; i < rules.fold.length; i++) {
          var r = rules.fold[i];
          if (code >= r[0] && code <= r[1]) return String.fromCharCode(r[2] + code - r[0]);
        }
        return c;
      });
    }

    function squeeze(folded) {
      return folded.replace(SPACE_AFTER_HAN, "$1").replace(SPACE_BEFORE_HAN, "");
    }

    function queryTerms(text) {
      var out = [];
      (fold(text).match(RUN) || []).forEach(function (run) {
        var grams = [];
        if (!IS_HAN.test(run)) grams.push(run.substr(0, rules.maxWord));
        else if (run.length === 1) grams.push(run);
        else for (var i = 0; i + 1 < run.length; i++) grams.push(run.substr(i, 2));
        grams.forEach(function (g) {
          if (out.indexOf(g) < 0) out.push(g);
        });
      });
      return out;
    }

    function parseQuery(query) {
      var lunr = getLunr();
      var folded = fold(query.slice(0, rules.maxQuery)).trim();
      var names = {};
      names[lunr.Query.presence.OPTIONAL] = "optional";
      names[lunr.Query.presence.REQUIRED] = "required";
      names[lunr.Query.presence.PROHIBITED] = "prohibited";
      var raw;
      try {
        var parsed = new lunr.Query([FIELD]);
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

    /* The distinct terms of query parts, as a set: {term: true}, no prototype ("constructor" is a word too). */
    function termSet(parts) {
      var terms = Object.create(null);
      parts.forEach(function (p) {
        p.terms.forEach(function (t) {
          terms[t] = true;
        });
      });
      return terms;
    }

    /* text[start:end] cut into [text, highlighted] pieces, highlighted where a term occurs (bigrams chain into phrases). */
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
          var span = j + 1 < run.length && terms[run.substr(j, 2)] ? [j, j + 1] : terms[run.charAt(j)] ? [j] : [];
          for (var s = 0; s < span.length; s++) {
            if (base + span[s] >= start && base + span[s] < end) marked[base + span[s] - start] = true;
          }
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

    /* About rules.snippet characters of text around the first match, as highlighted pieces. */
    function snippet(text, parts) {
      var folded = fold(text);
      var terms = termSet(parts);
      var lists = [parts.map(function (p) {
        return p.text;
      }), Object.keys(terms).sort()];
      var anchor = -1;
      for (var l = 0; l < lists.length && anchor < 0; l++) {
        lists[l].forEach(function (n) {
          var i = folded.indexOf(n);
          if (i >= 0 && (anchor < 0 || i < anchor)) anchor = i;
        });
      }
      var start = Math.max(0, anchor - rules.lead);
      var end = Math.min(text.length, start + rules.snippet);
      start = Math.max(0, Math.min(start, end - rules.snippet));
      var out = highlight(text, start, end, terms);
      if (start > 0) out.unshift(["…", false]);
      if (end < text.length) out.push(["…", false]);
      return out;
    }

    return {
      fold: fold,
      squeeze: squeeze,
      queryTerms: queryTerms,
      parseQuery: parseQuery,
      termSet: termSet,
      highlight: highlight,
      snippet: snippet
    };
  }

  /* ---- index files (codec.py) ---- */

  /* A posting string → [doc, weight, doc, weight, …]; digit maps the alphabet's characters to 0–63. */
  function decodePostings(data, weights, digit) {
    var out = [];
    var doc = -1;
    var i = 0;
    while (i < data.length) {
      var n = 0;
      var mult = 1;
      for (;;) {
        var c = digit[data.charAt(i++)];
        if (c < 32) {
          n += c * mult;
          break;
        }
        n += (c - 32) * mult;
        mult *= 32;
      }
      doc += n + 1;
      out.push(doc, weights[digit[data.charAt(i++)]]);
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

  /*
   * A built index: meta is the data of meta.js; load(path, id) returns a Promise of the data of
   * another index file (path inside the index folder, "p/7.js"; id its kind and key, "p7").
   */
  function SiteIndex(meta, load) {
    if (!meta || meta.v !== FORMAT) throw new Error("search index format " + (meta && meta.v) + ", expected " + FORMAT);
    this.meta = meta;
    this.load = load;
    this.tokens = tokens(meta.rules);
    this.digit = {};
    for (var i = 0; i < meta.rules.alphabet.length; i++) this.digit[meta.rules.alphabet.charAt(i)] = i;
    this.files = {};
  }

  SiteIndex.prototype.need = function (kind, keys) {
    var self = this;
    return Promise.all(
      unique(keys).map(function (k) {
        var id = kind + k;
        if (has.call(self.files, id)) return null;
        return self.load(kind + "/" + k + ".js", id).then(function (data) {
          self.files[id] = data;
        });
      })
    );
  };

  /* Loads the postings files of these terms. */
  SiteIndex.prototype.shards = function (terms) {
    var shards = this.meta.shards;
    return this.need("p", terms.map(function (t) {
      return fnv1a(t) % shards;
    }));
  };

  /* [doc, weight, doc, weight, …] of a term whose postings file is loaded. */
  SiteIndex.prototype.postings = function (term) {
    var data = this.files["p" + (fnv1a(term) % this.meta.shards)];
    var s = data && has.call(data, term) ? data[term] : "";
    return s ? decodePostings(s, this.meta.w, this.digit) : [];
  };

  /* Loads the text files of these documents. */
  SiteIndex.prototype.texts = function (docs) {
    var chunk = this.meta.chunk;
    return this.need("t", docs.map(function (d) {
      return Math.floor(d / chunk);
    }));
  };

  /* [summary, body, topics] of a document whose text file is loaded. */
  SiteIndex.prototype.text = function (doc) {
    return this.files["t" + Math.floor(doc / this.meta.chunk)][doc % this.meta.chunk];
  };

  /* ---- ranking (query.py) ---- */

  /* A lunr index holding just the query's terms: identical scores to the whole index. */
  function miniIndex(site, terms) {
    var lunr = getLunr();
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
      inverted[t] = { _index: i };
      inverted[t][FIELD] = posting;
    });
    var vectors = {};
    Object.keys(elements).forEach(function (d) {
      vectors[FIELD + "/" + d] = new lunr.Vector(elements[d]);
    });
    return new lunr.Index({
      invertedIndex: inverted,
      fieldVectors: vectors,
      tokenSet: lunr.TokenSet.fromArray(ordered),
      fields: [FIELD],
      pipeline: new lunr.Pipeline()
    });
  }

  function compare(a, b) {
    return a.tier - b.tier || (a.tier === 3 ? b.cover - a.cover : 0) || b.pref - a.pref || b.score - a.score || a.doc - b.doc;
  }

  function allIn(parts, folded) {
    return parts.every(function (p) {
      return folded.indexOf(p.text) >= 0;
    });
  }

  /* "Phrase in the text" is a guess until the text is read: read it for the results shown. */
  function verify(site, cands, positive, limit) {
    var tok = site.tokens;
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
        if (!allIn(positive, tok.squeeze(tok.fold(site.meta.docs[c.doc][1] + " " + t[0] + " " + t[1] + " " + t[2])))) c.tier = 2;
      });
      cands.sort(compare);
      return verify(site, cands, positive, limit);
    });
  }

  function makeHit(site, c, positive) {
    var meta = site.meta;
    var d = meta.docs[c.doc];
    var t = site.text(c.doc);
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
      titleMarks: site.tokens.highlight(d[1], 0, d[1].length, site.tokens.termSet(positive)),
      snippet: site.tokens.snippet(t[0] && t[1] ? t[0] + " · " + t[1] : t[0] || t[1], positive)
    };
  }

  /* Ranked results: a Promise of {hits, total, parts}; opts: audience, kind, reader, limit (default: one page). */
  function search(site, query, opts) {
    opts = opts || {};
    var lunr = getLunr();
    var meta = site.meta;
    var limit = opts.limit || meta.rules.page;
    var parts = site.tokens.parseQuery(query);
    var positive = parts.filter(function (p) {
      return p.presence !== "prohibited";
    });
    var nothing = { hits: [], total: 0, parts: parts };
    if (!positive.length) return Promise.resolve(nothing);
    var allTerms = [];
    parts.forEach(function (p) {
      allTerms = allTerms.concat(p.terms);
    });
    var posTerms = [];
    positive.forEach(function (p) {
      posTerms = posTerms.concat(p.terms);
    });
    posTerms = unique(posTerms);
    var audBit = opts.audience ? 1 << meta.audiences.indexOf(opts.audience) : 0;
    var readerBit = meta.audiences.indexOf(opts.reader) >= 0 ? 1 << meta.audiences.indexOf(opts.reader) : 0;
    var kindIndex = opts.kind ? meta.kinds.indexOf(opts.kind) : -1;
    if ((opts.audience && meta.audiences.indexOf(opts.audience) < 0) || (opts.kind && kindIndex < 0)) return Promise.resolve(nothing);
    var presence = { optional: lunr.Query.presence.OPTIONAL, required: lunr.Query.presence.REQUIRED, prohibited: lunr.Query.presence.PROHIBITED };
    return site.shards(unique(allTerms)).then(function () {
      var results = miniIndex(site, allTerms).query(function (q) {
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
          return has.call(matched, t);
        }).length;
        var complete = cover === posTerms.length;
        var tier = complete && allIn(positive, site.tokens.squeeze(site.tokens.fold(d[1]))) ? 0 : complete ? 1 : 3;
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
          return {
            hits: shown.map(function (c) {
              return makeHit(site, c, positive);
            }),
            total: cands.length,
            parts: parts
          };
        });
      });
    });
  }

  return {
    FORMAT: FORMAT,
    tokens: tokens,
    decodePostings: decodePostings,
    fnv1a: fnv1a,
    SiteIndex: SiteIndex,
    search: search
  };
});
