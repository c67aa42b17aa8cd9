"""The unzipped bundle in headless Chromium over file://, with every request outside the folder blocked and recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyportal.bundle.archive import extract_zip
from studyportal.bundle.make import BundleResult
from tests.helpers import load_sample, open_page, wait_until

pytestmark = pytest.mark.browser
CATALOG = load_sample().catalog


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory: pytest.TempPathFactory, sample_bundle: BundleResult) -> Path:
    tmp = tmp_path_factory.mktemp("bundle-browser")
    extract_zip(sample_bundle.zip_path, tmp / "unzipped")
    return tmp / "unzipped" / sample_bundle.manifest.folder


def offline_page(browser, folder: Path, **kwargs):
    """A page whose requests outside ``folder`` are aborted and recorded, as on a terminal without network."""
    context, page, log = open_page(browser, **kwargs)
    blocked: list[str] = []
    inside = folder.as_uri() + "/"

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(inside):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, log, blocked, errors


def outside(log, blocked: list[str], folder: Path) -> list[str]:
    return sorted(set(log.outside(folder.as_uri() + "/") + blocked))


def test_home_curriculum_material_from_file_without_network(browser, unzipped):
    context, page, log, blocked, errors = offline_page(browser, unzipped)
    try:
        page.goto((unzipped / "index.html").as_uri())
        assert page.evaluate("typeof window.document$") == "object", "Material's JavaScript runs from file://"
        curriculum = CATALOG.curricula["mobile"]
        page.click("text=我是流动党员")
        page.wait_for_load_state()
        assert page.url.endswith("/curricula/mobile/index.html")
        assert curriculum.title in page.inner_text("h1")
        first = curriculum.materials()[0]
        page.click(f".sp-step a:has-text('{first.title}')")
        page.wait_for_load_state()
        assert page.url.endswith(f"/materials/{first.slug}/index.html")
        assert first.title in page.inner_text("h1") and "流动党员" in page.inner_text(".sp-header")
        # the material's pager and the navigation lead on, still inside the folder
        page.click("a.sp-pager__next")
        page.wait_for_load_state()
        assert page.url.endswith(f"/materials/{curriculum.materials()[1].slug}/index.html")
        page.click(".sp-place--mobile .sp-place__where a >> nth=0")
        page.wait_for_load_state()
        assert page.url.endswith("/curricula/mobile/index.html")
        assert outside(log, blocked, unzipped) == []
        assert errors == []
    finally:
        context.close()


def test_chinese_search_works_from_file_without_network(browser, unzipped):
    if not (unzipped / "search").is_dir():
        pytest.skip("the search engine is not in this build")
    material = CATALOG.curricula["mobile"].materials()[0]
    query = material.title[1:5]  # part of a title, typed without spaces
    context, page, log, blocked, errors = offline_page(browser, unzipped)
    try:
        page.goto((unzipped / "index.html").as_uri())
        page.fill("[data-sp-search-query]", query)
        wait_until(page, "document.querySelectorAll('[data-sp-search-list] a').length > 0")
        assert "找到" in page.inner_text("[data-sp-search-meta]")
        assert material.title in page.inner_text("[data-sp-search-list]")
        hrefs = page.eval_on_selector_all("[data-sp-search-list] a", "els => els.map(e => e.getAttribute('href'))")
        assert hrefs and all(h.split("#")[0].endswith(".html") for h in hrefs), hrefs
        page.click(f"[data-sp-search-list] a:has-text('{material.title}') >> nth=0")
        page.wait_for_load_state()
        assert page.url.split("#")[0].endswith(f"/materials/{material.slug}/index.html")
        assert outside(log, blocked, unzipped) == []
        assert errors == []
    finally:
        context.close()


def test_old_browser_without_resize_observer_stays_offline(browser, unzipped):
    """Material would fetch a ResizeObserver polyfill from unpkg.com; the bundle's stand-in prevents it."""
    context, page, log, blocked, errors = offline_page(browser, unzipped, width=400, height=700)
    try:
        context.add_init_script("delete window.ResizeObserver")
        page.goto((unzipped / "curricula" / "member" / "index.html").as_uri())
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.ResizeObserver") == "function"
        assert outside(log, blocked, unzipped) == []
        assert errors == []
    finally:
        context.close()


def test_pages_read_and_navigate_with_javascript_off(browser, unzipped):
    context, page, log, blocked, _ = offline_page(browser, unzipped, javascript=False)
    try:
        page.goto((unzipped / "index.html").as_uri())
        page.click("text=我是支部书记")
        page.wait_for_load_state()
        assert CATALOG.curricula["secretary"].title in page.inner_text("h1")
        assert outside(log, blocked, unzipped) == []
    finally:
        context.close()
