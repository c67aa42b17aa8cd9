"""Plain text and headings from a rendered page body, for the search index (regular expressions: fast)."""

from __future__ import annotations

import html
import re

from studyportal.search.tokens import HAN_RANGES

_DROP = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<a [^>]*class=\"headerlink\"[^>]*>.*?</a>|<!--.*?-->", re.S | re.I)
_HEADING = re.compile(r"<h([2-6])\b[^>]*>(.*?)</h\1\s*>", re.S | re.I)
# Block boundaries and table cells separate words; inline tags (strong, a, span) do not.
_BLOCK = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|tfoot|caption|blockquote|pre|br|hr|section|details|summary|figure"
    r"|figcaption|nav|header|footer|article|aside)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")
_HAN_BREAK = re.compile(f"(?<=[{HAN_RANGES}])[ \t]*\n\\s*(?=[{HAN_RANGES}])")
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Collapse whitespace; a line break between two Chinese characters is no space at all."""
    return _SPACE.sub(" ", _HAN_BREAK.sub("", text)).strip()


def html_text(fragment: str) -> str:
    """The readable text of an HTML fragment, blocks separated by a space."""
    fragment = _BLOCK.sub("\x00", _DROP.sub("", fragment))
    text = _HAN_BREAK.sub("", html.unescape(_TAG.sub("", fragment)))
    return _SPACE.sub(" ", text.replace("\x00", " ")).strip()


def page_text(body_html: str) -> tuple[str, list[str]]:
    """``(text, headings)`` of a rendered page body; headings (h2–h6) stay in the text too."""
    stripped = _DROP.sub("", body_html)
    headings = [h for h in (html_text(m.group(2)) for m in _HEADING.finditer(stripped)) if h]
    return html_text(stripped), headings


def first_paragraph(body_html: str) -> str:
    """Text of the first ``<p>`` of a page body (a curriculum's introduction)."""
    m = re.search(r"<p\b[^>]*>(.*?)</p\s*>", body_html, re.S | re.I)
    return html_text(m.group(1)) if m else ""
