"""Planning one material's page: header data, kind-specific sections, body, curriculum links."""

from __future__ import annotations

import posixpath

from studyportal.model import Catalog, Material
from studyportal.plan.format import cn_date, date, esc, hours
from studyportal.plan.links import page_assets, page_links
from studyportal.plan.types import PlannedPage, curriculum_src, link, material_src, module_src, topic_src
from studyportal.vocabulary import SECTION_HEADINGS, audience_name, kind_name, track_name


def plan_material(m: Material, catalog: Catalog, places: dict[str, list[dict]], topic_slugs: dict[str, str]) -> PlannedPage:
    """The page of one material; ``places`` comes from :func:`memberships`."""
    src = material_src(m.slug)
    parts: list[str] = []
    if m.kind == "policy-explainer" and m.document:
        parts.append(_document_box(m))
    if m.kind == "class-outline":
        parts.append(_outline_intro(m))
    parts.append(m.body.strip())
    if m.kind == "class-outline" and m.discussion:
        parts.append(f"## {SECTION_HEADINGS['discussion']}\n\n" + "\n".join(f"{i}. {esc(q)}" for i, q in enumerate(m.discussion, 1)))
    if m.kind == "reading-list" and m.items:
        parts.append(_reading_table(m, catalog, src))
    meta = {
        "sp": {
            "type": "material",
            "kind": m.kind,
            "kind_name": kind_name(m.kind),
            "audiences": [{"code": a, "name": audience_name(a)} for a in m.audiences],
            "track": m.track,
            "track_name": track_name(m.track),
            "hours": hours(m.hours),
            "required": m.required,
            "published": date(m.published),
            "updated": date(m.updated),
            "author": m.author,
            "summary": m.summary,
            "topics": [{"name": t, "src": topic_src(topic_slugs[t])} for t in m.topics],
            "memberships": places.get(m.slug, []),
        }
    }
    folder = posixpath.dirname(src)
    return PlannedPage(
        src,
        m.title,
        "\n\n".join(p for p in parts if p) + "\n",
        "sp-material.html",
        meta,
        description=m.summary,
        links=page_links(m.references, src, catalog, folder),
        assets=page_assets(m.references, folder),
    )


def _document_box(m: Material) -> str:
    d = m.document
    assert d is not None
    title = f"[{esc(d.title)}]({d.link})" if d.link else esc(d.title)
    fields = [f"**文件**：{title}", f"**发文机关**：{esc(d.issuer)}"]
    if d.number:
        fields.append(f"**文号**：{esc(d.number)}")
    fields.append(f"**印发日期**：{cn_date(d.date)}")
    body = "\n".join(f"    {f}  " for f in fields)
    return f'!!! note "解读的政策文件"\n{body}\n'


def _outline_intro(m: Material) -> str:
    lines = []
    if m.duration:
        lines.append(f"**授课时长**：{m.duration} 分钟")
    if m.objectives:
        lines.append(f"## {SECTION_HEADINGS['objectives']}\n\n" + "\n".join(f"- {esc(o)}" for o in m.objectives))
    if m.preparation:
        lines.append(f"## {SECTION_HEADINGS['preparation']}\n\n" + "\n".join(f"- {esc(p)}" for p in m.preparation))
    return "\n\n".join(lines)


def _reading_table(m: Material, catalog: Catalog, src: str) -> str:
    rows = ["| 书目 | 作者或发文机关 | 必读 | 季度 | 说明 |", "| --- | --- | --- | --- | --- |"]
    for item in m.items:
        title = esc(item.title)
        if item.material and item.material in catalog.materials:
            title = f"[{title}]({link(src, material_src(item.material))})"
        elif item.link:
            title = f"[{title}]({item.link})"
        rows.append(f"| {title} | {esc(item.author)} | {'必读' if item.required else '选读'} | {esc(item.quarter)} | {esc(item.note)} |")
    return f"## {SECTION_HEADINGS['items']}\n\n" + "\n".join(rows)


def memberships(catalog: Catalog) -> dict[str, list[dict]]:
    """For every material slug, where it sits in each curriculum, with previous and next."""
    out: dict[str, list[dict]] = {}
    for curriculum in catalog.curricula.values():
        ordered = curriculum.materials()
        module_of = {}
        for module in curriculum.modules:
            for x in module.materials:
                module_of.setdefault(x.slug, module)
        for i, m in enumerate(ordered):
            module = module_of[m.slug]
            entry = {
                "audience": curriculum.audience,
                "audience_name": audience_name(curriculum.audience),
                "title": curriculum.title,
                "src": curriculum_src(curriculum.audience),
                "module": {"title": module.title, "src": module_src(curriculum.audience, module.key)},
                "position": i + 1,
                "total": len(ordered),
            }
            if i > 0:
                entry["prev"] = {"title": ordered[i - 1].title, "src": material_src(ordered[i - 1].slug)}
            if i + 1 < len(ordered):
                entry["next"] = {"title": ordered[i + 1].title, "src": material_src(ordered[i + 1].slug)}
            out.setdefault(m.slug, []).append(entry)
    return out
