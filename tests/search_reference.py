"""The search index written the straightforward way: the reference the fast builder (``search/index.py``) must equal byte for byte.

Term counts are ``tokens.term_counts`` (strings in a Counter), weights are lunr's BM25 summed over fields
one document at a time (``lunr_weights``, compared with lunr.py in test_search_index.py), postings go through
``codec.PostingsEncoder`` and every file through ``json.dumps``. Only the figures of ``meta.js`` that are
not about terms (kinds, audiences, rules) come from the builder itself.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from studyportal.search import codec, tokens
from studyportal.search.index import FIELDS, INDEX_DIR, K1, SHARD_TARGET, TEXT_TARGET, B, SearchDoc, doc_entry, index_meta


def lunr_weights(docs: list[dict[str, Counter[str]]], boosts: dict[str, float]) -> Iterator[dict[str, float]]:
    """lunr's field vectors, summed over fields: for each document, term → Σ boost·BM25.

    ``docs`` are term counts per field. This is lunr's ``Builder.createFieldVectors`` (same idf
    with its per-field document count, same k1 and b) except that lunr's rounding to three
    decimals is left to the coarser quantisation that follows.
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


def reference_files(pages: list[SearchDoc]) -> dict[str, str]:
    """Every index file (path in the site → text) for these pages."""
    docs = sorted(pages, key=lambda d: d.url)
    counts = [{f: tokens.term_counts(text) for f, text in d.fields().items()} for d in docs]
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
    entries = [doc_entry([d.url, d.title, d.kind, d.audiences, d.required]) for d in docs]
    files = {f"{INDEX_DIR}/meta.js": codec.to_script("m", 0, index_meta(shards, chunk, entries))}
    for k, data in enumerate(by_shard):
        files[f"{INDEX_DIR}/p/{k}.js"] = codec.to_script("p", k, data)
    for k in range(0, len(texts), chunk):
        files[f"{INDEX_DIR}/t/{k // chunk}.js"] = codec.to_script("t", k // chunk, texts[k : k + chunk])
    return files


def write_reference(pages: list[SearchDoc], site_dir: Path) -> None:
    """Write :func:`reference_files` into ``site_dir``."""
    for rel, content in reference_files(pages).items():
        path = Path(site_dir) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="\n")
