"""The planner on its own, without MkDocs or a browser: which pages a catalog becomes and what a reader finds on them."""

from __future__ import annotations

import re

import pytest

from studyportal.catalog import load_catalog
from studyportal.kinds import material_refs
from studyportal.model import Catalog
from studyportal.plan.curriculum_pages import module_label
from studyportal.plan.edition import EditionError, edition_catalog, mark_edition
from studyportal.plan.format import esc
from studyportal.plan.site import plan_site
from studyportal.plan.types import HOME_SRC, NEW_SRC, NavItem, SitePlan, curriculum_src, kind_src, material_src, module_src, topic_src
from studyportal.vocabulary import AUDIENCES
from tests.helpers import CURRICULUM, GOOD_META, load_sample, material_text, write


@pytest.fixture(scope="module")
def sample() -> tuple[Catalog, SitePlan]:
    """The sample portal's ``materials/``, loaded and planned."""
    result = load_sample()
    assert result.ok, [p.one_line() for p in result.problems.errors]
    return result.catalog, plan_site(result.catalog)


def nav_sources(items: list[NavItem]) -> list[str]:
    out = []
    for item in items:
        out += ([item.src_uri] if item.src_uri else []) + nav_sources(item.children)
    return out


def everything_shown(plan: SitePlan) -> str:
    """The text of every planned page, its header data and the navigation: whatever a reader could see."""
    return "\n".join(f"{p.title}\n{p.markdown}\n{p.meta}\n{p.description}" for p in plan.pages.values()) + str(plan.nav)


def card(markdown: str, title: str) -> str:
    """The list entry of one material on a listing page: from its linked title to the end of its card."""
    start = markdown.index(f"[{esc(title)}](")
    return markdown[start : markdown.index("{: .sp-", start)]


def hours_text(value: float) -> str:
    return f"{value:g} 学时"


def test_every_published_material_has_a_page_and_the_navigation_names_none_of_them(sample):
    catalog, plan = sample
    assert {material_src(slug) for slug in catalog.materials} <= set(plan.pages)
    shown = nav_sources(plan.nav)
    assert set(shown) <= set(plan.pages), "the navigation points at a page that is not planned"
    assert not [src for src in shown if src.startswith("materials/")]
    assert {item.title for item in plan.nav} >= {"首页", *AUDIENCES.values(), "专题", "分类浏览", "最近更新"}


def test_a_module_page_lists_its_materials_in_curriculum_order_each_with_its_hours(sample):
    catalog, plan = sample
    for c in catalog.curricula.values():
        for i, module in enumerate(c.modules):
            page = plan.pages[module_src(c.audience, module.key)]
            assert page.title == f"{module_label(i)}　{module.title}"
            starts = [page.markdown.index(f"[{esc(m.title)}](") for m in module.materials]
            assert starts == sorted(starts), f"{page.src_uri}: materials out of the curriculum's order"
            assert f"{len(module.materials)} 个材料" in page.markdown
            for m in module.materials:
                if m.hours:
                    assert hours_text(m.hours) in card(page.markdown, m.title), (page.src_uri, m.slug)


def test_the_curriculum_page_shows_the_modules_in_order_and_hours_counting_each_material_once(sample):
    catalog, plan = sample
    for c in catalog.curricula.values():
        page = plan.pages[curriculum_src(c.audience)]
        heads = [page.markdown.index(f"## {module_label(i)}　{esc(m.title)}") for i, m in enumerate(c.modules)]
        assert heads == sorted(heads)
        distinct = {m.slug: m.hours or 0 for mod in c.modules for m in mod.materials}
        sp = page.meta["sp"]
        assert sp["hours"] == hours_text(sum(distinct.values())) and sp["materials"] == len(distinct)
        assert sp["modules"] == len(c.modules) and sp["audience_name"] == AUDIENCES[c.audience]


def test_a_material_page_says_where_it_sits_in_every_curriculum_with_the_one_before_and_after(sample):
    catalog, plan = sample
    for c in catalog.curricula.values():
        ordered = [m for mod in c.modules for m in mod.materials]
        ordered = list({m.slug: m for m in ordered}.values())  # a material listed in two modules sits at its first place
        for i, m in enumerate(ordered):
            places = [e for e in plan.pages[material_src(m.slug)].meta["sp"]["memberships"] if e["audience"] == c.audience]
            assert len(places) == 1, m.slug
            place = places[0]
            assert (place["position"], place["total"]) == (i + 1, len(ordered))
            assert place.get("prev", {}).get("title") == (ordered[i - 1].title if i else None)
            assert place.get("next", {}).get("title") == (ordered[i + 1].title if i + 1 < len(ordered) else None)


def test_a_material_page_carries_its_body_and_links_every_material_its_reading_list_names(sample):
    catalog, plan = sample
    listed = [m for m in catalog.materials.values() if material_refs(m)]
    assert listed, "the sample has no reading list"
    for m in listed:
        page = plan.pages[material_src(m.slug)]
        first_line = next(line for line in m.body.strip().splitlines() if line.strip())
        assert first_line in page.markdown
        for ref in material_refs(m):
            if ref.slug in catalog.materials:
                assert f"(../{ref.slug}/index.md" in page.markdown, (m.slug, ref.slug)


def test_topic_and_kind_pages_list_every_material_of_theirs_and_say_how_many(sample):
    catalog, plan = sample
    slugs = catalog.topic_slugs()
    for topic, materials in catalog.topics().items():
        page = plan.pages[topic_src(slugs[topic])]
        assert f"共有 {len(materials)} 个材料" in page.markdown
        assert all(page.markdown.count(f"[{esc(m.title)}](") == 1 for m in materials), topic
    for kind in {m.kind for m in catalog.materials.values()}:
        page = plan.pages[kind_src(kind)]
        mine = [m for m in catalog.materials.values() if m.kind == kind]
        assert f"共 {len(mine)} 个" in page.markdown
        assert all(f"[{esc(m.title)}](" in page.markdown for m in mine), kind


def test_whats_new_lists_the_newest_first(sample):
    catalog, plan = sample
    page = plan.pages[NEW_SRC].markdown
    shown = sorted((page.index(f"[{esc(m.title)}]("), m) for m in catalog.materials.values() if f"[{esc(m.title)}](" in page)
    dates = [m.last_changed for _, m in shown]
    assert dates == sorted(dates, reverse=True)
    newest = max(m.last_changed for m in catalog.materials.values() if m.last_changed)
    assert dates[0] == newest


def test_a_draft_is_never_planned_even_when_a_curriculum_names_it(tmp_path):
    materials = tmp_path / "materials"
    write(materials, "base.md", material_text())
    draft = GOOD_META.replace("学习新党章", "尚未完成的草稿课").replace("hours: 1", "hours: 1\ndraft: true")
    write(materials, "caogao-ke.md", material_text(draft, "## 正文\n\n这一课还没有写完。\n"))
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs="base, caogao-ke"))
    result = load_catalog(materials)
    assert result.ok, [p.one_line() for p in result.problems.errors]
    assert result.catalog.drafts == 1 and list(result.catalog.materials) == ["base"]
    plan = plan_site(result.catalog)
    shown = everything_shown(plan)
    assert "尚未完成的草稿课" not in shown and "caogao-ke" not in shown and "还没有写完" not in shown
    assert "1 个材料" in plan.pages[module_src("member", "dangzhang")].markdown


def test_an_audience_edition_drops_the_other_audiences_pages_and_says_so_on_its_home_page(sample):
    catalog, _ = sample
    edition = edition_catalog(catalog, "mobile")
    plan = plan_site(edition)
    mark_edition(plan, edition, "mobile")
    assert not [src for src in plan.pages if src.startswith(("curricula/member/", "curricula/secretary/"))]
    assert curriculum_src("mobile") in plan.pages
    assert [item.title for item in plan.nav if item.title in AUDIENCES.values()] == [AUDIENCES["mobile"]]
    kept = {m.slug for m in edition.materials.values()}
    assert {src for src in plan.pages if src.startswith("materials/")} == {material_src(s) for s in kept}
    dropped = [m for slug, m in catalog.materials.items() if slug not in kept]
    assert dropped, "the sample's mobile edition keeps every material"
    links = "\n".join(p.markdown for p in plan.pages.values())
    assert not [m.slug for m in dropped if re.search(rf"\(([./]*materials/|\.\./){re.escape(m.slug)}/", links)]
    home = plan.pages[HOME_SRC]
    assert home.markdown.startswith('!!! info "流动党员版"')
    assert f"共 {len(kept)} 个材料" in home.markdown and AUDIENCES["member"] in home.markdown
    assert [who["audience"] for who in home.meta["sp"]["who"]] == ["mobile"]


def test_an_edition_that_cannot_be_made_says_why_in_chinese(sample):
    catalog, _ = sample
    with pytest.raises(EditionError, match="没有“village”这个版本"):
        edition_catalog(catalog, "village")
    without = Catalog(materials=catalog.materials, curricula={k: v for k, v in catalog.curricula.items() if k != "secretary"})
    with pytest.raises(EditionError, match=r"materials/curricula/ 写 secretary\.yml"):
        edition_catalog(without, "secretary")
