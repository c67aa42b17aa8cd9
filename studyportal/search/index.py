"""Building the search index at build time: one document per page, lunr's BM25 weights, compact shards.

A page reaches the builder as :class:`~studyportal.search.terms.PageTerms` (its terms already counted,
by whichever process rendered it, or read from the build cache); :meth:`IndexBuilder.build` then computes
every weight and posting string at once with numpy. The files are byte for byte those of the
straightforward definition (term counts in a ``Counter``, lunr's field vectors one document at a time,
``json.dumps`` for every file), which ``tests/search_reference.py`` keeps and the tests compare with.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from studyportal.forks import trim_memory
from studyportal.kinds import kind_names
from studyportal.search import codec, tokens
from studyportal.search.terms import BIGRAM_MIN, SHIFT, FieldTerms, PageTerms, count_field
from studyportal.vocabulary import AUDIENCES

INDEX_DIR = "search/data"  # beside, not over, a hand-written docs/search.md page
FORMAT_VERSION = 2  # 2: meta.js carries the rules the browser's engine needs ("rules")
PAGE = 10  # results shown at a time, and more on request, in the search box and the terminal
# Fields and their boosts (lunr field boosts): the title matters most, then summary, then headings.
FIELDS: tuple[tuple[str, float], ...] = (("title", 5.0), ("summary", 3.0), ("headings", 2.0), ("body", 1.0))
K1, B = 1.2, 0.75  # lunr's BM25 parameters
SHARD_TARGET = 20_000  # bytes of posting strings per postings file, roughly
TEXT_TARGET = 12_000  # bytes of text per text file, roughly
_WORD = 1 << 40  # keys of Latin words: this bit and the word's number (Han keys are 32-bit)


def search_kinds() -> dict[str, str]:
    """What search tells pages apart by: every material kind, curricula, and other pages."""
    return {**kind_names(), "curriculum": "学习课程", "page": "其他页面"}


@dataclass
class SearchDoc:
    """What the index knows of one page. ``url`` is the page URL relative to the site root, as MkDocs gives it."""

    url: str
    title: str
    kind: str
    audiences: list[str] = field(default_factory=list)
    required: bool = False
    summary: str = ""
    headings: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    body: str = ""

    def fields(self) -> dict[str, str]:
        """Field name → text, in the order of :data:`FIELDS`."""
        return {"title": self.title, "summary": self.summary, "headings": " ".join(self.headings + self.topics), "body": self.body}


def page_terms(doc: SearchDoc) -> PageTerms:
    """Count a page's terms: what the builder keeps of it (the page's text itself only as the JSON of its snippets)."""
    return PageTerms(
        [doc.url, doc.title, doc.kind, list(doc.audiences), bool(doc.required)],
        codec.to_json([doc.summary, doc.body, " ".join(doc.topics)]),
        len(doc.summary.encode("utf-8")) + len(doc.body.encode("utf-8")),
        [count_field(text) for text in doc.fields().values()],
    )


@dataclass
class BuiltIndex:
    """The index files (path relative to the site root → content) and a few figures."""

    files: dict[str, str]
    documents: int
    terms: int
    postings: int
    shards: int
    bytes: int = 0


def settings() -> dict[str, Any]:
    """What Python and the browser's engine must agree on, carried to it in ``meta.js``: token rule, posting alphabet, page size."""
    return {**tokens.rules(), "alphabet": codec.ALPHABET, "page": PAGE}


def doc_entry(entry: list[Any], kinds: list[str] | None = None) -> list[Any]:
    """``[url, title, kind, audiences bit mask, required]`` of ``meta.js`` from :attr:`PageTerms.entry`;
    trailing zeros left out (most pages are not required). ``kinds``: ``list(search_kinds())``, when known."""
    url, title, kind, audiences, required = entry
    kinds = kinds or list(search_kinds())
    codes = list(AUDIENCES)
    out = [
        url,
        title,
        kinds.index(kind) if kind in kinds else kinds.index("page"),
        sum(1 << codes.index(a) for a in set(audiences) if a in AUDIENCES),
        1 if required else 0,
    ]
    while out[-1] == 0 and len(out) > 3:
        out.pop()
    return out


def index_meta(shards: int, chunk: int, entries: list[list[Any]]) -> dict[str, Any]:
    """The content of ``meta.js``: documents, shard count, text chunk size, weight table, names and the rules."""
    names = search_kinds()
    audiences = list(AUDIENCES)
    return {
        "v": FORMAT_VERSION,
        "rules": settings(),
        "shards": shards,
        "chunk": chunk,
        "w": codec.weight_table(),
        "kinds": list(names),
        "kindNames": list(names.values()),
        "audiences": audiences,
        "audienceNames": [AUDIENCES[a] for a in audiences],
        "docs": entries,
    }


@dataclass
class _Postings:
    """Every (term, document) pair of the index, grouped by term (documents in increasing order), with its weight level."""

    keys: np.ndarray  # distinct term keys, sorted as integers
    starts: np.ndarray  # where each term's pairs begin (one more entry: the end)
    pair_doc: np.ndarray
    level: np.ndarray


@dataclass
class _Kept:
    """What the builder keeps of a page in memory; its text and terms wait in the builder's temporary file."""

    entry: list[Any]
    text_bytes: int
    totals: list[int]  # each field's length (terms, repeats included)
    text_at: tuple[int, int]  # offset and length of the text's JSON (UTF-8) in the file
    fields_at: list[tuple[int, int, int]]  # per field: offset, number of keys, bytes per count
    words: list[dict[str, int]]

    @property
    def url(self) -> str:
        return str(self.entry[0])


def _page_keys(fields: list[FieldTerms], word_ids: dict[str, int]) -> list[np.ndarray]:
    """A page's keys per field (int64), Latin words numbered into keys of their own."""
    out = []
    for ft in fields:
        keys = ft.keys.astype(np.int64)
        if ft.words:
            ids = np.array([word_ids.setdefault(w, len(word_ids)) for w in ft.words], dtype=np.int64)
            keys = np.concatenate([keys, _WORD | ids])
        out.append(keys)
    return out


def _page_counts(fields: list[FieldTerms]) -> list[np.ndarray]:
    return [
        np.concatenate([ft.counts.astype(np.uint32), np.array(list(ft.words.values()), dtype=np.uint32)]) if ft.words else ft.counts
        for ft in fields
    ]


def _distinct(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` without its costs)."""
    a = np.sort(a)
    keep = np.ones(len(a), dtype=bool)
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _runs(a: np.ndarray, starts_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of a sorted array, and how often each occurs (or where each run starts)."""
    head = np.ones(len(a), dtype=bool)
    np.not_equal(a[1:], a[:-1], out=head[1:])
    first = np.flatnonzero(head)
    return a[first], first if starts_only else np.diff(np.append(first, len(a)))


def _positions(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``np.searchsorted(keys, wanted)``, about twice as fast for many values: looked up in sorted order, so that
    each binary search starts near the last one in memory."""
    order = np.argsort(wanted, kind="stable")
    out = np.empty(len(wanted), dtype=np.intp)
    out[order] = np.searchsorted(keys, wanted[order])
    return out


CHUNK = 64  # pages weighed together (two chunks at once): large enough for numpy to pay off, small enough to keep memory low
_LOCAL = (CHUNK - 1).bit_length()  # bits of a page's number within its chunk
_DOCS = _LOCAL + 1  # bits of a chunk's count of documents holding a key (at most CHUNK)
_PACK = _DOCS + (CHUNK * len(FIELDS)).bit_length()  # and of its count of (document, field) pairs holding it: 16 bits in all


Fields = Callable[[_Kept], list[FieldTerms]]


def _chunk(pages: list[_Kept], load: Fields, c: int, word_ids: dict[str, int]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per field, the keys, counts and page numbers of :data:`CHUNK` pages from page ``c`` on, end to end."""
    part = [load(p) for p in pages[c : c + CHUNK]]
    keys = [_page_keys(p, word_ids) for p in part]
    counts = [_page_counts(p) for p in part]
    out = []
    for f in range(len(FIELDS)):
        sizes = [len(k[f]) for k in keys]
        out.append(
            (
                np.concatenate([k[f] for k in keys]),
                np.concatenate([k[f] for k in counts]),
                np.repeat(np.arange(c, c + len(part), dtype=np.int32), sizes),
            )
        )
    return out


def _on_two_threads(work: Callable[[int], Any], items: range) -> Iterator[Any]:
    """``map(work, items)`` on two threads, in order: numpy lets go of the interpreter while it sorts and computes."""
    with ThreadPoolExecutor(2) as pool:
        yield from pool.map(work, items)


def _weigh(pages: list[_Kept], load: Fields, word_ids: dict[str, int]) -> _Postings:
    """lunr's field vectors summed over fields, for every page, and their levels.

    Same arithmetic, in the same order, as lunr's ``Builder.createFieldVectors`` written out one
    document at a time (``tests/search_reference.py``): idf from the number of (document, field)
    pairs holding the term, ``idf · (k1 + 1)·tf / (norm + tf) · boost`` per field, summed in field order.
    Pages are taken :data:`CHUNK` at a time (twice: terms and their document counts, then weights) and each
    chunk's pairs put straight into their place among all pairs, so nothing is as large as all postings
    but the result; ``load`` reads a page's terms each time (the builder keeps them in a file).
    """
    n = len(pages)
    nf = len(FIELDS)
    starts = range(0, n, CHUNK)
    # Per key: the (document, field) pairs holding it (a key is distinct within a field) and the documents holding it;
    # each chunk's distinct keys with both counts, then one sum over all chunks.
    for p in pages:  # numbered before the chunks are taken on two threads
        for words in p.words:
            for w in words:
                word_ids.setdefault(w, len(word_ids))

    def distinct_keys(c: int) -> np.ndarray:
        """The chunk's distinct keys, each packed with its counts: ``key << _PACK | pairs << _DOCS | documents``."""
        codes = np.sort(np.concatenate([(k << _LOCAL) | (d - c) for k, _, d in _chunk(pages, load, c, word_ids)]))
        new_doc = np.ones(len(codes), dtype=np.int64)
        new_doc[1:] = codes[1:] != codes[:-1]
        unique, first = _runs(codes >> _LOCAL, starts_only=True)
        pairs = np.diff(np.append(first, len(codes)))
        documents = np.add.reduceat(new_doc, first) if len(first) else np.zeros(0, dtype=np.int64)
        return (unique << _PACK) | (pairs << _DOCS) | documents

    # Packed, one array sorts by key without an argsort and its gathers (keys stay below 2⁴¹: room for 22 bits).
    every = np.concatenate(list(_on_two_threads(distinct_keys, starts)) or [np.zeros(0, dtype=np.int64)])
    every.sort()
    keys, first = _runs(every >> _PACK, starts_only=True)
    df = np.add.reduceat((every >> _DOCS) & ((1 << (_PACK - _DOCS)) - 1), first) if len(first) else np.zeros(0, dtype=np.int64)
    per_term = np.add.reduceat(every & ((1 << _DOCS) - 1), first) if len(first) else np.zeros(0, dtype=np.int64)
    del every
    # idf from Python's own log (numpy's may differ in the last bit), once per distinct document count.
    distinct = _distinct(df)
    idf_table = np.array([math.log(1 + abs((n - int(c) + 0.5) / (int(c) + 0.5))) for c in distinct], dtype=np.float64)
    idf = idf_table[np.searchsorted(distinct, df)]
    del df
    k1p = K1 + 1
    norms = []
    for f in range(nf):
        lengths = [p.totals[f] for p in pages]
        avg = (sum(lengths) / n if n else 0.0) or 1.0
        norms.append(np.array([K1 * (1 - B + B * (ln / avg)) for ln in lengths], dtype=np.float64))
    bounds = np.array(codec.LEVEL_BOUNDS)
    t = max(len(keys), 1)

    def weigh_chunk(c: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The chunk's (term, document) pairs, by document then term, and their levels."""
        fields = _chunk(pages, load, c, word_ids)
        terms = [_positions(keys, k) for k, _, _ in fields]
        codes = np.concatenate([fd.astype(np.int64) * t + tm for (_, _, fd), tm in zip(fields, terms, strict=True)])
        parts = [
            idf[tm] * (k1p * (tf := fc.astype(np.float64))) / (norms[f][fd] + tf) * FIELDS[f][1]
            for f, ((_, fc, fd), tm) in enumerate(zip(fields, terms, strict=True))
        ]
        del fields, terms
        order = np.argsort(codes, kind="stable")  # by page, then term; a pair's fields stay in field order
        codes, x = codes[order], np.concatenate(parts)[order]
        del parts, order
        start = np.ones(len(codes), dtype=bool)
        np.not_equal(codes[1:], codes[:-1], out=start[1:])
        first = np.flatnonzero(start)
        weight = x[first]
        run = np.diff(np.append(first, len(codes)))
        for k in range(1, nf):  # lunr's sum, field after field: ((title + summary) + headings) + body
            more = run > k
            weight[more] += x[first[more] + k]
        codes = codes[first]
        levels = np.searchsorted(bounds, weight, side="right").astype(np.uint8)
        return (codes % t).astype(np.int32), (codes // t).astype(np.int32), levels

    # Each chunk's pairs go straight into their place, grouped by term: a term's pairs of earlier chunks (earlier documents) first.
    term_start = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(per_term, out=term_start[1:])
    total = int(term_start[-1])
    pair_doc = np.empty(total, dtype=np.int32)
    level = np.empty(total, dtype=np.uint8)
    filled = term_start[:-1].copy()
    for terms, docs, levels in _on_two_threads(weigh_chunk, starts):
        order = np.argsort(terms, kind="stable")  # by term, documents still in increasing order
        terms = terms[order]
        head = np.ones(len(terms), dtype=bool)
        np.not_equal(terms[1:], terms[:-1], out=head[1:])
        first = np.flatnonzero(head)
        rank = np.arange(len(terms)) - np.repeat(first, np.diff(np.append(first, len(terms))))
        where = filled[terms] + rank
        pair_doc[where] = docs[order]
        level[where] = levels[order]
        filled[terms[first]] += np.diff(np.append(first, len(terms)))
    return _Postings(keys, term_start, pair_doc, level)


ENCODE_BLOCK = 1 << 18  # pairs encoded at a time


def _encode(post: _Postings) -> tuple[str, np.ndarray]:
    """All posting strings end to end (``codec.PostingsEncoder``'s format) and where each term's string starts."""
    alphabet = np.frombuffer(codec.ALPHABET.encode("ascii"), dtype=np.uint8)
    m = len(post.pair_doc)
    first = np.zeros(m, dtype=bool)
    first[post.starts[:-1][post.starts[:-1] < m]] = True
    pieces: list[str] = []
    term_at = post.starts.copy()  # where each term's string starts: first the number of its first pair
    done = 0
    for lo in range(0, m, ENCODE_BLOCK):
        hi = min(m, lo + ENCODE_BLOCK)
        doc = post.pair_doc[lo:hi]
        gap = np.empty(hi - lo, dtype=np.int32)
        gap[0] = post.pair_doc[lo] - (post.pair_doc[lo - 1] if lo else -1) - 1
        np.subtract(doc[1:], doc[:-1] + 1, out=gap[1:])
        head = first[lo:hi]
        gap[head] = doc[head]  # a term's first document counts from -1
        digits = np.ones(hi - lo, dtype=np.int8)
        for bits in range(5, 31, 5):
            more = gap >= (1 << bits)
            if not more.any():
                break
            digits += more
        at = np.zeros(hi - lo + 1, dtype=np.int64)
        np.cumsum(digits + 1, out=at[1:])
        out = np.empty(int(at[-1]), dtype=np.uint8)
        for j in range(int(digits.max())):
            has = np.flatnonzero(digits > j)
            value = (gap[has] >> (5 * j)) & 31
            value[digits[has] - 1 > j] += 32  # more digits follow
            out[at[has] + j] = alphabet[value]
        out[at[:-1] + digits] = alphabet[post.level[lo:hi]]
        inside = (post.starts >= lo) & (post.starts < hi)
        term_at[inside] = done + at[post.starts[inside] - lo]
        done += int(at[-1])
        pieces.append(out.tobytes().decode("ascii"))
    term_at[post.starts >= m] = done
    return "".join(pieces), term_at


def _term_texts(keys: np.ndarray, words: list[str]) -> list[str]:
    """The term each key stands for, in the order of ``keys``."""
    pairs = np.zeros((len(keys), 2), dtype="<u4")
    bigram = (keys >= BIGRAM_MIN) & (keys < _WORD)
    pairs[:, 0] = np.where(bigram, keys >> SHIFT, keys & 0xFFFF)
    pairs[:, 1] = np.where(bigram, keys & 0xFFFF, 0)
    texts = pairs.view("<U2").ravel().tolist() if len(keys) else []
    for i in np.flatnonzero(keys >= _WORD).tolist():
        texts[i] = words[int(keys[i] & (_WORD - 1))]
    return texts


def _shards_of(keys: np.ndarray, words: list[str], shards: int) -> np.ndarray:
    """``codec.shard_of`` of every term (FNV-1a over its code points), Han terms at once."""
    han = keys < _WORD
    out = np.empty(len(keys), dtype=np.int64)
    k = keys[han]
    prime, mask = 0x01000193, 0xFFFFFFFF
    bigram = k >= BIGRAM_MIN
    h = ((0x811C9DC5 ^ np.where(bigram, k >> SHIFT, k)) * prime) & mask
    h2 = ((h ^ (k & 0xFFFF)) * prime) & mask
    out[han] = np.where(bigram, h2, h) % shards
    for i in np.flatnonzero(~han):
        out[i] = codec.shard_of(words[int(keys[i] & (_WORD - 1))], shards)
    return out


class IndexBuilder:
    """Collects pages during the build and writes ``search/data/`` into the site."""

    def __init__(self) -> None:
        self.pages: list[_Kept] = []
        self.seconds = 0.0  # time spent on search during the build, for the build log
        # Pages' texts and terms wait in a temporary file until the index is written: the build keeps
        # neither in memory (a page's terms are read back three times while the index is weighed).
        self._spool: Any = None
        self._reading = threading.Lock()

    def add(self, doc: SearchDoc) -> None:
        """Count a page's terms here and keep them."""
        started = time.perf_counter()
        self.add_terms(page_terms(doc))
        self.seconds += time.perf_counter() - started

    def add_terms(self, terms: PageTerms) -> None:
        """Keep a page whose terms were counted elsewhere (a rendering process, the build cache)."""
        if self._spool is None:
            self._spool = tempfile.TemporaryFile()
        at = self._spool.seek(0, os.SEEK_END)
        text = terms.text.encode("utf-8", "surrogatepass")
        self._spool.write(text)
        where, fields_at = at + len(text), []
        for ft in terms.fields:
            keys, counts = ft.keys.astype("<u4").tobytes(), ft.counts.tobytes()
            self._spool.write(keys + counts)
            fields_at.append((where, len(ft.keys), ft.counts.dtype.itemsize))
            where += len(keys) + len(counts)
        totals = [ft.total() for ft in terms.fields]
        self.pages.append(_Kept(terms.entry, terms.text_bytes, totals, (at, len(text)), fields_at, [ft.words for ft in terms.fields]))

    def _read(self, at: int, size: int) -> bytes:
        """Bytes of the spool, by position (two threads read it at once; ``os.pread`` is not on Windows)."""
        with self._reading:
            self._spool.seek(at)
            return self._spool.read(size)

    def _text(self, page: _Kept) -> str:
        return self._read(*page.text_at).decode("utf-8", "surrogatepass")

    def _fields(self, page: _Kept) -> list[FieldTerms]:
        out = []
        for (at, n, size), words in zip(page.fields_at, page.words, strict=True):
            data = self._read(at, n * (4 + size))
            keys = np.frombuffer(data, dtype="<u4", count=n)
            counts = np.frombuffer(data, dtype=np.uint16 if size == 2 else np.uint32, count=n, offset=4 * n)
            out.append(FieldTerms(keys, counts, words))
        return out

    def build(self) -> BuiltIndex:
        """All index files, deterministic for the same pages (in any order)."""
        files: dict[str, str] = {}
        built = self._build(files.__setitem__)
        built.files = files
        return built

    def _build(self, emit: Callable[[str, str], None]) -> BuiltIndex:
        """Make the index files one after the other, handing each to ``emit(path, text)``."""
        pages = sorted(self.pages, key=lambda p: p.url)
        if self._spool is not None:
            self._spool.flush()
        word_ids: dict[str, int] = {}
        post = _weigh(pages, self._fields, word_ids)
        trim_memory()  # the weighing's temporary arrays, before the strings take their place
        words = list(word_ids)
        strings, bounds = _encode(post)
        keys, postings = post.keys, len(post.pair_doc)
        del post
        trim_memory()
        han = keys < _WORD
        bigram = han & (keys >= BIGRAM_MIN)
        text_len = np.where(han, np.where(bigram, 2, 1), 0)
        text_len[~han] = [len(words[int(k & (_WORD - 1))]) for k in keys[~han]]
        total = int((text_len * 3 + np.diff(bounds) + 6).sum())
        shards = 1
        while shards < 4096 and total / shards > SHARD_TARGET:
            shards *= 2
        # Terms in string order: Latin words (ASCII) before every Han term; Han terms by code points,
        # a character before the bigrams it starts.
        first_cp = np.where(bigram, keys >> SHIFT, keys)
        second = np.where(bigram, (keys & 0xFFFF) + 1, 0)
        han_order = np.flatnonzero(han)[np.argsort((first_cp[han] << 17) | second[han], kind="stable")]
        word_order = sorted(np.flatnonzero(~han).tolist(), key=lambda i: words[int(keys[i] & (_WORD - 1))])
        order = np.concatenate([np.array(word_order, dtype=np.int64), han_order])
        shard = _shards_of(keys, words, shards)[order]
        by_shard = order[np.argsort(shard, kind="stable")]  # shard after shard, terms in string order within each
        shard_start = np.searchsorted(np.sort(shard), np.arange(shards + 1))
        del order, shard

        avg_text = sum(p.text_bytes for p in pages) / max(1, len(pages))
        chunk = max(1, min(64, round(TEXT_TARGET / max(avg_text, 1))))
        kinds = list(search_kinds())
        entries = [doc_entry(p.entry, kinds) for p in pages]
        emit(f"{INDEX_DIR}/meta.js", codec.to_script("m", 0, index_meta(shards, chunk, entries)))
        for k in range(shards):
            ids = by_shard[shard_start[k] : shard_start[k + 1]]
            texts = _term_texts(keys[ids], words)
            spans = zip(bounds[ids].tolist(), bounds[ids + 1].tolist(), strict=True)
            items = [(t, strings[a:b]) for t, (a, b) in zip(texts, spans, strict=True)]
            emit(f"{INDEX_DIR}/p/{k}.js", codec.plain_object_script("p", k, items))
        for k in range(0, len(pages), chunk):
            emit(f"{INDEX_DIR}/t/{k // chunk}.js", codec.list_script("t", k // chunk, [self._text(p) for p in pages[k : k + chunk]]))
        return BuiltIndex({}, len(pages), len(keys), postings, shards)

    def write(self, site_dir: Path, writer: Callable[[Path, bytes], object] | None = None) -> BuiltIndex:
        """Replace ``site_dir/search/data/`` with the freshly built index; returns its figures (``files`` left empty).

        ``writer(path, bytes)``: how each file is written instead (render/output.py: only files whose bytes change;
        what the folder held besides is then the writer's to remove).
        """
        started = time.perf_counter()
        target = Path(site_dir) / INDEX_DIR
        if writer is None:
            if target.exists():
                shutil.rmtree(target)
            for sub in ("p", "t"):
                (target / sub).mkdir(parents=True, exist_ok=True)
        write = writer or Path.write_bytes
        size = 0

        def emit(rel: str, content: str) -> None:
            nonlocal size
            data = content.encode("utf-8")
            size += len(data)
            write(Path(site_dir) / rel, data)

        built = self._build(emit)
        built.bytes = size
        self.seconds += time.perf_counter() - started
        return built
