"""Assembling every planned page and the navigation tree: audiences → modules, never every material."""

from __future__ import annotations

from studyportal.kinds import kinds
from studyportal.model import Catalog
from studyportal.plan.calendar import add_calendars
from studyportal.plan.curriculum_pages import module_label, plan_curriculum
from studyportal.plan.listings import plan_home, plan_kinds, plan_new, plan_topics
from studyportal.plan.material_page import memberships, plan_material
from studyportal.plan.print_pages import add_print_pages
from studyportal.plan.schedule import add_schedules
from studyportal.plan.selftest import add_selftests
from studyportal.plan.types import HOME_SRC, NEW_SRC, TOPICS_SRC, NavItem, SitePlan, curriculum_src, kind_src, module_src
from studyportal.vocabulary import AUDIENCES


def plan_site(catalog: Catalog, extra_nav: list[NavItem] | None = None) -> SitePlan:
    """Every page of the portal, and a navigation whose size does not grow with the number of materials."""
    plan = SitePlan()
    plan.add(plan_home(catalog))
    places = memberships(catalog)
    topic_slugs = catalog.topic_slugs()
    for m in catalog.materials.values():
        plan.add(plan_material(m, catalog, places, topic_slugs))
    nav = [NavItem("首页", HOME_SRC)]
    for audience in AUDIENCES:
        c = catalog.curricula.get(audience)
        if c is None:
            continue
        for page in plan_curriculum(c, catalog):
            plan.add(page)
        section = NavItem(AUDIENCES[audience], children=[NavItem("课程总览", curriculum_src(audience))])
        section.children += [NavItem(f"{module_label(i)}　{mod.title}", module_src(audience, mod.key)) for i, mod in enumerate(c.modules)]
        nav.append(section)
    for page in plan_topics(catalog, topic_slugs) + plan_kinds(catalog):
        plan.add(page)
    plan.add(plan_new(catalog))
    add_selftests(plan, catalog)  # questions of the banks under the pages of the materials they test
    add_calendars(plan, catalog)  # each curriculum's phases and rhythm as an .ics file
    add_print_pages(plan, catalog)  # a handbook per curriculum; the sign-in sheet and discussion record an outline page prints
    add_schedules(plan, catalog)  # the plan's dates for the "本月" box of curriculum and home pages
    nav.append(NavItem("专题", TOPICS_SRC))
    nav.append(NavItem("分类浏览", children=[NavItem(spec.listing_title, kind_src(k)) for k, spec in kinds().items()]))
    nav.append(NavItem("最近更新", NEW_SRC))
    nav.extend(extra_nav or [])
    plan.nav = nav
    return plan
