"""Messages a trainer understands: fields named in words, "did you mean" that knows file names, placeholders left behind."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from studyportal.catalog import load_catalog
from studyportal.kinds import kinds
from studyportal.problems import field_label
from studyportal.scaffold import placeholders, scaffold
from tests.helpers import CURRICULUM, GOOD_META, material_text, run_cli, write


@pytest.mark.parametrize(
    "field, label",
    [
        ("audiences.0", "audiences 的第 1 项"),
        ("topics.1", "topics 的第 2 项"),
        ("modules.0.materials.2", "modules 的第 1 个模块 的 materials 的第 3 项"),
        ("modules.1.include.0.track", "modules 的第 2 个模块 的 include 的第 1 条 的 track"),
        ("phases.0.end", "phases 的第 1 个阶段 的 end"),
        ("items.3.material", "items 的第 4 个书目 的 material"),
        ("title", "title"),
        ("正文", "正文"),
    ],
)
def test_field_paths_are_shown_in_words(field, label):
    assert field_label(field) == label


def test_text_shows_the_field_in_words_and_json_keeps_the_path(tmp_path):
    write(tmp_path, "materials/c.md", material_text(GOOD_META.replace("[member]", "[membr]")))
    text = run_cli("check", "materials", cwd=tmp_path)
    assert "materials/c.md:4:13: error(错误): 字段 audiences 的第 1 项：不认识的取值“membr”" in text.stdout
    report = json.loads(run_cli("check", "materials", "--format", "json", cwd=tmp_path).stdout)
    problem = report["problems"][0]
    assert problem["field"] == "audiences.0" and problem["field_label"] == "audiences 的第 1 项"


def curriculum_fix(tmp_path: Path, entry: str) -> str:
    write(tmp_path, "curricula/member.yml", CURRICULUM.format(slugs=entry))
    found = [p for p in load_catalog(tmp_path).problems.items if p.path.endswith("member.yml")]
    assert len(found) == 1, [p.one_line() for p in found]
    return found[0].fix


def test_a_curriculum_entry_naming_a_file_suggests_that_files_slug(tmp_path):
    write(tmp_path, "dangzhang/xin-dangzhang.md", material_text(GOOD_META + "\nslug: dangzhang-2026"))
    write(tmp_path, "学习党史.md", material_text(GOOD_META.replace("学习新党章", "学习党史") + "\nslug: dangshi"))
    write(tmp_path, "xin-dangzhan.md", material_text(GOOD_META.replace("学习新党章", "近似的名字")))  # close to the file name
    assert "dangzhang/xin-dangzhang.md 的网址名是 dangzhang-2026" in curriculum_fix(tmp_path, "xin-dangzhang")
    assert "dangzhang/xin-dangzhang.md 的网址名是 dangzhang-2026" in curriculum_fix(tmp_path, "xin-dangzhang.md")
    assert "学习党史.md 的网址名是 dangshi" in curriculum_fix(tmp_path, "学习党史")
    assert "学习党史.md 的网址名是 dangshi" in curriculum_fix(tmp_path, "xue-xi-dang-shi")  # the pinyin of the file name
    assert "网址名是 dangshi" in curriculum_fix(tmp_path, "学习党史")  # the title works as well


def test_a_close_slug_of_the_curriculums_audience_comes_first(tmp_path):
    write(tmp_path, "a.md", material_text(GOOD_META.replace("[member]", "[secretary]") + "\nslug: dangfei-jiaona-a"))
    write(tmp_path, "b.md", material_text(GOOD_META + "\nslug: dangfei-jiaona-b"))
    fix = curriculum_fix(tmp_path, "dangfei-jiaona")
    assert "dangfei-jiaona-b" in fix and "dangfei-jiaona-a" not in fix


@pytest.mark.parametrize("kind", list(kinds()))
def test_placeholders_left_in_a_published_material_are_warnings(tmp_path, kind):
    text = scaffold("学习新党章", kind, ["member"], "constitution", "xin", today=dt.date(2026, 6, 1))
    write(tmp_path, "xin.md", text)
    assert not load_catalog(tmp_path).problems.items, "a draft may keep its placeholders"
    write(tmp_path, "xin.md", text.replace("draft: true", "draft: false").replace("topics: []", "topics: [党章党规]"))
    problems = load_catalog(tmp_path).problems
    assert not problems.errors, [p.one_line() for p in problems.errors]
    left = [p for p in problems.warnings if "示例文字" in p.message]
    written = [p for p in placeholders() if p in text]
    assert len(left) == len(written) and {p.line for p in left} == {
        i for i, line in enumerate(text.split("\n"), 1) if any(w in line for w in written)
    }, [p.one_line() for p in left]


def test_every_placeholder_is_written_by_new_so_check_and_new_cannot_drift():
    texts = "".join(scaffold("标题", kind, ["member"], "policy", "x") for kind in kinds())
    assert all(p in texts for p in placeholders()), [p for p in placeholders() if p not in texts]
