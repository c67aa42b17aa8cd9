"""Digests for QQ/WeChat groups and SMS: one plain-text message per new or updated material.

A message holds the title, as much of the summary as fits, and the link. Lengths are counted the way
an SMS counts a Chinese text (UCS-2: one unit per character, two for a character outside the Basic
Multilingual Plane such as most emoji), so 70 is one SMS segment. Text that does not fit is shortened
at a character boundary with "…", and never inside a URL, a number or a 《书名》: such a piece is kept
whole or left out. The link itself is never shortened.

The materials come from ``materials/`` (with the dates Git gives, and a base URL for the links) or
from a built site's Atom feed (``feeds/*.xml``, which already holds absolute links).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyportal.errors import StudyportalError
from studyportal.plan.feeds import FEED_SIZE, FeedEntry, changes, feed_path
from studyportal.vocabulary import AUDIENCES, audience_name

SMS_LIMIT = 70  # one SMS segment of Chinese text
GROUP_LIMIT = 500
ELLIPSIS = "…"
MIN_SUMMARY = 6  # fewer units left for the summary than this: leave it out rather than show a stub
_SEPARATOR = "："

# Pieces that are never cut: a URL (ASCII up to the next space or non-ASCII character), a 《书名》 (with any
# 〈…〉 inside), a number or Latin word with its inner separators and a percent sign (2026-11-01, 1.5, 3,000, 5G).
# URLs are found first, so that a number or word just before one ("共5个https://…") never takes its scheme.
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)[!-~]+")
_WHOLE = re.compile(r"《[^《》]*》|(?:[A-Za-z0-9]|\d)+(?:[.,:/\-](?:[A-Za-z0-9]|\d)+)*[%％]?")
_TRAILING = frozenset(" \u3000，、：；,;:（(“‘【《〈-—")  # left dangling before the "…" they are dropped
_ZWJ = "\u200d"


class DigestError(StudyportalError):
    """A digest that cannot be made: no base URL, no feed in the site, materials with errors."""


def sms_length(text: str) -> int:
    """Length as an SMS counts it (UTF-16 code units): a Chinese character is 1, an emoji usually 2."""
    return len(text.encode("utf-16-le")) // 2


def _joins(text: str, j: int) -> bool:
    """Whether the character at ``j`` belongs to the one before it (combining mark, variation selector, emoji modifier)."""
    c = text[j]
    return unicodedata.category(c) in ("Mn", "Mc", "Me") or "\U0001f3fb" <= c <= "\U0001f3ff" or "\U000e0020" <= c <= "\U000e007f"


def pieces(text: str) -> list[str]:
    """``text`` cut into the pieces a shortening may keep or drop: whole URLs, numbers, 《书名》, else single characters."""
    out: list[str] = []
    start = 0
    for url in _URL.finditer(text):
        out += _pieces(text[start : url.start()])
        out.append(url.group())
        start = url.end()
    return out + _pieces(text[start:])


def _pieces(text: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(text):
        m = _WHOLE.match(text, i)
        j = m.end() if m else i + 1
        if not m and "\U0001f1e6" <= text[i] <= "\U0001f1ff" and j < len(text) and "\U0001f1e6" <= text[j] <= "\U0001f1ff":
            j += 1  # a flag is two regional indicators
        while j < len(text) and (_joins(text, j) or text[j - 1] == _ZWJ or text[j] == _ZWJ):
            j += 1
        out.append(text[i:j])
        i = j
    return out


def shorten(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` SMS units, else its longest head of whole pieces followed by "…" ("" if none fits)."""
    if sms_length(text) <= limit:
        return text
    room = limit - sms_length(ELLIPSIS)
    kept: list[str] = []
    used = 0
    for piece in pieces(text):
        n = sms_length(piece)
        if used + n > room:
            break
        kept.append(piece)
        used += n
    while kept and kept[-1] in _TRAILING:
        kept.pop()
    return "".join(kept) + ELLIPSIS if kept else ""


@dataclass(frozen=True)
class Message:
    """One message of a digest, with the material it announces."""

    entry: FeedEntry
    text: str
    new: bool

    def as_json(self) -> dict[str, Any]:
        e = self.entry
        return {
            "slug": e.slug,
            "title": e.title,
            "url": e.url,
            "kind": e.kind,
            "kind_name": e.kind_name,
            "audiences": list(e.audiences),
            "change": "new" if self.new else "updated",
            "date": e.day.isoformat(),
            "text": self.text,
            "length": sms_length(self.text),
        }


def sms_text(e: FeedEntry, limit: int) -> str:
    """``标题：摘要 链接`` on one line within ``limit`` units; "" when not even a shortened title fits beside the link."""
    room = limit - sms_length(e.url) - 1  # a space keeps the link apart, so phones see where it starts
    full = f"{e.title}{_SEPARATOR}{e.summary}" if e.summary else e.title
    if sms_length(full) <= room:
        head = full
    else:
        left = room - sms_length(e.title) - sms_length(_SEPARATOR)
        summary = shorten(e.summary, left) if left >= MIN_SUMMARY else ""
        head = f"{e.title}{_SEPARATOR}{summary}" if summary else shorten(e.title, room)
    return f"{head} {e.url}" if head else ""


def group_text(e: FeedEntry, limit: int, new: bool) -> str:
    """``【类型】标题`` / summary / link on three lines within ``limit`` units; "" when nothing fits beside the link."""
    label = f"【{e.kind_name}】" if new else f"【{e.kind_name}·更新】"
    room = limit - sms_length(e.url) - 1  # the line break before the link
    first = label + e.title
    if e.summary and sms_length(first) + 1 + sms_length(e.summary) <= room:
        return f"{first}\n{e.summary}\n{e.url}"
    left = room - sms_length(first) - 1
    summary = shorten(e.summary, left) if e.summary and left >= MIN_SUMMARY else ""
    if summary:
        return f"{first}\n{summary}\n{e.url}"
    title = shorten(e.title, room - sms_length(label))
    return f"{label}{title}\n{e.url}" if title else ""


@dataclass
class Digest:
    """The messages for one audience since one day, and what could not be said."""

    since: dt.date
    audience: str
    limit: int
    group: bool
    messages: list[Message] = field(default_factory=list)
    too_long: list[FeedEntry] = field(default_factory=list)  # not even a shortened title fits beside the link
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> str:
        return json.dumps(
            {
                "since": self.since.isoformat(),
                "audience": self.audience or "all",
                "mode": "group" if self.group else "sms",
                "limit": self.limit,
                "messages": [m.as_json() for m in self.messages],
                "too_long": [{"slug": e.slug, "url": e.url, "url_length": sms_length(e.url)} for e in self.too_long],
                "notes": self.notes,
            },
            ensure_ascii=False,
            indent=2,
        )

    def as_text(self) -> str:
        """The messages, a blank line between two, ready to paste."""
        return "\n\n".join(m.text for m in self.messages)

    def summary_line(self) -> str:
        who = audience_name(self.audience) if self.audience else "全部学员"
        mode = "群消息" if self.group else "短信"
        return f"{who}：{self.since.isoformat()} 以来新发布或更新的材料 {len(self.messages)} 条（{mode}，每条不超过 {self.limit} 字）。"


def make_digest(entries: list[FeedEntry], since: dt.date, *, audience: str = "", limit: int | None = None, group: bool = False) -> Digest:
    """One message per entry of ``audience`` changed on or after ``since``, oldest first (the newest ends the list)."""
    limit = limit or (GROUP_LIMIT if group else SMS_LIMIT)
    digest = Digest(since, audience, limit, group)
    chosen = [e for e in entries if e.day >= since and (not audience or audience in e.audiences)]
    for e in sorted(chosen, key=lambda e: (e.updated, e.title)):
        new = e.is_new(since)
        text = group_text(e, limit, new) if group else sms_text(e, limit)
        if text:
            digest.messages.append(Message(e, text, new))
        else:
            digest.too_long.append(e)
    if digest.too_long:
        digest.notes.append(
            f"{len(digest.too_long)} 个材料的链接太长，{limit} 字里放不下标题："
            + "、".join(f"{e.url}（{sms_length(e.url)} 字）" for e in digest.too_long[:3])
            + "。用 --base-url 换一个短的网址，或用 --group 发群消息"
        )
    return digest


# --- where the materials come from ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSettings:
    """What a digest needs from ``mkdocs.yml``: where things are and how pages are addressed."""

    site_url: str = ""
    directory_urls: bool = True
    materials_dir: Path = Path("materials")
    site_dir: Path = Path("site")


def site_settings(config: dict[str, Any], folder: Path) -> SiteSettings:
    """Read from a ``mkdocs.yml`` already parsed (``folder`` is where it lives): site_url, use_directory_urls, folders."""
    materials = "materials"
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{name: options} for name, options in plugins.items()]
    entries = [next(iter(p.items())) if isinstance(p, dict) else (p, None) for p in plugins]
    for name, options in entries:
        if name == "studyportal" and isinstance(options, dict) and options.get("materials_dir"):
            materials = str(options["materials_dir"])
    return SiteSettings(
        site_url=str(config.get("site_url") or ""),
        directory_urls=config.get("use_directory_urls") is not False,
        materials_dir=folder / materials,
        site_dir=folder / str(config.get("site_dir") or "site"),
    )


def base_url_of(url: str) -> str:
    """A base URL checked and ending in ``/``; :class:`DigestError` for anything but http(s)."""
    if not re.match(r"https?://[^/\s]+", url or ""):
        raise DigestError(
            "不知道网站的网址，链接写不出来：在 mkdocs.yml 里写上 site_url: https://本站网址/，或用 --base-url https://本站网址/ 指定"
            if not url
            else f"网址 {url} 不对：应当以 https:// 或 http:// 开头，例如 https://dangjian.example.cn/"
        )
    return url if url.endswith("/") else url + "/"


def entries_from_materials(materials: Path, base_url: str, directory_urls: bool = True) -> list[FeedEntry]:
    """Every dated published material of ``materials/``, dated by Git where it can (as the build dates them)."""
    from studyportal.catalog import load_catalog

    result = load_catalog(materials, dates_from_git=True)
    if result.problems.errors:
        raise DigestError(
            f"{materials} 里有 {len(result.problems.errors)} 个错误，网站构建不出来，摘要里的链接会打不开："
            "先运行 studyportal check，按提示改好再做摘要",
            problems=result.problems.errors[:5],
        )
    return changes(result.catalog, base_url_of(base_url), directory_urls)


_ATOM = "{http://www.w3.org/2005/Atom}"


def entries_from_site(site: Path, audience: str = "") -> tuple[list[FeedEntry], str]:
    """The entries of a built site's feed for ``audience`` (or the whole portal's), and a note when the feed may be cut short."""
    path = site / feed_path(audience)
    try:
        root = ET.fromstring(path.read_bytes())
    except FileNotFoundError:
        raise DigestError(
            f"找不到 {path}：网站还没有构建，或构建时没有设置 site_url（没有网址就不生成订阅源）。"
            "可以改用 --materials materials --base-url https://本站网址/ 直接从材料生成"
        ) from None
    except (OSError, ET.ParseError) as exc:
        raise DigestError(f"读不了 {path}（{exc}）：重新运行 studyportal build") from None
    entries = [_entry(e) for e in root.iter(f"{_ATOM}entry")]
    full = len(entries) >= FEED_SIZE
    return [e for e in entries if e is not None], (f"订阅源只收录最近的 {FEED_SIZE} 个材料" if full else "")


def _entry(node: ET.Element) -> FeedEntry | None:
    def text(tag: str) -> str:
        found = node.find(f"{_ATOM}{tag}")
        return (found.text or "") if found is not None else ""

    link = next((x.get("href", "") for x in node.iter(f"{_ATOM}link") if x.get("rel", "alternate") == "alternate"), "")
    kind, kind_label, audiences = "", "", []
    for c in node.iter(f"{_ATOM}category"):
        if c.get("scheme", "").endswith("/kinds/"):
            kind, kind_label = c.get("term", ""), c.get("label", "")
        elif c.get("term") in AUDIENCES:
            audiences.append(c.get("term", ""))
    try:
        updated = dt.datetime.fromisoformat(text("updated"))
        published = dt.datetime.fromisoformat(text("published")) if text("published") else None
    except ValueError:
        return None
    slug = link.rstrip("/").removesuffix("/index.html").rsplit("/", 1)[-1]
    return FeedEntry(slug, text("title"), text("summary"), kind, kind_label or kind, tuple(audiences), link, updated, published)


def covers(entries: list[FeedEntry], since: dt.date, cut_short: str) -> str:
    """A warning when a feed cut to its newest entries may leave out changes since ``since``; "" when it cannot."""
    if not cut_short or not entries or min(e.day for e in entries) < since:
        return ""
    return f"{cut_short}，{since.isoformat()} 以后可能还有更早的更新没有列出：用 --materials 从材料文件生成完整的摘要"


def gather(
    settings: SiteSettings, *, materials: Path | None, site: Path | None, base_url: str | None, audience: str
) -> tuple[list[FeedEntry], str]:
    """The entries a digest chooses from, and a note when they may be cut short (see :func:`covers`).

    ``site`` reads the built site's feed; otherwise ``materials`` (by default mkdocs.yml's, when that folder exists).
    """
    if site is None and (materials is not None or settings.materials_dir.is_dir()):
        folder = materials or settings.materials_dir
        return entries_from_materials(folder, base_url or settings.site_url, settings.directory_urls), ""
    return entries_from_site(site or settings.site_dir, audience)
