"""Which pages go into the search index, and what of them: the plugin hands every rendered page here."""

from __future__ import annotations

import re
from pathlib import Path

from studyportal.plan.selftest import SELFTEST_ID
from studyportal.plan.types import PlannedPage
from studyportal.search.extract import first_paragraph, page_text
from studyportal.search.index import SearchDoc

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "search"
# Where the plugin copies the browser files inside the site: the search box (search.js, which the
# header loads) loads the engine (engine.js) and lunr.min.js from here when the reader opens it.
ASSET_DIR = "assets/studyportal/search"
ASSET_FILES = ("search.js", "engine.js", "search.css", "lunr.min.js")
STYLESHEET = f"{ASSET_DIR}/search.css"
_SELFTEST = f'<h2 id="{SELFTEST_ID}"'
_H1 = re.compile(r"<h1\b[^>]*>.*?</h1\s*>", re.S | re.I)


def asset_files() -> list[tuple[str, Path]]:
    """``(path in the site, file in the package)`` of the search box's scripts and styles."""
    return [(f"{ASSET_DIR}/{name}", ASSETS / name) for name in ASSET_FILES]


def page_document(url: str, title: str, content_html: str, planned: PlannedPage | None) -> SearchDoc | None:
    """The search document of a rendered page, or ``None`` for pages search leaves out.

    Materials are indexed whole; a curriculum by its title, introduction and module names (its
    lists of material titles would match every title); hand-written pages (``docs/``) whole. Home,
    module, topic, kind and what's-new pages only list materials and are left out. Drafts are never
    planned, so they never get here.
    """
    if planned is None:
        text, headings = page_text(_H1.sub("", content_html, count=1))  # the title is a field of its own
        return SearchDoc(url, title, "page", headings=headings, body=text)
    sp = planned.meta.get("sp") or {}
    if sp.get("type") == "material":
        text, headings = page_text(content_html.split(_SELFTEST, 1)[0])  # the self-test's questions are not the material's text
        return SearchDoc(
            url,
            planned.title,
            sp.get("kind", "material"),
            [a["code"] for a in sp.get("audiences", [])],
            bool(sp.get("required")),
            sp.get("summary", ""),
            headings,
            [t["name"] for t in sp.get("topics", [])],
            text,
        )
    if sp.get("type") == "curriculum":
        _, headings = page_text(content_html)
        return SearchDoc(url, planned.title, "curriculum", [sp["audience"]] if sp.get("audience") else [], False,
                         first_paragraph(content_html), headings)  # fmt: skip
    return None
