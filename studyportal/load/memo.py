"""Checked materials kept between builds: a file whose bytes are unchanged is not parsed and validated again.

A warm build reads every material file (to hash it) but parses and validates only the changed ones; the
others come back as they were checked last time, with their problems. An entry is keyed by the file's
bytes, its path, the materials folder, and everything that decides how a file is checked: the tool's own
code, the kinds registered, and the versions of the libraries that read it. A material that names
pictures or attachments also records what it found on disk (size, time, no symbolic link on the way);
if any of that differs now, the file is checked again.

The whole memo is one file in the build cache (``.studyportal-cache/materials.bin``), signed with this
user's key (``local_secret.py``): a memo from elsewhere, or one that fails its signature, is ignored and
never unpickled. Only the entries of the last build are kept, with the pinyin names (slugs.py) it made of
topic names, so that a warm build need not load pypinyin's dictionaries.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import stat
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from studyportal.local_secret import keep_file, local_secret
from studyportal.model import Material
from studyportal.problems import Problem
from studyportal.slugs import learn_slugs, used_slugs

MEMO_FILE = "materials.bin"
FORMAT = b"SPM1"
_PACKAGES = ("pyyaml", "charset-normalizer", "pypinyin", "nh3", "markdown")

Probe = tuple[str, str, tuple[int, ...]]  # a file the check looked at, its materials folder, and what it found there


def _versions() -> list[str]:
    out = [sys.version]
    for name in _PACKAGES:
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(name)
    return out


def probe(path: Path, root: Path) -> Probe:
    """What a picture or attachment looks like now: each folder from ``root`` on (no link), and the file's size and time."""
    found: list[int] = []
    here = root
    try:
        for part in path.relative_to(root).parts:
            here = here / part
            st = os.lstat(here)
            found += [stat.S_IFMT(st.st_mode), st.st_size if here == path else 0, st.st_mtime_ns if here == path else 0]
    except (OSError, ValueError):
        found.append(-1)
    return str(path), str(root), tuple(found)


@dataclass
class _Entry:
    material: Material | None
    problems: list[Problem]
    probes: list[Probe]


class LoadMemo:
    """The checked materials of the last build, and those of this one (saved by :meth:`save`)."""

    def __init__(self, folder: Path, code: str) -> None:
        """``code``: a digest of the tool's own code and the kinds registered (what decides how a file is checked)."""
        self.path = folder / MEMO_FILE
        self.secret = local_secret()
        self.salt = hashlib.sha256(repr([FORMAT, code, _versions()]).encode("utf-8", "surrogatepass")).digest()
        self.old: dict[str, bytes] = self._read()
        self.new: dict[str, bytes] = {}
        self.hits = 0
        self.slugs_key = "slugs " + self.salt.hex()  # made by this pypinyin (the salt has its version)
        if self.slugs_key in self.old:
            with contextlib.suppress(Exception):
                learn_slugs(pickle.loads(self.old[self.slugs_key]))

    def _read(self) -> dict[str, bytes]:
        if self.secret is None:
            return {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        head = len(FORMAT) + 32
        if len(data) < head or data[: len(FORMAT)] != FORMAT:
            return {}
        if not hmac.compare_digest(data[len(FORMAT) : head], hmac.new(self.secret, data[head:], hashlib.sha256).digest()):
            return {}  # foreign, damaged or truncated: never unpickled
        try:
            entries = pickle.loads(data[head:])
        except Exception:  # noqa: BLE001 — a signed but unreadable memo (another Python) is simply not used
            return {}
        return entries if isinstance(entries, dict) else {}

    def key(self, data: bytes, source: Path, shown: str, root: Path) -> str:
        """The entry of a file with these bytes at this place, checked by this code."""
        h = hashlib.sha256(self.salt)
        for part in (os.path.abspath(source), shown, os.path.abspath(root)):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        h.update(data)
        return h.hexdigest()

    def get(self, key: str) -> tuple[Material | None, list[Problem]] | None:
        """The material and problems checked last time, if the file and what it names are unchanged; else None."""
        raw = self.old.get(key)
        if raw is None:
            return None
        try:
            entry = pickle.loads(raw)
        except Exception:  # noqa: BLE001
            return None
        if not isinstance(entry, _Entry) or any(probe(Path(p), Path(r)) != (p, r, seen) for p, r, seen in entry.probes):
            return None
        self.new[key] = raw
        self.hits += 1
        return entry.material, entry.problems

    def put(self, key: str, material: Material | None, problems: list[Problem], probes: list[Probe]) -> None:
        """Keep a freshly checked file (before anything else changes the material)."""
        if self.secret is not None:
            self.new[key] = pickle.dumps(_Entry(material, problems, probes), protocol=pickle.HIGHEST_PROTOCOL)

    def save(self) -> None:
        """Write this build's entries (atomically; a read-only project just goes without)."""
        if self.secret is None:
            return
        self.new[self.slugs_key] = pickle.dumps(used_slugs(), protocol=pickle.HIGHEST_PROTOCOL)
        if self.new == self.old:
            return
        body = pickle.dumps(self.new, protocol=pickle.HIGHEST_PROTOCOL)
        keep_file(self.path, FORMAT, hmac.new(self.secret, body, hashlib.sha256).digest(), body)
