"""What an administrator without Python sees: ``校验.html`` in every copy, and the edition stamp in every page.

``校验.html`` (with its scripts under ``assets/studyportal/``) hashes the files of a picked folder in
the browser and compares them with ``manifest.js`` (see :mod:`.checksums`). The stamp is one script,
``assets/studyportal/stamp.js``: the site ships it with no data; a bundle writes the edition, build
date and version code into it, and every page's footer and the offline home page show them. Keeping
them out of the pages keeps the pages of two builds byte-identical, so update packages stay small.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from studyportal.bundle.formats import NOTES_ASCII, NOTES_GBK, sha256, shown_time
from studyportal.bundle.manifest import FileEntry, Manifest
from studyportal.render.shipped import STAMP_SCRIPT

CHECK_PAGE = "校验.html"
_ASSETS = Path(__file__).resolve().parent.parent / "assets" / "bundle"
# The checking page's own files, in the copy and in the package.
CHECK_FILES = {
    CHECK_PAGE: _ASSETS / "check.html",
    "assets/studyportal/check.css": _ASSETS / "check.css",
    "assets/studyportal/check.js": _ASSETS / "check.js",
    "assets/studyportal/checkcore.js": _ASSETS / "checkcore.js",
    "assets/studyportal/sha256.js": _ASSETS / "sha256.js",
}
_STAMP_SLOT = "/* stamp */ null"
# Files that differ between two builds of the same materials (the build date, the pinned key): not part of the version code.
_NOT_CONTENT = frozenset({NOTES_GBK, NOTES_ASCII, STAMP_SCRIPT[0], "signing-key.pub"})


@dataclass(frozen=True)
class Stamp:
    """What a copy says about itself: edition, build time, version code."""

    edition: str
    edition_name: str
    built: str  # as shown: 2026-06-01 09:30
    version: str  # e.g. 3f9a-77c2
    commit: str

    def to_json(self) -> str:
        data = {"edition": self.edition, "editionName": self.edition_name, "built": self.built, "version": self.version}
        return json.dumps({**data, "commit": self.commit}, ensure_ascii=True)


def version_code(files: list[FileEntry]) -> str:
    """A short code for the content of a copy: equal for two builds of the same materials, different otherwise.

    The first 32 bits of a SHA-256 over path, size and SHA-256 of every file except the ones that change
    with each build (notes, stamp) or with the signing key.
    """
    lines = "".join(f"{f.path}\0{f.size}\0{f.sha256}\n" for f in sorted(files, key=lambda f: f.path) if f.path not in _NOT_CONTENT)
    digest = sha256(lines.encode("utf-8"))
    return f"{digest[:4]}-{digest[4:8]}"


def manifest_version(manifest: Manifest) -> str:
    """The version code a copy shows, or '' for copies made before copies carried one."""
    return version_code(manifest.files) if has_check_page(manifest) else ""


def has_check_page(manifest: Manifest) -> bool:
    """Whether this edition has ``校验.html`` (and so ``manifest.js`` and ``SHA256SUMS``)."""
    return any(f.path == CHECK_PAGE for f in manifest.files)


def stamp_for(manifest: Manifest, files: list[FileEntry]) -> Stamp:
    """The stamp of a copy whose site files (``files``, scanned before the notes are written) are final."""
    return Stamp(manifest.edition, manifest.edition_name, shown_time(manifest.built), version_code(files), manifest.commit[:12])


def write_check_page(folder: Path, site_name: str) -> None:
    """Put ``校验.html`` and its scripts into a built edition (the same bytes in every build of a portal)."""
    for dest, source in CHECK_FILES.items():
        target = folder / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if dest == CHECK_PAGE:
            text = source.read_text(encoding="utf-8").replace("{site_name}", html.escape(site_name))
            target.write_text(text, encoding="utf-8", newline="\n")
        else:
            target.write_bytes(source.read_bytes())


def write_stamp(folder: Path, stamp: Stamp) -> None:
    """Fill the copy's ``stamp.js`` (the site's copy of it has no data) with ``stamp``."""
    target = folder / STAMP_SCRIPT[0]
    text = STAMP_SCRIPT[1].read_text(encoding="utf-8")
    if _STAMP_SLOT not in text:
        raise RuntimeError(f"{STAMP_SCRIPT[1]} has no {_STAMP_SLOT!r} to fill")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(_STAMP_SLOT, stamp.to_json()), encoding="utf-8", newline="\n")
