"""Planning the curriculum page of each audience and the page of each of its modules."""

from __future__ import annotations

import posixpath

from studyportal.model import Catalog, Curriculum
from studyportal.plan.format import cn_date, esc, hours, material_list
from studyportal.plan.links import page_assets, page_links
from studyportal.plan.types import PlannedPage, curriculum_src, link, material_src, module_src
from studyportal.vocabulary import audience_name

CN_NUMBERS = "一二三四五六七八九十"


def module_label(index: int) -> str:
    """``0`` → ``模块一``."""
    return f"模块{CN_NUMBERS[index]}" if index < len(CN_NUMBERS) else f"模块 {index + 1}"


def hours_note(c: Curriculum) -> str:
    """The planned hours beside the year's target, and in plain words when the plan falls short of it."""
    planned = hours(c.hours) or "0 学时"
    target = hours(c.target())
    if not target:
        return ""
    line = f"**学时**：本课程安排 {planned}（每个材料只算一次），年度目标 {target}。\n{{: .sp-hours }}"
    if not c.shortfall:
        return line
    return (
        f"{line}\n\n"
        '!!! warning "学时不足"\n'
        f"    本课程目前只安排了 {planned}，比年度目标 {target}少 {hours(c.shortfall)}。"
        "差的学时可以选学专题和分类里的其他材料，或参加支部组织的集中学习补足。"
    )


def plan_curriculum(c: Curriculum, catalog: Catalog | None = None) -> list[PlannedPage]:
    """The curriculum overview page followed by one page per module; ``catalog`` decides which linked materials exist."""
    src = curriculum_src(c.audience)
    catalog = catalog or Catalog()
    folder = posixpath.dirname(src)
    parts = [hours_note(c)] if hours_note(c) else []
    if c.introduction:
        parts.append(c.introduction)
    for i, module in enumerate(c.modules):
        mod_src = module_src(c.audience, module.key)
        head = f"## {module_label(i)}　{esc(module.title)} {{ #{module.key} }}"
        stats = f'<p class="sp-module-stats">{len(module.materials)} 个材料 · 共 {hours(module.hours) or "—"}'
        if module.required_hours:
            stats += f" · 必学 {hours(module.required_hours)}"
        stats += "</p>"
        lines = [head, stats]
        if module.description:
            lines.append(module.description)
        items = []
        for m in module.materials:
            mark = '<span class="sp-req">必学</span>' if m.required else '<span class="sp-opt">选学</span>'
            extra = f' <span class="sp-tags">{hours(m.hours)}</span>' if m.hours else ""
            items.append(f"1. {mark} [{esc(m.title)}]({link(src, material_src(m.slug))}){extra}\n   {{: .sp-step }}")
        if items:
            lines.append("\n".join(items))
        lines.append(f"[查看{module_label(i)}的全部摘要 →]({link(src, mod_src)})\n{{: .sp-more }}")  # screen only: not printed
        parts.append("\n\n".join(lines))
    meta = {
        "sp": {
            "type": "curriculum",
            "audience": c.audience,
            "audience_name": audience_name(c.audience),
            "hours": hours(c.hours),
            "required_hours": hours(c.required_hours),
            "target_hours": hours(c.target()),
            "shortfall": hours(c.shortfall),
            "modules": len(c.modules),
            "materials": len(c.materials()),
            "rhythm": c.rhythm,
            "phases": [
                {"title": p.title, "start": cn_date(p.start), "end": cn_date(p.end), "description": p.description} for p in c.phases
            ],
            # the member's own progress (theme/partials/sp-progress.html): the year's target and each module's materials
            "record": {
                "target": c.target(),
                "help": {"src": "study-record.md"},  # studyportal/help/study-record.md; the plugin adds its href
                "modules": [
                    {"key": mod.key, "label": module_label(i), "title": mod.title, "slugs": [m.slug for m in mod.materials]}
                    for i, mod in enumerate(c.modules)
                ],
            },
        }
    }
    links = page_links(c.references, src, catalog, folder)
    pages = [PlannedPage(src, c.title, "\n\n".join(parts) + "\n", "sp-curriculum.html", meta, links=links)]
    pages[0].assets = page_assets(c.references, folder)
    for i in range(len(c.modules)):
        page = _module_page(c, i)
        page.links = page_links(c.references, page.src_uri, catalog, folder)
        pages.append(page)
    return pages


def _module_page(c: Curriculum, i: int) -> PlannedPage:
    module = c.modules[i]
    src = module_src(c.audience, module.key)
    back = f"[← 返回{esc(c.title)}]({link(src, curriculum_src(c.audience))})\n{{: .sp-more }}"  # screen only: not printed
    stats = f"{len(module.materials)} 个材料 · 共 {hours(module.hours) or '—'}"
    if module.required_hours:
        stats += f" · 必学 {hours(module.required_hours)}"
    parts = [back, f'<p class="sp-module-stats">{audience_name(c.audience)} · {module_label(i)} · {stats}</p>']
    if module.description:
        parts.append(module.description)
    parts.append(material_list(module.materials, src, show_audiences=False) or "本模块暂无材料。")
    nav = []
    if i > 0:
        prev = c.modules[i - 1]
        nav.append(f"[← 上一模块：{esc(prev.title)}]({link(src, module_src(c.audience, prev.key))})")
    if i + 1 < len(c.modules):
        nxt = c.modules[i + 1]
        nav.append(f"[下一模块：{esc(nxt.title)} →]({link(src, module_src(c.audience, nxt.key))})")
    if nav:
        parts.append(" ".join(nav) + "\n{: .sp-pager }")
    title = f"{module_label(i)}　{module.title}"
    return PlannedPage(src, title, "\n\n".join(parts) + "\n", description=module.description[:120])
