"""Precompressed copies taken from the build cache: the same bytes as compressing afresh, and never from a foreign or damaged entry."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest

from studyportal.render.compress import precompress_site
from tests.helpers import write

PAGE = "<html><body>" + "<p>党员教育培训工作规划要求每年集中学习培训。</p>" * 200 + "</body></html>"


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))


def site(root: Path, n: int = 5) -> Path:
    for i in range(n):
        write(root, f"materials/m{i}/index.html", PAGE.replace("党员", f"第{i}位党员"))
    write(root, "small.txt", "小")
    return root


def copies(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.suffix in (".gz", ".br")}


def test_a_second_build_takes_every_copy_from_the_cache_and_writes_the_same_bytes(tmp_path):
    cache = tmp_path / "cache"
    first = precompress_site(site(tmp_path / "a"), cache=cache)
    assert first.written == 5 and first.reused == 0
    second = precompress_site(site(tmp_path / "b"), cache=cache)
    assert second.written == 5 and second.reused == 5
    precompress_site(site(tmp_path / "c"))  # no cache at all
    assert copies(tmp_path / "a") == copies(tmp_path / "b") == copies(tmp_path / "c")
    for path, data in copies(tmp_path / "b").items():
        original = (tmp_path / "b" / path[:-3]).read_bytes()
        assert (gzip.decompress(data) if path.endswith(".gz") else brotli.decompress(data)) == original


def test_an_edited_file_is_compressed_afresh(tmp_path):
    cache = tmp_path / "cache"
    precompress_site(site(tmp_path / "a"), cache=cache)
    root = site(tmp_path / "b")
    write(root, "materials/m3/index.html", PAGE + "<p>新增一段。</p>")
    done = precompress_site(root, cache=cache)
    assert done.reused == 4
    assert gzip.decompress((root / "materials/m3/index.html.gz").read_bytes()).decode().endswith("<p>新增一段。</p>")


def test_a_damaged_or_foreign_entry_is_never_written_into_the_site(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    precompress_site(site(tmp_path / "a"), cache=cache)
    pack = next(cache.glob("*.bin"))
    data = bytearray(pack.read_bytes())
    for at in range(0, len(data) - 200, 97):  # every entry damaged
        data[at] ^= 0xFF
    pack.write_bytes(bytes(data))
    root = site(tmp_path / "b")
    assert precompress_site(root, cache=cache).reused == 0
    assert copies(root) == copies(tmp_path / "a")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    assert precompress_site(site(tmp_path / "c"), cache=cache).reused == 0
