"""Search benchmark: the portal's search against Material's stock search (jieba, ``lang: zh``), same run, same Markdown.

    python scripts/bench_search.py 2000 5000            # corpus sizes; writes bench-out/search/
    python scripts/bench_search.py 2000 --build-runs 1  # quicker

For each size N it generates the synthetic corpus (``scripts/corpus.py``), builds the portal
(MkDocs with the studyportal plugin) and a plain Material site of the same Markdown with
``navigation.prune`` and the stock search plugin, then measures, printing medians:

* build time, and the share of it spent on the search index (from the build log);
* index size on disk, and index bytes a reader transfers (gzip) for one search: for the portal the
  index files the browser actually requested, for the stock site ``search_index.json``;
* the size lunr.py's own serialized format would have for the portal's documents and tokens
  (one document per page, no positions, short refs): why the portal stores postings its own way;
* time from opening the search to the first result, in headless Chromium with 4× CPU throttling
  (CDP ``Emulation.setCPUThrottlingRate``), fresh browser context per query, search opened right
  after the page's ``load`` event, query typed as one input (an IME commit) — planted phrases;
* search quality: for each planted phrase (written into exactly one material), is that material
  among the top 3 results for the phrase, a sub-word (the phrase without its first and last
  character, cutting words in the middle) and a single word (its rarest jieba word)? The stock
  search box is driven the same way.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402  (scripts/corpus.py)

from studyportal.render import generator  # noqa: E402
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

THROTTLE = 4
STOCK_CONFIG = """site_name: 党员学习资料门户
docs_dir: {docs}
theme:
  name: material
  language: zh
  font: false
  features:
    - navigation.prune
plugins:
  - search:
      lang: zh
"""
# Records when the first result (or the "nothing found" message) appears after the search is opened.
OBSERVE = """([item, meta, none]) => {
  window.__t1 = undefined;
  const done = () => {
    if (window.__t1 !== undefined) return;
    const m = document.querySelector(meta);
    if (document.querySelector(item) || (m && none && m.textContent.indexOf(none) >= 0)) {
      window.__t1 = performance.now();
    }
  };
  new MutationObserver(done).observe(document.body, {childList: true, subtree: true, characterData: true});
  window.__t0 = performance.now();
}"""


@dataclass
class Engine:
    """How to drive one site's search box."""

    name: str
    site: Path
    page: str  # the page the reader is on when searching
    item: str  # CSS selector of a result link
    meta: str
    none: str  # text shown when nothing is found
    url_of: Any = None  # slug → path fragment of its page


@dataclass
class Row:
    """Measurements of one corpus size."""

    n: int
    build: dict[str, list[float]] = field(default_factory=dict)
    search_build: list[float] = field(default_factory=list)
    disk: dict[str, tuple[int, int]] = field(default_factory=dict)
    transferred: dict[str, list[int]] = field(default_factory=dict)
    first_result: dict[str, list[float]] = field(default_factory=dict)
    found: dict[str, dict[str, list[bool]]] = field(default_factory=dict)
    lunr_format: tuple[int, int, float] | None = None
    queries: dict[str, dict[str, str]] = field(default_factory=dict)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def dir_size(path: Path) -> tuple[int, int]:
    """Raw and gzip bytes of every file under ``path``."""
    raw = packed = 0
    for p in path.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            raw += len(data)
            packed += gz(data)
    return raw, packed


def mkdocs_build(config: Path, site: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = generator.build(config, site)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed ({config}):\n{result.stderr[-3000:]}")
    return seconds, result.stderr


def prepare(n: int, out: Path) -> tuple[Path, Path, dict[str, str]]:
    """Corpus, portal project and stock project for size n."""
    base = out / f"n{n}"
    if base.exists():
        shutil.rmtree(base)
    planted = corpus.generate(n, base)
    shutil.copytree(ROOT / "docs", base / "docs")
    shutil.copy(ROOT / "mkdocs.yml", base / "mkdocs.yml")
    stock = base / "stock"
    stock.mkdir()
    (stock / "mkdocs.yml").write_text(STOCK_CONFIG.format(docs=base / "plain-docs"), encoding="utf-8")
    return base, stock, planted


def choose_queries(planted: dict[str, str], materials: Path) -> dict[str, dict[str, str]]:
    """phrase / sub-word / single-word query for each planted phrase (the word rarest in the materials, front matter included)."""
    import jieba

    texts = [p.read_text(encoding="utf-8") for p in materials.rglob("*.md")]
    out: dict[str, dict[str, str]] = {}
    for phrase in planted:
        words = [w for w in jieba.lcut(phrase) if len(w) >= 2] or [phrase]
        rarest = min(words, key=lambda w: (sum(1 for t in texts if w in t), -len(w)))
        out[phrase] = {"phrase": phrase, "sub-word": phrase[1:-1], "single word": rarest}
    return out


def search_once(browser: Any, url: str, engine: Engine, query: str, throttle: int) -> tuple[float, list[str], list[str]]:
    """Open the page, open the search, type the query: (ms to first result, top result hrefs, index files requested)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    if throttle > 1:
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.goto(url + engine.page, wait_until="load")
    page.evaluate(OBSERVE, [engine.item, engine.meta, engine.none])
    page.keyboard.press("/")
    page.keyboard.insert_text(query)
    page.keyboard.press("End")  # Material's stock search reads the query on keyup
    # Polled from outside: wait_for_function compiles its predicate in the page, which the site's CSP refuses.
    # The time itself is taken inside the page (OBSERVE), so the polling interval does not change it.
    deadline = time.monotonic() + 300
    while page.evaluate("window.__t1 === undefined") and time.monotonic() < deadline:
        time.sleep(0.02)
    ms = page.evaluate("window.__t1 - window.__t0")
    page.wait_for_timeout(50)
    hrefs = page.eval_on_selector_all(engine.item, "els => els.slice(0, 3).map(e => e.href)")
    context.close()
    return ms, hrefs, [u[len(url) :] for u in requested if u.startswith(url)]


def measure_browser(row: Row, engines: list[Engine], planted: dict[str, str], runs_timing: bool) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for engine in engines:
            server, url = serve(engine.site)
            try:
                sizes: dict[str, int] = {}
                row.first_result[engine.name] = []
                row.transferred[engine.name] = []
                row.found[engine.name] = {kind: [] for kind in ("phrase", "sub-word", "single word")}
                for phrase, slug in planted.items():
                    for kind, query in row.queries[phrase].items():
                        throttled = kind == "phrase" and runs_timing
                        ms, hrefs, requested = search_once(browser, url, engine, query, THROTTLE if throttled else 1)
                        row.found[engine.name][kind].append(any(engine.url_of(slug) in h for h in hrefs))
                        if throttled:
                            row.first_result[engine.name].append(ms)
                            files = [r for r in requested if r.startswith("search/")]
                            for f in files:
                                if f not in sizes:
                                    sizes[f] = gz((engine.site / f).read_bytes())
                            row.transferred[engine.name].append(sum(sizes[f] for f in set(files)))
            finally:
                server.shutdown()
        browser.close()


def lunr_serialized(materials: Path) -> tuple[int, int, float]:
    """Size of lunr.py's serialized index for the portal's documents and tokens, and its build time."""
    from lunr.builder import Builder
    from lunr.pipeline import Pipeline

    from studyportal.catalog import load_catalog
    from studyportal.search.index import FIELDS
    from studyportal.search.tokens import doc_terms

    catalog = load_catalog(materials).catalog
    started = time.perf_counter()
    b = Builder()
    b.pipeline = Pipeline()
    b.search_pipeline = Pipeline()
    b.ref("id")
    for name, boost in FIELDS:
        b.field(name, boost=boost)
    for i, m in enumerate(catalog.materials.values()):
        b.add({"id": str(i), "title": doc_terms(m.title), "summary": doc_terms(m.summary), "headings": doc_terms(" ".join(m.topics)),
               "body": doc_terms(m.body)})  # fmt: skip
    data = json.dumps(b.build().serialize(), ensure_ascii=False, separators=(",", ":")).encode()
    return len(data), gz(data), time.perf_counter() - started


def bench(n: int, out: Path, build_runs: int, lunr_format: bool, browser: bool) -> Row:
    row = Row(n)
    base, stock, planted = prepare(n, out)
    row.queries = choose_queries(planted, base / "materials")
    portal_site, stock_site = base / "site", stock / "site"
    row.build = {"portal": [], "stock": []}
    for _ in range(build_runs):
        seconds, log = mkdocs_build(base / "mkdocs.yml", portal_site)
        row.build["portal"].append(seconds)
        m = re.search(r"搜索索引：.*?用时 ([\d.]+) 秒", log)
        if m:
            row.search_build.append(float(m.group(1)))
        seconds, _ = mkdocs_build(stock / "mkdocs.yml", stock_site)
        row.build["stock"].append(seconds)
    row.disk = {"portal": dir_size(portal_site / "search"), "stock": dir_size(stock_site / "search")}
    if lunr_format:
        row.lunr_format = lunr_serialized(base / "materials")
    if browser:
        engines = [
            Engine("portal", portal_site, "materials/m00001/", "[data-sp-result]", "[data-sp-search-meta]", "没有找到",
                   lambda slug: f"/materials/{slug}/"),
            Engine("stock", stock_site, "t000/m00001/", ".md-search-result__list > .md-search-result__item > a", ".md-search-result__meta",
                   "没有找到", lambda slug: f"/{slug}/"),
        ]  # fmt: skip
        measure_browser(row, engines, planted, runs_timing=True)
    return row


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def line(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def table(row: Row) -> str:
    """The Markdown table of one size."""
    b_portal, b_stock = med(row.build["portal"]), med(row.build["stock"])
    (raw_p, gz_p), (raw_s, gz_s) = row.disk["portal"], row.disk["stock"]
    lines = [
        f"#### N = {row.n} materials",
        "",
        line("measure (median)", "portal", "stock Material + jieba", "portal / stock", "budget"),
        line("---", "---:", "---:", "---:", "---"),
        line("`mkdocs build`, whole site", f"{b_portal:.1f} s", f"{b_stock:.1f} s", f"{b_portal / b_stock:.0%}", "≤ 50%"),
        line("… of which search (text, index, files)", f"{med(row.search_build):.1f} s", "", "", "a few s"),
        line("index on disk, raw", kb(raw_p), kb(raw_s), f"{raw_p / raw_s:.0%}", ""),
        line("index on disk, gzip", kb(gz_p), kb(gz_s), f"{gz_p / gz_s:.0%}", ""),
    ]
    if row.lunr_format:
        raw, packed, secs = row.lunr_format
        label = "lunr.py `serialize()` of the same documents and tokens, gzip (not used; one file)"
        lines.append(line(label, f"{kb(packed)} ({kb(raw)} raw, built in {secs:.0f} s)", kb(gz_s), f"{packed / gz_s:.0%}", ""))
    if row.first_result:
        sent_p = med(row.transferred["portal"])
        fr_p, fr_s = med(row.first_result["portal"]), med(row.first_result["stock"])
        lines += [
            line("index bytes transferred for one search, gzip", kb(sent_p), kb(gz_s), f"{sent_p / gz_s:.0%}", "≤ 25%"),
            line(f"open search → first result, {THROTTLE}× CPU", f"{fr_p:,.0f} ms", f"{fr_s:,.0f} ms", f"{fr_p / fr_s:.0%}", "≤ 1.5 s"),
        ]
        for kind in ("phrase", "sub-word", "single word"):
            fp, fs = row.found["portal"][kind], row.found["stock"][kind]
            lines.append(line(f"planted material in top 3, {kind} query", f"{sum(fp)}/{len(fp)}", f"{sum(fs)}/{len(fs)}", "", "all"))
    queries = "; ".join(f"{q['phrase']} / {q['sub-word']} / {q['single word']}" for q in row.queries.values())
    lines += ["", f"Queries (phrase / sub-word / single word): {queries}"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[2000, 5000])
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out" / "search")
    parser.add_argument("--build-runs", type=int, default=3)
    parser.add_argument("--no-lunr-format", action="store_true", help="skip building lunr.py's serialized index for comparison")
    parser.add_argument("--no-browser", action="store_true", help="sizes and build times only")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    report = [f"Search benchmark, {time.strftime('%Y-%m-%d %H:%M')}, `python scripts/bench_search.py {' '.join(map(str, args.sizes))}`", ""]
    for n in args.sizes:
        print(f"N = {n}: corpus, builds ({args.build_runs}× each), browser…", file=sys.stderr, flush=True)
        row = bench(n, args.out, args.build_runs, not args.no_lunr_format, not args.no_browser)
        text = table(row)
        print(text + "\n", flush=True)
        report += [text, ""]
        (args.out / f"n{n}.json").write_text(json.dumps(row.__dict__, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    (args.out / "report.md").write_text("\n".join(report), encoding="utf-8")
    print(f"written {args.out / 'report.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
