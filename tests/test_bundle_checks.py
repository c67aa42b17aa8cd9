"""What ``verify`` and the bundle's own checks report, on small copies written by hand (no site is built): one problem
per file, printed as ``check`` prints problems (``path: error(错误): what 修改方法：fix``)."""

from __future__ import annotations

from pathlib import Path

from studyportal.bundle.formats import MANIFEST, edition_inside, shown_time
from studyportal.bundle.links import link_problems
from studyportal.bundle.manifest import Manifest, scan_folder
from studyportal.bundle.names import name_problems
from studyportal.bundle.verify import verify_path
from tests.helpers import run_cli, write

BUILT = "2026-06-01T09:30:00+08:00"


def hand_made_copy(root: Path) -> Path:
    """An unsigned full edition of three files with its manifest, as ``bundle`` lays one out."""
    folder = root / "studyportal-all"
    write(folder, "index.html", "<title>首页 - 党员学习</title><a href='about.html'>关于</a>")
    write(folder, "about.html", "<title>关于本站 - 党员学习</title>")
    write(folder, "assets/site.css", "body { color: black; }")
    manifest = Manifest("all", "完整版", folder.name, BUILT, "abc123", "studyportal test", files=scan_folder(folder, "党员学习"))
    manifest.id = manifest.content_id()
    (folder / MANIFEST).write_bytes(manifest.to_json())
    return folder


def test_an_intact_copy_verifies_from_its_folder_and_from_the_folder_around_it(tmp_path):
    folder = hand_made_copy(tmp_path)
    out = run_cli("verify", str(folder), cwd=tmp_path)
    assert out.returncode == 0 and "3 个文件全部完整、正确" in out.stdout and f"生成于 {shown_time(BUILT)}" in out.stdout
    assert "本版没有签名" in out.stdout
    assert edition_inside(tmp_path) == folder
    assert run_cli("verify", str(tmp_path), cwd=tmp_path).returncode == 0


def test_each_missing_changed_or_extra_file_is_one_problem_line_with_its_fix(tmp_path):
    folder = hand_made_copy(tmp_path)
    (folder / "about.html").unlink()
    css = folder / "assets" / "site.css"
    css.write_text(css.read_text(encoding="utf-8").replace("black", "white"), encoding="utf-8")  # same size
    write(folder, "extra.html", "x")
    write(folder, "Thumbs.db", "x")
    report = verify_path(folder)
    assert not report.ok
    assert [(p.path, p.line) for p in report.missing] == [("about.html", 0)]
    assert [p.path for p in report.corrupt] == ["assets/site.css"] and "SHA-256" in report.corrupt[0].message
    assert [p.path for p in report.extra] == ["extra.html"] and report.ignored == ["Thumbs.db"]
    out = run_cli("verify", str(folder), cwd=tmp_path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert "  about.html: error(错误): 缺少这个文件 修改方法：从完整的离线版重新拷贝" in lines
    assert "  assets/site.css: error(错误): 内容被改动或损坏：SHA-256 校验值不符 修改方法：从完整的离线版重新拷贝" in lines
    assert "  extra.html: error(错误): 不在校验清单里（多出来的文件） 修改方法：确认不需要后删除" in lines
    assert "缺少的文件 1 个：" in lines and "校验未通过：缺少 1 个文件，损坏 1 个，多出 1 个。最简单的办法是重新拷贝整个离线版。" in lines


def test_a_hand_edited_manifest_or_a_missing_one_cannot_be_verified_and_exits_2(tmp_path):
    folder = hand_made_copy(tmp_path)
    text = (folder / MANIFEST).read_text(encoding="utf-8")
    (folder / MANIFEST).write_text(text.replace('"size": ', '"size": 1', 1), encoding="utf-8")
    out = run_cli("verify", str(folder), cwd=tmp_path)
    assert out.returncode == 2 and "被改动过" in out.stderr and not out.stdout
    (folder / MANIFEST).unlink()
    out = run_cli("verify", str(folder), cwd=tmp_path)
    assert out.returncode == 2 and "找不到 manifest.json" in out.stderr


def test_names_that_break_on_usb_sticks_are_problems_on_those_paths():
    problems = name_problems(["a/" + "x" * 200 + ".html", "con/index.html", "Materials/a.html", "materials/b.html", "docs/关于.html"])
    by_path = {p.path: p for p in problems}
    assert "太长" in by_path["a/" + "x" * 200 + ".html"].message and by_path["a/" + "x" * 200 + ".html"].fix == "缩短网址名（slug）"
    assert "保留设备名" in by_path["con/index.html"].message
    assert "非英文" in by_path["docs/关于.html"].message and by_path["docs/关于.html"].fix == "改用英文或拼音文件名"
    assert any("大小写" in p.message for p in problems)
    assert name_problems(["docs/关于.html"], allow_non_ascii=frozenset({"docs/关于.html"})) == []


def test_a_link_to_no_file_of_the_copy_is_reported_on_its_page_and_line(tmp_path):
    write(tmp_path, "index.html", "<p>首页</p>\n<p><a href='about.html'>关于</a></p>\n<a href=\"gone/index.html\">不见了</a>\n")
    write(tmp_path, "about.html", '<a href="index.html#top">回首页</a> <a href="https://example.org/">外面</a>')
    problems = link_problems(tmp_path)
    assert [(p.path, p.line) for p in problems] == [("index.html", 3)]
    assert "gone/index.html" in problems[0].message and problems[0].location() == "index.html:3:1"
