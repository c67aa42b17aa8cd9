"""The manifest inside every bundle: edition, build date, source commit, and size and SHA-256 of every file."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from studyportal.bundle.errors import BundleError
from studyportal.bundle.formats import BUNDLE_FORMAT, MANIFEST, measure, sha256
from studyportal.render import generator

_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


@dataclass(frozen=True)
class FileEntry:
    """One file of a bundle; ``title`` is the page title for HTML pages."""

    path: str
    size: int
    sha256: str
    title: str = ""


@dataclass
class Manifest:
    """What ``manifest.json`` holds. ``id`` is the SHA-256 of the file list, so equal ids mean equal contents."""

    edition: str
    edition_name: str
    folder: str
    built: str
    commit: str
    generator: str
    files: list[FileEntry] = field(default_factory=list)
    previous: dict[str, str] | None = None
    changes: dict[str, Any] | None = None
    id: str = ""
    format: str = BUNDLE_FORMAT

    def by_path(self) -> dict[str, FileEntry]:
        return {f.path: f for f in self.files}

    def content_id(self) -> str:
        lines = "".join(f"{f.path}\0{f.size}\0{f.sha256}\n" for f in sorted(self.files, key=lambda f: f.path))
        return sha256(lines.encode("utf-8"))

    def summary(self) -> dict[str, str]:
        """Who this edition is, for the ``previous`` field of the next one and for update packages."""
        return {"id": self.id, "edition": self.edition, "built": self.built, "commit": self.commit}

    def to_json(self) -> bytes:
        return (json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    def patch(self, paths: list[str]) -> dict[str, Any]:
        """Everything but the file list, plus the entries of ``paths``: what an update package carries."""
        data = asdict(self)
        wanted = set(paths)
        data["files"] = [f for f in data["files"] if f["path"] in wanted]
        return data


def apply_patch(old: Manifest, patch: dict[str, Any], delete: list[str]) -> Manifest:
    """The new manifest from the old one and an update's patch (the same bytes as the new bundle's manifest)."""
    files = {f.path: f for f in old.files if f.path not in set(delete)}
    files.update((f["path"], FileEntry(**f)) for f in patch["files"])
    header = {k: v for k, v in patch.items() if k != "files"}
    return Manifest(files=[files[p] for p in sorted(files)], **header)


def page_title(data: bytes, site_name: str = "") -> str:
    """The ``<title>`` of a page, without the site name the theme adds to it."""
    match = _TITLE.search(data[:8192].decode("utf-8", errors="replace"))
    return generator.page_title(match.group(1), site_name) if match else ""


def scan_folder(folder: Path, site_name: str = "") -> list[FileEntry]:
    """Size, SHA-256 and page title of every file under ``folder`` except the manifest itself."""
    entries = []
    for rel, path in sorted((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*")):
        if not path.is_file() or rel == MANIFEST:
            continue
        title = page_title(path.read_bytes(), site_name) if rel.endswith(".html") else ""
        with path.open("rb") as fh:
            size, digest = measure(fh)
        entries.append(FileEntry(rel, size, digest, title))
    return entries


def parse_manifest(data: bytes, where: str) -> Manifest:
    """Read ``manifest.json``; a damaged one gives a clear :class:`BundleError`."""
    broken = f"{where} 已损坏，不是有效的校验清单：请重新拷贝完整的离线版（压缩包或文件夹）"
    try:
        raw = json.loads(data.decode("utf-8"))
        files = [FileEntry(**f) for f in raw.pop("files")]
        if raw.get("format") != BUNDLE_FORMAT:
            raise BundleError(f"{where} 的格式是 {raw.get('format')!r}，不是 {BUNDLE_FORMAT}：请用新版 studyportal 校验，或重新拷贝离线版")
        manifest = Manifest(files=files, **raw)
    except BundleError:
        raise
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise BundleError(broken) from exc
    if manifest.id != manifest.content_id():
        raise BundleError(f"{where} 的文件清单被改动过（校验码对不上）：请重新拷贝完整的离线版")
    return manifest
