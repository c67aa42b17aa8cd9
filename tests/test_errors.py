"""The tool's own failures: one Chinese message and one exit status per failure, printed in one place, never a traceback."""

from __future__ import annotations

import pytest
from filelock import FileLock

from studyportal.bundle.archive import Unreadable
from studyportal.bundle.errors import BundleError
from studyportal.errors import StudyportalError
from studyportal.model import Catalog
from studyportal.plan.edition import EditionError, edition_catalog
from studyportal.portal_init import InitError
from studyportal.problems import Problem
from studyportal.publish import BuildBusy, BuildInterrupted, PublishError, lock_file
from studyportal.search import codec
from studyportal.search.query import IndexMissing, IndexUnusable
from tests.helpers import CURRICULUM, material_text, run_cli, write


def test_every_failure_of_the_tool_is_one_kind_of_error():
    for kind in (BundleError, Unreadable, PublishError, BuildBusy, BuildInterrupted, EditionError, IndexMissing, IndexUnusable, InitError):
        assert issubclass(kind, StudyportalError), kind


def test_problems_behind_an_error_are_printed_one_a_line_before_its_message():
    error = BundleError("上面这些文件名不能放进 U 盘。", problems=[Problem("a/con.html", 0, "是 Windows 的保留设备名", "改名")])
    assert str(error) == "a/con.html: error(错误): 是 Windows 的保留设备名 修改方法：改名\n上面这些文件名不能放进 U 盘。"


def test_verify_and_search_exit_2_when_there_is_nothing_to_look_at(tmp_path):
    out = run_cli("verify", str(tmp_path / "nowhere.zip"), cwd=tmp_path)
    assert out.returncode == 2 and "找不到" in out.stderr and "nowhere.zip" in out.stderr and not out.stdout
    out = run_cli("search", "党章", "--site", str(tmp_path / "site"), cwd=tmp_path)
    assert out.returncode == 2 and "没有找到搜索索引" in out.stderr and "studyportal build" in out.stderr


def test_search_refuses_an_index_of_another_format_in_words(tmp_path):
    meta = tmp_path / "site" / "search" / "data" / "meta.js"
    meta.parent.mkdir(parents=True)
    meta.write_text(codec.to_script("m", 0, {"v": 1, "docs": [], "w": [], "shards": 1}), encoding="utf-8")
    out = run_cli("search", "党章", "--site", str(tmp_path / "site"), cwd=tmp_path)
    assert out.returncode == 2 and "格式是 1" in out.stderr and "重新运行 studyportal build" in out.stderr
    meta.write_text("var x = 1;", encoding="utf-8")
    out = run_cli("search", "党章", "--site", str(tmp_path / "site"), cwd=tmp_path)
    assert out.returncode == 2 and "读不出来" in out.stderr


def test_a_busy_output_folder_exits_3_and_builds_nothing(tmp_path):
    write(tmp_path, "mkdocs.yml", "site_name: 测试\n")
    site = tmp_path / "site"
    with FileLock(str(lock_file(site.resolve()))):
        out = run_cli("build", "--wait", "0", cwd=tmp_path)
    assert out.returncode == 3 and "另一个构建正在使用" in out.stderr and "--wait 0" in out.stderr
    assert not site.exists()


def test_init_into_a_folder_with_files_and_new_over_a_file_say_why_and_exit_1(tmp_path):
    write(tmp_path, "portal/notes.txt", "县里的笔记")
    out = run_cli("init", "portal", cwd=tmp_path)
    assert out.returncode == 1 and "不是空的" in out.stderr and "notes.txt" in out.stderr
    write(tmp_path, "lesson.md", "写了一半")
    out = run_cli("new", "lesson.md", "--title", "新课", cwd=tmp_path)
    assert out.returncode == 1 and "已经存在，没有覆盖它" in out.stderr
    assert (tmp_path / "lesson.md").read_text(encoding="utf-8") == "写了一半"


def test_a_bug_of_ours_is_one_paragraph_naming_the_command_and_the_line_not_a_traceback(tmp_path, monkeypatch):
    write(tmp_path, "materials/base.md", material_text())
    write(tmp_path, "materials/curricula/member.yml", CURRICULUM.format(slugs="base"))

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("modules")

    monkeypatch.setattr("studyportal.cli.init_portal", broken)
    out = run_cli("init", "portal", cwd=tmp_path)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "studyportal init 出现意外错误" in out.stderr and "KeyError" in out.stderr and "test_errors.py 第" in out.stderr
    assert "请把这段话发给维护人员" in out.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_still_answers_in_the_format_asked_when_it_meets_a_bug(tmp_path, monkeypatch, fmt):
    write(tmp_path, "materials/base.md", material_text())

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("studyportal.cli.load_catalog", broken)
    out = run_cli("check", "materials", "--format", fmt, cwd=tmp_path)
    assert out.returncode == 1 and "意外错误" in out.stdout and "Traceback" not in out.stdout + out.stderr


def test_an_edition_error_reads_as_a_fix():
    with pytest.raises(StudyportalError, match="写 mobile.yml"):
        edition_catalog(Catalog(), "mobile")


def test_unreadable_names_the_file_and_says_to_copy_again():
    error = Unreadable("D:/离线版", "index.html", OSError("I/O error"))
    assert "D:/离线版 里的 index.html 读不出来" in str(error) and "重新拷贝" in str(error)
