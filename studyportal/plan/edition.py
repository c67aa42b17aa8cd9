"""Editions: the whole portal, or one audience's curriculum with everything it links to.

An audience edition keeps that audience's curriculum, the materials it lists, and every material
named by a kept reading list (followed transitively). Other curricula and materials are dropped
from the catalog, so the planner never writes a link to them.
"""

from __future__ import annotations

from studyportal.errors import StudyportalError
from studyportal.kinds import material_refs
from studyportal.model import Catalog, Material
from studyportal.plan.types import HOME_SRC, SitePlan
from studyportal.vocabulary import AUDIENCES

ALL = "all"
EDITIONS: tuple[str, ...] = (ALL, *AUDIENCES)


class EditionError(StudyportalError):
    """An edition that cannot be made (unknown name, or no curriculum for the audience)."""


def edition_name(edition: str) -> str:
    """``mobile`` → ``流动党员版``; ``all`` → ``完整版``."""
    return "完整版" if edition == ALL else f"{AUDIENCES.get(edition, edition)}版"


def linked_materials(catalog: Catalog, start: list[Material]) -> list[Material]:
    """``start`` plus every material its reading lists name, transitively, in first-seen order."""
    seen: dict[str, Material] = {}
    queue = list(start)
    while queue:
        m = queue.pop(0)
        if m.slug in seen:
            continue
        seen[m.slug] = m
        queue.extend(catalog.materials[r.slug] for r in material_refs(m) if r.slug in catalog.materials)
    return list(seen.values())


def edition_catalog(catalog: Catalog, edition: str) -> Catalog:
    """The catalog of one edition (``all`` returns ``catalog`` itself)."""
    if edition == ALL:
        return catalog
    if edition not in AUDIENCES:
        raise EditionError(f"没有“{edition}”这个版本：可选 {'、'.join(EDITIONS)}")
    curriculum = catalog.curricula.get(edition)
    if curriculum is None:
        raise EditionError(f"没有{AUDIENCES[edition]}的课程文件，做不出{edition_name(edition)}：先在 materials/curricula/ 写 {edition}.yml")
    keep = {m.slug for m in linked_materials(catalog, curriculum.materials())}
    return Catalog(
        materials={slug: m for slug, m in catalog.materials.items() if slug in keep},
        curricula={edition: curriculum},
        drafts=catalog.drafts,
        banks=catalog.banks,  # a question shows only on the pages of kept materials
    )


def mark_edition(plan: SitePlan, catalog: Catalog, edition: str) -> None:
    """Say on the home page of an audience edition what it holds and what it leaves out."""
    home = plan.pages.get(HOME_SRC)
    if edition == ALL or home is None:
        return
    others = "、".join(name for code, name in AUDIENCES.items() if code != edition)
    note = (
        f'!!! info "{edition_name(edition)}"\n'
        f"    本版只收录{AUDIENCES[edition]}学习课程和课程引用的材料，共 {len(catalog.materials)} 个材料。"
        f"{others}的课程不在本版中，需要时请向组织部门索取完整版。\n\n"
    )
    home.markdown = note + home.markdown
