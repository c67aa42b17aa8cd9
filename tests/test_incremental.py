"""Rebuilds that reuse the build cache, and builds that render on every core, write exactly what a plain build writes.

The reference is MkDocs' own page loop (``STUDYPORTAL_CACHE=mkdocs``: no cache, no workers). After each
kind of edit a trainer makes — a body, a title, a curriculum, a deleted material — and after the cache
is damaged or comes from someone else, the warm build's site is compared with the reference's, file by
file and byte by byte. A reader can never tell which way a page was made.

Warm builds write into the folder of the build before (render/output.py: only files whose bytes change
are written, the rest is removed), so the same comparisons prove that what an earlier build, a killed
build or a person left in that folder never reaches the new site.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studyportal.catalog import load_catalog
from studyportal.render import generator
from tests.helpers import ROOT, copy_project

pytestmark = pytest.mark.slow
CACHE = ".studyportal-cache"


def build(project: Path, site: Path, tmp_path: Path, **env: str) -> str:
    """One strict build with extra environment variables; returns the log."""
    full = {**generator.build_env(), "SOURCE_DATE_EPOCH": "1790000000", "XDG_CACHE_HOME": str(tmp_path / "home-cache"), **env}
    cmd = generator.build_command(project / "mkdocs.yml", site, strict=True)
    result = subprocess.run(cmd, cwd=project, env=full, capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_site(got: Path, want: Path) -> None:
    a, b = files(got), files(want)
    assert sorted(a) == sorted(b)
    differing = [name for name in a if a[name] != b[name]]
    assert differing == [], differing[:10]


def made(log: str) -> tuple[int, int, int]:
    """(pages planned, rendered again, taken from the cache) as the build log reports them."""
    m = re.search(r"生成页面：(\d+) 个，其中 (\d+) 个重新生成(?:，(\d+) 个取自构建缓存)?", log)
    assert m, log[-2000:]
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def add_unlisted_material(project: Path) -> Path:
    """A published material no curriculum lists and nothing links to (so deleting it later is a valid edit)."""
    source = project / "materials" / "dangzhang" / "dangfei-jiaona.md"
    text = source.read_text(encoding="utf-8").replace("slug: dangfei-jiaona", "slug: dangfei-wenda", 1)
    text = re.sub(r"^title:.*$", "title: 党费问答", text, count=1, flags=re.M)
    path = source.with_name("dangfei-wenda.md")
    path.write_text(text, encoding="utf-8")
    return path


def test_workers_and_the_page_loop_write_the_same_site(tmp_path):
    project = copy_project(tmp_path / "portal")
    log = build(project, tmp_path / "parallel", tmp_path, STUDYPORTAL_CACHE="off", STUDYPORTAL_JOBS="2")
    assert "2 个进程并行" in log
    build(project, tmp_path / "alone", tmp_path, STUDYPORTAL_CACHE="off", STUDYPORTAL_JOBS="1")
    build(project, tmp_path / "reference", tmp_path, STUDYPORTAL_CACHE="mkdocs")
    assert_same_site(tmp_path / "parallel", tmp_path / "reference")
    assert_same_site(tmp_path / "alone", tmp_path / "reference")


def test_warm_builds_equal_cold_builds_after_every_kind_of_edit(tmp_path):
    project = copy_project(tmp_path / "portal")
    materials = project / "materials"
    extra = add_unlisted_material(project)

    def step(name: str) -> tuple[int, int, int]:
        log = build(project, tmp_path / "warm", tmp_path)  # always the same folder, as `mkdocs serve` and `studyportal build` do
        build(project, tmp_path / f"cold-{name}", tmp_path, STUDYPORTAL_CACHE="mkdocs")
        assert_same_site(tmp_path / "warm", tmp_path / f"cold-{name}")
        return made(log)

    planned, rendered, reused = step("first")
    assert rendered == planned and reused == 0 and (project / CACHE).is_dir()
    planned, rendered, reused = step("unchanged")
    assert rendered == 0 and reused == planned

    # A body: that material's page and the handbooks that print it (its title and facts, which listings show, are unchanged).
    body = materials / "dangzhang" / "dangfei-jiaona.md"
    body.write_text(body.read_text(encoding="utf-8") + "\n\n补充：党费可以在手机上交纳。\n", encoding="utf-8")
    curricula = load_catalog(materials).catalog.curricula.values()
    handbooks = sum(1 for c in curricula if "dangfei-jiaona" in {m.slug for m in c.materials()})
    assert handbooks >= 1
    planned, rendered, reused = step("body")
    assert rendered == 1 + handbooks and reused == planned - 1 - handbooks

    # A title: the page and every listing that shows it (curriculum, module, topic, kind, what's new).
    text = body.read_text(encoding="utf-8")
    body.write_text(re.sub(r"^title:.*$", "title: 按时足额交纳党费（修订）", text, count=1, flags=re.M), encoding="utf-8")
    planned, rendered, reused = step("title")
    assert 1 < rendered < planned

    # A curriculum's module title: in the navigation, so every page shows it.
    curriculum = materials / "curricula" / "member.yml"
    text = curriculum.read_text(encoding="utf-8")
    curriculum.write_text(text.replace("title: 学党章 守党规", "title: 学党章 守纪律", 1), encoding="utf-8")
    planned, rendered, reused = step("curriculum")
    assert rendered == planned

    # A deleted material: its page and the pages that listed it go; nothing links to it any more.
    extra.unlink()
    before = planned
    planned, rendered, reused = step("deleted")
    assert planned < before and rendered < planned

    # A damaged cache: a flipped byte, a cut-off entry and stray junk are noticed and rebuilt, never used.
    shutil.rmtree(project / CACHE)
    step("refill")  # now every entry is one the next build uses
    entries = sorted((project / CACHE).glob("*/*.bin"))
    flipped, cut = entries[0], entries[1]
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped.write_bytes(bytes(data))
    cut.write_bytes(cut.read_bytes()[:100])
    (entries[2].parent / "junk.bin").write_bytes(b"not an entry")
    planned, rendered, reused = step("corrupt")
    assert rendered == 2 and reused == planned - 2

    # A cache from someone else (signed with another key): ignored whole.
    log = build(project, tmp_path / "foreign", tmp_path, XDG_CACHE_HOME=str(tmp_path / "another-user"))
    assert made(log)[2] == 0
    assert_same_site(tmp_path / "foreign", tmp_path / "cold-corrupt")


def test_build_clean_starts_cold_and_the_cache_folder_is_ignored_by_git(tmp_path):
    project = copy_project(tmp_path / "portal")
    build(project, tmp_path / "a", tmp_path)
    assert (project / CACHE).is_dir()
    ignored = (Path(__file__).resolve().parent.parent / ".gitignore").read_text(encoding="utf-8")
    starter = (Path(__file__).resolve().parent.parent / "studyportal" / "starter" / "gitignore").read_text(encoding="utf-8")
    assert f"{CACHE}/" in ignored and f"{CACHE}/" in starter
    assert "/.site.*/" in ignored.splitlines() and ".site.*/" in starter.splitlines()  # the kept site beside site/ (publish.py)
    marker = project / CACHE / "00" / "marker.bin"
    marker.parent.mkdir(exist_ok=True)
    marker.write_bytes(b"from the build before")
    env = {**generator.build_env(), "SOURCE_DATE_EPOCH": "1790000000", "XDG_CACHE_HOME": str(tmp_path / "home-cache")}
    cmd = [sys.executable, "-m", "studyportal.cli", "build", "--clean", "-d", str(tmp_path / "b")]
    result = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not marker.exists() and any((project / CACHE).glob("*/*.bin"))  # emptied, then filled again
    assert_same_site(tmp_path / "a", tmp_path / "b")


def test_a_larger_portal_rendered_by_workers_is_reused_whole(tmp_path):
    """Pages kept by the workers count as used: the cache keeps them for the next build."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from corpus import generate
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    generate(160, tmp_path / "corpus")
    project = tmp_path / "portal"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "docs").mkdir()
    shutil.copytree(tmp_path / "corpus" / "materials", project / "materials")
    log = build(project, tmp_path / "cold", tmp_path, STUDYPORTAL_JOBS="2")
    planned, rendered, reused = made(log)
    assert "2 个进程并行" in log and rendered == planned > 150
    planned, rendered, reused = made(build(project, tmp_path / "warm", tmp_path))
    assert rendered == 0 and reused == planned
    assert_same_site(tmp_path / "warm", tmp_path / "cold")


def written(log: str) -> tuple[int, int, int]:
    """(files written, files left as they were, stale files removed) as the build log reports them."""
    m = re.search(r"输出目录：(\d+) 个文件写入，(\d+) 个与上次相同未重写，删除 (\d+) 个过时文件", log)
    assert m, log[-2000:]
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def test_a_build_into_an_earlier_builds_folder_writes_only_what_changed_and_trusts_nothing_there(tmp_path):
    project = copy_project(tmp_path / "portal")
    kept = tmp_path / "site"
    build(project, kept, tmp_path)
    unchanged_page = kept / "materials" / "rudang-shici" / "index.html"
    before = unchanged_page.stat()
    # A backup made with hard links: the page about to change must be replaced, never written through.
    edited_page = kept / "materials" / "dangfei-jiaona" / "index.html"
    backup = tmp_path / "backup.html"
    os.link(edited_page, backup)
    backup_bytes = backup.read_bytes()
    # Links out of the folder are removed, never followed.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.html").write_text("not the site's", encoding="utf-8")
    (kept / "materials" / "elsewhere").symlink_to(outside, target_is_directory=True)
    (kept / "linked.html").symlink_to(outside / "keep.html")
    # What a person or an older build left: a stray page, a folder where a file goes, a page cut off by a killed build,
    # and a page rewritten with the right bytes whose .gz a killed build never got to (older than the page, and wrong).
    (kept / "old-section" / "empty").mkdir(parents=True)
    (kept / "old-section" / "index.html").write_text("stale", encoding="utf-8")
    (kept / "404.html").unlink()
    (kept / "404.html").mkdir()
    (kept / "404.html" / "x.txt").write_text("in the way", encoding="utf-8")
    home = kept / "index.html"
    home.write_bytes(home.read_bytes()[:500])
    curriculum = kept / "curricula" / "member" / "index.html"
    gz = curriculum.with_name("index.html.gz")
    gz.write_bytes(b"not gzip")
    os.utime(gz, ns=(curriculum.stat().st_mtime_ns - 10**10,) * 2)
    os.utime(curriculum)  # newer than its copy, its bytes right

    body = project / "materials" / "dangzhang" / "dangfei-jiaona.md"
    body.write_text(body.read_text(encoding="utf-8") + "\n\n补充：党费可以在手机上交纳。\n", encoding="utf-8")
    log = build(project, kept, tmp_path)
    build(project, tmp_path / "cold", tmp_path, STUDYPORTAL_CACHE="mkdocs")
    assert_same_site(kept, tmp_path / "cold")
    assert backup.read_bytes() == backup_bytes and edited_page.read_bytes() != backup_bytes
    assert (outside / "keep.html").read_text(encoding="utf-8") == "not the site's"
    assert not os.path.lexists(kept / "materials" / "elsewhere") and not os.path.lexists(kept / "linked.html")
    assert not (kept / "old-section").exists()  # with the empty folder in it
    after = unchanged_page.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not written again
    count, left, removed = written(log)
    assert left > 3 * count and removed >= 2  # the search index's files change with any page's words


def test_studyportal_build_turns_the_site_it_replaces_into_the_next_builds_starting_point(tmp_path):
    project = copy_project(tmp_path / "portal")
    env = {**generator.build_env(), "SOURCE_DATE_EPOCH": "1790000000", "XDG_CACHE_HOME": str(tmp_path / "home-cache")}
    site, reuse = project / "site", project / ".site.reuse"

    def studyportal_build(*extra: str, status: int = 0) -> None:
        cmd = [sys.executable, "-m", "studyportal.cli", "build", *extra]
        result = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600)
        assert result.returncode == status, result.stderr[-3000:]

    body = project / "materials" / "dangzhang" / "dangfei-jiaona.md"
    studyportal_build()
    assert not reuse.exists()
    first = (site / "index.html").stat().st_ino
    body.write_text(body.read_text(encoding="utf-8") + "\n\n第一次补充。\n", encoding="utf-8")
    studyportal_build()
    assert (reuse / "index.html").stat().st_ino == first  # the replaced site, kept
    body.write_text(body.read_text(encoding="utf-8") + "\n\n第二次补充。\n", encoding="utf-8")
    studyportal_build()
    assert (site / "index.html").stat().st_ino == first  # the kept folder became the new site; its unchanged files were not recreated
    build(project, tmp_path / "cold", tmp_path, STUDYPORTAL_CACHE="mkdocs")
    assert_same_site(site, tmp_path / "cold")
    # A failed build leaves the site as it was and keeps the folder for the next one.
    broken = project / "materials" / "broken.md"
    broken.write_text("没有元数据\n", encoding="utf-8")
    studyportal_build(status=1)
    assert_same_site(site, tmp_path / "cold")
    assert reuse.is_dir() and sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == [".site.reuse"]
    broken.unlink()
    studyportal_build("--clean")
    assert (site / "index.html").stat().st_ino != first
    assert_same_site(site, tmp_path / "cold")
