"""Atom feeds of new and updated materials: one for the whole portal, one per audience.

Written with ``feedgen`` (lxml underneath): titles and summaries go in as text (``type="text"``),
escaped by the library, so no reader takes trainer text for markup; no body HTML goes into a feed.
Links must be absolute, so feeds exist only when the site has a ``site_url``; offline copies have no
URL and get none. Drafts are never in the catalog, so never in a feed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from studyportal.kinds import kind_name
from studyportal.model import Catalog, Material
from studyportal.plan.types import curriculum_src, material_src
from studyportal.vocabulary import AUDIENCES, audience_name

FEED_SIZE = 50  # entries per feed, newest first
FEEDS_DIR = "feeds"
# Dates written without a time (published:, updated:) are read as the start of that day in China.
CHINA = dt.timezone(dt.timedelta(hours=8))
ATOM_TYPE = "application/atom+xml"


@dataclass(frozen=True)
class FeedEntry:
    """One new or updated material, as a feed or a digest shows it."""

    slug: str
    title: str
    summary: str
    kind: str
    kind_name: str
    audiences: tuple[str, ...]
    url: str
    updated: dt.datetime  # aware: the last commit, or the written date at 00:00 China time
    published: dt.datetime | None = None
    author: str = ""

    @property
    def day(self) -> dt.date:
        """The day the site shows as the material's last change."""
        return self.updated.date()

    def is_new(self, since: dt.date) -> bool:
        """First published on or after ``since`` (else it is an update of an older material)."""
        return self.published is None or self.published.date() >= since


@dataclass(frozen=True)
class Feed:
    """A feed file of the site: where it goes, what it is called, and its bytes."""

    path: str  # inside the site, e.g. feeds/mobile.xml
    audience: str  # "" for the whole portal
    title: str
    url: str
    content: bytes


def feed_path(audience: str = "") -> str:
    """``feeds/all.xml`` for the whole portal, ``feeds/mobile.xml`` for one audience."""
    return f"{FEEDS_DIR}/{audience or 'all'}.xml"


def page_url(base_url: str, src_uri: str, directory_urls: bool = True) -> str:
    """The absolute URL of a planned page (``materials/x/index.md`` → ``https://…/materials/x/``)."""
    folder = src_uri.removesuffix("index.md")
    return base_url.rstrip("/") + "/" + (folder if directory_urls else folder + "index.html")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=CHINA)


def entry_of(m: Material, base_url: str, directory_urls: bool = True) -> FeedEntry | None:
    """The feed entry of a material, or None when it carries no date at all (nothing says when it was new)."""
    published = _midnight(m.published) if m.published else None
    if m.committed is not None and (published is None or m.committed >= published):
        updated = m.committed
    elif m.last_changed is not None:
        updated = _midnight(m.last_changed)
    else:
        return None
    url = page_url(base_url, material_src(m.slug), directory_urls)
    return FeedEntry(m.slug, m.title, m.summary, m.kind, kind_name(m.kind), tuple(m.audiences), url, updated, published, m.author)


def changes(catalog: Catalog, base_url: str, directory_urls: bool = True, audience: str = "") -> list[FeedEntry]:
    """Every dated published material (of ``audience``, when given), last changed first."""
    entries = []
    for m in catalog.materials.values():
        if audience and audience not in m.audiences:
            continue
        entry = entry_of(m, base_url, directory_urls)
        if entry is not None:
            entries.append(entry)
    entries.sort(key=lambda e: (e.updated, e.title), reverse=True)
    return entries


def atom(entries: list[FeedEntry], *, title: str, feed_url: str, home_url: str, site_name: str, base_url: str) -> bytes:
    """An Atom 1.0 document of ``entries`` (in the order given)."""
    fg = FeedGenerator()
    fg.id(feed_url)
    fg.title(title)
    fg.author({"name": site_name})
    fg.link(href=home_url, rel="alternate", type="text/html")
    fg.link(href=feed_url, rel="self", type=ATOM_TYPE)
    fg.language("zh-CN")
    fg.generator("studyportal")
    fg.updated(max((e.updated for e in entries), default=None) or dt.datetime.now(CHINA).replace(microsecond=0))
    for e in entries:
        fe = fg.add_entry(order="append")
        fe.id(e.url)
        fe.title(e.title)
        fe.link(href=e.url, rel="alternate", type="text/html")
        fe.updated(e.updated)
        if e.published is not None:
            fe.published(e.published)
        if e.summary:
            fe.summary(e.summary, type="text")
        if e.author:
            fe.author({"name": e.author})
        categories = [{"term": e.kind, "label": e.kind_name, "scheme": page_url(base_url, "kinds/")}]
        categories += [{"term": a, "label": audience_name(a), "scheme": page_url(base_url, "curricula/")} for a in e.audiences]
        fe.category(categories)
    return fg.atom_str(pretty=True)


def plan_feeds(catalog: Catalog, site_url: str | None, site_name: str, directory_urls: bool = True) -> tuple[list[Feed], str]:
    """The portal's feed and one per audience, or no feeds and the reason (Chinese, for the build's log)."""
    if not site_url or not site_url.startswith(("https://", "http://")):
        return [], (
            "没有设置网站地址 site_url，不生成订阅源（Atom）：订阅源里的链接必须是完整网址。"
            "需要订阅源时，在 mkdocs.yml 里写上 site_url: https://本站网址/"
        )
    feeds = []
    everything = changes(catalog, site_url, directory_urls)
    for audience in ("", *AUDIENCES):
        entries = [e for e in everything if not audience or audience in e.audiences][:FEED_SIZE]
        path = feed_path(audience)
        url = page_url(site_url, path, True)
        if audience:
            title = f"{site_name}：{audience_name(audience)}学习材料更新"
            home = page_url(site_url, curriculum_src(audience), directory_urls)
        else:
            title = f"{site_name}：最近更新"
            home = page_url(site_url, "index.md", directory_urls)
        content = atom(entries, title=title, feed_url=url, home_url=home, site_name=site_name, base_url=site_url)
        feeds.append(Feed(path, audience, title, url, content))
    return feeds, ""

