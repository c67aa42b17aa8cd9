"""Making trainer-written HTML safe: no script, no event handlers, no frames, no outside resources."""

from __future__ import annotations

import nh3

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
_COMMON = {"id", "class", "title", "lang"}
_ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href"},
    "img": _COMMON | {"src", "alt", "width", "height"},
    "td": _COMMON | {"colspan", "rowspan", "align"},
    "th": _COMMON | {"colspan", "rowspan", "align"},
    "ol": _COMMON | {"start", "type"},
    "details": _COMMON | {"open"},
}


def _filter(tag: str, attr: str, value: str) -> str | None:
    # Images must come from the site itself: an outside image is a request readers' browsers should not make.
    if tag == "img" and attr == "src" and (value.startswith(("http:", "https:", "//", "data:"))):
        return None
    return value


def sanitize_html(html: str) -> str:
    """Remove anything from rendered trainer content that could run script or load from outside."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        attribute_filter=_filter,
        strip_comments=True,
    )
