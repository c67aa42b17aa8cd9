"""Building the search index at build time: one document per page, lunr's BM25 weights, compact shards."""

from __future__ import annotations

import math
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyportal.search import codec, tokens
from studyportal.vocabulary import AUDIENCES, KINDS

INDEX_DIR = "search/data"  # beside, not over, a hand-written docs/search.md page
FORMAT_VERSION = 2  # 2: meta.js carries the rules the browser's engine needs ("rules")
PAGE = 10  # results shown at a time, and more on request, in the search box and the terminal
# Fields and their boosts (lunr field boosts): the title matters most, then summary, then headings.
FIELDS: tuple[tuple[str, float], ...] = (("title", 5.0), ("summary", 3.0), ("headings", 2.0), ("body", 1.0))
K1, B = 1.2, 0.75  # lunr's BM25 parameters
SEARCH_KINDS: dict[str, str] = {**KINDS, "curriculum": "学习课程", "page": "其他页面"}
SHARD_TARGET = 20_000  # bytes of posting strings per postings file, roughly
TEXT_TARGET = 12_000  # bytes of text per text file, roughly


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


@dataclass
class BuiltIndex:
    """The index files (path relative to the site root → content) and a few figures."""

    files: dict[str, str]
    documents: int
    terms: int
    postings: int
    shards: int
    bytes: int = 0


def lunr_weights(docs: list[dict[str, Counter[str]]], boosts: dict[str, float]) -> Iterator[dict[str, float]]:
    """lunr's field vectors, summed over fields: for each document, term → Σ boost·BM25.

    ``docs`` are term counts per field. This is lunr's ``Builder.createFieldVectors`` (same idf
    with its per-field document count, same k1 and b) except that lunr's rounding to three
    decimals is left to the coarser quantisation that follows; tests compare it with lunr.py.
    """
    n = len(docs)
    names = list(boosts)
    lengths = [{f: sum(d[f].values()) for f in names} for d in docs]
    avg = {f: (sum(ln[f] for ln in lengths) / n if n else 0.0) or 1.0 for f in names}
    dwt: Counter[str] = Counter()
    for d in docs:
        for f in names:
            dwt.update(d[f].keys())
    idf = {t: math.log(1 + abs((n - c + 0.5) / (c + 0.5))) for t, c in dwt.items()}
    k1p = K1 + 1
    for d, ln in zip(docs, lengths, strict=True):
        weights: dict[str, float] = {}
        for f in names:
            counts = d[f]
            if not counts:
                continue
            norm = K1 * (1 - B + B * (ln[f] / avg[f]))
            boost = boosts[f]
            if not weights:
                weights = {t: idf[t] * (k1p * tf) / (norm + tf) * boost for t, tf in counts.items()}
                continue
            get = weights.get
            for t, tf in counts.items():
                weights[t] = get(t, 0.0) + idf[t] * (k1p * tf) / (norm + tf) * boost
        yield weights


def settings() -> dict[str, Any]:
    """What Python and the browser's engine must agree on, carried to it in ``meta.js``: token rule, posting alphabet, page size."""
    return {**tokens.rules(), "alphabet": codec.ALPHABET, "page": PAGE}


def _doc_entry(d: SearchDoc, kinds: list[str], audiences: list[str]) -> list[Any]:
    """``[url, title, kind, audiences bit mask, required]`` of ``meta.js``; trailing zeros left out (most pages are not required)."""
    entry = [
        d.url,
        d.title,
        kinds.index(d.kind) if d.kind in SEARCH_KINDS else kinds.index("page"),
        sum(1 << audiences.index(a) for a in set(d.audiences) if a in AUDIENCES),
        1 if d.required else 0,
    ]
    while entry[-1] == 0 and len(entry) > 3:
        entry.pop()
    return entry


class IndexBuilder:
    """Collects pages during the build and writes ``search/data/`` into the site."""

    def __init__(self) -> None:
        self.docs: list[SearchDoc] = []
        self.counts: list[dict[str, Counter[str]]] = []  # term counts per field, of docs[: len(counts)]
        self.seconds = 0.0  # time spent on search during the build, for the build log

    def add(self, doc: SearchDoc) -> None:
        self.docs.append(doc)

    def count(self) -> None:
        """Tokenise the pages added since the last call (the helper process does it between pages)."""
        for doc in self.docs[len(self.counts) :]:
            self.counts.append({f: tokens.term_counts(text) for f, text in doc.fields().items()})

    def build(self) -> BuiltIndex:
        """All index files, deterministic for the same pages."""
        self.count()
        order = sorted(range(len(self.docs)), key=lambda i: self.docs[i].url)
        docs = [self.docs[i] for i in order]
        counts = [self.counts[i] for i in order]
        encoder = codec.PostingsEncoder()
        for doc_id, weights in enumerate(lunr_weights(counts, dict(FIELDS))):
            encoder.add(doc_id, weights)
        encoded = encoder.strings()
        total = sum(len(t) * 3 + len(v) + 6 for t, v in encoded.items())
        shards = 1
        while shards < 4096 and total / shards > SHARD_TARGET:
            shards *= 2
        by_shard: list[dict[str, str]] = [{} for _ in range(shards)]
        for t in sorted(encoded):
            by_shard[codec.shard_of(t, shards)][t] = encoded[t]

        texts = [[d.summary, d.body, " ".join(d.topics)] for d in docs]
        avg_text = sum(len(s.encode("utf-8")) + len(b.encode("utf-8")) for s, b, _ in texts) / max(1, len(texts))
        chunk = max(1, min(64, round(TEXT_TARGET / max(avg_text, 1))))

        kinds = list(SEARCH_KINDS)
        audiences = list(AUDIENCES)
        meta = {
            "v": FORMAT_VERSION,
            "rules": settings(),
            "shards": shards,
            "chunk": chunk,
            "w": codec.weight_table(),
            "kinds": kinds,
            "kindNames": [SEARCH_KINDS[k] for k in kinds],
            "audiences": audiences,
            "audienceNames": [AUDIENCES[a] for a in audiences],
            "docs": [_doc_entry(d, kinds, audiences) for d in docs],
        }
        files = {f"{INDEX_DIR}/meta.js": codec.to_script("m", 0, meta)}
        for k, data in enumerate(by_shard):
            files[f"{INDEX_DIR}/p/{k}.js"] = codec.to_script("p", k, data)
        for k in range(0, len(texts), chunk):
            files[f"{INDEX_DIR}/t/{k // chunk}.js"] = codec.to_script("t", k // chunk, texts[k : k + chunk])
        size = sum(len(v.encode("utf-8")) for v in files.values())
        return BuiltIndex(files, len(docs), len(encoded), encoder.postings, shards, size)

    def write(self, site_dir: Path) -> BuiltIndex:
        """Replace ``site_dir/search/data/`` with the freshly built index; returns it with its figures."""
        started = time.perf_counter()
        built = self.build()
        target = Path(site_dir) / INDEX_DIR
        if target.exists():
            shutil.rmtree(target)
        for sub in ("p", "t"):
            (target / sub).mkdir(parents=True, exist_ok=True)
        for rel, content in built.files.items():
            (Path(site_dir) / rel).write_text(content, encoding="utf-8", newline="\n")
        self.seconds += time.perf_counter() - started
        return built
