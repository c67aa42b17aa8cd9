"""Precompressed copies (``.gz``, ``.br``) beside the built site's text files, for servers that send them.

nginx's ``gzip_static``/``brotli_static`` and Caddy's ``file_server { precompressed }`` send ``page.html.gz``
for ``page.html`` when the browser accepts it, so a county's server compresses nothing per request
(help/hosting.md). The copies are deterministic (no time stamp, no file name in the gzip header), so two
builds of the same content stay byte-identical. Offline editions do without them: a terminal opens the
files from disk. Plain Python: ``gzip`` and Google's ``brotli`` bindings.
"""

from __future__ import annotations

import gzip
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import brotli

# Text the site serves; pictures, PDFs and archives are compressed already.
SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".ics", ".map", ".webmanifest"})
MIN_BYTES = 1024  # smaller files gain less than the request headers weigh
# Brotli's quality 11 takes ten times longer for 3–5 % less; 9 keeps a 2000-page build fast.
BROTLI_QUALITY = 9
COPIES = (".gz", ".br")


@dataclass(frozen=True)
class Compressed:
    """How many files got precompressed copies, how many were too small or not text, and how long it took."""

    written: int
    kept: int
    seconds: float


def precompress_site(site: Path, workers: int | None = None) -> Compressed:
    """Write ``x.gz`` and ``x.br`` beside every text file of ``site`` of at least :data:`MIN_BYTES`."""
    started = time.perf_counter()
    files = sorted(p for p in site.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    todo = [p for p in files if p.stat().st_size >= MIN_BYTES]
    # zlib and brotli release the GIL: threads use every core the machine lends.
    with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 1)) as pool:
        written = sum(pool.map(_precompress, todo))
    return Compressed(written, len(files) - written, time.perf_counter() - started)


def _precompress(path: Path) -> bool:
    data = path.read_bytes()
    gz = gzip.compress(data, compresslevel=9, mtime=0)
    if len(gz) >= len(data):
        return False
    _write_if_changed(path.with_name(path.name + ".gz"), gz)
    _write_if_changed(path.with_name(path.name + ".br"), brotli.compress(data, quality=BROTLI_QUALITY))
    return True


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
