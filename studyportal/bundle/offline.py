"""Making a built site safe to open from ``file://``: drop web-only files, fix links, refuse outside resources."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from studyportal.bundle.errors import BundleError
from studyportal.bundle.links import rewrite_anchors, tag_attrs
from studyportal.render.generator import THEME_SCRIPTS, THEME_SEARCH_FILES, WEB_ONLY_FILES, offline_assets, strip_remote_diagrams
from studyportal.sanitize.urls import check_resource, srcset_urls

_FETCHING_TAG = re.compile(r"<(script|img|iframe|frame|audio|video|source|track|embed|object|link|input)\b[^>]*>", re.I)
_FETCHED_ATTRS = ("src", "data", "poster", "srcset", "href")
_LINK_FETCHES = re.compile(r"\brel\s*=\s*[\"']?[^\"'>]*\b(stylesheet|icon|preload|prefetch|modulepreload|manifest)\b", re.I)
_CSS_URL = re.compile(r"url\(\s*([\"']?)(.*?)\1\s*\)|@import\s+([\"'])(.*?)\3", re.I | re.S)


@dataclass
class OfflineReport:
    """What :func:`make_offline` changed."""

    pages: int = 0
    removed: list[str] = field(default_factory=list)
    missing_links: int = 0
    external_links: int = 0


def make_offline(site: Path) -> OfflineReport:
    """Turn a built site (``use_directory_urls: false``) into a folder that opens from ``file://``."""
    report = OfflineReport()
    html_pages = sorted(site.rglob("*.html"))
    used = "".join(_resource_refs(p.read_text(encoding="utf-8", errors="replace")) for p in html_pages)
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if not path.is_file():
            continue
        theme_search = rel.startswith(THEME_SEARCH_FILES) and rel not in used
        if rel in WEB_ONLY_FILES or rel.endswith(".map") or theme_search:  # source maps are for developers
            path.unlink()
            report.removed.append(rel)
    _remove_empty_dirs(site)
    for dest, source in offline_assets():
        (site / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, site / dest)
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    problems: list[str] = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8")
        new_text, missing, external = rewrite_anchors(rel, strip_remote_diagrams(text), files)
        report.pages += 1
        report.missing_links += missing
        report.external_links += external
        problems += [f"{rel}：{what}" for what in remote_resources(new_text, rel)]
        if new_text != text:
            path.write_text(new_text, encoding="utf-8", newline="")
    for path in sorted(site.rglob("*.css")):
        rel = path.relative_to(site).as_posix()
        problems += [f"{rel}：样式引用了外网资源 {url}" for url in css_remote_urls(path.read_text(encoding="utf-8", errors="replace"), rel)]
    if problems:
        shown = "\n".join(f"  - {p}" for p in problems[:30]) + (f"\n  ……共 {len(problems)} 处" if len(problems) > 30 else "")
        raise BundleError(
            f"离线版不能从外网加载任何东西，但这些页面引用了外网资源：\n{shown}\n"
            "请把图片、样式或脚本下载到 docs/ 或 overrides/ 里，用相对路径引用，然后重新打包。"
        )
    return report


def remote_resources(text: str, page: str = "") -> list[str]:
    """Resources a browser would load from outside the copy when showing this HTML (links to click are not counted).

    Every ``src``/``srcset``/``poster``/``data`` and fetching ``<link href>`` is resolved the way a browser
    resolves it, with the same URL filter the sanitiser uses; ``page`` is the page's path in the site.
    """
    found = []
    for match in _FETCHING_TAG.finditer(text):
        tag = match.group(1).lower()
        if tag == "link" and not _LINK_FETCHES.search(match.group(0)):
            continue
        for attr, value in tag_attrs(match.group(0)):
            if attr not in _FETCHED_ATTRS or value is None or (attr == "href" and tag != "link"):
                continue
            for url in srcset_urls(value) if attr == "srcset" else [value]:
                if not check_resource(url, page).value and not url.startswith("data:"):
                    found.append(f"<{tag} {attr}> 引用了本离线版以外的资源 {url}")
    found += [f"内嵌样式引用外网资源 {url}" for url in css_remote_urls(text, page)]
    return found


def css_remote_urls(css: str, page: str = "") -> list[str]:
    """``url(…)`` and ``@import`` targets in CSS (or in HTML's inline styles) that leave the copy."""
    urls = [m.group(2) or m.group(4) or "" for m in _CSS_URL.finditer(css)]
    return [u for u in urls if u and not u.startswith(("data:", "#")) and check_resource(u, page).value is None]


def _resource_refs(text: str) -> str:
    return "\n".join(m.group(0) for m in re.finditer(r"(?:src|href)=\"[^\"]*\"", text) if THEME_SCRIPTS in m.group(0))


def _remove_empty_dirs(root: Path) -> None:
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            shutil.rmtree(folder)
