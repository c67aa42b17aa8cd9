"""What a curriculum schedules when: dated phases, monthly themed activities and quarterly books, each as a range of days.

The one place the dates of a plan are worked out for the browser: every phase and every book gets the first
and last day it is current (ISO dates), and the page's "本月" box (``assets/site/thismonth.js``) only
compares today with them, so an offline copy stays right without knowing any rule. The ``.ics`` calendar
(``calendar.py``) reads the same phases.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from studyportal.kinds.builtin import ReadingList
from studyportal.model import Catalog, Curriculum
from studyportal.plan.format import cn_date
from studyportal.plan.types import HOME_SRC, SitePlan, curriculum_src, material_src

QUARTER_NAMES = "一二三四"


def quarter_range(quarter: str) -> tuple[dt.date, dt.date]:
    """``2026Q3`` → 1 July 2026 to 30 September 2026 (reading lists write quarters so: kinds/builtin.py)."""
    year, q = int(quarter[:4]), int(quarter[5])
    last_month = q * 3
    return dt.date(year, last_month - 2, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """``2026-07`` → 1 July 2026 to 31 July 2026 (a curriculum's ``activities``: validate/curriculum.py)."""
    year, number = int(month[:4]), int(month[5:])
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def quarter_label(quarter: str) -> str:
    """``2026Q3`` → ``2026年第三季度``."""
    return f"{quarter[:4]}年第{QUARTER_NAMES[int(quarter[5]) - 1]}季度"


def phases(c: Curriculum) -> list[dict[str, Any]]:
    """Each phase with the days it is current."""
    return [
        {"title": p.title, "from": p.start.isoformat(), "to": p.end.isoformat(), "range": f"{cn_date(p.start)} — {cn_date(p.end)}"}
        for p in c.phases
    ]


def activities(c: Curriculum) -> list[dict[str, Any]]:
    """The curriculum's themed activities by month, in date order, each with the days of its month."""
    out = []
    for a in sorted(c.activities, key=lambda a: a.month):
        start, end = month_range(a.month)
        out.append({"month": a.month, "label": f"{start.year}年{start.month}月", "from": start.isoformat(), "to": end.isoformat(),
                    "title": a.title, "description": a.description})  # fmt: skip
    return out


def quarter_books(c: Curriculum, catalog: Catalog) -> list[dict[str, Any]]:
    """The books of the curriculum's reading lists that name a quarter, grouped by quarter in date order.

    A book that is a material of the portal carries its page (``src``), which the renderer turns into a link.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, str]] = set()
    for m in c.materials():
        if not isinstance(m.details, ReadingList):
            continue
        for item in m.details.items:
            if not item.quarter or (item.quarter, item.title) in seen:
                continue
            seen.add((item.quarter, item.title))
            book: dict[str, Any] = {"title": item.title, "author": item.author, "required": item.required, "list": m.title}
            if item.material and item.material in catalog.materials:
                book["src"] = material_src(item.material)
            groups.setdefault(item.quarter, []).append(book)
    out = []
    for quarter in sorted(groups):
        start, end = quarter_range(quarter)
        out.append({"quarter": quarter, "label": quarter_label(quarter), "from": start.isoformat(), "to": end.isoformat(),
                    "books": groups[quarter]})  # fmt: skip
    return out


def add_schedules(plan: SitePlan, catalog: Catalog) -> None:
    """Give each curriculum page, and its audience's card on the home page, the plan's dates for the "本月" box."""
    home = plan.pages.get(HOME_SRC)
    cards = {w.get("audience"): w for w in (home.meta.get("sp", {}).get("who", []) if home else [])}
    for c in catalog.curricula.values():
        schedule = {"phases": phases(c), "quarters": quarter_books(c, catalog), "months": activities(c)}
        if not any(schedule.values()):
            continue
        page = plan.pages.get(curriculum_src(c.audience))
        if page is not None:
            page.meta["sp"]["schedule"] = schedule
            for shown, phase in zip(page.meta["sp"].get("phases", []), schedule["phases"], strict=False):
                shown.update({"from": phase["from"], "to": phase["to"]})  # the listed phases are what the box reads
        if c.audience in cards:
            cards[c.audience]["schedule"] = schedule
    scheduled = [w for w in cards.values() if "schedule" in w]
    if scheduled:
        scheduled[0]["now_script"] = True  # the home page loads the box's script once, with its first card
