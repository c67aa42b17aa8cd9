"""This month (issue 13): the curriculum page and the home page's cards show the current phase and this quarter's books.

Worked out in the browser from the device's date (fixed here with Playwright's clock), over http and from
``file://`` as an offline copy is opened; without JavaScript the whole plan shows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from studyportal.plan.schedule import quarter_label, quarter_range
from tests.helpers import load_sample, wait_until

CURRICULUM = "curricula/member/"


def test_quarters_are_the_days_a_reading_list_means():
    assert quarter_range("2026Q1") == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert quarter_range("2026Q3") == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert quarter_range("2028Q4") == (dt.date(2028, 10, 1), dt.date(2028, 12, 31))
    assert quarter_label("2026Q3") == "2026年第三季度"


def _open(browser, url: str, day: str, javascript: bool = True):
    context = browser.new_context(java_script_enabled=javascript, timezone_id="Asia/Shanghai", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    if javascript:
        page.clock.set_fixed_time(f"{day}T09:30:00+08:00")
    page.goto(url)
    return context, page


def _urls(sample_url: str, sample_site, path: str) -> list[str]:
    return [sample_url + path, (sample_site / path / "index.html").as_uri()]


@pytest.mark.browser
@pytest.mark.parametrize("where", ["http", "file"])
@pytest.mark.parametrize(
    ("day", "phase", "activity", "books", "not_books"),
    [
        ("2026-07-01", "组织实施", "主题党日：庆祝建党纪念日、重温入党誓词", ["《中国共产党章程》", "《红星照耀中国》"], ["《红岩》"]),
        ("2026-08-15", "组织实施", "", ["《中国共产党章程》", "《红星照耀中国》"], ["《红岩》"]),
        ("2026-12-01", "总结评估", "主题党日：年度学习总结、民主评议准备", ["《红岩》", "《平凡的世界》"], ["《红星照耀中国》"]),
        ("2026-02-10", "调研准备", "", [], ["《红岩》", "《中国共产党章程》"]),
    ],
)
def test_the_curriculum_page_shows_the_phase_activity_and_books_of_the_day(
    browser, sample_url, sample_site, where, day, phase, activity, books, not_books
):
    url = _urls(sample_url, sample_site, CURRICULUM)[where == "file"]
    context, page = _open(browser, url, day)
    wait_until(page, "!document.querySelector('[data-sp-now]').hidden")
    box = page.inner_text("[data-sp-now]")
    y, m, d = (int(x) for x in day.split("-"))
    assert f"今天是{y}年{m}月{d}日" in box
    assert f"当前阶段：{phase}" in box
    assert (f"本月活动：{activity}" in box) if activity else ("本月活动" not in box)
    for book in books:
        assert book in box, book
    for book in not_books:
        assert book not in box, book
    # the plan stays whole below, the current phase marked in it
    assert page.locator(".sp-phases li").count() == 3
    assert page.inner_text(".sp-phases li.sp-now-current strong") == phase
    assert page.locator(".sp-now-current").count() == 1 + bool(activity) + bool(books)
    context.close()


@pytest.mark.browser
def test_before_and_after_the_plan_the_box_says_so(browser, sample_url):
    context, page = _open(browser, sample_url + CURRICULUM, "2026-01-05")
    wait_until(page, "!document.querySelector('[data-sp-now]').hidden")
    assert "学习计划还没有开始，第一阶段“调研准备”从2026年1月10日开始" in page.inner_text("[data-sp-now]")
    context.close()
    context, page = _open(browser, sample_url + CURRICULUM, "2027-03-01")
    wait_until(page, "!document.querySelector('[data-sp-now]').hidden")
    assert "本学习计划已于2026年12月31日结束" in page.inner_text("[data-sp-now]")
    assert page.locator(".sp-now-current").count() == 0
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("where", ["http", "file"])
def test_each_audience_card_on_the_home_page_shows_its_own_phase(browser, sample_url, sample_site, where):
    url = sample_url if where == "http" else (sample_site / "index.html").as_uri()
    context, page = _open(browser, url, "2026-11-05")
    wait_until(page, "document.querySelectorAll('.sp-who [data-sp-now]:not([hidden])').length === 3")
    cards = {c: page.inner_text(f".sp-who__card--{c} [data-sp-now]") for c in ("secretary", "member", "mobile")}
    # the same day is in different phases of different plans (secretaries evaluate from 1 November)
    assert "现在：总结评估" in cards["secretary"]
    assert "现在：组织实施" in cards["member"] and "本季度必读：" in cards["member"] and "《红岩》" in cards["member"]
    assert "现在：组织实施" in cards["mobile"]
    assert "本月活动" not in cards["member"]  # November has none
    context.close()
    context, page = _open(browser, url, "2026-07-20")
    wait_until(page, "document.querySelectorAll('.sp-who [data-sp-now]:not([hidden])').length === 3")
    assert "本月活动：主题党日：庆祝建党纪念日、重温入党誓词" in page.inner_text(".sp-who__card--member [data-sp-now]")
    assert "本月活动" not in page.inner_text(".sp-who__card--secretary [data-sp-now]")  # the secretaries' plan names none
    context.close()


@pytest.mark.browser
def test_without_javascript_the_whole_plan_shows(browser, sample_url):
    catalog = load_sample().catalog
    member = catalog.curricula["member"]
    context, page = _open(browser, sample_url + CURRICULUM, "", javascript=False)
    assert not page.locator("[data-sp-now]").is_visible()
    phases = page.locator(".sp-phases li")
    assert phases.count() == len(member.phases)
    for i, p in enumerate(member.phases):
        assert p.title in phases.nth(i).inner_text() and phases.nth(i).is_visible()
    quarters = page.locator(".sp-quarter")
    assert [quarters.nth(i).locator("h3").inner_text() for i in range(quarters.count())] == ["2026年第三季度", "2026年第四季度"]
    assert page.get_by_text("《红星照耀中国》").is_visible() and page.get_by_text("《红岩》").is_visible()
    months = page.locator(".sp-months li")
    assert months.count() == len(member.activities) == 6  # every month's activity, in date order
    assert [a.title for a in member.activities] == [months.nth(i).inner_text().split("\u3000", 1)[1].split("\n")[0] for i in range(6)]
    assert page.locator(".sp-now-current").count() == 0
    context.close()
    context, page = _open(browser, sample_url, "", javascript=False)
    assert page.locator(".sp-who [data-sp-now]").count() == 3 and not page.locator(".sp-who [data-sp-now]").first.is_visible()
    context.close()
