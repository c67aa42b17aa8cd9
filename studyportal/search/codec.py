"""The compact on-disk format of the search index, read by ``query.py`` here and ``assets/search/engine.js`` in the browser.

Files live under ``search/data/`` in the site and are JavaScript, not JSON, so that a page opened from
``file://`` can load them with ``<script>`` tags (no fetch/XHR of local files)::

    __spSearchLoad("m", 0, {...});      search/data/meta.js    documents, shard count, weight table, rules
    __spSearchLoad("p", 7, {...});      search/data/p/7.js     postings of the terms whose hash is 7
    __spSearchLoad("t", 12, [...]);     search/data/t/12.js    summary and text of a few documents

A posting list is a string over the base64url alphabet: for each document, in increasing id
order, the gap to the previous id as a little-endian varint (5 bits per character, values ≥ 32
mean "more follows"), then one character for the weight level (0–63, looked up in the meta's
weight table). :class:`PostingsEncoder` writes them, :func:`decode_postings` reads them.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
CALLBACK = "__spSearchLoad"
LEVELS = 64
W_MIN = 0.001  # lunr rounds weights to three decimals: the smallest non-zero weight
W_MAX = 500.0
_RATIO = (W_MAX / W_MIN) ** (1 / (LEVELS - 2))


def weight_table() -> list[float]:
    """Level → weight (level 0 is weight 0), four significant digits, read by both implementations."""
    return [0.0] + [float(f"{W_MIN * _RATIO**i:.4g}") for i in range(LEVELS - 1)]


# Geometric midpoints between levels: ``bisect_right(LEVEL_BOUNDS, w)`` is the level of w (0 for w = 0).
LEVEL_BOUNDS = [1e-12] + [W_MIN * _RATIO ** (i - 0.5) for i in range(1, LEVELS - 1)]
# The two characters of a posting whose gap is below 32: PAIRS[gap * 64 + level].
PAIRS = [ALPHABET[g] + ALPHABET[lv] for g in range(32) for lv in range(LEVELS)]


def level(weight: float) -> int:
    """The nearest level of a weight on the logarithmic scale."""
    return bisect_right(LEVEL_BOUNDS, weight)


def varint(n: int) -> str:
    """A non-negative integer, five bits per character, least significant first."""
    out = ""
    while n >= 32:
        out += ALPHABET[32 + (n & 31)]
        n >>= 5
    return out + ALPHABET[n]


class PostingsEncoder:
    """Every term's posting string, built one document at a time in increasing document id order."""

    def __init__(self) -> None:
        self._lists: dict[str, list[Any]] = {}  # term → [last doc id, posting pieces…]
        self.postings = 0

    def add(self, doc: int, weights: dict[str, float]) -> None:
        """Append ``doc`` to the posting list of each term in ``weights``, at the level of its weight."""
        lists = self._lists
        bounds = LEVEL_BOUNDS
        self.postings += len(weights)
        for term, weight in weights.items():
            lvl = bisect_right(bounds, weight)  # level(weight), inlined: this runs for every posting
            p = lists.get(term)
            if p is None:
                p = lists[term] = [-1]
            gap = doc - p[0] - 1
            p[0] = doc
            p.append(PAIRS[gap * 64 + lvl] if gap < 32 else varint(gap) + ALPHABET[lvl])

    def strings(self) -> dict[str, str]:
        """Term → posting string."""
        return {term: "".join(p[1:]) for term, p in self._lists.items()}


def decode_postings(data: str) -> list[tuple[int, int]]:
    """Posting string → ``[(doc id, level), …]``."""
    out = []
    doc = -1
    i = 0
    while i < len(data):
        n = 0
        shift = 0
        while True:
            c = _INDEX[data[i]]
            i += 1
            if c < 32:
                n |= c << shift
                break
            n |= (c - 32) << shift
            shift += 5
        doc += n + 1
        out.append((doc, _INDEX[data[i]]))
        i += 1
    return out


def fnv1a(term: str) -> int:
    """32-bit FNV-1a over the code points of a term (``Math.imul`` in the browser)."""
    h = 0x811C9DC5
    for ch in term:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def shard_of(term: str, shards: int) -> int:
    """Which postings file holds a term."""
    return fnv1a(term) % shards


def to_json(data: Any) -> str:
    """Compact UTF-8 JSON (no \\uXXXX escapes) that a JavaScript string literal can hold."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # U+2028/2029 are valid in JSON but end a string literal in older JavaScript engines.
    return payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def to_script(kind: str, key: int, data: Any) -> str:
    """One index file: a call of the loader with compact UTF-8 JSON (no \\uXXXX escapes)."""
    return f'{CALLBACK}("{kind}",{key},{to_json(data)});\n'


def list_script(kind: str, key: int, items_json: list[str]) -> str:
    """``to_script(kind, key, items)`` from items already written by :func:`to_json`."""
    return f'{CALLBACK}("{kind}",{key},[{",".join(items_json)}]);\n'


def plain_object_script(kind: str, key: int, pairs: list[tuple[str, str]]) -> str:
    """``to_script(kind, key, dict(pairs))`` for keys and values JSON writes as they are (no quote, backslash
    or control character: index terms and posting strings), without the cost of ``json.dumps``."""
    body = ",".join(f'"{k}":"{v}"' for k, v in pairs)
    return f'{CALLBACK}("{kind}",{key},{{{body}}});\n'


_SCRIPT = re.compile(rf'^{CALLBACK}\("(\w)",(\d+),(.*)\);\s*$', re.S)


def from_script(text: str) -> tuple[str, int, Any]:
    """Parse an index file written by :func:`to_script`."""
    m = _SCRIPT.match(text)
    if not m:
        raise ValueError("not a search index file")
    return m.group(1), int(m.group(2)), json.loads(m.group(3))
