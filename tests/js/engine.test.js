/*
 * The browser's search engine (studyportal/assets/search/engine.js) in Node, without a browser:
 * on a real built index, loaded file by file as the search box loads it, it must give exactly what
 * Python gives (tests/search_fixture.py writes Python's answers): the settings in meta.js, terms,
 * query parts and highlights, decoded postings, and for the cases of tests/search_cases.py the same
 * ranking, tiers, scores and snippets as `studyportal search`, and the cases' own expectations.
 *
 *   node --test tests/js/                          builds the sample portal first (needs python3)
 *   SP_SEARCH_FIXTURE=fixture.json node --test tests/js/    uses a fixture written by pytest
 *
 * tests/test_search_node.py runs this from pytest. Test code only: it may use modern syntax, the
 * shipped scripts may not (checked below).
 */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const childProcess = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const vm = require("node:vm");

const ROOT = path.resolve(__dirname, "..", "..");
const ASSETS = path.join(ROOT, "studyportal", "assets", "search");
const engine = require(path.join(ASSETS, "engine.js"));

function loadFixture() {
  if (process.env.SP_SEARCH_FIXTURE) return JSON.parse(fs.readFileSync(process.env.SP_SEARCH_FIXTURE, "utf8"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-engine-"));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, "fixture.json");
  const python = process.env.PYTHON || "python3";
  childProcess.execFileSync(python, ["-m", "tests.search_fixture", out, "--build", path.join(dir, "site")], { cwd: ROOT, stdio: "inherit" });
  return JSON.parse(fs.readFileSync(out, "utf8"));
}

const fixture = loadFixture();

/* Index files are scripts calling __spSearchLoad(kind, key, data): run each as the browser would, in a context of its own. */
function loader(dir, log) {
  return (rel, id) =>
    new Promise((resolve, reject) => {
      fs.readFile(path.join(dir, rel), "utf8", (err, text) => {
        if (err) return reject(err);
        if (log) log.push(rel);
        let got = null;
        vm.runInNewContext(text, { __spSearchLoad: (kind, key, data) => (got = { id: kind + key, data }) });
        if (!got || got.id !== id) return reject(new Error(`${rel} is not index file ${id}`));
        resolve(JSON.parse(JSON.stringify(got.data))); /* objects of this realm, for deepStrictEqual */
      });
    });
}

async function openSite(log) {
  const load = loader(fixture.index, log);
  return new engine.SiteIndex(await load("meta.js", "m0"), load);
}

test("meta.js carries the settings Python uses, and the engine copies none of them", async () => {
  const site = await openSite();
  assert.deepEqual(site.meta.rules, fixture.settings);
  const source = fs.readFileSync(path.join(ASSETS, "engine.js"), "utf8").replace(/\/\*[\s\S]*?\*\//g, ""); /* code, not comments */
  for (const copied of ["4e00", "9fff", "fee0", "ff01", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "110", " 24", " 40", " 100"]) {
    assert.ok(!source.includes(copied), `engine.js has ${JSON.stringify(copied)}: a setting copied by hand?`);
  }
});

test("an index of another format is refused", async () => {
  const site = await openSite();
  assert.throws(() => new engine.SiteIndex({ ...site.meta, v: site.meta.v - 1 }, () => null), /format/);
});

test("terms, query parts and highlights are Python's", async () => {
  const tok = (await openSite()).tokens;
  for (const t of fixture.texts) {
    assert.equal(tok.fold(t.text), t.fold, t.text);
    assert.equal(tok.squeeze(tok.fold(t.text)), t.squeeze, t.text);
    assert.deepEqual(tok.queryTerms(t.text), t.queryTerms, t.text);
    const parts = tok.parseQuery(t.text);
    assert.deepEqual(parts, t.parts, t.text);
    assert.deepEqual(tok.highlight(t.text, 0, t.text.length, tok.termSet(parts)), t.highlight, t.text);
  }
});

test("postings decode to Python's, from the file FNV-1a names", async () => {
  const site = await openSite();
  const terms = fixture.postings.map((p) => p.term);
  await site.shards(terms);
  for (const p of fixture.postings) {
    assert.equal(engine.fnv1a(p.term), p.hash, p.term);
    assert.deepEqual(site.postings(p.term), p.postings.flat(), p.term);
  }
});

/* tests/search_cases.py check(): what a reader must see. */
function check(run, hits) {
  const urls = hits.map((h) => h.url);
  const label = `${run.query}: ${JSON.stringify(urls.slice(0, 6))}`;
  assert.ok(urls.length, `${run.query}: no results`);
  assert.deepEqual(urls.slice(0, run.first.length), run.first, label);
  for (const [url, n] of Object.entries(run.nearTop)) assert.ok(urls.slice(0, n).includes(url), `${url} not in the first ${n}: ${label}`);
  if (run.titlesHave) {
    const [n, text] = run.titlesHave;
    assert.ok(hits.slice(0, n).every((h) => h.title.includes(text)), label);
  }
  for (const bad of run.never) assert.ok(!urls.some((u) => u.includes(bad)), `${bad} found: ${label}`);
  if (run.audience) assert.ok(hits.every((h) => h.audiences.includes(run.audience)), label);
  if (run.kind) assert.ok(hits.every((h) => h.kind === run.kind), label);
}

test("every case ranks exactly as `studyportal search` does, and meets its expectations", async (t) => {
  const site = await openSite();
  const tiers = new Set();
  for (const run of fixture.runs) {
    const name = `${JSON.stringify(run.query)} audience=${run.audience} kind=${run.kind} reader=${run.reader} limit=${run.limit}`;
    await t.test(name, async () => {
      const opts = { audience: run.audience, kind: run.kind, reader: run.reader, limit: run.limit === fixture.page ? undefined : run.limit };
      const result = await engine.search(site, run.query, opts);
      const got = result.hits.map((h) => ({ ...h, audiences: h.audiences.map((a) => a.code) }));
      assert.equal(result.total, run.total);
      assert.deepEqual(got.map((h) => h.url), run.hits.map((h) => h.url), "ranking");
      got.forEach((h, i) => {
        const want = run.hits[i];
        assert.ok(Math.abs(h.score - want.score) <= 1e-9 * Math.max(1, Math.abs(want.score)), `${h.url}: score ${h.score} ≠ ${want.score}`);
        assert.deepEqual({ ...h, score: 0 }, { ...want, score: 0 }, h.url);
        tiers.add(h.tier);
      });
      if (run.check) check(run, got);
    });
  }
  assert.deepEqual([...tiers].sort(), [0, 1, 2, 3], "the cases exercise every tier");
});

test("a search loads only the postings files of its terms and the text files of what it shows", async () => {
  const log = [];
  const site = await openSite(log);
  const result = await engine.search(site, "乡村振兴2026");
  const shards = new Set(["乡村", "村振", "振兴", "2026"].map((t) => `p/${engine.fnv1a(t) % site.meta.shards}.js`));
  assert.deepEqual(new Set(log.filter((f) => f.startsWith("p/"))), shards);
  const texts = new Set(result.hits.map((h) => `t/${Math.floor(h.doc / site.meta.chunk)}.js`));
  const loaded = log.filter((f) => f.startsWith("t/"));
  assert.ok([...texts].every((f) => loaded.includes(f)), JSON.stringify(log));
  /* besides the hits' texts, only those of the candidates read to check the whole phrase (one page of them at a time) */
  const allTexts = Math.ceil(site.meta.docs.length / site.meta.chunk);
  assert.ok(loaded.length <= 2 * site.meta.rules.page && loaded.length < allTexts, JSON.stringify(log));
  assert.equal(new Set(log).size, log.length, "no file is loaded twice");
  await engine.search(site, "乡村振兴2026");
  assert.equal(new Set(log).size, log.length, "loaded files are kept");
});

test("shipped scripts are ES5: old browsers on village terminals run them", (t) => {
  /* Node's own copy of acorn parses them as ES5; skipped where this Node does not expose it. */
  const probe = childProcess.spawnSync(process.execPath, ["--expose-internals", "-e", "require('internal/deps/acorn/acorn/dist/acorn')"]);
  if (probe.status !== 0) return t.skip("this Node has no acorn to parse with");
  for (const name of ["engine.js", "search.js"]) {
    const script = `require('internal/deps/acorn/acorn/dist/acorn').parse(require('fs').readFileSync(${JSON.stringify(path.join(ASSETS, name))}, 'utf8'), {ecmaVersion: 5})`;
    const parsed = childProcess.spawnSync(process.execPath, ["--expose-internals", "-e", script], { encoding: "utf8" });
    assert.equal(parsed.status, 0, `${name} is not ES5: ${parsed.stderr}`);
  }
});
