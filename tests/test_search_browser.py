"""The search box in real headless Chromium: Chinese queries of every kind, over http and from file://."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyportal.search.index import settings
from studyportal.search.tokens import fold, parse_query, query_terms, squeeze
from tests.helpers import build_site, cli_results, copy_project, open_page, wait_until
from tests.search_cases import CASES, SENTENCES, TYPED, check

pytestmark = pytest.mark.browser

RESULTS = """els => els.map(a => ({
  href: a.href,
  title: a.querySelector('h1').textContent,
  kind: (a.querySelector('.sp-kind').className.match(/sp-kind--([\\w-]+)/) || [])[1],
  audiences: Array.from(a.querySelectorAll('.sp-badge')).map(b => b.className.match(/sp-badge--([\\w-]+)/)[1]),
  tier: a.querySelector('article').dataset.spTier,
  snippet: a.querySelector('.sp-search-snippet').innerHTML,
}))"""


def search_box(page, query: str, *, audience: str | None = None, kind: str | None = None) -> list[dict]:
    """Open the search with the keyboard, set the filters, type the query; the results shown."""
    if not page.evaluate("document.activeElement.matches('[data-sp-search-query]')"):
        page.keyboard.press("/")
    if audience or kind:
        wait_until(page, "document.querySelectorAll('[data-sp-filter=kind] option').length > 1")
        if audience:
            page.select_option("[data-sp-filter=audience]", audience)
        if kind:
            page.select_option("[data-sp-filter=kind]", kind)
        page.focus("[data-sp-search-query]")
    page.keyboard.insert_text(query)  # one input event, as an input method commits a phrase
    wait_until(page, "q => document.querySelector('[data-sp-search-result]').dataset.spQuery === q", query)
    return page.eval_on_selector_all("[data-sp-result]", RESULTS)


def relative(results: list[dict], base: str) -> list[str]:
    assert all(r["href"].startswith(base) for r in results), [r["href"] for r in results]
    return [r["href"][len(base) :] for r in results]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_search_box_meets_the_shared_expectations_and_ranks_like_the_terminal(browser, sample_url, sample_site, case):
    context, page, _ = open_page(browser)
    if case.reader:  # the reader's own audience is the last curriculum they opened
        page.goto(sample_url + f"curricula/{case.reader}/")
    page.goto(sample_url + "materials/xin-dangzhang/")
    results = search_box(page, case.query, audience=case.audience, kind=case.kind)
    urls = relative(results, sample_url)
    check(case, urls, [r["title"] for r in results], [r["audiences"] for r in results], [r["kind"] for r in results])
    terminal = cli_results(sample_site, case.query, audience=case.audience, kind=case.kind, reader=case.reader)
    assert urls == [r["url"] for r in terminal]  # same tokeniser, same lunr scoring, same ranking rules
    context.close()


def test_results_show_title_kind_audiences_and_highlighted_snippet(browser, sample_url):
    context, page, _ = open_page(browser)
    page.goto(sample_url)
    first = search_box(page, "党员教育培训")[0]
    assert first["title"] == "解读《中国共产党党员教育管理工作条例》"
    assert first["kind"] == "policy-explainer" and first["audiences"] == ["secretary", "member"]
    assert "<mark>党员教育培训</mark>的要求" in first["snippet"]
    card = page.locator("[data-sp-result]").first
    assert card.is_visible()
    assert "政策解读" in card.inner_text() and "支部书记" in card.inner_text() and "必学" in card.inner_text()
    assert "找到" in page.inner_text("[data-sp-search-meta]")
    context.close()


def test_index_loads_only_when_the_reader_searches_and_only_what_the_query_needs(browser, sample_url, sample_site):
    context, page, log = open_page(browser)
    page.goto(sample_url + "materials/xin-dangzhang/")
    page.wait_for_load_state("load")
    assert not [u for u in log.urls if u.startswith(sample_url + "search/") or "lunr" in u or "engine" in u]  # only the small search.js
    page.keyboard.press("/")
    wait_until(page, "!!window.lunr && !!window.__spSearch")
    assert any(u.endswith("search/data/meta.js") for u in log.urls)
    search_box(page, "乡村振兴2026")
    shards = [u for u in log.urls if "/search/data/p/" in u]
    assert 0 < len(shards) <= 4 < len(list((sample_site / "search" / "data" / "p").iterdir()))
    assert log.outside(sample_url) == []
    context.close()


def test_keyboard_opens_moves_through_and_follows_results(browser, sample_url):
    context, page, _ = open_page(browser)
    page.goto(sample_url + "materials/xin-dangzhang/")
    page.keyboard.press("s")
    assert page.evaluate("document.activeElement.matches('[data-sp-search-query]') && document.getElementById('__search').checked")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    search_box(page, "三会一课")
    page.keyboard.press("ArrowDown")  # a combobox: the focus stays in the box, the first result is chosen
    assert page.evaluate("""() => { const box = document.activeElement, id = box.getAttribute('aria-activedescendant');
      return box.matches('[data-sp-search-query]') && !!id
        && document.getElementById(id).matches('[data-sp-result][aria-selected=true]'); }""")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == sample_url + "materials/sanhui-yike/"
    assert page.locator("h1").first.inner_text() == "怎样开好“三会一课”"
    context.close()


def test_more_results_on_request(browser, sample_url):
    context, page, _ = open_page(browser)
    page.goto(sample_url)
    assert len(search_box(page, "党员")) == 10
    page.click("[data-sp-search-more]")
    wait_until(page, "document.querySelectorAll('[data-sp-result]').length > 10")
    context.close()


def test_phone_sized_screen_opens_search_from_the_header_button(browser, sample_url):
    context, page, _ = open_page(browser, width=360, height=740)
    page.goto(sample_url + "materials/xin-dangzhang/")
    button = page.locator("label.md-header__button[for=__search]")
    assert button.is_visible()
    button.click()
    wait_until(page, "document.activeElement.matches('[data-sp-search-query]')")
    page.keyboard.insert_text("农村电商")
    wait_until(page, "document.querySelector('[data-sp-search-result]').dataset.spQuery === '农村电商'")
    first = page.locator("[data-sp-result]").first
    assert first.is_visible() and "农村电商入门" in first.inner_text()
    context.close()


def test_without_javascript_pages_read_and_navigate_and_search_is_simply_absent(browser, sample_url):
    context, page, _ = open_page(browser, javascript=False)
    page.goto(sample_url + "materials/xin-dangzhang/")
    assert page.locator("h1").first.inner_text() == "学习新党章 争做合格党员"
    assert page.locator("[data-sp-search]").is_hidden()
    assert page.locator("label.md-header__button[for=__search]").is_hidden()
    topic = page.locator("a.sp-topic").first
    name = topic.inner_text()
    topic.click()
    assert "/topics/" in page.url and name in page.locator("h1").first.inner_text()
    context.close()


def test_the_browser_tokenises_and_parses_exactly_like_python(browser, sample_url):
    """Node runs the engine on every case (tests/js/); this checks a real browser runs it alike, with the rules from the index."""
    context, page, _ = open_page(browser)
    page.goto(sample_url)
    page.keyboard.press("/")
    wait_until(page, "!!window.lunr && !!window.__spSearch")
    samples = SENTENCES + TYPED
    js = page.evaluate(
        """([xs, rules]) => { const t = __spSearch.tokens(rules);
             return xs.map(x => ({fold: t.fold(x), squeeze: t.squeeze(t.fold(x)), query: t.queryTerms(x),
                                  parts: t.parseQuery(x).map(p => [p.text, p.terms, p.presence])})); }""",
        [samples, settings()],
    )
    for text, got in zip(samples, js, strict=True):
        assert got["fold"] == fold(text)
        assert got["squeeze"] == squeeze(fold(text))
        assert got["query"] == query_terms(text)
        assert got["parts"] == [[p.text, list(p.terms), p.presence] for p in parse_query(text)]
    context.close()


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample portal built the way the offline copy is: ``use_directory_urls: false``."""
    project = copy_project(tmp_path_factory.mktemp("offline-project"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nuse_directory_urls: false\n", encoding="utf-8")
    site = tmp_path_factory.mktemp("offline") / "site"
    result = build_site(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.mark.parametrize("start", ["index.html", "materials/xin-dangzhang/index.html", "curricula/member/index.html"])
def test_search_works_from_file_urls_in_the_offline_copy(browser, offline_site, start):
    context, page, log = open_page(browser)
    kinds: list[str] = []
    page.on("request", lambda r: kinds.append(r.resource_type))
    base = offline_site.as_uri() + "/"
    page.goto(base + start)
    results = search_box(page, "乡村振兴2026")
    assert relative(results, base)[0] == "materials/xiangcun-zhenxing-2026/index.html"
    assert "fetch" not in kinds and "xhr" not in kinds  # index pieces come through <script> tags
    assert log.outside("file://") == []
    with page.expect_navigation():
        page.locator("[data-sp-result]").first.click()
    assert page.url == base + "materials/xiangcun-zhenxing-2026/index.html"
    assert page.locator("h1").first.inner_text() == "乡村振兴2026年重点任务学习提要"
    context.close()
