"""Precompressed copies (``.gz``, ``.br``) beside the built site's text files, for servers that send them.

nginx's ``gzip_static``/``brotli_static`` and Caddy's ``file_server { precompressed }`` send ``page.html.gz``
for ``page.html`` when the browser accepts it, so a county's server compresses nothing per request
(help/hosting.md). The copies are deterministic (no time stamp, no file name in the gzip header), so two
builds of the same content stay byte-identical. Offline editions do without them: a terminal opens the
files from disk. Plain Python: ``gzip`` and Google's ``brotli`` bindings.

Compressing costs more than any other step of a build, so the levels are chosen for speed (gzip 6 is
within 0.5 % of gzip 9 on these pages at 1.7 times the speed; brotli 5 is within 2 % of brotli 9 at about
fifteen times the speed), and the copies of a file already compressed by an earlier build are taken from
the build cache (``.studyportal-cache/compressed.bin``, keyed by the file's content, signed with this user's
key like the rest of the cache): a warm build compresses only what changed.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import hmac
import json
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli

from studyportal.local_secret import local_secret
from studyportal.render.output import SiteOutput

# Text the site serves; pictures, PDFs and archives are compressed already.
SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".ics", ".map", ".webmanifest"})
MIN_BYTES = 1024  # smaller files gain less than the request headers weigh
GZIP_LEVEL = 6
BROTLI_QUALITY = 5
COPIES = (".gz", ".br")
PACK_FILE = "compressed.bin"
_FORMAT = b"SPZ1"
_SETTINGS = f"gzip {GZIP_LEVEL} brotli {BROTLI_QUALITY} {getattr(brotli, 'version', b'')!r}".encode()


@dataclass(frozen=True)
class Compressed:
    """How many files got precompressed copies, how many were too small or not text, how many came from the cache, and how long
    the build waited for them."""

    written: int
    kept: int
    seconds: float
    reused: int = 0


class _Store:
    """Compressed copies by content, in one pack file of the build cache; each entry signed. ``None`` folder: no cache.

    The last build's pack is read entry by entry (``os.pread``), never whole; this build's entries are appended
    to a new pack as they are used or made, which replaces the old one at the end (:meth:`close`).
    """

    def __init__(self, folder: Path | None) -> None:
        self.secret = local_secret() if folder is not None else None
        self.path = folder / PACK_FILE if folder is not None else None
        self.lock = threading.Lock()
        self.old_fd: int | None = None
        self.index: dict[str, list[int]] = {}
        self.new: Any = None
        self.new_index: dict[str, list[int]] = {}
        if self.secret is None or self.path is None:
            return
        try:
            self.old_fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            size = os.fstat(self.old_fd).st_size
            tail = os.pread(self.old_fd, 12, size - 12) if size >= 12 else b""
            if tail[:4] == _FORMAT:
                at, length = int.from_bytes(tail[4:8], "little"), int.from_bytes(tail[8:12], "little")
                index = json.loads(os.pread(self.old_fd, length, at))
                self.index = {str(k): [int(v[0]), int(v[1])] for k, v in index.items()}
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            self.index = {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            self.new = open(self.tmp, "wb")  # noqa: SIM115 — closed in close()
        except OSError:
            self.new = None

    def key(self, data: bytes) -> str:
        return hashlib.sha256(_SETTINGS + b"\0" + data).hexdigest()

    def _sign(self, key: str, body: bytes) -> bytes:
        assert self.secret is not None
        return hmac.new(self.secret, key.encode("ascii") + body, hashlib.sha256).digest()

    def get(self, key: str) -> tuple[bytes, bytes] | None:
        """The copies of content with this key from the last build, if its entry is whole and signed by this user."""
        where = self.index.get(key)
        if where is None or self.old_fd is None:
            return None
        try:
            entry = os.pread(self.old_fd, where[1], where[0])
        except OSError:
            return None
        copies = self._open(key, entry)
        if copies is not None:
            self._keep(key, entry)
        return copies

    def _open(self, key: str, entry: bytes) -> tuple[bytes, bytes] | None:
        if len(entry) < 36 or not hmac.compare_digest(entry[:32], self._sign(key, entry[32:])):
            return None
        n = int.from_bytes(entry[32:36], "little")
        body = entry[36:]
        return (body[:n], body[n:]) if n <= len(body) else None

    def put(self, key: str, gz: bytes, br: bytes) -> None:
        if self.secret is None:
            return
        signed = len(gz).to_bytes(4, "little") + gz + br
        self._keep(key, self._sign(key, signed) + signed)

    def _keep(self, key: str, entry: bytes) -> None:
        if self.new is None:
            return
        with self.lock:
            if key in self.new_index:
                return
            try:
                self.new_index[key] = [self.new.tell(), len(entry)]
                self.new.write(entry)
            except OSError:
                self.new = None

    def close(self) -> None:
        """Put this build's pack in place of the last one's (a read-only project just goes without)."""
        if self.old_fd is not None:
            os.close(self.old_fd)
        if self.new is None or self.path is None:
            return
        try:
            index = json.dumps(self.new_index, separators=(",", ":")).encode("ascii")
            at = self.new.tell()
            self.new.write(index + _FORMAT + at.to_bytes(4, "little") + len(index).to_bytes(4, "little"))
            self.new.close()
            os.replace(self.tmp, self.path)
        except (OSError, OverflowError):
            self.new.close()
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)


def precompress_site(site: Path, workers: int | None = None, cache: Path | None = None, brotli_too: bool = True) -> Compressed:
    """Write ``x.gz`` (and ``x.br`` with ``brotli_too``) beside every text file of ``site`` of at least :data:`MIN_BYTES`.

    ``cache``: the folder of earlier builds' copies (``.studyportal-cache/compressed``); None compresses everything.
    A build into a kept output folder uses :class:`Precompression` with its :class:`SiteOutput` instead.
    """
    work = Precompression(cache, brotli_too, None, workers)
    work.add(p for p in site.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    return work.finish()


class Precompression:
    """Copies made on threads while the build goes on (zlib and brotli release the GIL): :meth:`add` files as they are
    final, :meth:`finish` once. The plugin adds the pages once the last is written, and each index file as it is written.

    ``output``: the build's writes into a folder kept from the last build (render/output.py): a file it left as it
    was keeps its copies when they are newer than it, and new copies are written through it.
    """

    def __init__(self, cache: Path | None, brotli_too: bool, output: SiteOutput | None = None, workers: int | None = None) -> None:
        self.store = _Store(cache)
        self.brotli_too = brotli_too
        self.output = output
        self.pool = ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 1))
        self.futures: list[Any] = []
        self.files = self.kept = 0
        self.seen: set[Path] = set()

    def add(self, paths: Iterable[Path]) -> None:
        """Make the copies of these files (text files only; a file added again is not compressed again)."""
        for path in sorted(paths):
            if path.suffix not in SUFFIXES or path in self.seen:
                continue
            self.seen.add(path)
            self.files += 1
            if self.output is not None and _copies_kept(path, self.output, self.brotli_too):
                self.kept += 1
            elif path.stat().st_size >= MIN_BYTES:
                self.futures.append(self.pool.submit(_precompress, path, self.store, self.brotli_too, self.output))

    def finish(self) -> Compressed:
        """Wait for the last copies; ``seconds`` of the answer is how long that took (the rest overlapped the build)."""
        waited = time.perf_counter()
        results = [f.result() for f in self.futures]
        self.pool.shutdown()
        self.store.close()
        written = sum(1 for done, _ in results if done) + self.kept
        reused = sum(1 for done, hit in results if done and hit) + self.kept
        return Compressed(written, self.files - written, time.perf_counter() - waited, reused)

    def cancel(self) -> None:
        """A failed build: stop without waiting for copies not yet begun."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.store.close()


def _copies_kept(path: Path, output: SiteOutput, brotli_too: bool) -> bool:
    """Whether a file this build left as it was still has its copies from the build that wrote it (then they stay)."""
    source = output.unchanged(path)
    if source is None or source.st_size < MIN_BYTES:
        return False
    copies = [path.with_name(path.name + suffix) for suffix in (COPIES if brotli_too else COPIES[:1])]
    found = [output.unchanged(c) for c in copies]
    if not all(c is not None and c.st_mtime_ns >= source.st_mtime_ns for c in found):
        return False
    for copy in copies:
        output.keep(copy)
    return True


def _precompress(path: Path, store: _Store, brotli_too: bool, output: SiteOutput | None = None) -> tuple[bool, bool]:
    """Whether copies were written beside ``path`` (not when compressing does not make it smaller), and whether from the cache."""
    data = path.read_bytes()
    key = store.key(data + (b"br" if brotli_too else b""))
    known = store.get(key)
    hit = known is not None
    if known is None:
        gz = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
        br = brotli.compress(data, quality=BROTLI_QUALITY) if brotli_too else b""
        known = (gz, br) if len(gz) < len(data) else (b"", b"")
        store.put(key, *known)
    gz, br = known
    if not gz:
        return False, hit
    write = output.write if output is not None else _write_if_changed
    write(path.with_name(path.name + ".gz"), gz)
    if br:
        write(path.with_name(path.name + ".br"), br)
    return True, hit


def _write_if_changed(path: Path, data: bytes) -> None:
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    path.write_bytes(data)


def is_copy(path: str) -> bool:
    """Whether a site path is one of the precompressed copies this module writes (or MkDocs' ``sitemap.xml.gz``)."""
    return path.endswith(COPIES)
