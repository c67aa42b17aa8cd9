"""Question banks: what check accepts and refuses (with file:line:col), and the self-test the planner writes from them."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from studyportal.banks.model import Question
from studyportal.banks.validate import QUESTIONS_MAX
from studyportal.catalog import check_files, load_catalog
from studyportal.model import Catalog
from studyportal.plan.edition import edition_catalog
from studyportal.plan.selftest import SELFTEST_ID
from studyportal.plan.site import plan_site
from studyportal.plan.types import material_src, module_src
from studyportal.sanitize import sanitize_html
from studyportal.search.pages import page_document
from tests.helpers import CURRICULUM, ROOT, load_sample, material_text, write

SAMPLE = load_sample()


def _tree(tmp_path: Path, bank: str, name: str = "dangzhang.yml") -> Path:
    materials = tmp_path / "materials"
    write(materials, "base.md", material_text())
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs="base"))
    write(materials, f"banks/{name}", bank)
    return materials


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # paths as check shows them: materials/banks/…


def _load(root: Path, bank: str) -> tuple[Catalog, list[str]]:
    result = load_catalog(_tree(root, bank))
    return result.catalog, [p.one_line() for p in result.problems.items]


QUESTION = """  - id: {id}
    type: {type}
    stem: 题干
    options: [甲, 乙, 丙, 丁]
    answer: {answer}
    explanation: 解析。
"""


def _bank(*questions: str, head: str = "title: 自测\n") -> str:
    return head + "questions:\n" + "".join(questions)


def test_the_sample_has_a_bank_for_each_curriculum_and_check_is_clean():
    assert not SAMPLE.problems.items, [p.one_line() for p in SAMPLE.problems.items]
    for audience, curriculum in SAMPLE.catalog.curricula.items():
        slugs = [m.slug for m in curriculum.materials()]
        questions = SAMPLE.catalog.questions_for(slugs, audience)
        assert len(questions) >= 5, audience
        assert {q.type for q in questions} == {"single", "multiple", "judge"}, audience
        assert all(q.explanation for q in questions)


@pytest.mark.parametrize(
    ("answer", "kind", "letters"),
    [("B", "single", "B"), ("b", "single", "B"), ("Ｂ", "single", "B"), ("AC", "multiple", "AC"), ("A、C", "multiple", "AC"),
     ("'C, A'", "multiple", "AC"), ("[A, C]", "multiple", "AC"), ("对", "judge", "A"), ("错", "judge", "B"), ("true", "judge", "A"),
     ("'×'", "judge", "B"), ("正确", "judge", "A")],
)  # fmt: skip
def test_answers_written_the_ways_trainers_write_them(tmp_path, answer, kind, letters):
    catalog, problems = _load(tmp_path, _bank(QUESTION.format(id="q1", type=kind, answer=answer)))
    assert [p for p in problems if "error" in p] == []
    (q,) = catalog.banks["dangzhang"].questions
    assert q.letters() == letters
    if kind == "judge":
        assert q.options == ("正确", "错误") and q.answer_text() == ("正确" if letters == "A" else "错误")


ONE = QUESTION.format(id="q1", type="single", answer="A")


@pytest.mark.parametrize(
    ("question", "where", "says"),
    [
        (QUESTION.format(id="q1", type="single", answer="E"), "7:5", "答案 E 不在选项里：这道题只有 4 个选项（A 到 D）"),
        ("  - id: q1\n    type: single\n    stem: 题干\n    options: [甲, 乙]\n", "3:5", "缺少必填字段 answer"),
        (QUESTION.format(id="q1", type="multiple", answer="丙"), "7:5", "答案应当写选项的字母"),
        (QUESTION.format(id="q1", type="single", answer="AB"), "7:5", "单选题只能有一个答案"),
        (QUESTION.format(id="q1", type="judge", answer="B"), "7:5", "判断题的答案只能是“对”或“错”"),
        (QUESTION.format(id="题一", type="single", answer="A"), "3:5", "题号“题一”不能用"),
        ("  - id: q1\n    type: single\n    stem: 题干\n    options: [甲, 甲]\n    answer: A\n", "6:18", "选项 B 和选项 A 一模一样"),
        (
            ONE.replace("    explanation", "    materials: [bsae]\n    explanation"),
            "8:17",
            "找不到网址名为 bsae 的材料 修改方法：你是不是想写 base？",
        ),
        (ONE + "    答案: A\n", "9:5", "不认识的字段 答案 修改方法：你是不是想写 answer？"),
    ],
)
def test_mistakes_are_named_with_file_line_column_field_and_fix(tmp_path, question, where, says):
    catalog, problems = _load(tmp_path, _bank(question))
    found = [p for p in problems if p.startswith(f"materials/banks/dangzhang.yml:{where}:") and says in p]
    assert found, problems
    assert all("修改方法：" in p for p in problems)
    assert "字段 questions 的第 1 道题" in found[0]
    assert catalog.banks["dangzhang"].questions == [], "a question with an error stays out of pages and papers"


def test_a_duplicate_id_is_named_at_the_second_question(tmp_path):
    _, problems = _load(tmp_path, _bank(*(QUESTION.format(id="dz-1", type="single", answer="A") for _ in range(2))))
    (error,) = [p for p in problems if "error" in p]
    assert error.startswith(
        "materials/banks/dangzhang.yml:9:5: error(错误): 字段 questions 的第 2 道题 的 id：题号 dz-1 重复：第 3 行的题已经用了它"
    )


def test_limits_on_questions_and_options(tmp_path):
    many = _bank(*(QUESTION.format(id=f"q{i}", type="single", answer="A") for i in range(QUESTIONS_MAX + 1)))
    _, problems = _load(tmp_path, many)
    assert any(f"题目太多：{QUESTIONS_MAX + 1} 道" in p for p in problems)
    nine = "  - id: q1\n    type: single\n    stem: 题干\n    options: [一, 二, 三, 四, 五, 六, 七, 八, 九]\n    answer: A\n"
    _, problems = _load(tmp_path / "b", _bank(nine))
    assert any("选项太多：9 个" in p for p in problems)


def test_audiences_and_topics_come_from_the_bank_unless_a_question_has_its_own(tmp_path):
    own = QUESTION.format(id="q2", type="single", answer="A") + "    audiences: [secretary]\n    topics: [纪律作风]\n"
    head = "title: 自测\naudiences: [member, mobile]\ntopics: [党章党规]\n"
    catalog, _ = _load(tmp_path, _bank(QUESTION.format(id="q1", type="single", answer="A"), own, head=head))
    first, second = catalog.banks["dangzhang"].questions
    assert (first.audiences, first.topics) == (("member", "mobile"), ("党章党规",))
    assert (second.audiences, second.topics) == (("secretary",), ("纪律作风",))


@pytest.mark.slow  # runs the command
def test_check_a_bank_file_alone_and_as_part_of_the_tree(tmp_path):
    bank = _bank(
        QUESTION.format(id="q1", type="single", answer="A").replace("    explanation", "    materials: [missing]\n    explanation")
    )
    materials = _tree(tmp_path, bank)
    result = check_files([Path("materials/banks/dangzhang.yml")])
    assert result.checked == ["materials/banks/dangzhang.yml"]
    assert [p.location() for p in result.problems.errors] == ["materials/banks/dangzhang.yml:8:17"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "studyportal.cli", "check", "--format", "json"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    (problem,) = json.loads(run.stdout)["problems"]
    assert problem["field_label"] == "questions 的第 1 道题 的 materials 的第 1 项" and problem["path"] == "materials/banks/dangzhang.yml"
    assert materials.is_dir()


def test_yaml_that_nothing_reads_is_pointed_out(tmp_path):
    materials = _tree(tmp_path, _bank(QUESTION.format(id="q1", type="single", answer="A")))
    write(materials, "dangzhang/tiku.yml", "title: 放错地方的题库\n")
    problems = load_catalog(Path("materials")).problems
    (stray,) = problems.warnings
    assert stray.path == "materials/dangzhang/tiku.yml" and "materials/banks/" in stray.fix
    assert not problems.errors


def test_two_files_with_the_same_bank_name(tmp_path):
    materials = _tree(tmp_path, _bank(QUESTION.format(id="q1", type="single", answer="A")), name="dang-zhang.yml")
    write(materials, "banks/党章.yml", _bank(QUESTION.format(id="q1", type="single", answer="A")))
    errors = load_catalog(Path("materials")).problems.errors
    assert [p.path for p in errors] == ["materials/banks/党章.yml"] and "题库名 dang-zhang" in errors[0].message


def test_material_and_module_pages_carry_the_self_test_and_search_leaves_it_out():
    catalog = SAMPLE.catalog
    plan = plan_site(catalog)
    for slug in catalog.materials:
        questions = catalog.questions_for([slug])
        page = plan.pages[material_src(slug)]
        assert (SELFTEST_ID in page.markdown) == bool(questions), slug
        for q in questions:
            assert f'id="sp-q-{q.key}"' in page.markdown and html.escape(q.stem) in page.markdown
    for c in catalog.curricula.values():
        for module in c.modules:
            page = plan.pages[module_src(c.audience, module.key)]
            questions = catalog.questions_for([m.slug for m in module.materials], c.audience)
            assert page.markdown.count('class="sp-quiz-q ') == len(questions)
            assert all(q.for_audience(c.audience) for q in questions)
            if questions and "sp-pager" in page.markdown:
                assert page.markdown.index(SELFTEST_ID) < page.markdown.index("{: .sp-pager }"), (
                    "the self-test comes before 上一模块/下一模块"
                )
    slug = next(s for s in catalog.materials if catalog.questions_for([s]))
    q = catalog.questions_for([slug])[0]
    rendered = f'<p>正文</p>\n<h2 id="{SELFTEST_ID}">自测题</h2>\n<div class="sp-quiz"><p>{html.escape(q.stem)}</p></div>'
    doc = page_document(f"materials/{slug}/", "t", rendered, plan.pages[material_src(slug)])
    assert "正文" in doc.body and q.stem not in doc.body


def test_an_audience_edition_keeps_the_questions_of_its_materials():
    edition = edition_catalog(SAMPLE.catalog, "mobile")
    plan = plan_site(edition)
    pages = [p for p in plan.pages.values() if SELFTEST_ID in p.markdown]
    assert pages and all(p.src_uri.startswith(("materials/", "curricula/mobile/")) for p in pages)


def test_the_self_test_markup_survives_the_sanitiser_and_trainer_text_cannot_add_controls():
    q = Question(
        "b", "q1", "single", '<input type="radio"> 题干', ("<button>甲</button>", '" onclick="x'), (0,), "<form action=x>解析</form>"
    )
    from studyportal.plan.selftest import question_html

    out = sanitize_html(f'<ol class="sp-quiz-list">{question_html(q)}</ol>', "materials/x/")
    for kept in (
        'class="sp-quiz-q sp-quiz-single sp-quiz-ans-a"',
        'id="sp-q-b--q1"',
        '<ol class="sp-quiz-opts" type="A">',
        "<details",
        "<summary>",
    ):
        assert kept in out, kept
    assert not re.search(r"<(input|button|form)\b|<[^<>]*\bonclick=", out), out
    assert "&lt;input type=" in out and "&lt;form action=x&gt;" in out
    # The site's allow-list, unchanged: a trainer's own body cannot add the controls the script builds either.
    body = '<form action="x"><fieldset><legend>l</legend><label><input type="radio"></label><button>b</button></fieldset></form>'
    assert all(f"<{tag}" not in sanitize_html(body) for tag in ("form", "fieldset", "legend", "label", "input", "button"))
