"""A page's search terms, counted with numpy and kept compact: what the index builder needs of a page.

The token rule is :func:`studyportal.search.tokens.term_counts` (every Han character, every bigram of a
Han run, every Latin word of at most ``MAX_WORD`` letters, after folding); this module applies the
same rule to a whole field at once. Han characters all lie in the Basic Multilingual Plane, so a Han
term is a 32-bit key — a character its code point (below 2¹⁶), a bigram ``first << 16 | second`` (at
least ``0x3400 << 16``) — and a page's terms are two small arrays instead of thousands of strings;
Latin words, rare in Chinese materials, stay strings. :class:`PageTerms` is
what a rendering process sends to the build, and what the build cache keeps of a page for search.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from studyportal.search.tokens import FOLD_RANGES, HAN_BLOCKS, MAX_WORD

SHIFT = 16
BIGRAM_MIN = 1 << SHIFT  # keys from here on are bigrams
FIELD_COUNT = 4  # title, summary, headings, body (index.FIELDS)
_LATIN = re.compile("[0-9a-z]+")
_ALNUM_TO_FOLD = re.compile("[A-Z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_EMPTY_KEYS = np.zeros(0, dtype=np.uint32)
_EMPTY_COUNTS = np.zeros(0, dtype=np.uint16)


@dataclass
class FieldTerms:
    """The terms of one field: Han keys (sorted, distinct) with their counts, and Latin words with theirs."""

    keys: np.ndarray  # uint32
    counts: np.ndarray  # same length: uint16, or uint32 when a term occurs more than 65,535 times
    words: dict[str, int]

    def total(self) -> int:
        """How many terms the field has, repeats included (lunr's field length)."""
        return int(self.counts.sum()) + sum(self.words.values())

    def __bool__(self) -> bool:
        return bool(len(self.keys) or self.words)


def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables over the Basic Multilingual Plane: whether a code point is Han, and what it folds to."""
    han = np.zeros(0x10000, dtype=bool)
    for first, last in HAN_BLOCKS:
        han[first : last + 1] = True
    folded = np.arange(0x10000, dtype=np.int64)
    for first, last, to in FOLD_RANGES:
        folded[first : last + 1] = np.arange(to, to + last - first + 1)
    return han, folded


_IS_HAN, _FOLDED = _tables()
_LAST = 0xFFFF  # neither Han nor folded: stands for every code point beyond the table


def count_field(text: str) -> FieldTerms:
    """The terms of a field, counted: the same multiset as ``tokens.term_counts(text)``."""
    if not text:
        return FieldTerms(_EMPTY_KEYS, _EMPTY_COUNTS, {})
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int64)
    folded = text
    if _ALNUM_TO_FOLD.search(text):  # as term_counts: fold only when a letter or digit needs it
        cps = np.where(cps < _LAST, _FOLDED[np.minimum(cps, _LAST)], cps)
        folded = cps.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    han = _IS_HAN[np.minimum(cps, _LAST)]
    pairs = han[:-1] & han[1:]
    keys = np.concatenate([cps[han], (cps[:-1][pairs] << SHIFT) | cps[1:][pairs]])
    unique, counts = np.unique(keys, return_counts=True)
    words = Counter(w for w in _LATIN.findall(folded) if len(w) <= MAX_WORD)
    return FieldTerms(unique.astype(np.uint32), _narrow(counts), dict(words))


def _narrow(counts: np.ndarray) -> np.ndarray:
    return counts.astype(np.uint16 if not len(counts) or counts.max() <= 0xFFFF else np.uint32)


def key_text(key: int) -> str:
    """The term a Han key stands for."""
    return chr(key >> SHIFT) + chr(key & 0xFFFF) if key >= BIGRAM_MIN else chr(key)


@dataclass
class PageTerms:
    """What the index keeps of one page: its entry in ``meta.js``, its text for snippets, and its terms per field.

    ``entry`` is ``[url, title, kind, audiences, required]``; ``text`` is the page's ``[summary, body, topics]``
    already written as JSON (as it goes into ``t/*.js``) and ``text_bytes`` the UTF-8 size of summary and body.
    """

    entry: list[Any]
    text: str
    text_bytes: int
    fields: list[FieldTerms]

    @property
    def url(self) -> str:
        return str(self.entry[0])

    def to_blobs(self) -> tuple[str, bytes]:
        """A JSON header and one binary blob (keys and counts of every field): what the build cache stores."""
        head = {
            "entry": self.entry,
            "text": self.text,
            "text_bytes": self.text_bytes,
            "fields": [[len(f.keys), f.counts.dtype.itemsize, f.words] for f in self.fields],
        }
        blob = b"".join(f.keys.astype("<u4").tobytes() + f.counts.astype(f"<u{f.counts.dtype.itemsize}").tobytes() for f in self.fields)
        return json.dumps(head, ensure_ascii=False, separators=(",", ":")), blob

    @classmethod
    def from_blobs(cls, head_text: str, blob: bytes) -> PageTerms:
        """Read back :meth:`to_blobs`; raises ``ValueError`` (or ``KeyError``/``TypeError``) on anything malformed."""
        head = json.loads(head_text)
        fields: list[FieldTerms] = []
        at = 0
        for n, size, words in head["fields"]:
            if not isinstance(n, int) or n < 0 or size not in (2, 4) or not isinstance(words, dict):
                raise ValueError("bad field")
            keys = np.frombuffer(blob, dtype="<u4", count=n, offset=at).astype(np.uint32)
            at += 4 * n
            counts = np.frombuffer(blob, dtype=f"<u{size}", count=n, offset=at).astype(np.uint16 if size == 2 else np.uint32)
            at += size * n
            if not all(isinstance(w, str) and isinstance(c, int) for w, c in words.items()):
                raise ValueError("bad words")
            fields.append(FieldTerms(keys, counts, words))
        if at != len(blob) or len(fields) != FIELD_COUNT:
            raise ValueError("bad blob length")
        entry, text = head["entry"], head["text"]
        if not isinstance(entry, list) or len(entry) != 5 or not isinstance(text, str):
            raise ValueError("bad entry")
        return cls(entry, text, int(head["text_bytes"]), fields)
