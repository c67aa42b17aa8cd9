"""Checks across files: unique slugs, resolvable references, every material reachable."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from studyportal.kinds import material_refs
from studyportal.load.frontmatter import Located
from studyportal.model import Catalog, Curriculum, Material, Module
from studyportal.problems import Problem
from studyportal.validate.links import suggest_slug
from studyportal.validate.material import derived_slug
from studyportal.vocabulary import audience_name


def check_unique_slugs(materials: list[Material], problems: list[Problem]) -> dict[str, Material]:
    """Index materials by slug; a second material with the same slug is an error on both sides."""
    by_slug: dict[str, Material] = {}
    for m in materials:
        first = by_slug.get(m.slug)
        if first is None:
            by_slug[m.slug] = m
            continue
        fix = "给其中一个材料写一个不同的 slug: …（只用小写字母、数字、短横线）"
        problems.append(Problem(m.source, m.slug_line, f"网址名 {m.slug} 已被 {first.source} 使用", fix, field="slug"))
        problems.append(Problem(first.source, first.slug_line, f"网址名 {m.slug} 也被 {m.source} 使用", fix, field="slug"))
    return by_slug


def resolve_curriculum(
    curriculum: Curriculum,
    located: Located,
    published: dict[str, Material],
    drafts: dict[str, Material],
    problems: list[Problem],
) -> None:
    """Fill each module's materials from its slugs and include rules, reporting bad references."""
    for i, module in enumerate(curriculum.modules):
        listed: list[Material] = []
        for j, slug in enumerate(module.slugs):
            line, col = located.where(("modules", i, "materials", j))
            m = published.get(slug)
            field = f"modules.{i}.materials.{j}"
            if slug in module.slugs[:j]:
                problems.append(
                    Problem(
                        curriculum.source,
                        line,
                        f"材料 {slug} 在这个模块里列了两次，只算一次",
                        "删掉重复的那一项",
                        field=field,
                        column=col,
                        severity="warning",
                    )
                )
                continue
            if m is None and slug in drafts:
                problems.append(
                    Problem(
                        curriculum.source,
                        line,
                        f"材料 {slug} 还是草稿（draft: true），不会出现在课程里",
                        f"草稿完成后在 {drafts[slug].source} 里删去 draft: true",
                        field=field,
                        column=col,
                        severity="warning",
                    )
                )
                continue
            if m is None:
                problems.append(
                    Problem(
                        curriculum.source,
                        line,
                        f"找不到网址名为 {slug} 的材料",
                        _missing_fix(slug, curriculum.audience, published),
                        field=field,
                        column=col,
                    )
                )
                continue
            if curriculum.audience not in m.audiences:
                problems.append(
                    Problem(
                        curriculum.source,
                        line,
                        f"材料 {slug} 的学习对象里没有{audience_name(curriculum.audience)}（{curriculum.audience}）",
                        f"在 {m.source} 的 audiences 里加上 {curriculum.audience}，或把它从这个课程里移走",
                        field=field,
                        column=col,
                    )
                )
                continue
            listed.append(m)
        module.materials = listed + _included(module, curriculum.audience, published, {m.slug for m in listed})


def _missing_fix(slug: str, audience: str, published: dict[str, Material]) -> str:
    """The "did you mean" of a curriculum entry: the slug of the file it names first, then close slugs, the audience's first."""
    guess = suggest_slug(slug, published, prefer=lambda m: audience in m.audiences)
    if guess is None:
        return "检查网址名：它是材料的 slug 字段，没写 slug 时是文件名（中文文件名取拼音）"
    source = published[guess].source
    if PurePath(source).stem == PurePath(slug).stem or published[guess].title == slug or derived_slug(source) == slug:
        return f"课程里要写网址名，不是文件名或标题：{source} 的网址名是 {guess}，写成 - {guess}"
    return f"你是不是想写 {guess}？（{source}）"


def _included(module: Module, audience: str, published: dict[str, Material], already: set[str]) -> list[Material]:
    found = []
    for inc in module.includes:
        for m in published.values():
            if m.slug in already or audience not in m.audiences:
                continue
            if inc.track and m.track != inc.track:
                continue
            if inc.kind and m.kind != inc.kind:
                continue
            if inc.topics and not set(inc.topics) & set(m.topics):
                continue
            already.add(m.slug)
            found.append(m)
    found.sort(key=lambda m: (not m.required, m.published or m.updated or _FAR, m.title))
    return found


def check_reading_links(published: dict[str, Material], drafts: dict[str, Material], problems: list[Problem]) -> None:
    """A material a kind's field names (a reading list's ``material:``) must be a published one."""
    for m in published.values():
        for ref in material_refs(m):
            if ref.slug not in published:
                fix = "这个材料还是草稿" if ref.slug in drafts else "检查网址名（材料的 slug 或文件名）"
                problems.append(Problem(m.source, ref.line, f"{ref.label}引用的材料 {ref.slug} 不存在", fix, field=ref.field))


def check_reachable(catalog: Catalog, problems: list[Problem]) -> None:
    """Every published material must be reachable from a curriculum or a topic page."""
    in_curricula = {m.slug for c in catalog.curricula.values() for m in c.materials()}
    for m in catalog.materials.values():
        if m.slug in in_curricula or m.topics:
            continue
        problems.append(
            Problem(
                m.source,
                1,
                "这个材料不在任何课程里，也没有专题，读者找不到它",
                "把它的网址名加进某个课程模块的 materials 列表，或给它写 topics: [专题名]",
                field="topics",
            )
        )


_FAR = dt.date(9999, 12, 31)
