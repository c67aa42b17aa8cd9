"""The memo of checked materials (load/memo.py): a warm load gives what a cold one gives, and never trusts what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyportal.catalog import load_catalog
from studyportal.load.memo import MEMO_FILE, LoadMemo
from tests.helpers import GOOD_BODY, material_text, write

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))


def tree(root: Path) -> Path:
    materials = root / "materials"
    for i in range(5):
        write(materials, f"dangzhang/m{i}.md", material_text(body=f"## 第{i}课\n\n党章是全党的根本大法。\n"))
    write(materials, "dangzhang/tu.md", material_text(body="## 图\n\n![会场](huichang.png)\n"))
    write(materials, "dangzhang/huichang.png", PNG)
    return materials


def load(materials: Path, cache: Path, code: str = "code"):
    memo = LoadMemo(cache, code)
    result = load_catalog(materials, memo=memo)
    return result, memo


def summary(result) -> tuple:
    materials = {
        slug: (m.title, m.body, [(r.kind, r.href, str(r.path)) for r in m.references]) for slug, m in result.catalog.materials.items()
    }
    return materials, [p.one_line() for p in result.problems.errors + result.problems.warnings]


def test_a_warm_load_takes_every_unchanged_file_from_the_memo_and_gives_the_same_catalog(tmp_path):
    materials, cache = tree(tmp_path), tmp_path / "cache"
    cold, memo = load(materials, cache)
    assert memo.hits == 0 and (cache / MEMO_FILE).is_file()
    warm, memo = load(materials, cache)
    assert memo.hits == 6
    assert summary(warm) == summary(cold) == summary(load_catalog(materials))


def test_an_edited_file_is_checked_again(tmp_path):
    materials, cache = tree(tmp_path), tmp_path / "cache"
    load(materials, cache)
    write(materials, "dangzhang/m2.md", material_text(body=GOOD_BODY + "\n[链接](material:meiyou)\n"))
    result, memo = load(materials, cache)
    assert memo.hits == 5
    assert any("meiyou" in p.message for p in result.problems.errors), "the new broken link must be found"


def test_a_picture_removed_or_changed_since_the_last_build_is_noticed(tmp_path):
    materials, cache = tree(tmp_path), tmp_path / "cache"
    load(materials, cache)
    (materials / "dangzhang" / "huichang.png").unlink()
    result, memo = load(materials, cache)
    assert memo.hits == 5, "the material naming the picture must be checked again"
    assert any("huichang.png" in p.message for p in result.problems.errors)
    write(materials, "dangzhang/huichang.png", PNG)
    load(materials, cache)  # a missing picture is an error: never kept, so found again once it is back
    result, memo = load(materials, cache)
    assert memo.hits == 6 and not result.problems.errors


def test_a_picture_folder_replaced_by_a_symbolic_link_is_noticed(tmp_path):
    materials, cache = tree(tmp_path), tmp_path / "cache"
    write(materials, "dangzhang/img/a.png", PNG)
    write(materials, "dangzhang/link.md", material_text(body="## 图\n\n![会场](img/a.png)\n"))
    load(materials, cache)
    outside = tmp_path / "outside"
    write(outside, "a.png", PNG)
    (materials / "dangzhang" / "img" / "a.png").unlink()
    (materials / "dangzhang" / "img").rmdir()
    (materials / "dangzhang" / "img").symlink_to(outside, target_is_directory=True)
    result, memo = load(materials, cache)
    assert memo.hits == 6
    assert any("符号链接" in p.message for p in result.problems.errors)


def test_a_tampered_or_foreign_memo_is_ignored(tmp_path, monkeypatch):
    materials, cache = tree(tmp_path), tmp_path / "cache"
    cold, _ = load(materials, cache)
    data = bytearray((cache / MEMO_FILE).read_bytes())
    data[-10] ^= 0xFF
    (cache / MEMO_FILE).write_bytes(bytes(data))
    result, memo = load(materials, cache)
    assert memo.hits == 0 and summary(result) == summary(cold)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    result, memo = load(materials, cache)
    assert memo.hits == 0 and summary(result) == summary(cold)


def test_other_checking_code_does_not_use_the_memo(tmp_path):
    materials, cache = tree(tmp_path), tmp_path / "cache"
    load(materials, cache, code="tool version 1")
    _, memo = load(materials, cache, code="tool version 2")
    assert memo.hits == 0
