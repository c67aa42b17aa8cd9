"""``studyportal bundle``: build an edition, make it work from file://, add manifest and notes, zip it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from studyportal.bundle.archive import open_source, write_zip
from studyportal.bundle.build import build_edition, read_project_config
from studyportal.bundle.changes import Changes, compare
from studyportal.bundle.errors import BundleError
from studyportal.bundle.links import link_problems
from studyportal.bundle.manifest import MANIFEST, FileEntry, Manifest, scan_folder
from studyportal.bundle.names import name_problems
from studyportal.bundle.notes import NOTES_ASCII, NOTES_GBK, bundle_notes, note_files
from studyportal.bundle.offline import OfflineReport, make_offline
from studyportal.bundle.update import make_update
from studyportal.bundle.verify import read_manifest
from studyportal.plan.edition import EDITIONS, edition_name

FAT32_MAX = (1 << 32) - 1
# Where the other engineer's search writes its ready-built index; any of these means search works offline.
SEARCH_MARKERS = ("search/", "assets/search/", "assets/javascripts/search/")


@dataclass
class BundleResult:
    """The zip written, its manifest, and the update package when a previous edition was given."""

    zip_path: Path
    zip_size: int
    manifest: Manifest
    offline: OfflineReport
    site_files: int
    site_bytes: int
    update_path: Path | None = None
    update_size: int = 0
    changes: Changes | None = None
    warnings: list[str] = field(default_factory=list)


def folder_name(edition: str) -> str:
    """The folder inside every zip of an edition; constant across versions so updates line up."""
    return f"studyportal-{edition}"


def build_time() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (for reproducible bundles)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).astimezone().replace(microsecond=0)
    return dt.datetime.now().astimezone().replace(microsecond=0)


def source_commit(root: Path) -> str:
    """``git rev-parse HEAD`` of the project (``-modified`` if the working tree differs), else ``unknown``."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=20)
        if head.returncode != 0:
            return "unknown"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head.stdout.strip() + ("-modified" if dirty.stdout.strip() else "")


def previous_manifest(path: Path) -> Manifest:
    """The manifest of an earlier bundle (zip or folder), for change lists and update packages."""
    with open_source(path) as src:
        return read_manifest(src)


def make_bundle(config_file: Path, edition: str, out: Path, since: Path | None = None) -> BundleResult:
    """Build ``edition`` and write its zip (and an update package against ``since``) to ``out``.

    ``out`` is a ``.zip`` file name or a folder, where dated names are chosen.
    """
    if edition not in EDITIONS:
        raise BundleError(f"没有“{edition}”这个版本：可选 {'、'.join(EDITIONS)}")
    previous = previous_manifest(since) if since else None
    if previous and previous.edition != edition:
        raise BundleError(f"{since} 是{previous.edition_name}，不能和{edition_name(edition)}比较：请指定同一版本的上一版")
    config_file = config_file.resolve()
    site_name = str(read_project_config(config_file).get("site_name") or "")
    when = build_time()
    with tempfile.TemporaryDirectory(prefix="studyportal-bundle-") as tmp:
        folder = Path(tmp) / folder_name(edition)
        warnings = build_edition(config_file, folder, edition)
        offline = make_offline(folder)
        _check_folder(folder)
        site_entries = scan_folder(folder, site_name)
        manifest = Manifest(
            edition=edition,
            edition_name=edition_name(edition),
            folder=folder.name,
            built=when.isoformat(),
            commit=source_commit(config_file.parent),
            generator=f"studyportal {_version()}",
            previous=previous.summary() if previous else None,
        )
        changes = _describe(folder, manifest, previous, site_entries, site_name)
        stamp = when.strftime("%Y%m%d-%H%M")
        zip_path = out if out.suffix.lower() == ".zip" else out / f"{folder.name}-{stamp}.zip"
        stamp_time = when.timetuple()[:6]
        entries = [(f"{folder.name}/{p.relative_to(folder).as_posix()}", p) for p in sorted(folder.rglob("*")) if p.is_file()]
        zip_size = write_zip(zip_path, entries, stamp_time)
        if zip_size > FAT32_MAX:
            zip_path.unlink()
            raise BundleError(f"离线版超过 4 GB，放不进 FAT32 格式的 U 盘，没有写出 {zip_path}：请按学员分别打包（--audience）")
        site_bytes = sum(e.size for e in site_entries)
        result = BundleResult(zip_path, zip_size, manifest, offline, len(site_entries), site_bytes, warnings=warnings)
        if previous and changes is not None:
            old_stamp = dt.datetime.fromisoformat(previous.built).strftime("%Y%m%d-%H%M")
            update_path = zip_path.with_name(f"{folder.name}-update-{old_stamp}-to-{stamp}.zip")
            result.update_path = update_path
            result.update_size = make_update(folder, manifest, previous, changes, update_path, stamp_time)
            result.changes = changes
    return result


def _describe(folder: Path, manifest: Manifest, previous: Manifest | None, site: list[FileEntry], site_name: str) -> Changes | None:
    """Write the notes and ``manifest.json`` into ``folder``; returns the changes against ``previous``."""
    text = compare(previous.files, site).text if previous else []
    manifest.changes = {"text": text} if previous else None
    has_search = any(e.path.startswith(SEARCH_MARKERS) for e in site)
    notes = bundle_notes(manifest, len(site), sum(e.size for e in site), has_search)
    for name, data in note_files(notes, NOTES_GBK, NOTES_ASCII).items():
        (folder / name).write_bytes(data)
    manifest.files = scan_folder(folder, site_name)
    changes = None
    if previous:
        changes = compare(previous.files, manifest.files)
        changes.text = text  # in words: the site's pages, not the notes that change with every build
        manifest.changes = changes.to_dict()
    manifest.id = manifest.content_id()
    (folder / MANIFEST).write_bytes(manifest.to_json())
    return changes


def _check_folder(folder: Path) -> None:
    paths = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    problems = name_problems(paths, allow_non_ascii=frozenset({NOTES_GBK}))
    if problems:
        shown = "\n".join(f"  - {p}" for p in problems[:30])
        raise BundleError(f"这些文件名放到 U 盘（FAT32）或 Windows 上会出问题，没有打包：\n{shown}")
    broken = link_problems(folder)
    if broken:
        shown = "\n".join(f"  - {p}" for p in broken[:30])
        raise BundleError(f"这些链接在离线版里打不开（这是 studyportal 的错误，请报告）：\n{shown}")


def _version() -> str:
    try:
        return version("studyportal")
    except PackageNotFoundError:
        return "unknown"
