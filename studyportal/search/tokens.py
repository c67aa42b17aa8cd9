"""The token rule, in one place: terms of documents and of queries, and the highlighter that follows it.

Chinese is not segmented into words: every run of Han characters becomes its overlapping character
bigrams, so a query typed as people type it — a whole phrase without spaces, a part of a word
(``组织`` inside ``党组织``), a single word — is made of the same bigrams as the text that contains
it, and no dictionary (jieba) is needed in the browser. Runs of Latin letters and digits are whole
words (``2026``, ``commerce``). Documents also index every single Han character so that a one-character
query (``党``, ``2026年``'s ``年``) still finds something; queries use single characters only for
runs of length one.

Folding is a fixed, length-preserving table (ASCII letters to lower case, full-width ASCII such as
``Ａ`` ``２`` ``（`` ``：`` to ASCII) so that snippet offsets stay valid.

The browser's engine (``assets/search/engine.js``) implements queries and highlighting only (the
index is built here); it builds its rule from :func:`rules`, which the index carries in ``meta.js``,
so the character classes, the fold table and the limits are never copied by hand.
``tests/js/engine.test.js`` checks both give the same terms, parts, highlights and rankings.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

# The rule's settings, written into the index for the browser (see :func:`rules`).
HAN_BLOCKS: tuple[tuple[int, int], ...] = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))  # first, last code point
FOLD_RANGES: tuple[tuple[int, int, int], ...] = (  # first, last code point → code point of the first
    (0x41, 0x5A, 0x61),  # A–Z → a–z
    (0xFF01, 0xFF20, 0x21),  # full-width ！ … ＠ (so also （ ） ： － ＋) → ASCII
    (0xFF21, 0xFF3A, 0x61),  # Ａ–Ｚ → a–z
    (0xFF3B, 0xFF5E, 0x5B),  # full-width ［ … ～, ａ–ｚ included → ASCII
    (0x3000, 0x3000, 0x20),  # ideographic space
)
MAX_WORD = 40  # longer Latin runs (hashes, long URLs) are not indexed
MAX_QUERY = 100  # characters of a query that count (a pasted paragraph would load every postings file)
SNIPPET = 110  # characters of text shown around the match
LEAD = 24  # characters shown before the match

HAN_RANGES = "".join(f"{chr(first)}-{chr(last)}" for first, last in HAN_BLOCKS)
_FOLD: dict[int, int] = {c: to + c - first for first, last, to in FOLD_RANGES for c in range(first, last + 1)}
_RUN = re.compile(f"[{HAN_RANGES}]+|[0-9a-z]+")
_HAN = re.compile(f"[{HAN_RANGES}]")


def rules() -> dict[str, Any]:
    """What the browser's engine builds the same rule from (``meta.js``, key ``rules``)."""
    return {
        "han": [list(b) for b in HAN_BLOCKS],
        "fold": [list(r) for r in FOLD_RANGES],
        "maxWord": MAX_WORD,
        "maxQuery": MAX_QUERY,
        "snippet": SNIPPET,
        "lead": LEAD,
    }


def fold(text: str) -> str:
    """Lower-case ASCII and full-width Latin, full-width digits to ASCII; same length as the input."""
    return text.translate(_FOLD)


_SPACE_AFTER_HAN = re.compile(f"([{HAN_RANGES}])\\s+")
_SPACE_BEFORE_HAN = re.compile(f"\\s+(?=[{HAN_RANGES}])")


def squeeze(folded: str) -> str:
    """Drop the spaces next to Chinese characters (``32 学时`` → ``32学时``) for phrase comparison."""
    return _SPACE_BEFORE_HAN.sub("", _SPACE_AFTER_HAN.sub(r"\1", folded))


def is_han(ch: str) -> bool:
    """Whether a single character is a Han (Chinese) character."""
    return bool(_HAN.match(ch))


_NON_HAN = re.compile(f"[^{HAN_RANGES}]+")
_LATIN = re.compile("[0-9a-z]+")
_ALNUM_TO_FOLD = re.compile("[A-Z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_STRADDLE = re.compile("(?=(.\x00|\x00.))", re.S)


def term_counts(text: str) -> Counter[str]:
    """The terms of a document field, counted: every Han character, every bigram of a Han run, every Latin word ≤ MAX_WORD."""
    # Punctuation is a separator folded or not: fold only when a letter or digit needs it.
    folded = fold(text) if _ALNUM_TO_FOLD.search(text) else text
    counts = Counter(_NON_HAN.sub("", folded))
    # Bigrams of all Han runs at once (the build indexes millions of characters): runs joined by NUL,
    # then the pairs that straddle a NUL dropped.
    joined = _NON_HAN.sub("\x00", folded)
    counts.update(map(operator.add, joined, joined[1:]))
    for broken in set(_STRADDLE.findall(joined)):
        del counts[broken]
    counts.update([w for w in _LATIN.findall(folded) if len(w) <= MAX_WORD])
    return counts


def doc_terms(text: str) -> list[str]:
    """The terms of :func:`term_counts` as a list, each repeated as often as it occurs (for lunr.py's ``Builder``)."""
    return list(term_counts(text).elements())


def query_terms(text: str) -> list[str]:
    """The distinct terms of one query part, in order: bigrams of Han runs (the character alone if the run has one), Latin words."""
    out: dict[str, None] = {}
    for run in _RUN.findall(fold(text)):
        if not is_han(run[0]):
            out[run[:MAX_WORD]] = None
        elif len(run) == 1:
            out[run] = None
        else:
            out.update(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))
    return list(out)


@dataclass(frozen=True)
class QueryPart:
    """One word or phrase of a query as the reader typed it (folded), with lunr's presence."""

    text: str
    terms: tuple[str, ...]
    presence: str  # "optional" | "required" | "prohibited"


_LUNR_SPECIAL = re.compile(r"([\\:^~*])")
_EDGES = re.compile(f"^[^{HAN_RANGES}0-9a-z]+|[^{HAN_RANGES}0-9a-z]+$")


def parse_query(query: str) -> list[QueryPart]:
    """Split a query with lunr's query parser (``+必须`` ``-排除``), then tokenise each clause.

    lunr's field (``:``), boost (``^``), fuzzy (``~``) and wildcard (``*``) syntax means nothing to
    readers, so those characters are escaped and become separators. A query lunr cannot parse
    (a lone ``+``) falls back to whitespace-separated optional parts.
    """
    from lunr.exceptions import BaseLunrException
    from lunr.query import Query, QueryPresence
    from lunr.query_parser import QueryParser

    folded = fold(query[:MAX_QUERY]).strip()
    presence_name = {QueryPresence.OPTIONAL: "optional", QueryPresence.REQUIRED: "required", QueryPresence.PROHIBITED: "prohibited"}
    try:
        parsed = Query(["b"])
        QueryParser(_LUNR_SPECIAL.sub(r"\\\1", folded), parsed).parse()
        raw = [(fold(c.term), presence_name[c.presence]) for c in parsed.clauses]
    except (BaseLunrException, KeyError):
        raw = [(word, "optional") for word in folded.split()]
    parts: list[QueryPart] = []
    for text, presence in raw:
        terms = tuple(query_terms(text))
        if terms:
            parts.append(QueryPart(_EDGES.sub("", text), terms, presence))
    return parts


def snippet(text: str, parts: list[QueryPart]) -> list[tuple[str, bool]]:
    """About :data:`SNIPPET` characters of ``text`` around the first match, as (text, highlighted) pieces."""
    folded = fold(text)
    terms = {t for p in parts for t in p.terms}
    anchor = -1
    for needles in ([p.text for p in parts], sorted(terms)):
        found = [i for i in (folded.find(n) for n in needles) if i >= 0]
        if found:
            anchor = min(found)
            break
    start = max(0, anchor - LEAD)
    end = min(len(text), start + SNIPPET)
    start = max(0, min(start, end - SNIPPET))
    out = highlight(text, start, end, terms)
    if start > 0:
        out.insert(0, ("…", False))
    if end < len(text):
        out.append(("…", False))
    return out


def highlight(text: str, start: int, end: int, terms: set[str]) -> list[tuple[str, bool]]:
    """``text[start:end]`` cut into pieces, highlighted where a query term occurs (bigrams chain into phrases)."""
    folded = fold(text)
    marked = [False] * (end - start)
    for m in _RUN.finditer(folded):
        run, base = m.group(), m.start()
        if base >= end:
            break
        if m.end() <= start:
            continue
        if not is_han(run[0]):
            if run in terms:
                for i in range(base, base + len(run)):
                    if start <= i < end:
                        marked[i - start] = True
            continue
        for i, ch in enumerate(run):
            hit2 = i + 1 < len(run) and run[i : i + 2] in terms
            for j in (i, i + 1) if hit2 else (i,) if ch in terms else ():
                if start <= base + j < end:
                    marked[base + j - start] = True
    pieces: list[tuple[str, bool]] = []
    i = 0
    while i < len(marked):
        j = i
        while j < len(marked) and marked[j] == marked[i]:
            j += 1
        pieces.append((text[start + i : start + j], marked[i]))
        i = j
    return pieces
