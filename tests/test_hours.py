"""Study hours: a curriculum's total counts each material once, beside the year's target, with a plain note when short."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyportal.catalog import load_catalog
from tests.helpers import GOOD_META, build_site, copy_project, material_text, write

TWICE = """audience: member
title: 普通党员学习课程
modules:
  - key: yi
    title: 第一部分
    materials: [a, b]
  - key: er
    title: 第二部分
    materials: [a]
"""
ENOUGH = """audience: secretary
title: 支部书记学习课程
target_hours: 5
modules:
  - key: yi
    title: 全部
    materials: [a, b, c]
"""


def lesson(slug: str, hours: float, audiences: str = "[member, secretary]") -> str:
    meta = GOOD_META.replace("hours: 1", f"hours: {hours}").replace("audiences: [member]", f"audiences: {audiences}")
    return material_text(meta + f"\nslug: {slug}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hours")
    materials = tmp / "materials"
    write(materials, "a.md", lesson("a", 2))
    write(materials, "b.md", lesson("b", 1.5))
    write(materials, "c.md", lesson("c", 2, "[secretary]"))
    write(materials, "curricula/member.yml", TWICE)
    write(materials, "curricula/secretary.yml", ENOUGH)
    result = build_site(copy_project(tmp / "project", materials=materials), tmp / "site")
    assert result.returncode == 0, result.stderr
    return tmp / "site"


def test_the_totals_count_a_material_listed_in_two_modules_once(tmp_path):
    write(tmp_path, "a.md", lesson("a", 2))
    write(tmp_path, "b.md", lesson("b", 1.5))
    write(tmp_path, "curricula/member.yml", TWICE)
    c = load_catalog(tmp_path).catalog.curricula["member"]
    assert [m.hours for m in c.modules] == [3.5, 2]  # each module shows what it lists
    assert c.hours == 3.5 and c.target() == 32 and c.shortfall == 28.5


def test_the_defaults_are_32_for_members_and_56_for_secretaries_and_a_curriculum_may_set_its_own(tmp_path):
    modules = "modules:\n  - title: 一\n    include: {track: policy}\n"
    for audience in ("member", "mobile", "secretary"):
        write(tmp_path, f"curricula/{audience}.yml", f"audience: {audience}\ntitle: 课程\n{modules}")
    write(tmp_path, "a.md", lesson("a", 1, "[member, mobile, secretary]"))
    curricula = load_catalog(tmp_path).catalog.curricula
    assert {a: c.target() for a, c in curricula.items()} == {"member": 32, "mobile": 32, "secretary": 56}
    write(tmp_path, "curricula/mobile.yml", f"audience: mobile\ntitle: 课程\ntarget_hours: 12\n{modules}")
    assert load_catalog(tmp_path).catalog.curricula["mobile"].target() == 12


@pytest.mark.slow
def test_the_curriculum_page_shows_the_target_beside_the_planned_hours_and_says_it_falls_short(site):
    page = (site / "curricula" / "member" / "index.html").read_text(encoding="utf-8")
    assert "本课程安排 3.5 学时" in page and "年度目标 32 学时" in page
    assert "学时不足" in page and "比年度目标 32 学时少 28.5 学时" in page
    assert "共 3.5 学时" in page and "共 2 学时" in page  # the two modules, a counted in each
    assert "5.5 学时" not in page


@pytest.mark.slow
def test_a_plan_that_reaches_its_target_has_no_shortfall_note(site):
    page = (site / "curricula" / "secretary" / "index.html").read_text(encoding="utf-8")
    assert "本课程安排 5.5 学时" in page and "年度目标 5 学时" in page
    assert "学时不足" not in page
