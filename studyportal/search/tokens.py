"""The token scheme shared by the index builder (here) and the search box (``assets/search/search.js``).

Chinese is not segmented into words: every run of Han characters becomes its overlapping character
bigrams, so a query typed as people type it — a whole phrase without spaces, a part of a word
(``组织`` inside ``党组织``), a single word — is made of the same bigrams as the text that contains
it, and no dictionary (jieba) is needed in the browser. Runs of Latin letters and digits are whole
words (``2026``, ``commerce``). Documents also index every single Han character so that a one-character
query (``党``, ``2026年``'s ``年``) still finds something; queries use single characters only for
runs of length one.

Folding is a fixed, length-preserving table (ASCII letters to lower case, full-width ASCII such as
``Ａ`` ``２`` ``（`` ``：`` to ASCII) so that both implementations give identical results and snippet offsets stay valid.
The JavaScript port must stay character-for-character identical; ``tests/test_search_browser.py``
checks that on real sentences.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from dataclasses import dataclass

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
MAX_WORD = 40  # longer Latin runs (hashes, long URLs) are not indexed
MAX_QUERY = 100  # characters of a query that count (a pasted paragraph would load every postings file)

_FOLD: dict[int, int] = {c: c + 32 for c in range(0x41, 0x5B)}  # A-Z → a-z
# Full-width ASCII (！ to ～, so also （ ） ： － ＋) → ASCII, letters lower-cased.
_FOLD.update({c: c - 0xFEE0 + (32 if 0xFF21 <= c <= 0xFF3A else 0) for c in range(0xFF01, 0xFF5F)})
_FOLD[0x3000] = 0x20  # ideographic space

_RUN = re.compile(f"[{HAN_RANGES}]+|[0-9a-z]+")
_HAN = re.compile(f"[{HAN_RANGES}]")


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


def runs(folded: str) -> list[str]:
    """Maximal runs of Han characters and of ``[0-9a-z]`` in already-folded text."""
    return _RUN.findall(folded)


def doc_terms(text: str) -> list[str]:
    """Every index term of a document field, with repetitions (for term frequencies)."""
    out: list[str] = []
    for run in runs(fold(text)):
        if is_han(run[0]):
            out.extend(run)
            out.extend([run[i : i + 2] for i in range(len(run) - 1)])
        elif len(run) <= MAX_WORD:
            out.append(run)
    return out


_NON_HAN = re.compile(f"[^{HAN_RANGES}]+")
_LATIN = re.compile("[0-9a-z]+")
_ALNUM_TO_FOLD = re.compile("[A-Z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_STRADDLE = re.compile("(?=(.\x00|\x00.))", re.S)


def term_counts(text: str) -> Counter[str]:
    """``Counter(doc_terms(text))``, computed faster (the build indexes millions of characters)."""
    # Punctuation is a separator folded or not: fold only when a letter or digit needs it.
    folded = fold(text) if _ALNUM_TO_FOLD.search(text) else text
    counts = Counter(_NON_HAN.sub("", folded))
    # Bigrams of all Han runs at once: runs joined by NUL, then the pairs that straddle a NUL dropped.
    joined = _NON_HAN.sub("\x00", folded)
    counts.update(map(operator.add, joined, joined[1:]))
    for broken in set(_STRADDLE.findall(joined)):
        del counts[broken]
    counts.update([w for w in _LATIN.findall(folded) if len(w) <= MAX_WORD])
    return counts


def query_terms(text: str) -> list[str]:
    """The distinct terms of one query part, in order: bigrams of Han runs (one character alone if the run has one)."""
    out: list[str] = []
    for run in runs(fold(text)):
        if is_han(run[0]):
            grams = [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        else:
            grams = [run[:MAX_WORD]]
        for g in grams:
            if g not in out:
                out.append(g)
    return out


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
