"""A reader's path through the built site in real headless Chromium: home → curriculum → material → next/previous."""

from __future__ import annotations

import pytest

from tests.helpers import load_sample, open_page

pytestmark = pytest.mark.browser
CATALOG = load_sample().catalog


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", [1024, 360], ids=["terminal", "phone"])
def test_home_to_curriculum_to_material_and_next(browser, sample_url, javascript, width):
    context, page, log = open_page(browser, javascript=javascript, width=width)
    try:
        page.goto(sample_url)
        assert page.locator("h2", has_text="你是谁").count() == 1
        page.get_by_role("link", name="我是普通党员").click()
        page.wait_for_url("**/curricula/member/")
        curriculum = CATALOG.curricula["member"]
        assert page.locator("h1").first.inner_text().strip() == curriculum.title
        ordered = curriculum.materials()
        first, second = ordered[0], ordered[1]
        page.locator(".sp-step a", has_text=first.title).first.click()
        page.wait_for_url(f"**/materials/{first.slug}/")
        assert page.locator(".sp-header h1").inner_text().strip() == first.title
        place = page.locator(".sp-place--member")
        place.locator("a[rel=next]").click()
        page.wait_for_url(f"**/materials/{second.slug}/")
        assert second.title in page.locator(".sp-header h1").inner_text()
        page.locator(".sp-place--member a[rel=prev]").click()
        page.wait_for_url(f"**/materials/{first.slug}/")
        # the module page is reachable from the material and lists it
        page.locator(".sp-place--member .sp-place__where a").nth(1).click()
        assert page.locator(".sp-card a", has_text=first.title).count() == 1
        # nothing sideways: no horizontal scrolling on a phone
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"page scrolls sideways by {overflow}px at {width}px"
        assert log.outside(sample_url) == [], log.outside(sample_url)
    finally:
        context.close()


def test_every_audience_reaches_its_curriculum(browser, sample_url):
    context, page, log = open_page(browser)
    try:
        for code, name in (("secretary", "支部书记"), ("member", "普通党员"), ("mobile", "流动党员")):
            page.goto(sample_url)
            page.get_by_role("link", name=f"我是{name}").click()
            page.wait_for_url(f"**/curricula/{code}/")
            assert CATALOG.curricula[code].title in page.locator("h1").first.inner_text()
        assert log.outside(sample_url) == []
    finally:
        context.close()


def test_material_page_is_in_chinese_and_readable_without_js(browser, sample_url):
    context, page, _ = open_page(browser, javascript=False, width=360)
    try:
        page.goto(sample_url + "materials/xin-dangzhang/")
        assert page.locator("html").get_attribute("lang") == "zh"
        body = page.locator(".sp-body")
        assert body.is_visible() and "党章" in body.inner_text()
        font_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.sp-body p')).fontSize)")
        assert font_size >= 13
    finally:
        context.close()
