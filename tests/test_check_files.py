"""``studyportal check FILE…``: just these files' problems, with the cross-file checks they take part in (pre-commit)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers import CURRICULUM, GOOD_META, material_text, run_cli, write

ROOT = Path(__file__).resolve().parent.parent


def check(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run_cli("check", *args, cwd=cwd)


def tree(tmp_path: Path) -> Path:
    """A portal whose materials/ has one broken file (other.md) besides the ones the tests name."""
    materials = tmp_path / "materials"
    write(materials, "dangzhang/xin-dangzhang.md", material_text(GOOD_META + "\nslug: xin-dangzhang"))
    write(materials, "dangzhang/lesson.md", material_text(GOOD_META + "\nslug: lesson"))
    write(materials, "other.md", material_text(GOOD_META.replace("track: constitution", "track: constituion") + "\nslug: other"))
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs="xin-dangzhang, lesson"))
    return materials


def test_a_clean_file_passes_though_another_file_has_errors(tmp_path):
    tree(tmp_path)
    result = check("materials/dangzhang/lesson.md", cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "other.md:" not in out and "检查了 1 个文件" in out
    assert "其他文件里还有 1 个错误" in out


def test_a_material_given_alone_still_meets_duplicate_slugs_and_link_checks(tmp_path):
    materials = tree(tmp_path)
    write(materials, "new.md", material_text(GOOD_META + "\nslug: xin-dangzhang", "## 正文\n\n见[课](material:lesn)和![图](tu.png)。\n"))
    result = check("materials/new.md", cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert "materials/new.md:10:1: error(错误): 字段 slug：网址名 xin-dangzhang 已被 materials/dangzhang/xin-dangzhang.md 使用" in out
    assert "materials/new.md:14:6: error(错误): 字段 正文：找不到网址名为 lesn 的材料 修改方法：你是不是想写 material:lesson？" in out
    assert "找不到文件 tu.png" in out
    assert "dangzhang/xin-dangzhang.md:" not in out, "only the file asked about is listed"


def test_a_curriculum_given_alone_resolves_its_slugs_against_the_whole_tree(tmp_path):
    materials = tree(tmp_path)
    assert check("materials/curricula/member.yml", cwd=tmp_path).returncode == 0
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs="xin-dangzhang, lessn"))
    result = check("materials/curricula/member.yml", cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 1
    where = "materials/curricula/member.yml:11:32: error(错误): 字段 modules 的第 1 个模块 的 materials 的第 2 项"
    assert f"{where}：找不到网址名为 lessn 的材料" in out
    assert "你是不是想写 lesson？" in out


def test_several_files_pictures_skipped_and_json(tmp_path):
    materials = tree(tmp_path)
    write(materials, "dangzhang/tu.png", b"\x89PNG")
    args = ["materials/dangzhang/lesson.md", "materials/other.md", "materials/dangzhang/tu.png", "materials/gone.md"]
    result = check(*args, cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert "materials/other.md:5:1: error(错误): 字段 track：不认识的取值“constituion”" in out
    assert "materials/gone.md:1:1: error(错误): 找不到这个文件" in out
    assert "跳过了 1 个不是材料或课程的文件：materials/dangzhang/tu.png" in out
    report = json.loads(check(*args, "--format", "json", cwd=tmp_path).stdout)
    assert report["checked_files"] == 2 and report["errors"] == 2
    assert {p["path"] for p in report["problems"]} == {"materials/other.md", "materials/gone.md"}


def test_files_found_from_a_subfolder_and_with_an_explicit_root(tmp_path):
    materials = tree(tmp_path)
    result = check("xin-dangzhang.md", cwd=materials / "dangzhang")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查了 1 个文件" in result.stdout + result.stderr
    portal = tmp_path / "content"
    materials.rename(portal)
    result = check("content/other.md", "--root", "content", cwd=tmp_path)
    assert result.returncode == 1 and "content/other.md:5:1" in result.stdout + result.stderr


def test_a_folder_is_checked_as_before(tmp_path):
    tree(tmp_path)
    result = check(cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "materials/other.md:5:1" in out and "检查了 4 个文件：2 个材料、1 个课程" in out
    assert check("materials", cwd=tmp_path).stdout == result.stdout
