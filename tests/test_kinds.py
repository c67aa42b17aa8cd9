"""A kind is declared once: a fifth kind, added in this test as one registry entry and one template, works everywhere.

``studyportal new`` scaffolds it, ``check`` validates its own fields with line numbers, the planner lays out
its page with its template and lists it on its own listing page and in search, and a real build renders it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from studyportal.catalog import load_catalog
from studyportal.cli import main
from studyportal.kinds import KindSpec, kind_name, kinds, register, unregister
from studyportal.model import Material
from studyportal.plan.format import esc
from studyportal.plan.site import plan_site
from studyportal.plan.types import kind_src, material_src
from studyportal.render.generator import build_here
from studyportal.scaffold import scaffold
from tests.helpers import CURRICULUM, copy_project, use_overrides, write

SPEAKER_PLACEHOLDER = "宣讲人姓名"
SPEECH = KindSpec(
    code="speech",
    name="宣讲稿",
    listing_title="全部宣讲稿",
    fields=("speaker",),
    read=lambda r: r.text(("speaker",), required=True, fix="加上一行 speaker: 宣讲人"),
    skeleton=f"speaker: {SPEAKER_PLACEHOLDER}\n",
    placeholders=(SPEAKER_PLACEHOLDER,),
    template="sp-speech.html",
    before_body=lambda m: f"**宣讲人**：{esc(m.details)}",
)
# The kind's own look: Material's page with a line above the content.
TEMPLATE = """{% extends "sp-material.html" %}
{% block content %}<p class="sp-speech-banner">宣讲稿 · 欢迎转发</p>{{ super() }}{% endblock %}
"""


@pytest.fixture
def speech_kind() -> Iterator[KindSpec]:
    register(SPEECH)
    yield SPEECH
    unregister("speech")


def speech_text(speaker: str = "张书记", extra: str = "") -> str:
    return (
        "---\ntitle: 乡村振兴宣讲\nkind: speech\naudiences: [member]\ntrack: policy\ntopics: [乡村振兴]\n"
        f"summary: 到村里讲乡村振兴。\nhours: 1\npublished: 2026-06-01\nspeaker: {speaker}\n{extra}"
        "---\n\n## 一、为什么讲\n\n讲给乡亲们听。\n"
    )


def test_the_four_builtin_kinds_come_first_in_listing_order():
    assert list(kinds())[:4] == ["material", "reading-list", "class-outline", "policy-explainer"]
    assert kind_name("class-outline") == "党课提纲" and kind_name("nope") == "nope"


def test_new_scaffolds_a_registered_kind_with_its_own_fields(tmp_path, speech_kind, monkeypatch):
    monkeypatch.chdir(tmp_path)
    command = ["new", "materials/jiangtang.md", "--title", "乡村振兴宣讲", "--kind", "speech", "--audience", "member"]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "materials/jiangtang.md").read_text(encoding="utf-8")
    assert "kind: speech" in text and "# 宣讲稿" in text and f"speaker: {SPEAKER_PLACEHOLDER}" in text
    assert not load_catalog(tmp_path / "materials").problems.errors  # a fresh draft checks clean


def test_an_unregistered_kind_is_refused_by_new_and_by_check(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", "materials/x.md", "--title", "标题", "--kind", "speech"])
    assert result.exit_code != 0 and "speech" in result.output
    write(tmp_path, "materials/x.md", speech_text())
    problems = load_catalog(tmp_path / "materials").problems
    assert any(p.field == "kind" and "speech" in p.message for p in problems.errors), [p.one_line() for p in problems.errors]


def test_check_reads_the_kinds_own_fields_with_line_numbers(tmp_path, speech_kind):
    write(tmp_path, "m/a.md", speech_text(speaker='""'))
    write(tmp_path, "m/b.md", speech_text(extra="duration: 60\n"))
    errors = load_catalog(tmp_path / "m").problems.errors
    missing = [p for p in errors if p.path.endswith("a.md") and p.field == "speaker"]
    assert missing and missing[0].line == 10 and "speaker" in missing[0].fix, [p.one_line() for p in errors]
    # another kind's field on a speech is an unknown field, named with its line
    unknown = [p for p in errors if p.path.endswith("b.md") and p.field == "duration"]
    assert unknown and unknown[0].line == 11, [p.one_line() for p in errors]


def test_placeholders_of_a_registered_kind_are_warned_about(tmp_path, speech_kind):
    text = scaffold("乡村振兴宣讲", "speech", ["member"], "policy", "jiangtang", today=dt.date(2026, 6, 1))
    write(tmp_path, "m/jiangtang.md", text.replace("draft: true", "draft: false").replace("topics: []", "topics: [乡村振兴]"))
    warnings = load_catalog(tmp_path / "m").problems.warnings
    assert any(SPEAKER_PLACEHOLDER in p.message and p.field == "speaker" for p in warnings), [p.one_line() for p in warnings]


def _catalog(tmp_path: Path):
    write(tmp_path, "m/jiangtang.md", speech_text())
    write(tmp_path, "m/curricula/member.yml", CURRICULUM.format(slugs="jiangtang"))
    result = load_catalog(tmp_path / "m")
    assert not result.problems.errors, [p.one_line() for p in result.problems.errors]
    return result.catalog


def test_the_planner_lays_out_the_kind_with_its_template_and_listing(tmp_path, speech_kind):
    catalog = _catalog(tmp_path)
    material: Material = catalog.materials["jiangtang"]
    assert material.details == "张书记"
    plan = plan_site(catalog, [])
    page = plan.pages[material_src("jiangtang")]
    assert page.template == "sp-speech.html" and page.meta["sp"]["kind_name"] == "宣讲稿"
    assert page.markdown.index("**宣讲人**：张书记") < page.markdown.index("## 一、为什么讲")
    listing = plan.pages[kind_src("speech")]
    assert listing.title == "全部宣讲稿" and "乡村振兴宣讲" in listing.markdown


@pytest.mark.slow
def test_a_real_build_renders_the_fifth_kind_with_its_template(tmp_path, speech_kind):
    project = copy_project(tmp_path / "portal")
    use_overrides(project).joinpath("sp-speech.html").write_text(TEMPLATE, encoding="utf-8")
    write(project, "materials/jiangtang.md", speech_text())
    site = tmp_path / "site"
    build_here(project / "mkdocs.yml", site, strict=True)
    page = (site / _built(material_src("jiangtang"))).read_text(encoding="utf-8")
    assert 'class="sp-speech-banner"' in page and "宣讲人" in page and "张书记" in page
    listing = (site / _built(kind_src("speech"))).read_text(encoding="utf-8")
    assert "全部宣讲稿" in listing and "乡村振兴宣讲" in listing


def _built(src: str) -> str:
    """Where a page source lands with directory URLs: ``a/index.md`` → ``a/index.html``, ``a/b.md`` → ``a/b/index.html``."""
    return src[: -len(".md")] + ".html" if src.endswith("index.md") else src[: -len(".md")] + "/index.html"
