"""Stable ASCII names for URLs and file names, derived from Chinese text via pinyin."""

from __future__ import annotations

import re

_NON_SLUG = re.compile(r"[^a-z0-9]+")
# Slugs of Chinese text made in this process or handed over by the last build (load/memo.py): loading pypinyin's
# dictionaries costs a warm build about a sixth of a second, for topic names it slugged last time.
_KNOWN: dict[tuple[str, int], str] = {}
_USED: set[tuple[str, int]] = set()


def used_slugs() -> dict[tuple[str, int], str]:
    """The slugs of Chinese text this process asked for: ``(text, max_words)`` → slug (what the next build may reuse)."""
    return {k: _KNOWN[k] for k in sorted(_USED)}


def learn_slugs(slugs: object) -> None:
    """Take slugs made by an earlier build with the same pypinyin (anything malformed is ignored)."""
    if isinstance(slugs, dict):
        _KNOWN.update((k, v) for k, v in slugs.items() if isinstance(k, tuple) and len(k) == 2 and isinstance(v, str))


def slugify(text: str, max_words: int = 8) -> str:
    """``学习新党章.md`` → ``xue-xi-xin-dang-zhang``: lowercase ASCII, digits and hyphens only."""
    if text.isascii():
        return _slug([text], max_words)  # what pinyin gives for text without Chinese
    _USED.add((text, max_words))
    known = _KNOWN.get((text, max_words))
    if known is None:
        from pypinyin import lazy_pinyin  # its dictionaries take a second to load: only when there is Chinese

        known = _KNOWN[(text, max_words)] = _slug(lazy_pinyin(text), max_words)
    return known


def _slug(pieces: list[str], max_words: int) -> str:
    words = []
    for word in pieces:
        cleaned = _NON_SLUG.sub("-", word.lower()).strip("-")
        words.extend(w for w in cleaned.split("-") if w)
    return "-".join(words[:max_words]) or "x"
