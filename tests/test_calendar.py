"""Each curriculum's phases and rhythm as an .ics file, parsed back with the icalendar library, and linked from its page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from icalendar import Calendar

from studyportal.catalog import load_catalog
from studyportal.model import Curriculum, Phase
from studyportal.plan.calendar import calendar_path, curriculum_calendar
from studyportal.plan.site import plan_site
from studyportal.plan.types import curriculum_src
from tests.helpers import ROOT, load_sample

CATALOG = load_sample().catalog


def _events(content: bytes) -> list:
    return list(Calendar.from_ical(content).walk("VEVENT"))


def test_every_phase_is_an_all_day_event_with_its_own_dates():
    for c in CATALOG.curricula.values():
        events = _events(curriculum_calendar(c))
        phases = [e for e in events if "-phase-" in str(e["uid"])]
        assert [str(e["summary"]) for e in phases] == [f"{p.title}（{c.title}）" for p in c.phases]
        for event, phase in zip(phases, c.phases, strict=True):
            assert event.decoded("dtstart") == phase.start
            assert event.decoded("dtend") == phase.end + dt.timedelta(days=1), "an all-day event ends the day after its last day"
            assert str(event.get("description", "")) == phase.description


def test_the_rhythm_repeats_from_the_first_phase_to_the_last():
    c = CATALOG.curricula["member"]
    rhythm = {str(e["summary"]): e for e in _events(curriculum_calendar(c)) if "-rhythm-" in str(e["uid"])}
    assert set(rhythm) == {line for line in c.rhythm if line.startswith(("每天", "每日", "每周", "每月", "每季度", "每年"))}
    first, last = min(p.start for p in c.phases), max(p.end for p in c.phases)
    expected = {"每天": ("DAILY", 1), "每月": ("MONTHLY", 1), "每季度": ("MONTHLY", 3), "每年": ("YEARLY", 1)}
    for line, event in rhythm.items():
        rule = event["rrule"]
        freq, interval = next(v for k, v in expected.items() if line.startswith(k))
        assert rule["FREQ"] == [freq] and rule.get("INTERVAL", [1]) == [interval], line
        assert rule["UNTIL"] == [last] and event.decoded("dtstart") == first


def test_trainer_text_survives_the_format_and_the_file_is_the_same_every_time():
    text = "调研；准备,第一步\n第二行 \\ 完"
    c = Curriculum(
        "x.yml",
        "mobile",
        "课程, 名；称",
        rhythm=["每周碰头一次", "随时学"],
        phases=[Phase(text, dt.date(2026, 1, 1), dt.date(2026, 2, 1), text)],
    )
    content = curriculum_calendar(c)
    assert content == curriculum_calendar(c)
    cal = Calendar.from_ical(content)
    assert str(cal["x-wr-calname"]) == "课程, 名；称"
    phase, weekly = _events(content)
    assert str(phase["summary"]) == f"{text}（课程, 名；称）" and str(phase["description"]) == text
    assert str(weekly["summary"]) == "每周碰头一次" and weekly["rrule"]["FREQ"] == ["WEEKLY"]
    assert all(len(line) <= 75 for line in content.split(b"\r\n")), "lines folded as RFC 5545 asks (75 octets)"
    other = Curriculum("y.yml", "mobile", "另一个县的课程", phases=c.phases)
    assert {str(e["uid"]) for e in _events(content)}.isdisjoint(str(e["uid"]) for e in _events(curriculum_calendar(other)))


def test_no_phases_no_calendar_and_no_link():
    c = Curriculum("x.yml", "member", "没有阶段的课程")
    assert curriculum_calendar(c) is None
    catalog = load_catalog(ROOT / "materials").catalog
    catalog.curricula["member"].phases = []
    plan = plan_site(catalog)
    assert calendar_path("member") not in plan.files and "calendar.ics" not in plan.pages[curriculum_src("member")].markdown
    assert calendar_path("secretary") in plan.files


def test_the_built_curriculum_page_links_its_calendar(sample_site: Path):
    for audience, c in CATALOG.curricula.items():
        page = (sample_site / "curricula" / audience / "index.html").read_text(encoding="utf-8")
        assert re.search(r'<a href="calendar\.ics">把实施阶段和学习节奏加进手机日历</a>', page), audience
        events = _events((sample_site / "curricula" / audience / "calendar.ics").read_bytes())
        assert len([e for e in events if "-phase-" in str(e["uid"])]) == len(c.phases)
