"""The study record in real Chromium, over http and from file://: 学完了 on materials, progress and hours on the
curriculum page, kept across reloads, undone, exported as a CSV that ``studyportal ledger`` reads, and printed."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pytest

from studyportal.model import Curriculum, Material
from studyportal.plan.curriculum_pages import module_label
from studyportal.render import generator
from tests.helpers import ROOT, load_sample, open_page, run_cli, wait_until

pytestmark = pytest.mark.browser
CATALOG = load_sample().catalog
MATERIAL_READY = "(() => { const b = document.querySelector('[data-sp-record]'); return b !== null && !b.hidden; })()"
PROGRESS_READY = "(() => { const b = document.querySelector('[data-sp-progress]'); return b !== null && !b.hidden; })()"
TODAY = "(() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]; })()"


def _plan() -> tuple[Curriculum, list[Material]]:
    """The members' curriculum and the first two materials of its first module (both with hours)."""
    c = CATALOG.curricula["member"]
    chosen = [m for m in c.modules[0].materials if m.hours][:2]
    assert len(chosen) == 2, "the sample's first member module lists two materials with hours"
    return c, chosen


def _status(page) -> str:
    return page.inner_text("[data-sp-record-status]")


def _toggle(page) -> None:
    page.click("[data-sp-record-toggle]")


def _hours_line(page) -> str:
    return page.inner_text("[data-sp-progress-hours]")


def _module_count(page, index: int = 0) -> str:
    return page.inner_text(f"[data-sp-progress-module]:nth-child({index + 1}) [data-sp-progress-count]")


def _table(page) -> list[list[str]]:
    return page.eval_on_selector_all("[data-sp-record-table] tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def _expect_progress(page, c: Curriculum, studied: list[Material], year: int, today: str) -> None:
    done = sum(m.hours or 0 for m in studied)
    target = c.target()
    assert _hours_line(page) == f"{year} 年已学 {done:g} 学时，年度目标 {target:g} 学时，还差 {target - done:g} 学时。"
    first = c.modules[0]
    assert page.inner_text("[data-sp-progress-module]:nth-child(1) a") == f"{module_label(0)}　{first.title}"
    assert _module_count(page) == f"已学 {len(studied)} / {len(first.materials)} 个材料"
    assert (
        page.inner_text(f"[id='{first.key}'] + .sp-module-stats .sp-progress__mine") == f" · 我已学 {len(studied)} / {len(first.materials)}"
    )
    assert _table(page) == [[m.title, _kind(m), today, f"{m.hours:g}"] for m in studied]
    assert page.evaluate("document.querySelector('progress').value") == done
    ticks = page.eval_on_selector_all(".sp-body .sp-step", "els => els.filter(e => e.querySelector('.sp-progress__tick')).length")
    assert ticks == sum(1 for module in c.modules for m in module.materials if m in studied), "a ✔ after each studied material in the lists"


def _kind(m: Material) -> str:
    from studyportal.kinds import kind_spec

    return kind_spec(m.kind).name


def _guard(page, base: str) -> tuple[list[str], list[str]]:
    outside: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "blob:", "data:")) else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return outside, errors


def _mark_reload_unmark(page, base: str, suffix: str) -> tuple[Curriculum, list[Material], int, str]:
    """Mark two materials studied, reload, see both on the curriculum page, then undo one; returns what stays studied."""
    c, (first, second) = _plan()
    page.goto(f"{base}materials/{first.slug}/{suffix}")
    wait_until(page, MATERIAL_READY)
    year, month, day = page.evaluate(TODAY)
    today = f"{year}-{month:02d}-{day:02d}"
    assert "读完了吗" in _status(page) and page.inner_text("[data-sp-record-toggle]") == "学完了"
    _toggle(page)
    assert _status(page) == f"✔ 已于 {year}年{month}月{day}日 学完，记 {first.hours:g} 学时。记录只保存在这台设备上。"
    assert page.inner_text("[data-sp-record-toggle]") == "撤销“学完了”"
    page.reload()
    wait_until(page, MATERIAL_READY)
    assert _status(page).startswith(f"✔ 已于 {year}年{month}月{day}日 学完"), "kept across a reload"
    page.goto(f"{base}materials/{second.slug}/{suffix}")
    wait_until(page, MATERIAL_READY)
    page.focus("[data-sp-record-toggle]")
    page.keyboard.press("Enter")  # the keyboard alone
    assert _status(page).startswith("✔ 已于")
    page.goto(f"{base}curricula/{c.audience}/{suffix}")
    wait_until(page, PROGRESS_READY)
    _expect_progress(page, c, [first, second], year, today)
    page.reload()
    wait_until(page, PROGRESS_READY)
    _expect_progress(page, c, [first, second], year, today)
    # undo one: the curriculum forgets it
    page.goto(f"{base}materials/{second.slug}/{suffix}")
    wait_until(page, MATERIAL_READY)
    _toggle(page)
    assert "读完了吗" in _status(page) and page.inner_text("[data-sp-record-toggle]") == "学完了"
    page.goto(f"{base}curricula/{c.audience}/{suffix}")
    wait_until(page, PROGRESS_READY)
    _expect_progress(page, c, [first], year, today)
    return c, [first], year, today


def _export(page, c: Curriculum, studied: list[Material], today: str, tmp: Path) -> Path:
    """Export the record: first refused without a name, then downloaded; the CSV read back as the secretary would."""
    page.click("[data-sp-record-export]")
    assert "请先填写姓名和支部" in page.inner_text("[data-sp-record-message]")
    assert page.evaluate("document.activeElement.matches('[data-sp-record-name]')"), "the empty field gets the focus"
    page.fill("[data-sp-record-name]", "张三")
    page.fill("[data-sp-record-branch]", "城关镇第一党支部")
    with page.expect_download() as info:
        page.click("[data-sp-record-export]")
    download = info.value
    assert download.suggested_filename == f"学习记录-张三-{today}.csv"
    path = tmp / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark: Excel opens the Chinese right"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [
        ["姓名", "支部", "材料", "类别", "学完日期", "学时", "年度目标"],
        *[["张三", "城关镇第一党支部", m.title, _kind(m), today, f"{m.hours:g}", f"{c.target():g}"] for m in studied],
    ]
    assert "已导出 1 条记录" in page.inner_text("[data-sp-record-message]")
    page.reload()
    wait_until(page, PROGRESS_READY)
    assert page.input_value("[data-sp-record-name]") == "张三", "name and branch are kept on the device too"
    return path


def _print(page, studied: list[Material]) -> None:
    """The printable summary: only the record, with the name, the branch and the rows."""
    import pypdf

    page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")  # no dialog in a test
    page.click("[data-sp-record-print]")
    assert page.evaluate("window.__printed") == 1
    assert page.evaluate("document.documentElement.classList.contains('sp-print-record')")
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => ['.sp-body', '.sp-header', '.md-header', '.sp-progress__tools', '.sp-progress__who', '.sp-reach']
           .filter(s => [...document.querySelectorAll(s)].some(e => e.getClientRects().length))"""
    )
    assert shown == [], shown
    assert page.is_visible("[data-sp-record-table]") and "姓名：张三　支部：城关镇第一党支部" in page.inner_text("[data-sp-record-who]")
    page.emulate_media(media="null")
    pages = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4"))).pages
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(p.extract_text() for p in pages)))  # NFKC: 支, not the radical ⽀
    assert "学习记录" in text and "姓名:张三" in text and "城关镇第一党支部" in text
    assert all(re.sub(r"\s+", "", m.title) in text for m in studied)
    assert "查看模块一的全部摘要" not in text, "the curriculum itself is not printed with the record"
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert not page.evaluate("document.documentElement.classList.contains('sp-print-record')"), "printing the page again prints the page"


def test_mark_reload_unmark_export_and_print_over_http(browser, sample_url, tmp_path):
    context, page, _ = open_page(browser)
    outside, errors = _guard(page, sample_url)
    try:
        c, studied, _, today = _mark_reload_unmark(page, sample_url, "")
        csv_file = _export(page, c, studied, today, tmp_path)
        _print(page, studied)
        page.click(".sp-progress__note a")  # how it works, for the member and the secretary
        assert page.inner_text("h1").startswith("学习记录：学完了、学习进度和学习台账")
        assert outside == [] and errors == []
    finally:
        context.close()
    # the secretary merges it into the branch's ledger
    result = run_cli("ledger", csv_file.name, "-o", "台账.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"城关镇第一党支部,张三,{studied[0].title}," in (tmp_path / "台账.csv").read_text(encoding="utf-8-sig")


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("record-offline") / "site"
    result = generator.build_offline(ROOT / "mkdocs.yml", site, "all")
    assert result.returncode == 0, result.stderr[-3000:]
    for dest, source in generator.offline_assets():  # what a bundle adds to every offline build (bundle/make.py)
        (site / dest).write_bytes(source.read_bytes())
    return site


def test_mark_reload_unmark_and_export_from_file(browser, offline_site, tmp_path):
    context, page, _ = open_page(browser)
    base = offline_site.as_uri() + "/"
    outside, errors = _guard(page, base)
    try:
        c, studied, _, today = _mark_reload_unmark(page, base, "index.html")
        _export(page, c, studied, today, tmp_path)
        _print(page, studied)
        assert outside == [] and errors == []
    finally:
        context.close()


def test_without_javascript_there_is_no_button_and_no_progress_panel(browser, sample_url):
    c, (first, _) = _plan()
    context, page, _ = open_page(browser, javascript=False)
    try:
        page.goto(f"{sample_url}materials/{first.slug}/")
        assert page.query_selector("[data-sp-record]") is not None and not page.is_visible("[data-sp-record]")
        assert not page.is_visible("text=学完了")
        page.goto(f"{sample_url}curricula/{c.audience}/")
        assert not page.is_visible("[data-sp-progress]") and not page.is_visible("text=导出表格（CSV）")
    finally:
        context.close()


@pytest.mark.parametrize("mode", ["", "sp-big", "sp-contrast"])
def test_fits_a_360_pixel_phone_in_each_reading_mode(browser, sample_url, mode):
    c, (first, _) = _plan()
    context, page, _ = open_page(browser, width=360, height=640)
    try:
        for path, ready, controls in [
            (f"materials/{first.slug}/", MATERIAL_READY, "[data-sp-record-toggle]"),
            (f"curricula/{c.audience}/", PROGRESS_READY, ".sp-progress .md-button, .sp-progress input"),
        ]:
            page.goto(sample_url + path)
            wait_until(page, ready)
            if mode:
                page.evaluate("(mode) => document.documentElement.classList.add(mode)", mode)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, (path, mode, "no sideways scrolling")
            for box in page.eval_on_selector_all(controls, "els => els.map(e => e.getBoundingClientRect().toJSON())"):
                assert box["height"] >= 40, (path, mode, "buttons and fields are big enough for a thumb")
                assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (path, mode)
    finally:
        context.close()
