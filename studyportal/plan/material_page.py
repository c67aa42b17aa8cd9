"""Planning one material's page: header data, kind-specific sections, body, curriculum links."""

from __future__ import annotations

import posixpath

from studyportal.kinds import kind_spec
from studyportal.model import Catalog, Material
from studyportal.plan.format import date, hours
from studyportal.plan.links import page_assets, page_links
from studyportal.plan.types import PlannedPage, curriculum_src, link, material_src, module_src, topic_src
from studyportal.vocabulary import audience_name, track_name


def plan_material(m: Material, catalog: Catalog, places: dict[str, list[dict]], topic_slugs: dict[str, str]) -> PlannedPage:
    """The page of one material; ``places`` comes from :func:`memberships`."""
    src = material_src(m.slug)
    spec = kind_spec(m.kind)
    assert spec is not None, m.kind  # validation keeps materials of unknown kinds out of the catalog

    def resolve(slug: str) -> str:
        return link(src, material_src(slug)) if slug in catalog.materials else ""

    parts = [spec.before_body(m) if spec.before_body else "", m.body.strip(), spec.after_body(m, resolve) if spec.after_body else ""]
    meta = {
        "sp": {
            "type": "material",
            "kind": m.kind,
            "kind_name": spec.name,
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
            # "学完了" (theme/partials/sp-record.html): what the browser records; a material without hours counts 0 学时
            "record": {"slug": m.slug, "title": m.title, "kind": spec.name, "hours": m.hours or 0},
        }
    }
    folder = posixpath.dirname(src)
    return PlannedPage(
        src,
        m.title,
        "\n\n".join(p for p in parts if p) + "\n",
        spec.template,
        meta,
        description=m.summary,
        links=page_links(m.references, src, catalog, folder),
        assets=page_assets(m.references, folder),
    )


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
