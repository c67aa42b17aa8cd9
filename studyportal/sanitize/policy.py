"""What trainer content may contain once rendered: the one allow-list the sanitiser and ``check`` share."""

from __future__ import annotations

import re

TAGS = frozenset(
    "a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s small span strong sub summary sup "
    "table tbody td tfoot th thead tr u ul".split()
)
# Removed together with everything inside them (the rest of a removed tag's content is kept as text).
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

_COMMON = frozenset({"id", "class", "title", "lang"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": _COMMON,
    "a": _COMMON | {"href"},
    "img": _COMMON | {"src", "alt", "width", "height"},
    "td": _COMMON | {"colspan", "rowspan", "align"},
    "th": _COMMON | {"colspan", "rowspan", "align"},
    "ol": _COMMON | {"start", "type"},
    "details": _COMMON | {"open"},
}

# Classes the theme gives a meaning to: the portal's own (sp-…, never the search panel's) and what
# Markdown extensions write. Any other class is dropped, so no trainer can borrow a theme class that
# is positioned over the page (Material's overlays and dialogs are position: fixed).
_CLASS_NAMES = frozenset(
    "admonition admonition-title note abstract info tip success question warning failure danger bug example quote "
    "headerlink toc footnote footnote-ref footnote-backref".split()
)
_CLASS_PREFIXES = ("sp-", "language-")
_CLASS_REFUSED_PREFIXES = ("sp-search",)
# Material's own element ids start with two underscores (__drawer, __search, __config…).
_THEME_ID = re.compile(r"^__")


def tag_allowed(tag: str) -> bool:
    return tag in TAGS


def attribute_allowed(tag: str, attr: str) -> bool:
    return attr in ATTRIBUTES.get(tag, ATTRIBUTES["*"])


def class_allowed(name: str) -> bool:
    return name in _CLASS_NAMES or (name.startswith(_CLASS_PREFIXES) and not name.startswith(_CLASS_REFUSED_PREFIXES))


def id_allowed(value: str) -> bool:
    return not _THEME_ID.match(value)


def allowed_classes(value: str) -> tuple[list[str], list[str]]:
    """The classes of a ``class`` attribute split into (kept, removed)."""
    kept, removed = [], []
    for name in value.split():
        (kept if class_allowed(name) else removed).append(name)
    return kept, removed
