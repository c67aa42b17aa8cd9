"""The build cache: each page's finished result, kept on disk beside ``mkdocs.yml`` and keyed by everything it depends on.

A warm build takes a page from here instead of rendering it when the page's key (a digest of its planned
Markdown and meta, the navigation, the configuration, the templates, and the tool's and the theme's
versions: see ``render/prebuilt.py``) finds an entry. Nothing read from here is trusted blindly:

- every entry is signed with a key kept outside the project (the user's own cache folder), so a cache
  copied from elsewhere (committed to Git, unpacked from an archive) is foreign and never used;
- an entry that fails its signature, is truncated, or does not parse is ignored and rebuilt;
- an entry records the site paths its page looked up while rendering (links, pictures) and what they
  were; if any answers differently now, the entry is stale and rebuilt.

``--clean`` is not needed for correctness; deleting the folder (or ``studyportal build --clean``) starts cold.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import shutil
import struct
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyportal.local_secret import keep_file, local_secret
from studyportal.search.terms import PageTerms

CACHE_DIR = ".studyportal-cache"
FORMAT = b"SPC2"  # the file format of an entry; a change makes every old entry unreadable, so ignored
_HEAD = struct.Struct("<4s32sIII")  # format, signature, lengths of: the JSON, the page's bytes, the search blob
_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass
class PageResult:
    """A page rendered to its final file, with what the build needs of it besides the bytes."""

    html: bytes  # the file as written into the site
    terms: PageTerms | None  # what search keeps of it (None: not in the index)
    anchors: list[str] = field(default_factory=list)  # ids in the page (MkDocs checks links to them)
    links_to_anchors: dict[str, dict[str, str]] = field(default_factory=dict)  # src_uri → {anchor: link}
    logs: list[tuple[str, int, str]] = field(default_factory=list)  # (logger, level, message), replayed when used
    lookups: list[tuple[str, str | None]] = field(default_factory=list)  # site path looked up → its URL then (None: absent)


def _lookups(head: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(str(p), u if u is None else str(u)) for p, u in head["lookups"]]


def _digest_value(value: Any, out: list[str], depth: int = 0) -> None:
    """A stable text form of a configuration value: the same for the same settings in every process and run."""
    if depth > 16:
        out.append("…")
        return
    if value is None or isinstance(value, bool | int | float | str):
        out.append(repr(value))
    elif isinstance(value, bytes):
        out.append(f"b{hashlib.sha256(value).hexdigest()}")
    elif isinstance(value, dict):
        out.append("{")
        for k in sorted(value, key=repr):
            out.append(repr(k) + ":")
            _digest_value(value[k], out, depth + 1)
            out.append(",")
        out.append("}")
    elif isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        out.append("[")
        for v in items:
            _digest_value(v, out, depth + 1)
            out.append(",")
        out.append("]")
    elif isinstance(value, types.ModuleType):  # a hook module: its code
        source = getattr(value, "__file__", None)
        out.append(f"module {value.__name__} {_file_digest(source) if source else ''}")
    elif isinstance(value, type):
        out.append(f"class {value.__module__}.{value.__qualname__}")
    elif isinstance(value, datetime.date | datetime.datetime | Path):
        out.append(f"{type(value).__name__}({value})")
    elif callable(value) and hasattr(value, "__code__"):
        # A function (pymdownx's slugify is a closure): its code, defaults and the values it closes over.
        out.append(f"fn {getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}")
        out.append(hashlib.sha256(value.__code__.co_code).hexdigest())
        _digest_value(list(value.__defaults__ or ()), out, depth + 1)
        _digest_value([c.cell_contents for c in (value.__closure__ or ()) if _cell_set(c)], out, depth + 1)
    elif hasattr(value, "func") and hasattr(value, "keywords"):  # functools.partial
        out.append("partial")
        _digest_value([value.func, list(value.args), value.keywords], out, depth + 1)
    else:
        out.append(f"obj {type(value).__module__}.{type(value).__qualname__}")
        attrs = getattr(value, "__dict__", None)
        if isinstance(attrs, dict):
            _digest_value({k: v for k, v in attrs.items() if not k.startswith("_")}, out, depth + 1)


def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "?"


def _cell_set(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018 — an empty cell raises
    except ValueError:
        return False
    return True


def digest(*values: Any) -> str:
    """A hex digest of values, stable across processes and runs (see :func:`_digest_value`)."""
    out: list[str] = []
    for v in values:
        _digest_value(v, out)
        out.append("|")
    return hashlib.sha256("".join(out).encode("utf-8", "surrogatepass")).hexdigest()


def data_digest(*values: Any) -> str:
    """:func:`digest` of plain data (dicts, lists, text, numbers, dates), by the JSON encoder: many times faster.

    Anything else (a function, an object) falls back to :func:`digest`; the two never give the same digest.
    """
    try:
        text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_dated)
    except (TypeError, ValueError):
        return digest(*values)
    return hashlib.sha256(b"json:" + text.encode("utf-8", "surrogatepass")).hexdigest()


def _dated(value: Any) -> str:
    if isinstance(value, datetime.date | datetime.datetime):
        return f"{type(value).__name__}({value.isoformat()})"
    raise TypeError(type(value).__name__)


def tree_digest(folders: list[Path], suffixes: tuple[str, ...] = ()) -> str:
    """A digest of the files (names and contents) under some folders, e.g. templates a portal overrides."""
    h = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and (not suffixes or p.suffix in suffixes)):
            h.update(str(path.relative_to(folder)).encode("utf-8", "surrogatepass") + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def tool_digest() -> str:
    """The tool's own code, templates and scripts: an edit (a developer's checkout) changes every key."""
    return tree_digest([_PACKAGE], (".py", ".html", ".js", ".css", ".md", ".yml", ".svg", ".txt")) + sys.version


def clear_cache(config_file: Path) -> None:
    """Delete the build cache of the portal whose ``mkdocs.yml`` this is (the next build is cold)."""
    shutil.rmtree(Path(config_file).resolve().parent / CACHE_DIR, ignore_errors=True)


class PageCache:
    """Entries on disk, one file per key; reads verify, writes are atomic (a killed build leaves no half entry)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.secret = local_secret()
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # entries that were there but failed their signature or did not parse

    @property
    def enabled(self) -> bool:
        return self.secret is not None

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.bin"

    def _sign(self, key: str, *parts: bytes) -> bytes:
        assert self.secret is not None
        mac = hmac.new(self.secret, key.encode("ascii"), hashlib.sha256)
        for p in parts:
            mac.update(p)
        return mac.digest()

    def get(self, key: str) -> PageResult | None:
        """The entry of ``key`` if there is one, whole and signed by this user; else None."""
        if self.secret is None:
            return None
        try:
            data = self._path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        try:
            result = self._decode(key, data)
        except (ValueError, KeyError, TypeError, IndexError, struct.error, UnicodeDecodeError):
            result = None
        if result is None:
            self.rejected += 1
            self.misses += 1
            return None
        self.used.add(key)
        self.hits += 1
        return result

    def lookups(self, key: str) -> list[tuple[str, str | None]] | None:
        """The site paths the entry of ``key`` looked up (to see whether it is still right), if the entry is there,
        whole and signed by this user; else None. The entry is not kept: :meth:`get` reads it again when it is used,
        so a warm build never holds every page in memory."""
        if self.secret is None:
            return None
        try:
            opened = self._open(key, self._path(key).read_bytes())
            return _lookups(opened[0]) if opened is not None else None
        except (OSError, ValueError, KeyError, TypeError, IndexError, struct.error, UnicodeDecodeError):
            return None

    def _open(self, key: str, data: bytes) -> tuple[dict[str, Any], memoryview, memoryview] | None:
        """An entry's head (JSON), page bytes and search blob, if it is whole and signed by this user."""
        fmt, signature, n_json, n_html, n_blob = _HEAD.unpack_from(data)
        body = memoryview(data)[_HEAD.size :]
        if fmt != FORMAT or len(body) != n_json + n_html + n_blob:
            return None
        if not hmac.compare_digest(signature, self._sign(key, data[:4], data[_HEAD.size - 12 : _HEAD.size], body)):
            return None
        return json.loads(bytes(body[:n_json]).decode("utf-8")), body[n_json : n_json + n_html], body[n_json + n_html :]

    def _decode(self, key: str, data: bytes) -> PageResult | None:
        opened = self._open(key, data)
        if opened is None:
            return None
        head, html, blob = opened
        terms = PageTerms.from_blobs(head["terms"], bytes(blob)) if head["terms"] is not None else None
        logs = [(str(name), int(level), str(msg)) for name, level, msg in head["logs"]]
        links = {str(k): {str(a): str(u) for a, u in v.items()} for k, v in head["links"].items()}
        return PageResult(bytes(html), terms, [str(a) for a in head["anchors"]], links, logs, _lookups(head))

    def put(self, key: str, result: PageResult) -> None:
        """Keep a fresh result (at once: a build does not hold every page in memory until its end)."""
        if self.secret is None:
            return
        terms_head, blob = result.terms.to_blobs() if result.terms is not None else (None, b"")
        head = {
            "terms": terms_head,
            "anchors": result.anchors,
            "links": result.links_to_anchors,
            "logs": result.logs,
            "lookups": result.lookups,
        }
        js = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
        lengths = struct.pack("<III", len(js), len(result.html), len(blob))
        signature = self._sign(key, FORMAT, lengths, js, result.html, blob)
        if keep_file(self._path(key), FORMAT, signature, lengths, js, result.html, blob):  # else the build goes on without caching
            self.used.add(key)

    def prune(self, keep_factor: int = 3) -> int:
        """Remove entries this build did not use once the folder holds many more than it uses; returns how many."""
        if self.secret is None or not self.root.is_dir():
            return 0
        entries = [p for p in self.root.glob("[0-9a-f][0-9a-f]/*") if p.is_file()]  # not the memo, nor templates/
        if len(entries) <= keep_factor * len(self.used) + 100:
            return 0
        removed = 0
        for p in entries:
            if p.stem not in self.used:
                try:
                    p.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed
