"""Deciding what a URL in trainer content may point at, parsed the way a browser parses it.

Prefix tests miss what browsers accept: ``/\\evil.example/x.png``, `` //evil.example/x.png``,
``HTTP://…`` and ``java\\tscript:`` all reach another host or run script. So every value is
resolved with a WHATWG URL parser (ada, the parser Node.js uses) against a made-up base that
stands for the page's place inside the site, and only the result is judged:

- the made-up base is tried as an ``http:`` page and as a ``file:`` page (the offline copy), since
  a browser reads ``https:host/x`` or ``/\\host/x`` differently on each; a value must be safe on both;
- a **resource** (``img src`` and anything else the browser loads by itself) must be a relative
  path that stays inside the site: no scheme, no host, no leading ``/`` (which would leave the
  copy when the site is opened from ``file://`` on a terminal), no ``..`` above the site root;
- a **link** (``a href``) may also go to ``http``, ``https``, ``mailto`` and ``tel``; an outside
  link is rewritten to its parsed form, so ``//host`` and ``/\\host`` become ``https://host/``
  (offline, ``//host`` would otherwise open ``file://host/`` — a Windows network share).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ada_url import URL

_HOST = "studyportal.invalid"
_ROOT = "/__site__/"


@dataclass(frozen=True)
class Verdict:
    """What to do with one URL: keep it as ``value`` (possibly rewritten), or drop it (``value`` is None)."""

    value: str | None
    outside: bool = False
    reason: str = ""


def _folder(page_url: str) -> str:
    """The site-relative folder of ``page_url`` (``materials/x/`` or ``materials/x/index.html`` → ``materials/x/``)."""
    folder = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    return folder.lstrip("/")


def _parse(value: str, base: str) -> URL | None:
    try:
        return URL(value, base)
    except ValueError:
        return None


def _resolve(value: str, page_url: str) -> tuple[URL | None, URL | None]:
    """``value`` as a browser reads it on this page served over HTTP, and opened from a USB stick."""
    folder = _folder(page_url)
    return _parse(value, f"http://{_HOST}{_ROOT}{folder}"), _parse(value, f"file://{_ROOT}{folder}")


def _inside(web: URL | None, offline: URL | None) -> bool:
    return (
        web is not None
        and offline is not None
        and web.protocol == "http:"
        and web.host == _HOST
        and web.pathname.startswith(_ROOT)
        and offline.protocol == "file:"
        and not offline.host
        and offline.pathname.startswith(_ROOT)
    )


def _root_relative(value: str) -> bool:
    # What the parser does first: strip leading C0 controls and spaces; tabs and newlines vanish anywhere.
    stripped = value.lstrip("".join(map(chr, range(0x21)))).replace("\t", "").replace("\n", "").replace("\r", "")
    return stripped.startswith(("/", "\\"))


def check_resource(value: str, page_url: str = "") -> Verdict:
    """Whether the browser may load ``value`` by itself on the page at ``page_url`` (images and the like)."""
    web, offline = _resolve(value, page_url)
    if web is None or offline is None:
        return Verdict(None, reason="地址写法有误")
    if not _inside(web, offline):
        host = next((u.host for u in (web, offline) if u.host and u.host != _HOST), "")
        if host:
            return Verdict(None, True, f"来自站外（{host}），读者的浏览器会去外网加载")
        if web.protocol == "data:":
            return Verdict(None, reason="是内嵌的 data: 数据")
        if web.protocol not in ("http:", "https:"):
            return Verdict(None, reason=f"用了 {web.protocol} 协议")
        return Verdict(None, reason="跳出了网站文件夹（.. 太多）")
    if _root_relative(value):
        return Verdict(None, reason="以 / 开头，离线版从 U 盘打开时会找不到")
    return Verdict(value)


def check_link(value: str, page_url: str = "") -> Verdict:
    """Whether ``value`` may be the target of a link a reader clicks; outside links come back rewritten and marked."""
    if value.startswith("#"):
        return Verdict(value)
    web, offline = _resolve(value, page_url)
    if web is None or offline is None:
        return Verdict(None, reason="地址写法有误")
    if _inside(web, offline):
        return Verdict(value)
    if web.protocol in ("mailto:", "tel:"):
        return Verdict(value)
    if web.protocol not in ("http:", "https:"):
        return Verdict(None, reason=f"不允许的链接协议 {web.protocol}")
    if web.host == _HOST:  # a root-relative path (kept as written), or a form that leaves the site folder
        return Verdict(value) if _root_relative(value) else Verdict(None, reason="跳出了网站文件夹（.. 太多）")
    if _root_relative(value):  # //host, /\host: scheme-relative, which offline would open as file://host
        web.protocol = "https:"
    return Verdict(web.href, outside=True)


def srcset_urls(value: str) -> list[str]:
    """The URLs of an ``srcset`` attribute (each candidate is ``URL [descriptor]``, comma-separated)."""
    return [part.split()[0] for part in value.split(",") if part.split()]
