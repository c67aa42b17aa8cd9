"""Each curriculum's dated phases and study rhythm as an iCalendar file phones import, linked from the curriculum page.

Phases become all-day events (an iCalendar all-day event ends the day after its last day). Rhythm lines
that start with 每天、每周、每月、每季度 or 每年 become all-day events repeating over the plan, from its
first phase's start to its last phase's end; other rhythm lines stay on the page only. Each event's UID is
fixed by the curriculum (audience and title) and the event's position, so importing a newer file updates
the events instead of adding them twice. Written with the ``icalendar`` library, which escapes trainer text as RFC 5545 asks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath

from icalendar import Calendar, Event, vRecur

from studyportal.model import Catalog, Curriculum
from studyportal.plan.types import PlannedPage, SitePlan, curriculum_src

CALENDAR_NAME = "calendar.ics"
# How a rhythm line starts → how the event repeats.
RHYTHMS: dict[str, dict[str, object]] = {
    "每天": {"FREQ": "DAILY"},
    "每日": {"FREQ": "DAILY"},
    "每周": {"FREQ": "WEEKLY"},
    "每月": {"FREQ": "MONTHLY"},
    "每季度": {"FREQ": "MONTHLY", "INTERVAL": 3},
    "每年": {"FREQ": "YEARLY"},
}


def calendar_path(audience: str) -> str:
    """Where a curriculum's calendar sits in the site: beside the curriculum page."""
    return posixpath.join(posixpath.dirname(curriculum_src(audience)), CALENDAR_NAME)


def _rule(line: str) -> dict[str, object] | None:
    for start in sorted(RHYTHMS, key=len, reverse=True):
        if line.startswith(start):
            return RHYTHMS[start]
    return None


def curriculum_calendar(c: Curriculum) -> bytes | None:
    """The curriculum's ``.ics`` file, or None when it has no dated phases (nothing to put on a calendar)."""
    if not c.phases:
        return None
    first = min(p.start for p in c.phases)
    last = max(p.end for p in c.phases)
    stamp = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)  # fixed, so the same plan always gives the same file
    # Another county's plan (another title) must not replace these events on a phone that imports both.
    plan_id = f"{c.audience}-{hashlib.sha256(c.title.encode()).hexdigest()[:10]}"
    cal = Calendar()
    cal.add("prodid", "-//studyportal//学习课程日历//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", c.title)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    for i, phase in enumerate(c.phases, 1):
        event = Event()
        event.add("uid", f"{plan_id}-phase-{i}@studyportal")
        event.add("dtstamp", stamp)
        event.add("summary", f"{phase.title}（{c.title}）")
        event.add("dtstart", phase.start)
        event.add("dtend", phase.end + dt.timedelta(days=1))
        if phase.description:
            event.add("description", phase.description)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    for i, line in enumerate(c.rhythm, 1):
        rule = _rule(line)
        if rule is None:
            continue
        event = Event()
        event.add("uid", f"{plan_id}-rhythm-{i}@studyportal")
        event.add("dtstamp", stamp)
        event.add("summary", line)
        event.add("dtstart", first)
        event.add("dtend", first + dt.timedelta(days=1))
        event.add("rrule", vRecur({**rule, "UNTIL": last}))
        event.add("description", f"{c.title}的学习节奏")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def add_calendars(plan: SitePlan, catalog: Catalog) -> None:
    """Put each curriculum's calendar into the site and a link to it at the top of the curriculum page."""
    for c in catalog.curricula.values():
        content = curriculum_calendar(c)
        page: PlannedPage | None = plan.pages.get(curriculum_src(c.audience))
        if content is None or page is None:
            continue
        plan.files[calendar_path(c.audience)] = content
        link = f"[把实施阶段和学习节奏加进手机日历]({CALENDAR_NAME})（.ics 日历文件，用手机的“日历”应用打开或导入）\n{{: .sp-calendar }}"
        page.markdown = f"{link}\n\n{page.markdown}"
