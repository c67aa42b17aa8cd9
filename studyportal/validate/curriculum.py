"""Validating a curriculum file (one per audience) into a :class:`Curriculum` with unresolved slugs."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path, PurePath

from studyportal.kinds import kind_names
from studyportal.load.frontmatter import Located
from studyportal.model import Activity, Curriculum, Include, Module, Phase, Reference
from studyportal.problems import Problem
from studyportal.sanitize.lint import markup_problems
from studyportal.validate.fields import FieldReader
from studyportal.validate.links import AssetNames, scan_references
from studyportal.validate.material import renderer_limits
from studyportal.vocabulary import AUDIENCES, TRACKS

CURRICULUM_FIELDS = ["audience", "title", "introduction", "rhythm", "target_hours", "phases", "activities", "modules"]
TARGET_HOURS_MAX = 500  # a year's study: 56 for secretaries is the usual figure
PHASE_FIELDS = ["title", "start", "end", "description"]
ACTIVITY_FIELDS = ["month", "title", "description"]
_MONTH = re.compile(r"(\d{4})-(0?[1-9]|1[0-2])")
INTRODUCTION_MAX = 5000  # Markdown shown above the modules: a few paragraphs
DESCRIPTION_MAX = 2000
MODULE_FIELDS = ["key", "title", "description", "materials", "include"]
INCLUDE_FIELDS = ["track", "topics", "kind"]


def validate_curriculum(
    located: Located, shown_path: str, problems: list[Problem], source: Path | None = None, root: Path | None = None
) -> Curriculum | None:
    """Check a parsed curriculum YAML file; returns None when it cannot be used at all.

    ``source`` (the file) and ``root`` (the materials folder) locate pictures and attachments its texts name.
    """
    r = FieldReader(located, shown_path, problems)
    refs: list[Reference] = []
    names = AssetNames()

    def markdown(where: tuple, max_len: int, audience: str) -> str:
        text, first = _markdown(r, where, max_len, audience)
        field = ".".join(map(str, where))
        refs.extend(
            scan_references(text, shown=shown_path, first_line=first, source=source, root=root, names=names, problems=problems, field=field)
        )
        return text

    if not isinstance(located.data, dict):
        problems.append(Problem(shown_path, 1, "课程文件应当是“字段: 值”的形式", "参照 materials/curricula/member.yml 的写法"))
        return None
    r.unknown_fields((), CURRICULUM_FIELDS, "课程文件")
    stem = PurePath(shown_path).stem
    audience = r.choice(("audience",), AUDIENCES) or (stem if stem in AUDIENCES else "")
    if not audience and not r.present(("audience",)):
        r.problem((), "不知道这个课程是给哪类学员的", f"加上一行 audience: 并写 {'、'.join(AUDIENCES)} 之一")
    curriculum = Curriculum(
        source=shown_path,
        audience=audience,
        title=r.text(("title",), required=True, fix="加上一行 title: 课程名称"),
        introduction=markdown(("introduction",), INTRODUCTION_MAX, audience),
        rhythm=r.text_list(("rhythm",)),
        target_hours=r.number(("target_hours",), unit="（学时）", most=TARGET_HOURS_MAX),
        references=refs,
    )
    for i, _ in enumerate(r.sequence(("phases",), fix="phases 下每个阶段写成“- title: 阶段名”，再写 start、end 日期")):
        phase = _phase(r, ("phases", i))
        if phase:
            curriculum.phases.append(phase)
    fix = "activities 下每项写成“- month: 2026-07”，下一行缩进写 title: 活动名称"
    for i, _ in enumerate(r.sequence(("activities",), fix=fix)):
        activity = _activity(r, ("activities", i))
        if activity:
            curriculum.activities.append(activity)
    modules = r.sequence(("modules",), required=True, fix="加上 modules:，每个模块写 title 和 materials 列表")
    keys: set[str] = set()
    for i, _ in enumerate(modules):
        module = _module(r, ("modules", i), i, markdown)
        if module is None:
            continue
        if module.key in keys:
            r.problem(("modules", i, "key"), f"模块代号 {module.key} 重复", "给每个模块起不同的 key")
        keys.add(module.key)
        curriculum.modules.append(module)
    if not audience or not curriculum.title:
        return None
    return curriculum


def _markdown(r: FieldReader, where: tuple, max_len: int, audience: str) -> tuple[str, int]:
    """A Markdown field and the file line of its first line, with a warning for each thing the sanitiser will remove from it."""
    text = r.text(where, max_len=max_len)
    line, _ = r.located.where(where)
    raw = r.raw(where)
    first = line + 1 if isinstance(raw, str) and "\n" in raw.strip() else line  # a block scalar starts on the next line
    if text:
        field = ".".join(map(str, where))
        r.problems.extend(markup_problems(text, r.path, first, f"curricula/{audience or 'x'}/", field=field))
        r.problems.extend(renderer_limits(text, r.path, first, field=field))
    return text, first


def _phase(r: FieldReader, where: tuple) -> Phase | None:
    if r.mapping(where, fix="写成“- title: 阶段名”，下一行缩进写 start: 和 end: 日期") is None:
        return None
    r.unknown_fields(where, PHASE_FIELDS, "阶段")
    title = r.text(where + ("title",), required=True)
    start = r.date(where + ("start",), required=True)
    end = r.date(where + ("end",), required=True)
    if start and end and end < start:
        r.problem(where + ("end",), "结束日期早于开始日期", "检查 start 和 end")
    if not (title and start and end):
        return None
    return Phase(title=title, start=start, end=end, description=r.text(where + ("description",)))


def _activity(r: FieldReader, where: tuple) -> Activity | None:
    if r.mapping(where, fix="写成“- month: 2026-07”，下一行缩进写 title: 活动名称") is None:
        return None
    r.unknown_fields(where, ACTIVITY_FIELDS, "活动")
    month = r.text(where + ("month",), required=True, fix="加上一行 month: 2026-07（活动所在的年月）")
    found = _MONTH.fullmatch(month) if month else None
    if month and not found:
        r.problem(where + ("month",), f"“{month}”不是年月", "月份写成 2026-07 这样的格式：四位年份、短横线、月份")
    title = r.text(where + ("title",), required=True, fix="加上一行 title: 活动名称，例如 主题党日：重温入党誓词")
    if not (found and title):
        return None
    return Activity(month=f"{found.group(1)}-{int(found.group(2)):02d}", title=title, description=r.text(where + ("description",)))


def _module(r: FieldReader, where: tuple, index: int, markdown: Callable[[tuple, int, str], str]) -> Module | None:
    if r.mapping(where, fix="写成“- title: 模块名”，下一行缩进写 materials: [网址名, …]") is None:
        return None
    r.unknown_fields(where, MODULE_FIELDS, "模块")
    title = r.text(where + ("title",), required=True)
    key = r.slug(where + ("key",)) or f"m{index + 1}"
    module = Module(key=key, title=title, description=markdown(where + ("description",), DESCRIPTION_MAX, ""))
    module.slugs = r.text_list(where + ("materials",))
    include_raw = r.raw(where + ("include",))
    include_entries = include_raw if isinstance(include_raw, list) else [include_raw] if include_raw else []
    for j, _ in enumerate(include_entries):
        inc_where = where + ("include", j) if isinstance(include_raw, list) else where + ("include",)
        if r.mapping(inc_where, fix="写成 include: {track: policy, topics: [乡村振兴]}") is None:
            continue
        r.unknown_fields(inc_where, INCLUDE_FIELDS, "include")
        inc = Include(
            track=r.choice(inc_where + ("track",), TRACKS),
            topics=tuple(r.text_list(inc_where + ("topics",))),
            kind=r.choice(inc_where + ("kind",), kind_names()),
        )
        if not (inc.track or inc.topics or inc.kind):
            r.problem(inc_where, "include 至少要写 track、topics 或 kind 之一", "例如 include: {track: skills}")
            continue
        module.includes.append(inc)
    if not module.slugs and not module.includes and r.present(where + ("title",)):
        r.problem(where, f"模块“{title}”里没有任何材料", "加上 materials: [网址名, …] 或 include: {track: …}")
    return module if title else None
