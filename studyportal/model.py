"""The content model: materials (of the kinds in ``studyportal/kinds``) and curricula — plain dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyportal.vocabulary import DEFAULT_TARGET_HOURS

if TYPE_CHECKING:
    from studyportal.banks.model import Bank, Question


@dataclass
class Reference:
    """A link or picture in trainer Markdown that points inside the portal: another material, or a file beside it.

    ``href`` is the target as Python-Markdown hands it on (the key the renderer looks up); ``kind`` is
    ``material`` (``material:slug``), ``page`` (a relative ``.md`` path, resolved to ``slug`` across files),
    ``file`` (a picture or attachment copied beside the page as ``name``) or ``anchor`` (``#…`` on the same page).
    """

    href: str
    line: int
    column: int
    kind: str
    image: bool = False
    slug: str = ""
    anchor: str = ""
    path: Path | None = None
    name: str = ""
    field: str = "正文"


@dataclass
class Material:
    """One published or draft piece of study content, of any kind."""

    source: str  # path shown to users, relative to the working directory
    slug: str
    title: str
    kind: str
    audiences: list[str]
    track: str
    summary: str
    body: str
    body_line: int
    topics: list[str] = field(default_factory=list)
    hours: float | None = None
    required: bool = False
    published: dt.date | None = None
    updated: dt.date | None = None
    committed: dt.datetime | None = None  # last commit touching the file, when built from Git (load/git_dates.py)
    author: str = ""
    draft: bool = False
    slug_line: int = 1
    details: Any = None  # the kind's own fields, as its KindSpec.read returns them (studyportal/kinds)
    references: list[Reference] = field(default_factory=list)  # links and pictures in the body

    @property
    def last_changed(self) -> dt.date | None:
        return self.updated or self.published


@dataclass(frozen=True)
class Phase:
    """A dated phase of a curriculum's plan (research → implementation → evaluation)."""

    title: str
    start: dt.date
    end: dt.date
    description: str = ""


@dataclass(frozen=True)
class Activity:
    """A themed activity a curriculum names for one month (a 主题党日 topic, a reading session)."""

    month: str  # "2026-07"
    title: str
    description: str = ""


@dataclass(frozen=True)
class Include:
    """A rule pulling every published material of the audience matching a track and/or topics."""

    track: str = ""
    topics: tuple[str, ...] = ()
    kind: str = ""


@dataclass
class Module:
    """An ordered group of materials inside a curriculum."""

    key: str
    title: str
    description: str = ""
    slugs: list[str] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)  # resolved, in order

    @property
    def hours(self) -> float:
        return sum(m.hours or 0 for m in self.materials)

    @property
    def required_hours(self) -> float:
        return sum(m.hours or 0 for m in self.materials if m.required)


@dataclass
class Curriculum:
    """The study plan for one audience."""

    source: str
    audience: str
    title: str
    introduction: str = ""
    rhythm: list[str] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)  # themed activities by month, shown under "本月"
    modules: list[Module] = field(default_factory=list)
    target_hours: float | None = None  # written in the file; else the audience's default (target())
    references: list[Reference] = field(default_factory=list)  # links and pictures in the introduction and module descriptions

    def target(self) -> float:
        """Annual study hours the plan should reach: ``target_hours:``, else 56 for secretaries and 32 for members."""
        return self.target_hours or DEFAULT_TARGET_HOURS.get(self.audience, 0)

    @property
    def shortfall(self) -> float:
        """Hours the plan is short of its target (0 when it reaches it)."""
        return max(0.0, self.target() - self.hours)

    @property
    def hours(self) -> float:
        """Planned hours, each material counted once even when two modules list it."""
        return sum(m.hours or 0 for m in self.materials())

    @property
    def required_hours(self) -> float:
        return sum(m.hours or 0 for m in self.materials() if m.required)

    def materials(self) -> list[Material]:
        """Every material of the curriculum in reading order, each once."""
        seen: set[str] = set()
        ordered = []
        for module in self.modules:
            for m in module.materials:
                if m.slug not in seen:
                    seen.add(m.slug)
                    ordered.append(m)
        return ordered


@dataclass
class Catalog:
    """Everything published: materials by slug and curricula by audience. Drafts are not here."""

    materials: dict[str, Material] = field(default_factory=dict)
    curricula: dict[str, Curriculum] = field(default_factory=dict)
    drafts: int = 0
    banks: dict[str, Bank] = field(default_factory=dict)  # question banks by URL name (studyportal/banks)

    def questions_for(self, slugs: list[str], audience: str = "") -> list[Question]:
        """The questions that test any of these materials (for ``audience``, when given), each once, in bank order."""
        wanted = set(slugs)
        return [
            q
            for bank in self.banks.values()
            for q in bank.questions
            if wanted.intersection(q.materials) and (not audience or q.for_audience(audience))
        ]

    def topics(self) -> dict[str, list[Material]]:
        """Materials by topic: topics in first-seen order, materials in catalog order."""
        by_topic: dict[str, list[Material]] = {}
        for m in self.materials.values():
            for t in m.topics:
                by_topic.setdefault(t, []).append(m)
        return by_topic

    def topic_slugs(self) -> dict[str, str]:
        """An ASCII URL name for every topic, unique even when two topics share their pinyin."""
        from studyportal.slugs import slugify

        names: dict[str, str] = {}
        used: set[str] = set()
        for topic in sorted(self.topics()):
            base = slug = slugify(topic, max_words=12)
            n = 2
            while slug in used:
                slug, n = f"{base}-{n}", n + 1
            used.add(slug)
            names[topic] = slug
        return names
