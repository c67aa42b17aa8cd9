"""Reading and rewriting ``<a href>`` in built pages so every internal link ends in a file of the bundle."""

from __future__ import annotations

import html
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from studyportal.problems import Problem

ANCHOR = re.compile(r"<a\b[^>]*>", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
MISSING_CLASS = "sp-offline-missing"
EXTERNAL_CLASS = "sp-external"
MISSING_TITLE = "本离线版没有收录这一页"
EXTERNAL_TITLE = "需要联网才能打开"


class _TagParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = attrs


def tag_attrs(tag: str) -> list[tuple[str, str | None]]:
    """The attributes of one start tag, values unescaped."""
    parser = _TagParser()
    parser.feed(tag)
    parser.close()
    return parser.attrs


def _tag(name: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [name] + [k if v is None else f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs]
    return "<" + " ".join(parts) + ">"


def is_external(href: str) -> bool:
    return href.startswith("//") or bool(_SCHEME.match(href))


def resolve(page: str, href: str, files: set[str]) -> str | None:
    """The bundle file an internal ``href`` on ``page`` points to (a folder means its index.html), or None."""
    path = unquote(urlsplit(href).path)
    if not path:
        return page
    base = "" if path.startswith("/") else posixpath.dirname(page)
    target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    if target.startswith("../") or target == "..":
        return None
    for candidate in (target, posixpath.join(target, "index.html")) if not path.endswith("/") else (posixpath.join(target, "index.html"),):
        candidate = candidate.removeprefix("./")
        if candidate in files:
            return candidate
    return None


def rewrite_anchors(page: str, text: str, files: set[str]) -> tuple[str, int, int]:
    """Point folder links at their ``index.html``, mark links to pages not in the bundle, mark outside links.

    Returns the new text, the number of links marked missing, and the number marked external.
    """
    counts = {"missing": 0, "external": 0}

    def fix(match: re.Match[str]) -> str:
        attrs = tag_attrs(match.group(0))
        values = dict(attrs)
        href = values.get("href")
        if href is None or href == "" or href.startswith("#") or href.lower().startswith(("mailto:", "tel:")):
            return match.group(0)
        if is_external(href):
            if not href.lower().startswith(("http:", "https:", "//")):
                return match.group(0)
            counts["external"] += 1
            return _tag("a", _add_class(attrs, EXTERNAL_CLASS, EXTERNAL_TITLE))
        target = resolve(page, href, files)
        if target is None:
            counts["missing"] += 1
            kept = [(k, v) for k, v in attrs if k != "href"]
            return _tag("a", _add_class(kept, MISSING_CLASS, MISSING_TITLE))
        parts = urlsplit(href)
        rel = posixpath.relpath(target, posixpath.dirname(page) or ".")
        new_href = quote(rel) + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        if new_href == href:
            return match.group(0)
        return _tag("a", [(k, new_href if k == "href" else v) for k, v in attrs])

    new_text = ANCHOR.sub(fix, text)
    return new_text, counts["missing"], counts["external"]


def _add_class(attrs: list[tuple[str, str | None]], cls: str, title: str) -> list[tuple[str, str | None]]:
    out = []
    has_title = any(k == "title" for k, _ in attrs)
    has_class = False
    for k, v in attrs:
        if k == "class":
            has_class = True
            v = f"{v} {cls}".strip() if v else cls
        out.append((k, v))
    if not has_class:
        out.append(("class", cls))
    if not has_title:
        out.append(("title", title))
    return out


def link_problems(site: Path) -> list[Problem]:
    """Internal ``<a href>`` of every page that does not name an existing file of the site, on the page's line."""
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    problems = []
    for page in sorted(f for f in files if f.endswith(".html")):
        text = (site / page).read_text(encoding="utf-8", errors="replace")
        for match in ANCHOR.finditer(text):
            href = dict(tag_attrs(match.group(0))).get("href")
            if not href or href.startswith("#") or is_external(href):
                continue
            path = unquote(urlsplit(href).path)
            if path.endswith("/") or resolve(page, href, files) != posixpath.normpath(
                posixpath.join(posixpath.dirname(page), path)
            ).removeprefix("./"):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(Problem(page, line, f"链接 {href} 没有指向本版中的文件", "这是 studyportal 的错误，请报告"))
    return problems
