"""What is made to be printed: a handbook (学习手册) per curriculum, and the sheets a class outline's page prints.

The handbook has a cover, a table of contents and every material of the curriculum in reading order,
each starting on a new printed page (``studyportal.css``, print block of issue 13). It is in neither the
navigation nor the search index (its ``sp.type`` is neither material nor curriculum) and is linked from
its curriculum's page (``theme/partials/sp-print.html``). A class outline's sign-in sheet and discussion
record are no pages of their own: the outline's page carries them hidden (``theme/partials/sp-sheets.html``,
from ``sp.sheets``) and its 打印签到表 / 打印讨论记录 buttons print one of them alone, one printed page each.
"""

from __future__ import annotations

import re

from studyportal.kinds import kind_name, kind_spec
from studyportal.kinds.builtin import ClassOutline
from studyportal.model import Catalog, Curriculum, Material
from studyportal.plan.curriculum_pages import module_label
from studyportal.plan.format import esc, hours
from studyportal.plan.links import page_links
from studyportal.plan.types import PlannedPage, SitePlan, curriculum_src, link, material_src
from studyportal.vocabulary import audience_name

SIGN_IN_ROWS = 18  # rows of a sign-in sheet: as many as fit one A4 or Letter page with the heading
_HEADING = re.compile(r"^(#{1,6})(?=\s)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def handbook_src(audience: str) -> str:
    """Where a curriculum's handbook lives (outside ``curricula/``, where a module's key could take the name)."""
    return f"handbook/{audience}/index.md"


def demote(markdown: str, levels: int) -> str:
    """ATX headings ``levels`` deeper (at most ``######``), leaving fenced code alone: a material's ``##`` under the handbook's own."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _HEADING.sub(lambda m: "#" * min(6, len(m.group(1)) + levels), line)
        out.append(line)
    return "\n".join(out)


def _anchor(m: Material) -> str:
    return f"hb-{m.slug}"


def _material_part(m: Material, src: str, catalog: Catalog) -> str:
    spec = kind_spec(m.kind)

    def resolve(slug: str) -> str:
        return link(src, material_src(slug)) if slug in catalog.materials else ""

    facts = [kind_name(m.kind), "必学" if m.required else "选学"]
    if m.hours:
        facts.append(hours(m.hours))
    head = f"### {esc(m.title)} {{ #{_anchor(m)} .sp-hb-title }}\n\n{' · '.join(facts)}　{esc(m.summary)}\n{{: .sp-hb-facts }}"
    body = [
        spec.before_body(m) if spec and spec.before_body else "",
        m.body.strip(),
        spec.after_body(m, resolve) if spec and spec.after_body else "",
    ]
    text = "\n\n".join(b for b in body if b)
    return f"{head}\n\n{demote(text, 2)}"


def plan_handbook(c: Curriculum, catalog: Catalog) -> PlannedPage | None:
    """The handbook of one curriculum, or None when it has no materials."""
    if not c.materials():
        return None
    src = handbook_src(c.audience)
    seen: set[str] = set()
    parts, toc, links = [], [], {}
    for i, module in enumerate(c.modules):
        materials = [m for m in module.materials if m.slug not in seen]
        if not materials:
            continue
        seen.update(m.slug for m in materials)
        label = f"{module_label(i)}　{module.title}"
        parts.append(f"## {esc(label)} {{ #hb-{module.key} .sp-hb-module }}")
        if module.description:
            parts.append(module.description)
        entries = [{"title": m.title, "anchor": _anchor(m)} for m in materials]
        toc.append({"title": label, "anchor": f"hb-{module.key}", "materials": entries})
        for m in materials:
            parts.append(_material_part(m, src, catalog))
            for written, target in page_links(m.references, src, catalog, f"materials/{m.slug}").items():
                links.setdefault(written, target)  # two materials writing the same target for different files: the first wins
    years = sorted({d.year for p in c.phases for d in (p.start, p.end)})
    meta = {
        "sp": {
            "type": "handbook",
            "audience": c.audience,
            "audience_name": audience_name(c.audience),
            "curriculum": {"title": c.title, "src": curriculum_src(c.audience)},
            "year": "" if not years else str(years[0]) if years[0] == years[-1] else f"{years[0]}—{years[-1]}",
            "hours": hours(c.hours),
            "materials": len(seen),
            "toc": toc,
        },
        "hide": ["toc", "navigation"],
    }
    title = f"{c.title}·学习手册"
    return PlannedPage(src, title, "\n\n".join(parts) + "\n", "sp-handbook.html", meta, f"{c.title}的全部学习材料，可打印装订", links=links)


def sheet_data(m: Material) -> dict | None:
    """What a class outline's sign-in sheet and discussion record print (``sp.sheets`` of its page); None for other kinds."""
    outline = m.details if isinstance(m.details, ClassOutline) else None
    if outline is None:
        return None
    return {"title": m.title, "rows": SIGN_IN_ROWS, "questions": list(outline.discussion)}


def add_print_pages(plan: SitePlan, catalog: Catalog) -> None:
    """Plan the handbooks, linked from their curricula (``sp.print``), and give each class outline's page its sheets (``sp.sheets``)."""
    for c in catalog.curricula.values():
        page = plan.pages.get(curriculum_src(c.audience))
        handbook = plan_handbook(c, catalog)
        if page is None or handbook is None:
            continue
        plan.add(handbook)
        page.meta["sp"]["print"] = [{"label": "打印学习手册", "src": handbook.src_uri}]
    for m in catalog.materials.values():
        page = plan.pages.get(material_src(m.slug))
        sheets = sheet_data(m)
        if page is not None and sheets is not None:
            page.meta["sp"]["sheets"] = sheets
