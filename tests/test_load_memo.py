"""The memo of checked materials (load/memo.py): a warm load gives what a cold one gives, and never trusts what changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from studyportal.catalog import load_catalog
from studyportal.load.memo import MEMO_FILE, LoadMemo
from tests.helpers import GOOD_BODY, GOOD_META, material_text, write

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


def test_many_materials_are_checked_on_every_core_with_the_same_results_and_problems(tmp_path, monkeypatch):
    """A first build of a large portal checks its materials in forked workers (forks.py); what it finds is what one
    process finds, in the same order, and the memo it leaves serves the next load."""
    import studyportal.catalog as catalog

    materials = tmp_path / "materials"
    for i in range(catalog.MIN_PARALLEL_LOAD + 20):
        meta = GOOD_META.replace("学习新党章", f"第{i}课")
        write(materials, f"dangzhang/m{i:03}.md", material_text(meta, f"## 第{i}课\n\n党章是全党的根本大法。\n"))
    write(materials, "dangzhang/bad-yaml.md", "---\ntitle: [不完整\n---\n\n正文\n")
    write(materials, "dangzhang/no-title.md", material_text(GOOD_META.replace("title: 学习新党章\n", "")))
    write(materials, "dangzhang/gbk.md", material_text(GOOD_META.replace("学习新党章", "党费")).encode("gbk"))
    write(materials, "dangzhang/dup.md", material_text(GOOD_META + "\nslug: m007"))
    pools = []
    real = catalog.ForkPool

    def counted(*args, **kwargs):
        pools.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(catalog, "ForkPool", counted)
    monkeypatch.setenv("STUDYPORTAL_JOBS", "1")
    alone = summary(load_catalog(materials))
    assert pools == []
    monkeypatch.setenv("STUDYPORTAL_JOBS", "2")
    parallel, memo = load(materials, tmp_path / "cache")
    assert pools == [2]
    assert summary(parallel) == alone
    assert len(alone[0]) > catalog.MIN_PARALLEL_LOAD
    assert [name for name in ("bad-yaml.md", "no-title.md", "dup.md") if not any(name in p for p in alone[1])] == []
    memo.save()
    again, _ = load(materials, tmp_path / "cache")
    assert pools == [2] and summary(again) == alone  # everything from the memo: nothing forked


WARM_LOAD = """
import sys
from pathlib import Path
from studyportal.catalog import load_catalog
from studyportal.load.memo import LoadMemo
result = load_catalog(Path(sys.argv[1]), memo=LoadMemo(Path(sys.argv[2]), "code"))
print(sorted(result.catalog.topic_slugs().items()), "pypinyin" in sys.modules)
"""


def test_a_warm_load_names_topic_pages_as_the_cold_one_without_loading_pinyin(tmp_path):
    """pypinyin's dictionaries cost every warm build a sixth of a second; the last build's topic slugs are in the memo."""
    materials, cache = tree(tmp_path), tmp_path / "cache"
    write(materials, "dangzhang/m0.md", material_text(GOOD_META.replace("topics: [党章党规]", "topics: [基层组织建设, 党费收缴]")))

    def run() -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", WARM_LOAD, str(materials), str(cache)], capture_output=True, text=True, check=True)
        slugs, loaded = done.stdout.strip().rsplit(" ", 1)
        return slugs, loaded

    cold, cold_loaded = run()
    assert "ji-ceng-zu-zhi-jian-she" in cold and "dang-fei-shou-jiao" in cold and cold_loaded == "True"
    write(materials, "dangzhang/m1.md", material_text(body=GOOD_BODY + "\n改了一段。\n"))  # a trainer's edit: that file is checked again
    warm, warm_loaded = run()
    assert (warm, warm_loaded) == (cold, "False")
    # a new topic: pinyin is needed
    write(materials, "dangzhang/m2.md", material_text(GOOD_META.replace("topics: [党章党规]", "topics: [学习贯彻]")))
    new, new_loaded = run()
    assert "xue-xi-guan-che" in new and new_loaded == "True"
