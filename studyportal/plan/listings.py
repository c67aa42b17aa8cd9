"""Planning the home page, topic pages, per-kind pages and the what's-new page."""

from __future__ import annotations

import datetime as dt

from studyportal.kinds import kinds
from studyportal.model import Catalog, Material
from studyportal.plan.format import esc, hours, material_list
from studyportal.plan.types import (
    HOME_SRC,
    NEW_SRC,
    TOPICS_SRC,
    PlannedPage,
    curriculum_src,
    kind_src,
    link,
    topic_src,
)
from studyportal.vocabulary import AUDIENCES, TRACKS

NEW_COUNT = 30
AUDIENCE_PITCH = {
    "secretary": "带领支部学习、讲党课、抓组织生活和纪律作风",
    "member": "学党章党史、学政策理论、学实用技术，每课短小好学",
    "mobile": "在外务工经商也能学：页面小、摘要短，断网也能看",
}

_EPOCH = dt.date(1, 1, 1)


def newest_first(materials: list[Material]) -> list[Material]:
    return sorted(materials, key=lambda m: (m.last_changed or _EPOCH, m.title), reverse=True)


def by_track(materials: list[Material], from_src: str) -> str:
    """Materials grouped under track headings, required first."""
    parts = []
    for track, name in TRACKS.items():
        chosen = sorted((m for m in materials if m.track == track), key=lambda m: (not m.required, m.title))
        if chosen:
            parts.append(f"## {name}\n\n" + material_list(chosen, from_src))
    return "\n\n".join(parts)


def plan_home(catalog: Catalog) -> PlannedPage:
    """The home page: "who are you?" cards (laid out by the template), then kinds and what is new."""
    who = []
    for code, name in AUDIENCES.items():
        c = catalog.curricula.get(code)
        if c is not None:
            facts = f"{c.title}：{len(c.modules)} 个模块，共 {hours(c.hours) or '—'}。"
            who.append(
                {"audience": code, "label": f"我是{name}", "src": curriculum_src(code), "pitch": AUDIENCE_PITCH[code], "facts": facts}
            )
    recent = newest_first(list(catalog.materials.values()))[:5]
    parts = [
        "## 按类别浏览",
        "\n".join(f"- [{spec.listing_title}]({link(HOME_SRC, kind_src(k))})" for k, spec in kinds().items())
        + f"\n- [全部专题]({link(HOME_SRC, TOPICS_SRC)})",
        "## 最近更新",
        material_list(recent, HOME_SRC) + f"\n[查看全部更新 →]({link(HOME_SRC, NEW_SRC)})",
    ]
    meta = {"sp": {"type": "home", "who": who}, "hide": ["toc"]}
    return PlannedPage(HOME_SRC, "首页", "\n\n".join(parts) + "\n", "sp-home.html", meta)


def plan_topics(catalog: Catalog, slugs: dict[str, str]) -> list[PlannedPage]:
    """The topic index and one page per topic; ``slugs`` comes from :meth:`Catalog.topic_slugs`."""
    topics = catalog.topics()
    ordered = sorted(topics.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    index_lines = [
        f'- [{esc(t)}]({link(TOPICS_SRC, topic_src(slugs[t]))})　<span class="sp-tags">{len(ms)} 个材料</span>' for t, ms in ordered
    ]
    pages = [PlannedPage(TOPICS_SRC, "专题", "按专题浏览全部学习材料。\n\n" + "\n".join(index_lines) + "\n")]
    for topic, materials in ordered:
        src = topic_src(slugs[topic])
        body = f"专题“{esc(topic)}”下共有 {len(materials)} 个材料。\n\n" + by_track(materials, src)
        pages.append(PlannedPage(src, f"专题：{topic}", body + "\n", description=f"专题“{topic}”的学习材料"))
    return pages


def plan_kinds(catalog: Catalog) -> list[PlannedPage]:
    pages = []
    for kind, spec in kinds().items():
        src = kind_src(kind)
        materials = [m for m in catalog.materials.values() if m.kind == kind]
        body = f"共 {len(materials)} 个。\n\n" + (by_track(materials, src) or "暂无。")
        pages.append(PlannedPage(src, spec.listing_title, body + "\n"))
    return pages


def plan_new(catalog: Catalog) -> PlannedPage:
    recent = newest_first(list(catalog.materials.values()))[:NEW_COUNT]
    groups: dict[str, list[Material]] = {}
    for m in recent:
        when = m.last_changed
        label = f"{when.year}年{when.month}月" if when else "日期未注明"
        groups.setdefault(label, []).append(m)
    parts = [f"最近发布或更新的 {len(recent)} 个材料。"]
    for label, materials in groups.items():
        parts.append(f"## {label}\n\n" + material_list(materials, NEW_SRC))
    return PlannedPage(NEW_SRC, "最近更新", "\n\n".join(parts) + "\n")
