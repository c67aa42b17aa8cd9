"""Print (issue 13): materials and curricula print cleanly, the 打印 buttons, a handbook per curriculum, an outline's sheets.

The sample portal printed by Debian's Chromium (Playwright's ``page.pdf``, which prints with the page's print
styles, as the browser's print dialog does) and read back with pypdf, in A4 and in Letter.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from pathlib import Path

import pypdf
import pytest

from studyportal.plan.print_pages import SIGN_IN_ROWS, demote, plan_handbook, sheet_data
from studyportal.search.pages import page_document
from tests.helpers import cli_results, load_sample, open_page

CURRICULUM, OUTLINE, MATERIAL = "curricula/member/", "materials/xin-dangzhang/", "materials/dangyuan-yiwu-quanli/"
HANDBOOK = "handbook/member/"
# What only the screen shows: the 适老化 bar, skip link, header and search, navigation, footer, and this issue's own controls.
SCREEN_ONLY = ["跳到正文", "适老化", "高对比", "大鼠标", "搜索（按 / 键）", "党员学习资料门户", "打印本页", "打印学习手册", "打印签到表",
               "打印讨论记录", "现在学什么", "把实施阶段和学习节奏加进手机日历", "全部摘要", "检验一下学得怎么样", "查看答案",
               "← 返回"]  # fmt: skip
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@functools.cache
def _radicals() -> dict[int, str]:
    """Noto CJK draws 门 and ⻔ (a radical) with one glyph, and Chromium's PDF may name either: each radical → its character."""
    from fontTools.ttLib import TTCollection

    font = next(f for f in TTCollection(str(FONT)).fonts if "SC" in f["name"].getDebugName(1))
    cmap = font.getBestCmap()
    by_glyph: dict[str, str] = {}
    for code, glyph in cmap.items():
        if 0x4E00 <= code <= 0x9FFF:
            by_glyph.setdefault(glyph, chr(code))
    return {code: by_glyph[glyph] for code, glyph in cmap.items() if 0x2E80 <= code <= 0x2FDF and glyph in by_glyph}


def test_a_material_s_headings_go_under_the_handbook_s_own_and_code_is_left_alone():
    text = "## 一、导入\n\n```\n# 不是标题\n```\n\n##### 五级\n#不是标题"
    assert demote(text, 2) == "#### 一、导入\n\n```\n# 不是标题\n```\n\n###### 五级\n#不是标题"


def test_the_handbook_holds_every_material_once_in_order_and_stays_out_of_search():
    catalog = load_sample().catalog
    for c in catalog.curricula.values():
        page = plan_handbook(c, catalog)
        assert page is not None
        listed = [m["anchor"] for module in page.meta["sp"]["toc"] for m in module["materials"]]
        assert listed == [f"hb-{m.slug}" for m in c.materials()]  # each once, in reading order
        assert re.findall(r"#(hb-[\w-]+) \.sp-hb-title", page.markdown) == listed  # each material's title opens its part
        assert page_document(page.src_uri, page.title, "<p>x</p>", page) is None  # search leaves it out
    outline = catalog.materials["xin-dangzhang"]
    assert sheet_data(outline) == {"title": "学习新党章 争做合格党员", "rows": SIGN_IN_ROWS, "questions": outline.details.discussion}
    assert sheet_data(catalog.materials["dangyuan-yiwu-quanli"]) is None  # not an outline: no sheets


def flat(text: str) -> str:
    """Text as compared: NFKC (full-width punctuation as plain), radicals as characters, no spaces or line breaks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text.translate(_radicals())))


def printed(page, url: str, paper: str = "A4") -> list[str]:
    """The text of each printed page of ``url``, flattened."""
    page.goto(url)
    reader = pypdf.PdfReader(io.BytesIO(page.pdf(format=paper)))
    return [flat(p.extract_text()) for p in reader.pages]


def body_text(page, selector: str) -> str:
    return flat(page.inner_text(selector))


@pytest.mark.browser
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_materials_and_curricula_print_their_chinese_text_and_nothing_of_the_screen(browser, sample_url, paper):
    context, page, log = open_page(browser)
    for path in [CURRICULUM, OUTLINE, MATERIAL, "curricula/member/dangzhang/"]:
        pages = printed(page, sample_url + path, paper)
        text = "".join(pages)
        assert all(pages), (path, [len(p) for p in pages])  # no blank page, the last one included
        assert body_text(page, "article h1") in pages[0], path  # the Chinese title, as typed, on the first page
        page.emulate_media(media="print")
        headings = page.eval_on_selector_all("article h2, article h3, article li a", "es => es.filter(e => e.getClientRects().length)"
                                             ".map(e => e.innerText)")  # fmt: skip
        page.emulate_media(media="null")
        assert len(headings) >= 3 and all(flat(h) in text for h in headings), (path, [h for h in headings if flat(h) not in text])
        assert not [s for s in SCREEN_ONLY if flat(s) in text], (path, [s for s in SCREEN_ONLY if flat(s) in text])
    assert log.outside(sample_url) == []  # no font or anything else fetched from elsewhere
    context.close()


@pytest.mark.browser
def test_the_curriculum_prints_its_whole_plan(browser, sample_url):
    context, page, _ = open_page(browser)
    text = "".join(printed(page, sample_url + CURRICULUM))
    for phase in ("调研准备", "组织实施", "总结评估", "2026年3月1日"):
        assert phase in text
    assert flat("季度书目") in text and flat("2026年第三季度") in text and flat("《红岩》") in text
    context.close()


@pytest.mark.browser
def test_the_print_button_is_at_the_top_works_by_keyboard_and_is_neither_printed_nor_shown_without_javascript(browser, sample_url):
    context, page, _ = open_page(browser)
    page.add_init_script("window.__printed = 0; window.print = function () { window.__printed++; };")
    for path in [OUTLINE, CURRICULUM]:
        page.goto(sample_url + path)
        button = page.get_by_role("button", name="打印本页")
        button.wait_for(state="visible")
        assert button.evaluate("b => b.closest('header') !== null && b.tagName") == "BUTTON"  # in the page's header, a real button
        for _ in range(120):  # from the top of the page, as a keyboard user gets there
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('[data-sp-print]')"):
                break
        before = page.evaluate("window.__printed")
        page.keyboard.press("Enter")
        assert page.evaluate("window.__printed") == before + 1, path
        page.emulate_media(media="print")
        assert not page.locator(".sp-print-bar").is_visible()
        page.emulate_media(media="screen")
    context.close()
    context, page, _ = open_page(browser, javascript=False)
    page.goto(sample_url + CURRICULUM)
    assert page.locator("[data-sp-print]").count() == 1 and not page.locator("[data-sp-print]").is_visible()
    assert page.get_by_role("link", name="打印学习手册").is_visible()  # a link works without JavaScript
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_handbook_has_a_cover_contents_and_each_material_from_a_new_page(browser, sample_url, sample_site, paper):
    context, page, _ = open_page(browser)
    page.goto(sample_url + CURRICULUM)
    page.get_by_role("link", name="打印学习手册").click()
    assert page.url == sample_url + HANDBOOK
    titles = page.eval_on_selector_all(".sp-hb-toc li li a", "links => links.map(a => a.textContent)")
    modules = tuple(flat(m) for m in page.eval_on_selector_all(".sp-hb-toc > ol > li > a", "links => links.map(a => a.textContent)"))
    pages = printed(page, page.url, paper)
    assert all(pages), [len(p) for p in pages]  # no blank page, none at the end
    cover = pages[0]
    assert flat("2026年农村党员学习计划") in cover and "学习手册" in cover and "普通党员" in cover and "2026" in cover
    assert pages[1].startswith("目录")
    assert len(titles) >= 30 and len(pages) >= len(titles) + 2
    at = next(i for i, p in enumerate(pages) if p.startswith(modules[0]))  # after the cover and the contents
    for title in titles:
        # in the curriculum's order, each title opens a printed page of its own (after its module's heading and
        # description, for a module's first)
        opens = [p.startswith(flat(title)) or p.startswith(modules) and 0 < p.find(flat(title)) < 160 for p in pages]
        found = [i for i, yes in enumerate(opens) if yes and i >= at]
        assert found, title
        at = found[0] + 1
    context.close()
    # Not in search, not in the navigation: reached from the curriculum page only.
    assert not [p for p in (sample_site / "search" / "data").rglob("*.js") if "handbook/" in p.read_text("utf-8")]
    assert not [r for r in cli_results(sample_site, "学习手册") if "handbook/" in r.get("url", "")]
    home = (sample_site / "index.html").read_text("utf-8")
    assert "handbook/" not in home


def pdf_pages(page, paper: str) -> list[str]:
    """The text of each page of the page as printed now, flattened."""
    return [flat(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(page.pdf(format=paper))).pages]


@pytest.mark.browser
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_an_outline_prints_a_sign_in_sheet_and_a_discussion_record_on_one_page_each(browser, sample_url, paper):
    context, page, _ = open_page(browser)
    # print() records what <html> was asked to print and leaves the dialog out; page.pdf() then prints the page as it is.
    page.add_init_script("window.__printed = [];"
                         "window.print = function () { window.__printed.push(document.documentElement.className); };")
    page.goto(sample_url + OUTLINE)
    title = body_text(page, "article h1")
    questions = [flat(q) for q in page.eval_on_selector_all("#讨论题 + ol li", "items => items.map(li => li.textContent)")]
    body = [flat(t) for t in page.eval_on_selector_all(".sp-body > p", "es => es.map(e => e.textContent)")]
    assert questions and len(body) >= 3
    assert not page.locator(".sp-sheet").first.is_visible()  # on screen the outline only

    normal = "".join(pdf_pages(page, paper))  # Ctrl+P: the outline, without its sheets
    assert title in normal and all(b in normal for b in body)
    assert "党课签到表" not in normal and "序号姓名支部签名" not in normal and "党课讨论记录" not in normal

    page.get_by_role("button", name="打印签到表").focus()
    page.keyboard.press("Enter")  # a real button: the keyboard prints it as well as a click
    assert page.evaluate("window.__printed").pop().split()[-1] == "sp-print-sheet-sign-in"
    sign_in = pdf_pages(page, paper)
    assert len(sign_in) == 1, len(sign_in)
    assert "党课签到表" in sign_in[0] and flat(f"党课题目：{title}") in sign_in[0]
    assert "日期:" in sign_in[0] and "地点:" in sign_in[0] and "序号姓名支部签名" in sign_in[0] and "1718" in sign_in[0]
    assert not [b for b in body if b in sign_in[0]]  # the sheet alone, none of the outline
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert "序号姓名支部签名" not in "".join(pdf_pages(page, paper)), "after the sheet, printing prints the outline again"

    page.get_by_role("button", name="打印讨论记录").click()
    record = pdf_pages(page, paper)
    assert len(record) == 1, len(record)
    for label in ("党课讨论记录", title, "时间:", "地点:", "主持人:", "参加人员:", "发言记录", *questions):
        assert label in record[0], label
    assert "党课签到表" not in record[0] and not [b for b in body if b in record[0]]
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate("document.documentElement.className").find("sp-print-sheet") < 0
    context.close()


@pytest.mark.browser
def test_without_javascript_the_sheet_buttons_stay_hidden_and_the_outline_prints_as_it_is(browser, sample_url):
    context, page, _ = open_page(browser, javascript=False)
    page.goto(sample_url + OUTLINE)
    assert page.locator("[data-sp-print]").count() == 3 and not page.locator("[data-sp-print]").first.is_visible()
    assert not page.get_by_role("button", name="打印签到表").is_visible()
    text = "".join(pdf_pages(page, "A4"))
    assert body_text(page, "article h1") in text and "序号姓名支部签名" not in text
    context.close()


def test_every_outline_page_carries_its_sheets_and_no_page_of_its_own(sample_site):
    listing = (sample_site / "kinds" / "class-outline" / "index.html").read_text(encoding="utf-8")
    outlines = sorted(set(re.findall(r'href="\.\./\.\./materials/([^"#/]+)/"', listing)))
    assert len(outlines) >= 5
    for slug in outlines:
        html = (sample_site / "materials" / slug / "index.html").read_text("utf-8")
        assert 'data-sp-sheet="sign-in" hidden' in html and 'data-sp-sheet="discussion" hidden' in html, slug
        assert 'data-sp-print="sign-in" hidden>打印签到表' in html and 'data-sp-print="discussion" hidden>打印讨论记录' in html, slug
    other = (sample_site / MATERIAL / "index.html").read_text("utf-8")
    assert "data-sp-sheet" not in other and "打印签到表" not in other
    assert not (sample_site / "sheets").exists()  # no extra page per outline: the build stays as fast and the bundle as small
    assert not [p for p in (sample_site / "search" / "data").rglob("*.js") if "党课签到表" in p.read_text("utf-8")]  # not in search


@pytest.mark.browser
def test_the_printable_pages_pass_axe(browser, sample_url):
    """axe-core on the handbook and on an outline with its sheet buttons, as test_accessibility.py runs it (bypass_csp for its script)."""
    axe = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
    assert axe.is_file(), "npm ci (scripts/test.sh) installs axe-core"
    context = browser.new_context(bypass_csp=True, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    found = {}
    for path in [HANDBOOK, OUTLINE]:
        page.goto(sample_url + path)
        page.add_script_tag(path=str(axe))
        violations = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
          .filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => `${v.id}: ${v.nodes[0].target.join(' ')}`))""")
        if violations:
            found[path] = violations
    assert found == {}
    context.close()
