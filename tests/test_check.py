"""`studyportal check` on real files: every case a trainer can cause, with file, line, field and fix."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from studyportal.catalog import load_catalog
from tests.helpers import CURRICULUM, GOOD_BODY, GOOD_META, material_text, run_cli, write

ROOT = Path(__file__).resolve().parent.parent


def run_check(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run_cli("check", *args, cwd=cwd)


def problems_of(root: Path):
    result = load_catalog(root)
    return result, result.problems.items


def only(problems, **match):
    found = [p for p in problems if all(getattr(p, k) == v for k, v in match.items())]
    assert found, f"no problem matching {match} in {[p.one_line() for p in problems]}"
    return found[0]


def test_sample_portal_checks_clean():
    result = run_check("materials", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    catalog = load_catalog(ROOT / "materials").catalog
    assert len(catalog.materials) >= 40
    assert set(catalog.curricula) == {"secretary", "member", "mobile"}
    kinds = {m.kind for m in catalog.materials.values()}
    assert kinds == {"material", "reading-list", "class-outline", "policy-explainer"}
    assert {a for m in catalog.materials.values() for a in m.audiences} == {"secretary", "member", "mobile"}
    assert {m.track for m in catalog.materials.values()} == {"constitution", "policy", "skills"}


def test_bom_and_crlf_are_accepted_silently(tmp_path):
    text = material_text().replace("\n", "\r\n")
    write(tmp_path, "a.md", "\ufeff".encode() + text.encode("utf-8"))
    result, problems = problems_of(tmp_path)
    assert problems == []
    m = result.catalog.materials["a"]
    assert m.title == "学习新党章" and "\r" not in m.body


def test_gbk_file_is_read_with_a_warning_that_says_how_to_convert(tmp_path):
    write(tmp_path, "gbk.md", material_text().encode("gbk"))
    result, problems = problems_of(tmp_path)
    p = only(problems, path=f"{tmp_path.name}/gbk.md".split("/")[-1] if False else problems[0].path)
    assert p.severity == "warning" and "GBK" in p.message and "UTF-8" in p.fix
    assert result.catalog.materials["gbk"].title == "学习新党章"
    assert result.ok


def test_undecodable_file_is_an_error(tmp_path):
    write(tmp_path, "bad.md", b"---\ntitle: \xff\xfe\xfd\x80\x81\n---\n")
    _, problems = problems_of(tmp_path)
    p = problems[0]
    assert p.severity == "error" and "UTF-8" in p.message and p.line == 2


@pytest.mark.parametrize("line, key", [("标题：学习新党章", "title"), ("title：学习新党章", "title"), ("摘要：学习党章", "summary")])
def test_fullwidth_colon_is_explained(tmp_path, line, key):
    meta = GOOD_META.replace("title: 学习新党章", line) if key == "title" else GOOD_META.replace("summary: 学习党章的基本内容。", line)
    write(tmp_path, "fw.md", material_text(meta))
    _, problems = problems_of(tmp_path)
    p = only(problems, field=key)
    assert "全角冒号" in p.message and f"{key}: " in p.fix
    assert p.line == 1 + 1 + meta.split("\n").index(line)


def test_missing_front_matter(tmp_path):
    write(tmp_path, "nofm.md", "# 学习新党章\n\n正文\n")
    _, problems = problems_of(tmp_path)
    p = only(problems, line=1)
    assert "元数据块" in p.message and "---" in p.fix


def test_unclosed_front_matter(tmp_path):
    write(tmp_path, "open.md", f"---\n{GOOD_META}\n\n正文\n")
    _, problems = problems_of(tmp_path)
    p = problems[0]
    assert p.line == 1 and "没有结束" in p.message


def test_unknown_field_gets_did_you_mean(tmp_path):
    write(tmp_path, "typo.md", material_text(GOOD_META + "\nsumary: 多写了一个"))
    _, problems = problems_of(tmp_path)
    p = only(problems, field="sumary")
    assert p.line == 10 and "summary" in p.fix


def test_chinese_field_name_suggests_english(tmp_path):
    write(tmp_path, "cn.md", material_text(GOOD_META + "\n学时: 2"))
    _, problems = problems_of(tmp_path)
    assert "hours" in only(problems, field="学时").fix


@pytest.mark.parametrize(
    "old, new, field, words",
    [
        ("hours: 1", "hours: 一小时", "hours", "数字"),
        ("published: 2026-06-01", "published: 2026年6月1日", "published", "2026-06-01"),
        ("audiences: [member]", "audiences: 5", "audiences", "列表"),
    ],
)
def test_wrong_types(tmp_path, old, new, field, words):
    write(tmp_path, "t.md", material_text(GOOD_META.replace(old, new)))
    _, problems = problems_of(tmp_path)
    p = only(problems, field=field)
    assert words in p.message + p.fix
    assert p.line == 2 + GOOD_META.split("\n").index(old)


@pytest.mark.parametrize(
    "old, new, field, hint",
    [
        ("audiences: [member]", "audiences: [membr]", "audiences.0", "member"),
        ("audiences: [member]", "audiences: [普通党员]", "audiences.0", "member"),
        ("track: constitution", "track: constitutoin", "track", "constitution"),
        ("kind: material", "kind: lesson", "kind", "class-outline"),
    ],
)
def test_unknown_vocabulary(tmp_path, old, new, field, hint):
    write(tmp_path, "v.md", material_text(GOOD_META.replace(old, new)))
    _, problems = problems_of(tmp_path)
    p = only(problems, field=field)
    assert "不认识" in p.message and hint in p.fix


def test_fullwidth_comma_in_list(tmp_path):
    write(tmp_path, "c.md", material_text(GOOD_META.replace("[member]", "[member，mobile]")))
    _, problems = problems_of(tmp_path)
    assert "逗号" in only(problems, field="audiences.0").message


def test_missing_required_field(tmp_path):
    write(tmp_path, "m.md", material_text(GOOD_META.replace("summary: 学习党章的基本内容。\n", "")))
    _, problems = problems_of(tmp_path)
    p = only(problems, field="")
    assert "summary" in p.message and "summary:" in p.fix


def test_summary_too_long(tmp_path):
    write(tmp_path, "s.md", material_text(GOOD_META.replace("学习党章的基本内容。", "很长" * 70)))
    _, problems = problems_of(tmp_path)
    assert "120" in only(problems, field="summary").message


def test_empty_body(tmp_path):
    write(tmp_path, "e.md", material_text(body="\n  \n"))
    _, problems = problems_of(tmp_path)
    p = only(problems, field="正文")
    assert p.line == len(GOOD_META.split("\n")) + 3


def test_duplicate_slugs(tmp_path):
    write(tmp_path, "a/x.md", material_text(GOOD_META + "\nslug: same"))
    write(tmp_path, "b/y.md", material_text(GOOD_META + "\nslug: same"))
    _, problems = problems_of(tmp_path)
    p = only(problems, field="slug")
    assert "same" in p.message and p.path.endswith("b/y.md") and "a/x.md" in p.message


def test_curriculum_names_missing_material(tmp_path):
    write(tmp_path, "xin-dangzhang.md", material_text())
    write(tmp_path, "curricula/member.yml", CURRICULUM.format(slugs="xin-dangzhang, xin-dangzhng"))
    _, problems = problems_of(tmp_path)
    p = only(problems, field="modules.0.materials.1")
    assert p.path.endswith("curricula/member.yml") and p.line == 11 and "xin-dangzhng" in p.message
    assert "xin-dangzhang" in p.fix


def test_curriculum_with_material_for_other_audience(tmp_path):
    write(tmp_path, "x.md", material_text(GOOD_META.replace("[member]", "[secretary]")))
    write(tmp_path, "curricula/member.yml", CURRICULUM.format(slugs="x"))
    _, problems = problems_of(tmp_path)
    assert "学习对象" in only(problems, field="modules.0.materials.0").message


def test_material_reachable_from_nowhere(tmp_path):
    write(tmp_path, "lonely.md", material_text(GOOD_META.replace("topics: [党章党规]\n", "")))
    _, problems = problems_of(tmp_path)
    assert "找不到" in only(problems, field="topics").message


def test_drafts_are_not_in_the_catalog(tmp_path):
    write(tmp_path, "d.md", material_text(GOOD_META + "\ndraft: true"))
    result, problems = problems_of(tmp_path)
    assert problems == [] and result.catalog.materials == {} and result.catalog.drafts == 1


def test_yaml_syntax_error_names_line(tmp_path):
    write(tmp_path, "y.md", material_text(GOOD_META.replace("title: 学习新党章", 'title: "学习新党章')))
    _, problems = problems_of(tmp_path)
    assert problems[0].line >= 2 and "引号" in problems[0].message


def test_kind_specific_fields(tmp_path):
    meta = GOOD_META.replace("kind: material", "kind: class-outline") + "\nobjectives: [了解党章]\nduration: 九十分钟"
    write(tmp_path, "o.md", material_text(meta))
    _, problems = problems_of(tmp_path)
    only(problems, field="duration")
    assert any("discussion" in p.message for p in problems)


def test_every_case_at_once_exits_nonzero_without_traceback(tmp_path):
    cases = {
        "bom.md": "\ufeff" + material_text().replace("\n", "\r\n"),
        "fw.md": material_text(GOOD_META.replace("title: 学习新党章", "标题：学习新党章")),
        "nofm.md": "正文\n",
        "open.md": "---\ntitle: x\n",
        "typo.md": material_text(GOOD_META + "\nsumary: x"),
        "types.md": material_text(GOOD_META.replace("hours: 1", "hours: 很多")),
        "vocab.md": material_text(GOOD_META.replace("track: constitution", "track: law")),
        "empty.md": material_text(body=""),
        "dup1.md": material_text(GOOD_META + "\nslug: dup"),
        "dup2.md": material_text(GOOD_META + "\nslug: dup"),
    }
    for name, text in cases.items():
        write(tmp_path, name, text)
    write(tmp_path, "gbk.md", material_text(GOOD_META.replace("学习新党章", "国标编码")).encode("gbk"))
    write(tmp_path, "curricula/member.yml", CURRICULUM.format(slugs="bom, nothing-here"))
    result = run_check(str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    out = result.stdout + result.stderr
    for name in [*cases, "gbk.md", "member.yml"]:
        if name != "bom.md":
            assert f"{name}:" in out, name
    assert "bom.md:" not in out
    data = json.loads(run_check(str(tmp_path), "--format", "json", cwd=tmp_path).stdout)
    assert data["errors"] >= 10 and data["warnings"] >= 1
    assert all({"path", "line", "column", "field", "message", "fix"} <= set(p) for p in data["problems"])


def test_missing_folder_is_a_clear_error(tmp_path):
    result = run_check(str(tmp_path / "nope"), cwd=tmp_path)
    assert result.returncode == 1 and "找不到材料文件夹" in result.stdout + result.stderr


def test_good_material_round_trip(tmp_path):
    write(tmp_path, "学习新党章.md", material_text(body=GOOD_BODY))
    result, problems = problems_of(tmp_path)
    assert problems == []
    assert "xue-xi-xin-dang-zhang" in result.catalog.materials
