"""Update packages: only what changed; `studyportal apply` verifies, stages, swaps, and survives interruption."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import studyportal.bundle.update as update_module
from studyportal.bundle.archive import extract_zip
from studyportal.bundle.errors import BundleError
from studyportal.bundle.make import BundleResult, make_bundle
from studyportal.bundle.update import apply_update
from studyportal.bundle.verify import verify_path
from tests.helpers import ROOT, copy_project, load_sample, material_text, write

pytestmark = pytest.mark.slow  # the editions are built with the real generator

CATALOG = load_sample().catalog
CHANGED = CATALOG.curricula["member"].materials()[2]


def meta(slug: str, title: str) -> str:
    return (
        f"title: {title}\nkind: material\naudiences: [member]\ntrack: constitution\ntopics: [党章党规]\n"
        f"summary: 测试用的材料。\nhours: 1\npublished: 2020-01-01\nslug: {slug}"
    )


# Constitution-track materials of the member audience are pulled into no curriculum by an include rule,
# so adding or deleting them leaves the neighbours' previous/next links, and so their pages, unchanged.
DELETED = ("linshi-tongzhi", "临时通知学习")
ADDED = ("xinzeng-cailiao", "新增的学习材料")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studyportal.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def source_of(project: Path, slug: str) -> Path:
    return next(p for p in (project / "materials").rglob("*.md") if p.stem == slug or f"slug: {slug}\n" in p.read_text(encoding="utf-8"))


class Editions:
    """v1, v2 (one material changed, one added, one deleted) and v1 rebuilt unchanged, with their updates."""

    def __init__(self, tmp: Path) -> None:
        project = copy_project(tmp / "project")
        write(project / "materials", "tmp/linshi.md", material_text(meta(*DELETED)))
        self.v1 = make_bundle(project / "mkdocs.yml", "all", tmp / "dist-v1")
        self.v1_again = make_bundle(project / "mkdocs.yml", "all", tmp / "dist-v1-again", since=self.v1.zip_path)
        source = source_of(project, CHANGED.slug)
        source.write_text(source.read_text(encoding="utf-8") + "\n\n新增一段学习要求：每月交流一次。\n", encoding="utf-8")
        (project / "materials" / "tmp" / "linshi.md").unlink()
        write(project / "materials", "tmp/xinzeng.md", material_text(meta(*ADDED)))
        self.v2 = make_bundle(project / "mkdocs.yml", "all", tmp / "dist-v2", since=self.v1.zip_path)
        self.tmp = tmp

    def unpacked(self, result: BundleResult, name: str) -> Path:
        dest = self.tmp / name
        extract_zip(result.zip_path, dest)
        return dest / result.manifest.folder


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return Editions(tmp_path_factory.mktemp("updates"))


def update_names(result: BundleResult) -> tuple[list[str], dict]:
    assert result.update_path is not None
    with zipfile.ZipFile(result.update_path, metadata_encoding="gbk") as zf:
        return sorted(zf.namelist()), json.loads(zf.read("update.json"))


def test_update_package_holds_only_changed_added_and_deleted_files(editions):
    names, info = update_names(editions.v2)
    folder = "studyportal-all/"
    pages = [n for n in names if n.startswith(folder + "materials/")]
    assert pages == sorted([f"{folder}materials/{CHANGED.slug}/index.html", f"{folder}materials/{ADDED[0]}/index.html"])
    assert f"materials/{DELETED[0]}/index.html" in info["delete"]
    assert "update.json" in names and "更新说明.txt" in names and "UPDATE.txt" in names
    # the new manifest travels as a patch (the entries of what changed), from which apply rebuilds it byte for byte,
    # and whole, with SHA256SUMS and manifest.js, for copies updated by unzipping over them (tests/test_check_page.py)
    assert info["manifest"]["id"] == editions.v2.manifest.id
    carried = [f"{folder}{name}" for name in ("SHA256SUMS", "manifest.js", "manifest.json")]
    assert set(carried) <= set(names)
    assert len(info["manifest"]["files"]) == len([n for n in names if n.startswith(folder) and n not in carried])
    assert info["base"]["id"] == editions.v1.manifest.id and info["target"]["id"] == editions.v2.manifest.id
    assert editions.v2.update_size < editions.v2.zip_size / 3  # the 2000-material goal (<2%) is in scripts/bench_bundle.py


def test_change_list_names_the_materials_in_words(editions):
    text = "\n".join(editions.v2.changes.text)
    assert "新增材料页面" in text and f"《{ADDED[1]}》" in text
    assert f"《{CHANGED.title}》" in text
    assert "删除材料页面" in text and f"《{DELETED[1]}》" in text
    manifest = editions.v2.manifest
    assert manifest.previous["id"] == editions.v1.manifest.id and manifest.changes["text"] == editions.v2.changes.text
    with zipfile.ZipFile(editions.v2.zip_path, metadata_encoding="gbk") as zf:
        notes = zf.read("studyportal-all/校验说明.txt").decode("gbk")
        update_notes = zipfile.ZipFile(editions.v2.update_path, metadata_encoding="gbk").read("更新说明.txt").decode("gbk")
    assert f"《{ADDED[1]}》" in notes and "本版与上一版相比" in notes
    assert f"studyportal-all\\materials\\{DELETED[0]}\\index.html" in update_notes


def test_rebuilding_unchanged_sources_gives_identical_pages(editions):
    names, info = update_names(editions.v1_again)
    inside = [n.removeprefix("studyportal-all/") for n in names if n.startswith("studyportal-all/")]
    # only the files that carry the build date: the notes, the manifest in its three forms, and the stamp the pages
    # show (which has the date to the minute, so it is unchanged when both builds fall in the same minute)
    stamp = "assets/studyportal/stamp.js"
    assert sorted(set(inside) - {stamp}) == ["README.txt", "SHA256SUMS", "manifest.js", "manifest.json", "校验说明.txt"]
    assert info["delete"] == []
    assert "没有变化" in "".join(editions.v1_again.changes.text)


def test_verify_checks_update_packages_too(editions, tmp_path):
    out = run_cli("verify", str(editions.v2.update_path))
    assert out.returncode == 0 and "更新包" in out.stdout and "校验通过" in out.stdout
    data = bytearray(editions.v2.update_path.read_bytes())
    bad = tmp_path / "update.zip"
    bad.write_bytes(bytes(data[: len(data) - 100]))
    out = run_cli("verify", str(bad))
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_apply_turns_the_old_edition_into_the_new(editions):
    folder = editions.unpacked(editions.v1, "apply-ok")
    out = run_cli("apply", str(editions.v2.update_path), str(folder), "--allow-unsigned")  # these editions are not signed
    assert out.returncode == 0, out.stdout + out.stderr
    assert "已更新" in out.stdout and "校验通过" in out.stdout
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["id"] == editions.v2.manifest.id
    assert not (folder / "materials" / DELETED[0]).exists()
    assert (folder / "materials" / ADDED[0] / "index.html").is_file()
    reference = editions.unpacked(editions.v2, "reference")
    mine = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    theirs = sorted(p.relative_to(reference).as_posix() for p in reference.rglob("*"))
    assert mine == theirs
    assert (folder / "manifest.json").read_bytes() == (reference / "manifest.json").read_bytes()
    assert not list(folder.parent.glob("*.update-*"))
    again = run_cli("apply", str(editions.v2.update_path), str(folder))
    assert again.returncode == 0 and "不需要更新" in again.stdout


def test_apply_refuses_another_base_without_touching_it(editions):
    folder = editions.unpacked(editions.v1_again, "wrong-base")
    before = (folder / "manifest.json").read_bytes()
    out = run_cli("apply", str(editions.v2.update_path), str(folder))
    assert out.returncode == 1 and "没有做任何改动" in out.stderr and "Traceback" not in out.stderr
    assert (folder / "manifest.json").read_bytes() == before


def test_apply_refuses_a_damaged_base(editions):
    folder = editions.unpacked(editions.v1, "damaged-base")
    (folder / "about.html").unlink()
    out = run_cli("apply", str(editions.v2.update_path), str(folder))
    assert out.returncode == 1 and "旧版本身不完整" in out.stderr and "about.html" in out.stderr
    assert not list(folder.parent.glob("*.update-*"))


def test_apply_refuses_a_damaged_update(editions, tmp_path):
    folder = editions.unpacked(editions.v1, "damaged-update")
    with zipfile.ZipFile(editions.v2.update_path) as zf:
        info = zf.getinfo(f"studyportal-all/materials/{ADDED[0]}/index.html")
    data = bytearray(editions.v2.update_path.read_bytes())
    data[info.header_offset + 30 + len(info.orig_filename.encode()) + len(info.extra) + info.compress_size // 2] ^= 0xFF
    bad = tmp_path / "bad-update.zip"
    bad.write_bytes(bytes(data))
    out = run_cli("apply", str(bad), str(folder))
    assert out.returncode == 1 and "更新包不完整" in out.stderr and "Traceback" not in out.stderr
    assert verify_path(folder).ok
    out = run_cli("apply", str(editions.v1.zip_path), str(folder))
    assert out.returncode == 1 and "不是更新包" in out.stderr


@pytest.mark.parametrize("failing_call", [1, 2])
def test_a_failed_swap_leaves_the_old_edition_in_place(editions, monkeypatch, failing_call):
    folder = editions.unpacked(editions.v1, f"swap-fails-{failing_call}")
    real = update_module._rename
    calls = []

    def rename(src: Path, dst: Path) -> None:
        calls.append(src)
        if len(calls) == failing_call:
            raise PermissionError(13, "Permission denied")
        real(src, dst)

    monkeypatch.setattr(update_module, "_rename", rename)
    with pytest.raises(BundleError, match="旧版|恢复旧版"):
        apply_update(editions.v2.update_path, folder, allow_unsigned=True)
    report = verify_path(folder)
    assert report.ok and json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["id"] == editions.v1.manifest.id
    assert not list(folder.parent.glob("*.update-*"))


def _killed_apply(update: Path, folder: Path, where: str) -> subprocess.CompletedProcess:
    """Run apply in a child process that dies abruptly (like a power cut) at ``where``."""
    code = f"""
import os
from pathlib import Path
import studyportal.bundle.update as u
if {where!r} == "between-renames":
    real = u._rename
    def rename(src, dst):
        real(src, dst)
        os._exit(9)
    u._rename = rename
else:
    def verify(folder):
        os._exit(9)
    u._verify_folder = verify
u.apply_update(Path({str(update)!r}), Path({str(folder)!r}), allow_unsigned=True)
"""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_killed_while_preparing_leaves_the_old_edition_untouched(editions):
    folder = editions.unpacked(editions.v1, "killed-staging")
    assert _killed_apply(editions.v2.update_path, folder, "staging").returncode == 9
    assert verify_path(folder).ok
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["id"] == editions.v1.manifest.id
    out = run_cli("apply", str(editions.v2.update_path), str(folder.parent), "--allow-unsigned")  # the unzip folder works too
    assert out.returncode == 0 and "校验通过" in out.stdout
    assert not list(folder.parent.glob("*.update-*"))


def test_killed_between_the_renames_keeps_the_old_edition_usable_and_recovers(editions):
    folder = editions.unpacked(editions.v1, "killed-swap")
    assert _killed_apply(editions.v2.update_path, folder, "between-renames").returncode == 9
    backup = folder.with_name(folder.name + ".update-old")
    assert not folder.exists() and (backup / "index.html").is_file()
    assert verify_path(backup).ok  # the old edition opens and verifies where it was moved
    out = run_cli("verify", str(folder))
    assert out.returncode == 2 and ".update-old" in out.stderr and "studyportal apply" in out.stderr
    out = run_cli("apply", str(editions.v2.update_path), str(folder), "--allow-unsigned")
    assert out.returncode == 0, out.stderr
    assert "已把旧版" in out.stdout and "校验通过" in out.stdout
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["id"] == editions.v2.manifest.id
    assert not backup.exists()
    shutil.rmtree(folder)
