"""The self-test in real Chromium: over http and from file://, answered right and wrong, by mouse and keyboard, on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyportal.banks.model import LETTERS, Question
from studyportal.bundle.archive import extract_zip
from studyportal.bundle.make import BundleResult
from tests.helpers import load_sample, open_page, wait_until

pytestmark = pytest.mark.browser
CATALOG = load_sample().catalog
READY = "document.querySelector('.sp-quiz--ready') !== null"


def _questions(kind: str) -> list[Question]:
    return [q for b in CATALOG.banks.values() for q in b.questions if q.type == kind and q.materials]


def _page_with_two() -> tuple[str, Question, Question]:
    """A material whose self-test has at least two questions, the first a single-choice one: (slug, first, second)."""
    for slug in CATALOG.materials:
        questions = CATALOG.questions_for([slug])
        if len(questions) >= 2 and questions[0].type == "single":
            return slug, questions[0], questions[1]
    raise AssertionError("the sample banks have no material with two questions, the first a single-choice one")


def _wrong(q: Question) -> str:
    return next(x for x in LETTERS[: len(q.options)] if x not in q.letters())


def _choose(page, q: Question, letters: str) -> None:
    for letter in letters:
        page.check(f"[id='sp-q-{q.key}-{letter}']")
    page.click(f"[id='sp-q-{q.key}'] .sp-quiz-submit")


def _feedback(page, q: Question) -> str:
    return page.inner_text(f"[id='sp-q-{q.key}'] .sp-quiz-feedback")


def _score(page) -> str:
    return page.inner_text(".sp-quiz-score")


def _answer_right_and_wrong(page, base: str, suffix: str) -> None:
    """Answer one question wrong and one right on a material page, reload, and find both kept; then on the module page too."""
    slug, first, second = _page_with_two()
    total = len(CATALOG.questions_for([slug]))
    page.goto(f"{base}materials/{slug}/{suffix}")
    wait_until(page, READY)
    assert _score(page) == f"本页 {total} 题：已答 0 题，答对 0 题。"
    explanation = f"[id='sp-q-{first.key}'] .sp-quiz-expl"
    assert not page.is_visible(explanation), "the explanation waits until the question is answered"
    page.click(f"[id='sp-q-{first.key}'] .sp-quiz-submit")
    assert "请先选择" in _feedback(page, first)
    _choose(page, first, _wrong(first))
    assert _feedback(page, first) == f"✘ 回答错误。正确答案：{first.answer_text()}．{first.options[first.answer[0]]}"
    assert page.is_visible(explanation) and first.explanation[:10] in page.inner_text(explanation)
    assert "（你的选择）" in page.inner_text(f"[id='sp-q-{first.key}'] .sp-quiz-wrong")
    assert "（正确答案）" in page.inner_text(f"[id='sp-q-{first.key}'] .sp-quiz-right")
    _choose(page, second, second.letters() if second.type == "multiple" else second.letters()[0])
    assert _feedback(page, second) == "✔ 回答正确！"
    assert _score(page) == f"本页 {total} 题：已答 2 题，答对 1 题。"
    page.reload()
    wait_until(page, READY)
    assert _score(page) == f"本页 {total} 题：已答 2 题，答对 1 题。", "the score survives a reload"
    assert "回答错误" in _feedback(page, first) and page.is_visible(explanation)
    assert page.is_disabled(f"[id='sp-q-{first.key}-{first.letters()[0]}']")
    # try again: the question opens, and the score forgets it
    page.click(f"[id='sp-q-{first.key}'] .sp-quiz-submit")
    assert _score(page) == f"本页 {total} 题：已答 1 题，答对 1 题。"
    _choose(page, first, first.letters())
    assert _feedback(page, first) == "✔ 回答正确！"
    assert _score(page) == f"本页 {total} 题：已答 2 题，答对 2 题。"


def _places(slug: str, q: Question) -> tuple[str, str]:
    """A curriculum module that lists ``slug`` and whose audience the question is for: (audience, module key)."""
    for c in CATALOG.curricula.values():
        for module in c.modules:
            if any(m.slug == slug for m in module.materials) and q.for_audience(c.audience):
                return c.audience, module.key
    raise AssertionError(f"no module shows {q.key}")


def _guard(page, base: str) -> tuple[list[str], list[str]]:
    outside: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return outside, errors


def test_answer_right_and_wrong_over_http_and_keep_the_score(browser, sample_url):
    context, page, _ = open_page(browser)
    outside, errors = _guard(page, sample_url)
    try:
        _answer_right_and_wrong(page, sample_url, "")
        slug, first, _ = _page_with_two()
        audience, key = _places(slug, first)
        page.goto(f"{sample_url}curricula/{audience}/{key}/")
        wait_until(page, READY)
        assert "✔ 回答正确！" == _feedback(page, first), "the same question on the module page shows the answer given on the material page"
        page.click(".sp-quiz-reset")
        assert "已答 0 题" in _score(page)
        assert page.is_enabled(f"[id='sp-q-{first.key}-A']")
        assert outside == [] and errors == []
    finally:
        context.close()


def test_multiple_choice_needs_every_right_option(browser, sample_url):
    q = _questions("multiple")[0]
    context, page, _ = open_page(browser)
    try:
        page.goto(f"{sample_url}materials/{q.materials[0]}/")
        wait_until(page, READY)
        assert page.get_attribute(f"[id='sp-q-{q.key}-A']", "type") == "checkbox"
        _choose(page, q, q.letters()[:-1])  # one right option missing
        assert _feedback(page, q).startswith("✘ 回答错误。正确答案：" + q.answer_text())
        page.click(f"[id='sp-q-{q.key}'] .sp-quiz-submit")  # 再做一次
        _choose(page, q, q.letters())
        assert _feedback(page, q) == "✔ 回答正确！"
    finally:
        context.close()


def test_keyboard_alone_answers_a_question(browser, sample_url):
    q = _questions("judge")[0]
    context, page, _ = open_page(browser)
    try:
        page.goto(f"{sample_url}materials/{q.materials[0]}/")
        wait_until(page, READY)
        page.focus(f"[id='sp-q-{q.key}-A']")
        page.keyboard.press("Space")  # 正确
        if q.letters() == "B":
            page.keyboard.press("ArrowDown")  # 错误
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "提交答案"
        page.keyboard.press("Enter")
        assert _feedback(page, q) == "✔ 回答正确！"
        assert page.evaluate("document.activeElement.textContent") == "再做一次"
    finally:
        context.close()


def test_fits_a_360_pixel_phone(browser, sample_url):
    slug, first, _ = _page_with_two()
    context, page, _ = open_page(browser, width=360, height=640)
    try:
        page.goto(f"{sample_url}materials/{slug}/")
        wait_until(page, READY)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
        for box in page.eval_on_selector_all(".sp-quiz-option, .sp-quiz-submit", "els => els.map(e => e.getBoundingClientRect().toJSON())"):
            assert box["height"] >= 40, "options and buttons are big enough for a thumb"
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    finally:
        context.close()


def test_without_javascript_the_answers_are_folded_under_a_summary(browser, sample_url):
    slug, first, _ = _page_with_two()
    context, page, _ = open_page(browser, javascript=False)
    try:
        page.goto(f"{sample_url}materials/{slug}/")
        item = f"[id='sp-q-{first.key}']"
        assert first.stem in page.inner_text(f"{item} .sp-quiz-stem")
        assert page.inner_text(f"{item} .sp-quiz-opts").split("\n")[0] == first.options[0]
        assert not page.is_visible(f"{item} .sp-quiz-answer")
        page.click(f"{item} summary:has-text('查看答案')")
        assert page.inner_text(f"{item} .sp-quiz-answer") == f"答案：{first.answer_text()}．{first.options[first.answer[0]]}"
        assert page.query_selector_all(".sp-quiz input, .sp-quiz button") == [], "no controls that would do nothing"
    finally:
        context.close()


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory, sample_bundle: BundleResult) -> Path:
    """The sample's complete offline edition, unzipped as a village terminal has it (the session's bundle, see conftest)."""
    tmp = tmp_path_factory.mktemp("selftest-offline")
    extract_zip(sample_bundle.zip_path, tmp)
    return tmp / sample_bundle.manifest.folder


def test_answer_right_and_wrong_from_file_and_keep_the_score(browser, offline_site):
    context, page, _ = open_page(browser)
    base = offline_site.as_uri() + "/"
    outside, errors = _guard(page, base)
    try:
        _answer_right_and_wrong(page, base, "index.html")
        slug, first, _ = _page_with_two()
        audience, key = _places(slug, first)
        page.goto(f"{base}curricula/{audience}/{key}/index.html")
        wait_until(page, READY)
        assert _feedback(page, first) == "✔ 回答正确！", "another file:// page of the copy sees the same record"
        assert outside == [] and errors == []
    finally:
        context.close()
