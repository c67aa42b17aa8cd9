"""``studyportal check --format github|gitlab-codequality``: problems where a Git host shows them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from studyportal.problems import Problem, Problems
from studyportal.report_formats import format_codequality, format_github
from tests.helpers import CURRICULUM, GOOD_META, material_text, run_cli, write


def check(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("check", *args, cwd=folder)


def tree(root: Path) -> None:
    write(root / "materials", "dangzhang/base.md", material_text(GOOD_META + "\nslug: base"))
    write(root / "materials", "curricula/member.yml", CURRICULUM.format(slugs="base"))


def test_github_annotations_name_file_line_and_column_and_fail_the_step(tmp_path):
    tree(tmp_path)
    write(tmp_path / "materials", "dangzhang/huai.md", material_text(GOOD_META.replace("track: constitution", "track: 学党章")))
    result = check(tmp_path, "--format", "github")
    assert result.returncode == 1
    (annotation,) = [line for line in result.stdout.splitlines() if line.startswith("::")]
    where = "materials/dangzhang/huai.md"
    assert annotation.startswith(f"::error file={where},line=5,col=1,title=学习材料检查::{where}:5:1: error(错误): 字段 track：")
    assert "constitution" in annotation  # the fix is in the message
    clean = check(tmp_path, "--format", "github", "materials/dangzhang/base.md")
    assert clean.returncode == 0 and "::" not in clean.stdout


def test_gitlab_code_quality_report_is_a_json_list_even_when_all_is_well(tmp_path):
    tree(tmp_path)
    good = check(tmp_path, "--format", "gitlab-codequality")
    assert good.returncode == 0 and json.loads(good.stdout) == []
    write(tmp_path / "materials", "dangzhang/huai.md", material_text(GOOD_META.replace("track: constitution", "track: 学党章")))
    bad = check(tmp_path, "--format", "gitlab-codequality")
    (issue,) = json.loads(bad.stdout)
    assert bad.returncode == 1
    assert issue["location"] == {"path": "materials/dangzhang/huai.md", "lines": {"begin": 5}} and issue["severity"] == "major"
    assert "track" in issue["description"] and "修改方法" in issue["description"] and len(issue["fingerprint"]) == 64


def test_workflow_command_text_is_escaped_and_whole_file_problems_have_no_line():
    problems = Problems(
        [
            Problem("materials/a,b.md", 3, "100% 不对\n第二行", "改: 好", severity="warning"),
            Problem("materials/c.md", 0, "整个文件有问题"),
        ]
    )
    lines = format_github(problems).splitlines()
    assert lines[0] == (
        "::warning file=materials/a%2Cb.md,line=3,col=1,title=学习材料检查::"
        "materials/a,b.md:3:1: warning(警告): 100%25 不对%0A第二行 修改方法：改: 好"
    )
    assert lines[1] == "::error file=materials/c.md,title=学习材料检查::materials/c.md: error(错误): 整个文件有问题"
    assert lines[-1] == "共 1 个错误，1 个警告。"


def test_code_quality_fingerprints_are_unique_and_stable():
    same = Problem("materials/a.md", 2, "重复的问题")
    report = json.loads(format_codequality(Problems([same, same, Problem("materials/a.md", 0, "整个文件")])))
    assert len({i["fingerprint"] for i in report}) == 3
    assert report == json.loads(format_codequality(Problems([same, same, Problem("materials/a.md", 0, "整个文件")])))
    assert [i["location"]["lines"]["begin"] for i in report] == [1, 2, 2]
