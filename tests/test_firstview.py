"""A light first view (issue 15, item 2): what a page needs before its first paint, and that trimming changed no pixel.

The material page's HTML and render-blocking stylesheets stay within 20 KB gzip; Material's palette is not
linked; the precompressed copies are exact and deterministic; pages with Material's trimmed stylesheet look
exactly like pages with its stock ``main.css`` and ``palette.css`` (360 px and 1024 px; normal, 大字, 高对比;
the open search panel compared by computed style); the search box, whose styles now come with its script, works over http and file://.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import brotli
import pytest

from studyportal.render import material_css
from studyportal.render.compress import MIN_BYTES, SUFFIXES, precompress_site
from studyportal.render.generator import offline_config
from tests.helpers import ROOT, open_page, serve, wait_until

MATERIAL = "materials/changzheng-jingshen/"
PAGES = {"home": "", "curriculum": "curricula/member/", "material": MATERIAL, "search": "search/"}
BUDGET = 20_000
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"([^>]*)>')


def first_view(site: Path, page: str) -> dict[str, int]:
    """``{file: gzip bytes}`` of a page and every stylesheet it links without media=print (the shipped .gz, else gzip -9)."""
    html = site / page / "index.html"
    out = {}
    for path in [html, *((html.parent / href).resolve() for href, rest in _STYLESHEET.findall(html.read_text(encoding="utf-8"))
                          if 'media="print"' not in rest)]:
        gz = path.with_name(path.name + ".gz")
        out[path.relative_to(site).as_posix()] = len(gz.read_bytes()) if gz.is_file() else len(gzip.compress(path.read_bytes(), 9))
    return out


def test_a_material_page_needs_at_most_20_kb_gzip_before_its_first_paint(sample_site):
    sizes = first_view(sample_site, MATERIAL)
    assert sum(sizes.values()) <= BUDGET, sizes


def test_no_page_links_materials_stock_stylesheet_or_palette(sample_site):
    for html in sample_site.rglob("*.html"):
        sheets = [href for href, _ in _STYLESHEET.findall(html.read_text(encoding="utf-8"))]
        assert not [s for s in sheets if "palette." in s or "/main." in s], (html, sheets)
    assert 'data-sp-theme-css' in (sample_site / MATERIAL / "index.html").read_text(encoding="utf-8")


def test_the_search_scripts_are_minified_and_load_after_the_page(sample_site):
    html = (sample_site / MATERIAL / "index.html").read_text(encoding="utf-8")
    tag = re.search(r'<script src="[^"]*search/search\.js"[^>]*>', html, re.S).group(0)
    assert " defer" in tag and "search.css" not in "".join(h for h, _ in _STYLESHEET.findall(html))
    source = (ROOT / "studyportal" / "assets" / "search" / "search.js").stat().st_size
    assert (sample_site / "assets" / "studyportal" / "search" / "search.js").stat().st_size < 0.8 * source


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js checks the minified scripts' syntax")
def test_the_minified_scripts_still_parse(sample_site):
    scripts = sorted((sample_site / "assets" / "studyportal").rglob("*.js"))
    assert len(scripts) >= 5
    for path in scripts:
        done = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (path, done.stderr)


def test_every_text_file_has_an_exact_gz_copy(sample_site):
    texts = [p for p in sample_site.rglob("*") if p.suffix in SUFFIXES and p.stat().st_size >= MIN_BYTES]
    assert len(texts) > 50
    for path in texts:
        data = path.read_bytes()
        gz = path.with_name(path.name + ".gz")
        if not gz.is_file():  # only files gzip cannot make smaller go without
            assert len(gzip.compress(data, 9)) >= len(data), path
            continue
        assert gzip.decompress(gz.read_bytes()) == data, gz
        assert not path.with_name(path.name + ".br").exists(), "no .br unless the portal turns `brotli` on"


def test_precompressing_twice_gives_the_same_bytes(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "studyportal" / "help", site)
    (site / "big.html").write_text("<p>党员学习</p>\n" * 500, encoding="utf-8")
    (site / "small.css").write_text("p{color:red}", encoding="utf-8")
    first = precompress_site(site)
    copies = {p: p.read_bytes() for p in site.rglob("*") if p.suffix in (".gz", ".br")}
    assert all(brotli.decompress(c) == p.with_suffix("").read_bytes() for p, c in copies.items() if p.suffix == ".br")
    assert first.written >= 1 and not (site / "small.css.gz").exists()  # too small to be worth a copy
    (site / "big.html.gz").write_bytes(b"stale")
    precompress_site(site)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.suffix in (".gz", ".br")} == copies


def test_offline_editions_are_built_without_precompressed_copies(tmp_path):
    config = offline_config(ROOT / "mkdocs.yml", tmp_path / "site", "all")
    plugin = next(p["studyportal"] for p in config["plugins"] if isinstance(p, dict) and "studyportal" in p)
    assert plugin["precompress"] is False


# ---- the trimming rules on small stylesheets ----

SITE = material_css.facts([], ["studyportal"], {}, {"primary": "custom", "accent": "custom"}, None, False)


def trim(css: str, words: str = "") -> str:
    return material_css.trim_css(css, frozenset(words.split()), SITE)


def test_a_rule_stays_when_every_class_it_needs_can_appear():
    assert trim(".md-nav .md-x{color:red}", "md-nav md-x") == ".md-nav .md-x{color:red}"
    assert trim(".md-nav .md-tabs{color:red}", "md-nav") == ""
    assert trim(".md-typeset .sp-card{color:red}", "md-typeset") != ""  # trainer content may carry sp- classes
    assert trim("a:not(.md-tabs):hover{color:red}") == "a:not(.md-tabs):hover{color:red}"
    assert trim(":is(.md-tabs,.md-nav) a{color:red}", "md-nav") != ""
    assert trim(".md-tabs,.md-nav{color:red}", "md-nav") == ".md-nav{color:red}"


def test_attribute_values_the_config_rules_out_are_dropped_and_print_styles_stay():
    assert trim("[dir=rtl] .md-nav{margin:0}[dir=ltr] .md-nav{margin:1px}", "md-nav") == "[dir=ltr] .md-nav{margin:1px}"
    assert trim("[data-md-color-scheme=slate]{--md-x:1}[data-md-color-primary=indigo]{color:red}") == ""
    assert trim("@media print{.md-nav{display:none}}", "md-nav") == "@media print{.md-nav{display:none}}"


def test_custom_properties_nothing_reads_are_dropped():
    css = ":root{--a:1;--b:var(--c);--c:2;--d:3}p{width:var(--b)}"
    assert trim(css) == ":root{--b:var(--c);--c:2}p{width:var(--b)}"


# ---- trimmed and stock stylesheets look the same ----


@pytest.fixture(scope="module")
def stock_url(sample_site: Path, tmp_path_factory: pytest.TempPathFactory):
    """The sample site with Material's stock main.css and palette.css linked instead of the trimmed sheet."""
    site = tmp_path_factory.mktemp("stock") / "site"
    shutil.copytree(sample_site, site, ignore=shutil.ignore_patterns("*.gz", "*.br"))
    sheets = site / "assets" / "stylesheets"
    main, palette = next(sheets.glob("main.*.min.css")).name, next(sheets.glob("palette.*.min.css")).name
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        text = re.sub(r'<link rel="stylesheet" href="([^"]*)material\.[0-9a-f]+\.min\.css" data-sp-theme-css>',
                      rf'<link rel="stylesheet" href="\1{main}"><link rel="stylesheet" href="\1{palette}">', text)
        text = re.sub(r' data-sp-styles-theme="[^"]*"', "", text)
        html.write_text(text, encoding="utf-8")
    server, url = serve(site)
    yield url
    server.shutdown()


# The 适老化 bar has decided whether this device can read aloud (reach.js waits up to 2 s for voices): until then the
# bar's 朗读 button shows, and the bar's layout (and so the used margins in the computed styles) is not final.
DECIDED = "document.querySelector('[data-sp-reach=read]').hidden || speechSynthesis.getVoices().some(v => /^zh/i.test(v.lang))"


def reach_state(browser, url: str, mode: str | None) -> str:
    """A script that puts into a page's storage what the 适老化 bar of the site at ``url`` saves when a reader chooses ``mode``."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        choose = "m => { localStorage.clear(); __md_set('sp-reach', m); return Object.entries(localStorage); }"
        saved = page.evaluate(choose, {mode: 1} if mode else {})
        assert saved and all("sp-reach" in key for key, _ in saved), saved
        return f"for (const [k, v] of {json.dumps(saved)}) localStorage.setItem(k, v);"
    finally:
        context.close()


def reach_context(browser, state: str, width: int):
    """A fresh context of the phone's or the office PC's size whose pages start with the reader's saved choices."""
    context = browser.new_context(viewport={"width": width, "height": 740 if width == 360 else 768})
    context.add_init_script(state)
    return context


def settled_screenshots(browser, urls: list[tuple[str, str]], width: int, mode: str | None) -> list[bytes]:
    """Full-page screenshots of ``(url, storage)`` pairs, each page in a context of its own, each taken once it is settled.

    The pages load and settle side by side (the 适老化 bar's two seconds of waiting for voices overlap). A page is shot until
    two shots in a row, at least 400 ms apart, differ in no pixel (as :func:`differing_pixels` counts them).
    """
    contexts, pages = [], []
    for url, state in urls:
        contexts.append(reach_context(browser, state, width))
        pages.append(contexts[-1].new_page())
        pages[-1].goto(url, wait_until="commit")  # the pages load side by side; each is waited for below
    try:
        for page in pages:
            wait_until(page, "document.readyState === 'complete'")
            wait_until(page, "!!document.querySelector('[data-sp-search][data-sp-mounted]') && document.fonts.status === 'loaded'")
            wait_until(page, "!document.querySelector('[data-sp-search]').hidden")
            wait_until(page, DECIDED)
            modes = page.evaluate("Array.from(document.documentElement.classList).filter(c => /^sp-(big|contrast|cursor)$/.test(c))")
            assert modes == ([f"sp-{mode}"] if mode else []), (page.url, modes)  # the saved choice is in force
        # Settled: Material's transitions have ended and the 适老化 bar knows whether the device can read aloud.
        previous: list[bytes | None] = [None] * len(pages)
        settled: dict[int, bytes] = {}
        last = [time.monotonic()] * len(pages)
        for _ in range(25):
            for i, page in enumerate(pages):
                if i in settled:
                    continue
                time.sleep(max(0.0, 0.4 - (time.monotonic() - last[i])))
                shot = page.screenshot(full_page=True, animations="disabled", caret="hide")
                last[i] = time.monotonic()
                if previous[i] is not None and differing_pixels(previous[i], shot) == 0:
                    settled[i] = shot
                previous[i] = shot
            if len(settled) == len(pages):
                break
        return [settled.get(i, previous[i]) for i in range(len(pages))]
    finally:
        for context in contexts:
            context.close()


def differing_pixels(a: bytes, b: bytes) -> int:
    from PIL import Image, ImageChops

    one, two = Image.open(io.BytesIO(a)).convert("RGB"), Image.open(io.BytesIO(b)).convert("RGB")
    if one.size != two.size:
        return one.size[0] * one.size[1]
    diff = ImageChops.difference(one, two).convert("L").point(lambda v: 255 if v > 8 else 0)
    return diff.histogram()[255]


# Every element's (and its ::before's and ::after's) computed style, as one hash per element. Not compared: transitions,
# and custom properties (the trimmed sheet drops those nothing reads; what they do shows in the real properties).
# Chromium lists the same standard properties in every computed style, so their names are read once, from the root.
STYLES = """() => {
  const root = getComputedStyle(document.documentElement), names = [];
  for (let i = 0; i < root.length; i++) if (!/^(transition|animation|--)/.test(root[i])) names.push(root[i]);
  return Array.from(document.querySelectorAll('body *')).map(e => {
    let h = 0, text = e.tagName + '.' + e.getAttribute('class');
    for (const pseudo of [null, '::before', '::after']) {
      const c = getComputedStyle(e, pseudo);
      for (const name of names) text += name + ':' + c.getPropertyValue(name) + ';';
    }
    for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
    return e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '').replace(/ /g, '.') + ' ' + h;
  });
}"""


def open_search_styles(browser, url: str, state: str, width: int) -> list[str]:
    """The computed styles of the material page with the search panel open on a query (its results drawn)."""
    context = reach_context(browser, state, width)
    try:
        page = context.new_page()
        page.goto(url + MATERIAL)
        wait_until(page, "!document.querySelector('[data-sp-search]').hidden")
        wait_until(page, DECIDED)
        page.keyboard.press("/")
        page.keyboard.insert_text("党章")
        wait_until(page, "q => document.querySelector('[data-sp-search-result]').dataset.spQuery === q", "党章")
        previous = None
        for _ in range(25):  # settled: the panel's transitions have ended
            page.wait_for_timeout(300)
            styles = page.evaluate(STYLES)
            if styles == previous:
                break
            previous = styles
        return styles
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("mode", [None, "big", "contrast"], ids=["normal", "大字", "高对比"])
@pytest.mark.parametrize("width", [360, 1024])
def test_pages_with_the_trimmed_stylesheet_look_exactly_like_with_materials_own(browser, sample_url, stock_url, width, mode):
    states = {url: reach_state(browser, url, mode) for url in (sample_url, stock_url)}
    # Every page twice, with the trimmed and with the stock sheets, loading and settling side by side.
    pages = [(url + path, states[url]) for url in (sample_url, stock_url) for path in PAGES.values()]
    shots = settled_screenshots(browser, pages, width, mode)
    different = {}
    for name, trimmed, stock in zip(PAGES, shots[: len(PAGES)], shots[len(PAGES) :], strict=True):
        if (n := differing_pixels(trimmed, stock)) > 0:
            different[name] = n
    if different:  # on a busy machine a page can settle on a frame a pixel off; a real difference shows again
        again = list(different)
        urls = [(url + PAGES[name], states[url]) for url in (sample_url, stock_url) for name in again]
        shots = settled_screenshots(browser, urls, width, mode)
        pairs = zip(again, shots[: len(again)], shots[len(again) :], strict=True)
        different = {name: n for name, a, b in pairs if (n := differing_pixels(a, b))}
    assert not different, f"pixels that differ at {width} px, mode {mode}: {different}"
    # The open search panel (its rules now come with the search script): the same computed style on every element.
    trimmed, stock = (open_search_styles(browser, url, states[url], width) for url in (sample_url, stock_url))
    assert len(trimmed) == len(stock)
    assert [t for t, s in zip(trimmed, stock, strict=True) if t != s] == []


@pytest.mark.browser
def test_search_works_with_its_late_styles_over_http_and_file(browser, sample_site, sample_url):
    for url in (sample_url + MATERIAL, (sample_site / MATERIAL / "index.html").as_uri()):
        context, page, _ = open_page(browser, width=360, height=740)
        page.goto(url)
        wait_until(page, "!document.querySelector('[data-sp-search]').hidden")
        page.click("[data-sp-search-toggle]")
        # Material's search rules arrived: on a phone the open panel covers the screen (position: fixed).
        wait_until(page, "getComputedStyle(document.querySelector('.md-search__inner')).position === 'fixed'")
        page.keyboard.insert_text("党章")
        wait_until(page, "document.querySelectorAll('[data-sp-result]').length > 0")
        assert page.is_visible("[data-sp-result]")
        context.close()


# ---- help/hosting.md: the server snippets fit the site the tool builds ----


def test_the_hosting_pages_snippets_name_what_a_built_site_has(sample_site):
    text = (ROOT / "studyportal" / "help" / "hosting.md").read_text(encoding="utf-8")
    nginx = re.search(r"```nginx\n(.*?)```", text, re.S).group(1)
    caddy = re.search(r"```caddy\n(.*?)```", text, re.S).group(1)
    files = [p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*") if p.is_file()]
    # The long-cache pattern of both servers catches the hashed stylesheets and scripts, and nothing that changes in place.
    hashed = re.search(r'location ~\* "(.+?)"', nginx).group(1)
    assert hashed == re.search(r"@hashed path_regexp (\S+)", caddy).group(1)
    cached = {f for f in files if re.search(hashed, f)}
    first = re.search(r'href="([^"]+)" data-sp-theme-css', (sample_site / "index.html").read_text(encoding="utf-8")).group(1)
    assert first in cached and any(f.startswith("assets/javascripts/bundle.") for f in cached)
    assert not [f for f in cached if f.endswith(".html") or f.startswith(("search/", "assets/studyportal/"))]
    # The folders the snippets name exist; every page a server sends has its precompressed copies.
    for folder in set(re.findall(r"/(assets|search|images)/", nginx + caddy)):
        assert (sample_site / folder).is_dir(), folder
    assert (sample_site / "index.html.gz").is_file() and not (sample_site / "index.html.br").exists()  # .br: `brotli: true`
    assert "gzip_static on;" in nginx and "precompressed br gzip" in caddy
    # The page itself is published with the other help pages.
    assert "架设网站" in (sample_site / "hosting" / "index.html").read_text(encoding="utf-8")


def test_admonition_rules_stay_only_when_some_page_can_have_an_admonition():
    css = ".md-typeset .admonition{margin:0}.md-typeset .tip>.admonition-title{color:red}"
    assert trim(css, "md-typeset") == ""
    used = " ".join(material_css.content_classes(["## 正文\n\n!!! tip \"提示\"\n    先读党章。\n"]) | {"md-typeset"})
    assert trim(css, used) == css
    assert material_css.content_classes(['<p class="note">…</p>', "段落 {.warning}", "见 example.gov.cn 的 note"]) == {"note", "warning"}


# Every animation frame for 1.5 s after the page began: the copy dialog's opacity (Material's rule for it comes late).
DIALOG_OPACITIES = """() => new Promise(done => {
  const seen = [], end = performance.now() + 1500;
  const look = () => {
    const dialog = document.querySelector('.md-dialog');
    if (dialog) seen.push(getComputedStyle(dialog).opacity);
    if (performance.now() < end) requestAnimationFrame(look); else done(seen);
  };
  look();
})"""


@pytest.mark.browser
def test_nothing_flashes_over_a_page_while_its_late_styles_arrive(browser, sample_url):
    """The copy dialog's rules come with the search script; before, a dark bar faded out over the bottom of every page."""
    context, page, _ = open_page(browser, width=360, height=740)
    try:
        page.goto(sample_url + MATERIAL, wait_until="commit")
        seen = page.evaluate(DIALOG_OPACITIES)
        wait_until(page, "!document.querySelector('[data-sp-search]').hidden")  # the late sheet is in
        seen += page.evaluate(DIALOG_OPACITIES)
        assert seen and set(seen) == {"0"}, sorted(set(seen))
    finally:
        context.close()
