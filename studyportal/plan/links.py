"""Where each link and picture a trainer wrote points on one planned page, and which files go with the page.

A material's ``[文字](material:xin-dangzhang)``, ``[文字](../dangzhang/xin-dangzhang.md)`` and ``![说明](图片.png)``
are written relative to its source file, but the page lives at ``materials/<slug>/``. The planner gives each page
a table from the target as written to the target on that page (a page source, which the site generator turns
into a URL and checks, or the ASCII name of a file copied beside the page); the renderer applies it to the
rendered links, so the Markdown itself is never edited.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

from studyportal.model import Catalog, Reference
from studyportal.plan.types import link, material_src


def href_key(value: str) -> str:
    """The form in which a written target and the ``href`` Markdown produced are compared."""
    return unquote(value).replace("\\", "/")


def page_links(refs: list[Reference], from_src: str, catalog: Catalog, folder: str) -> dict[str, str]:
    """Written target → target on the page ``from_src``; ``folder`` is where the owner's files are copied."""
    out: dict[str, str] = {}
    for ref in refs:
        anchor = f"#{ref.anchor}" if ref.anchor else ""
        if ref.kind in ("material", "page") and ref.slug:
            if ref.slug in catalog.materials:
                out[href_key(ref.href)] = link(from_src, material_src(ref.slug)) + anchor
            else:  # left out of this edition: a folder link, which the site generator leaves alone and an offline copy marks
                out[href_key(ref.href)] = posixpath.relpath(f"materials/{ref.slug}", posixpath.dirname(from_src)) + "/" + anchor
        elif ref.kind == "file" and ref.name:
            out[href_key(ref.href)] = link(from_src, f"{folder}/{ref.name}")
    return out


def page_assets(refs: list[Reference], folder: str) -> dict[str, str]:
    """The pictures and attachments to publish in ``folder``: site path → source file."""
    return {f"{folder}/{ref.name}": str(ref.path) for ref in refs if ref.kind == "file" and ref.path is not None and ref.name}
