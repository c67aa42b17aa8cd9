"""Stable ASCII names for URLs and file names, derived from Chinese text via pinyin."""

from __future__ import annotations

import re

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_words: int = 8) -> str:
    """``学习新党章.md`` → ``xue-xi-xin-dang-zhang``: lowercase ASCII, digits and hyphens only."""
    if text.isascii():
        pieces = [text]  # what pinyin gives for text without Chinese
    else:
        from pypinyin import lazy_pinyin  # its dictionaries take a second to load: only when there is Chinese

        pieces = lazy_pinyin(text)
    words = []
    for word in pieces:
        cleaned = _NON_SLUG.sub("-", word.lower()).strip("-")
        words.extend(w for w in cleaned.split("-") if w)
    return "-".join(words[:max_words]) or "x"
