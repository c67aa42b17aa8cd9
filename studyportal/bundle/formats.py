"""What a bundle and an update package are made of: file names, format strings, checksums, the time shown.

Each name is defined here once; the modules that write a bundle and those that read one (which import
each other) all take it from here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO

MANIFEST = "manifest.json"
BUNDLE_FORMAT = "studyportal-bundle/1"
UPDATE_INFO = "update.json"
UPDATE_FORMAT = "studyportal-update/1"
NOTES_GBK = "校验说明.txt"
NOTES_ASCII = "README.txt"
UPDATE_NOTES_GBK = "更新说明.txt"
UPDATE_NOTES_ASCII = "UPDATE.txt"
# Beside an edition while ``apply`` swaps it: the old edition, and the new one being prepared.
BACKUP_SUFFIX = ".update-old"
STAGING_SUFFIX = ".update-new"


def sha256(data: bytes) -> str:
    """The SHA-256 of some bytes, as the hex digits manifests and signatures carry."""
    return hashlib.sha256(data).hexdigest()


def measure(stream: IO[bytes]) -> tuple[int, str]:
    """Size and SHA-256 of a stream, read in 1 MiB chunks."""
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def shown_time(iso: str) -> str:
    """A build time as notes and reports show it: ``2026-06-01T09:30:00+08:00`` → ``2026-06-01 09:30``."""
    return iso[:16].replace("T", " ")


def edition_inside(folder: Path) -> Path | None:
    """The one edition folder (with a ``manifest.json``) directly inside ``folder``, the folder a zip was unzipped into.

    The leftovers of an interrupted ``apply`` do not count.
    """
    inner = [
        p for p in folder.iterdir() if p.is_dir() and (p / MANIFEST).is_file() and not p.name.endswith((BACKUP_SUFFIX, STAGING_SUFFIX))
    ]
    return inner[0] if len(inner) == 1 else None
