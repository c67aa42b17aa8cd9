"""What the planner produces: pages and a navigation tree, independent of any site generator."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PlannedPage:
    """One page of the site.

    ``markdown`` is the page body; ``template`` and ``meta`` let a theme render the parts that
    are layout rather than text (the material header, the curriculum layout). Any ``*_src``
    value inside ``meta`` names another page by its ``src_uri``; the renderer turns it into a link.
    Every page holds trainer-written text and is sanitised after rendering, whatever made it.
    """

    src_uri: str
    title: str
    markdown: str
    template: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    # Trainer links rewritten for this page (written target → relative target; see plan/links.py), and the
    # pictures and attachments published with it (site path → source file).
    links: dict[str, str] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)


@dataclass
class NavItem:
    """A navigation entry: a page, or a section with children."""

    title: str
    src_uri: str | None = None
    children: list[NavItem] = field(default_factory=list)


@dataclass
class SitePlan:
    """All planned pages (by ``src_uri``) and the navigation tree."""

    pages: dict[str, PlannedPage] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # other files the site carries, by path (calendars)

    def add(self, page: PlannedPage) -> None:
        self.pages[page.src_uri] = page


def link(from_src: str, to_src: str) -> str:
    """Relative Markdown link target from one page source to another (the site generator rewrites it)."""
    return _relative(to_src, posixpath.dirname(from_src))


def _relative(to_src: str, from_dir: str) -> str:
    """``posixpath.relpath`` for plain relative paths (no ``.``, ``..`` or empty parts), without its ``abspath`` calls."""
    a, b = from_dir.split("/") if from_dir else [], to_src.split("/")
    if any(part in ("", ".", "..") for part in a + b):
        return posixpath.relpath(to_src, from_dir or ".")
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    return "/".join([".."] * (len(a) - i) + b[i:]) or "."


def material_src(slug: str) -> str:
    return f"materials/{slug}/index.md"


def curriculum_src(audience: str) -> str:
    return f"curricula/{audience}/index.md"


def module_src(audience: str, key: str) -> str:
    return f"curricula/{audience}/{key}/index.md"


def topic_src(topic_slug: str) -> str:
    return f"topics/{topic_slug}/index.md"


def kind_src(kind: str) -> str:
    return f"kinds/{kind}/index.md"


HOME_SRC = "index.md"
TOPICS_SRC = "topics/index.md"
NEW_SRC = "new/index.md"
