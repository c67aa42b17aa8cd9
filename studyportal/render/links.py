"""Applying the planner's link table to a rendered page, and making any other dead link in trainer text harmless.

A Python-Markdown extension (not MkDocs): its tree processor runs after Python-Markdown has undone escapes
and before MkDocs turns page sources into URLs and checks them (both at priority 0, in registration order),
so a rewritten link is checked like any other. The plugin sets, for each page, the planner's table
(:attr:`PlannedPage.links`) and whether the page holds trainer text.

On a planned page, a link or picture that ``check`` did not resolve and that MkDocs would fail on under
``--strict`` (a ``material:`` link, or a relative target with a file extension that is not a file of the
site) is turned into its plain text, and reported at INFO: ``check`` reports the errors it knows before
any build starts, and whatever it does not know must never stop a publish.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from collections.abc import Callable
from urllib.parse import urlsplit

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from studyportal.plan.links import href_key
from studyportal.vocabulary import MATERIAL_LINK


class PageLinks(Extension):
    """One instance for the whole build; :meth:`start_page` before each page is rendered."""

    def __init__(self, exists: Callable[[str], bool], note: Callable[[str], None]) -> None:
        super().__init__()
        self.exists = exists  # whether a site path (``materials/x/tu.png``) is a page or file of the site
        self.note = note
        self.src = ""
        self.table: dict[str, str] = {}
        self.trainer = False

    def start_page(self, src: str, table: dict[str, str], trainer: bool) -> None:
        self.src, self.table, self.trainer = src, table, trainer

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 — Python-Markdown's name
        md.treeprocessors.register(_Rewrite(md, self), "studyportal_links", 0)


class _Rewrite(Treeprocessor):
    def __init__(self, md: Markdown, owner: PageLinks) -> None:
        super().__init__(md)
        self.owner = owner

    def run(self, root: etree.Element) -> None:
        owner = self.owner
        for element in root.iter():
            attr = "href" if element.tag == "a" else "src" if element.tag == "img" else ""
            value = element.get(attr) if attr else None
            if value is None:
                continue
            new = owner.table.get(href_key(value))
            if new is not None:
                element.set(attr, new)
            elif owner.trainer and _dead(value, owner.src, owner.exists):
                owner.note(f"{owner.src}：链接或图片 {value} 在网站上找不到，已显示为普通文字；请把它改成 [文字](目标) 的简单写法")
                text = element.get("alt", "") if element.tag == "img" else None
                element.attrib.clear()
                element.tag = "span"
                if text is not None:
                    element.text = text


def _dead(value: str, src: str, exists: Callable[[str], bool]) -> bool:
    """A target MkDocs would fail on: ``material:…`` left unresolved, or a relative path with an extension that is not in the site."""
    if value.lower().startswith(MATERIAL_LINK):
        return True
    if AMP_SUBSTITUTE in value:  # an e-mail address Python-Markdown obfuscated
        return False
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith(("/", "\\")) or not parts.path:
        return False
    path = href_key(parts.path)
    if not posixpath.splitext(path)[1]:
        return False  # a folder: MkDocs only notes it
    target = posixpath.normpath(posixpath.join(posixpath.dirname(src), path))
    return not exists(target)
