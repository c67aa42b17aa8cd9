"""Validating one material's front matter and body into a :class:`Material`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePath

from studyportal.kinds import kind_fields, kind_names, kind_spec
from studyportal.load.frontmatter import SplitDocument
from studyportal.model import Material
from studyportal.problems import Problem
from studyportal.sanitize.lint import blank_code, markup_problems
from studyportal.scaffold import placeholders
from studyportal.slugs import slugify
from studyportal.validate.fields import SLUG_RE, FieldReader, slug_problem
from studyportal.validate.links import AssetNames, scan_references
from studyportal.vocabulary import AUDIENCES, TRACKS

SUMMARY_MAX = 120
TITLE_MAX = 60  # a title is a heading, a link text and a line in a phone's list: the longest sample title is 22
TOPIC_MAX = 20  # a topic is a chip on the page and a URL name (专题 are short: 党章党规, 乡村振兴)
HOURS_MAX = 100  # one material; a whole year asks 32 (members) or 56 (secretaries) 学时
# Body size. On 2G (EDGE, about 6–10 KB/s in practice) a page should arrive in about ten seconds:
# 100 KB of Markdown (about 33,000 Chinese characters) compresses to about 50 KB of page, plus the
# page's own 20 KB. Above that, warn; a body of a megabyte is a book, not a lesson, and is refused.
BODY_WARN_BYTES = 100_000
BODY_MAX_BYTES = 1_000_000

COMMON_FIELDS = [
    "title",
    "kind",
    "audiences",
    "track",
    "topics",
    "summary",
    "hours",
    "required",
    "published",
    "updated",
    "slug",
    "draft",
    "author",
]


def validate_material(
    doc: SplitDocument, shown_path: str, problems: list[Problem], source: Path | None = None, root: Path | None = None
) -> Material | None:
    """Check one split Markdown file; returns the material, or None when it is unusable.

    ``source`` (the file) and ``root`` (the materials folder) locate the pictures and attachments the body names.
    """
    if doc.meta is None:
        return None
    r = FieldReader(doc.meta, shown_path, problems)
    kind = r.choice(("kind",), kind_names(), required=True)
    spec = kind_spec(kind) if kind else None
    allowed = COMMON_FIELDS + (list(spec.fields) if spec else sorted(kind_fields()))
    r.unknown_fields((), allowed, "学习材料")
    title = r.text(("title",), required=True, max_len=TITLE_MAX, fix="加上一行 title: 材料标题")
    audiences = r.choices(("audiences",), AUDIENCES, required=True)
    track = r.choice(("track",), TRACKS, required=True)
    summary = r.text(("summary",), required=True, max_len=SUMMARY_MAX, fix="加上一行 summary: 一两句话的摘要（不超过 120 字）")
    explicit_slug = r.slug(("slug",))
    slug = explicit_slug or derived_slug(shown_path)
    if not explicit_slug and not r.present(("slug",)) and slug_problem(slug):
        problems.append(
            Problem(
                shown_path,
                1,
                f"文件名变成的网址名 {slug} 不能用：{slug_problem(slug)}",
                "给文件改个短一些、不是 CON/AUX/NUL 这类名字的文件名，或在元数据里写 slug: 网址名",
                field="slug",
            )
        )
    material = Material(
        source=shown_path,
        slug=slug,
        title=title,
        kind=kind,
        audiences=audiences,
        track=track,
        summary=summary,
        body=doc.body,
        body_line=doc.body_line,
        topics=_topics(r),
        hours=r.number(("hours",), unit="（小时）", most=HOURS_MAX),
        required=r.boolean(("required",)),
        published=r.date(("published",)),
        updated=r.date(("updated",)),
        author=r.text(("author",)),
        draft=r.boolean(("draft",)),
        slug_line=r.located.where(("slug",))[0] if explicit_slug else 1,
    )
    if material.published and material.updated and material.updated < material.published:
        r.problem(("updated",), "更新日期早于发布日期", "检查 updated 和 published 两个日期")
    if not doc.body.strip():
        problems.append(Problem(shown_path, doc.body_line, "正文是空的", "在结束的 --- 之后写上正文内容", field="正文"))
    _check_body(doc.body, doc.body_line, shown_path, slug, problems)
    material.references = scan_references(
        doc.body,
        shown=shown_path,
        first_line=doc.body_line,
        source=source,
        root=root,
        names=AssetNames(),
        problems=problems,
        draft=material.draft,
    )
    if not material.draft:
        _placeholders(r, doc, shown_path, problems)
    if spec and spec.read:
        material.details = spec.read(r)
    if not (title and kind and audiences and track and summary):
        return None
    return material


def _topics(r: FieldReader) -> list[str]:
    """Topics become URL names and chips: short, visible, and not a Windows device name in pinyin."""
    kept = []
    for i, topic in enumerate(r.text_list(("topics",), max_len=TOPIC_MAX, name=True)):
        problem = slug_problem(slugify(topic, max_words=12))
        if problem:
            r.problem(("topics", i), f"专题“{topic}”不能用作网址：{problem}", "换一个专题名")
        else:
            kept.append(topic)
    return kept


def _check_body(body: str, line: int, shown_path: str, slug: str, problems: list[Problem]) -> None:
    size = len(body.encode("utf-8"))
    if size > BODY_MAX_BYTES:
        problems.append(
            Problem(shown_path, line, f"正文太大：{size // 1000} KB，最多 {BODY_MAX_BYTES // 1000} KB", "把它拆成几个材料", field="正文")
        )
        return
    if size > BODY_WARN_BYTES:
        problems.append(
            Problem(
                shown_path,
                line,
                f"正文有 {size // 1000} KB，用 2G 网络的手机要等很久才能打开（建议不超过 {BODY_WARN_BYTES // 1000} KB）",
                "把它拆成几课，每课一个材料",
                field="正文",
                severity="warning",
            )
        )
    problems.extend(markup_problems(body, shown_path, line, f"materials/{slug}/"))
    problems.extend(renderer_limits(body, shown_path, line))


# Python-Markdown recurses once per level of list nesting and per * or _ of an emphasis run: past about 240
# levels, or 1900 marks in a row, the build stops with a RecursionError. Nothing a lesson needs comes near.
LIST_INDENT_MAX = 400  # columns before a list marker: a hundred levels of four spaces
EMPHASIS_RUN_MAX = 500
_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)", re.M)
_DEEP = re.compile(rf"[ \t]{{{LIST_INDENT_MAX // 4 + 1}}}")  # with tabs: 101 characters of indentation at least
_EMPHASIS_RUN = re.compile(rf"\*{{{EMPHASIS_RUN_MAX},}}|_{{{EMPHASIS_RUN_MAX},}}")


def renderer_limits(text: str, shown_path: str, first_line: int, field: str = "正文") -> list[Problem]:
    """Errors for Markdown the site generator cannot render at all (it would stop the build): absurd nesting, endless ``****``."""
    deep = " " * (LIST_INDENT_MAX // 4 + 1) in text or ("\t" in text and _DEEP.search(text))
    if not (deep or "*" * EMPHASIS_RUN_MAX in text or "_" * EMPHASIS_RUN_MAX in text):
        return []  # the usual case, found with plain substring tests
    problems = []
    text = blank_code(text)
    for match in _LIST_ITEM.finditer(text):
        indent = len(match.group(1).expandtabs(4))
        if indent > LIST_INDENT_MAX:
            line = first_line + text.count("\n", 0, match.start())
            message = f"列表缩进太深（{indent} 个空格，约 {indent // 4} 层），网站生成器处理不了"
            problems.append(Problem(shown_path, line, message, "列表最多嵌套几层；删掉行首多余的空格", field=field))
            break
    for match in _EMPHASIS_RUN.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        message = f"连续写了 {len(match.group(0))} 个 {match.group(0)[0]}，网站生成器处理不了"
        problems.append(Problem(shown_path, line, message, "删掉多余的 * 或 _；要画分隔线，单独一行写 ---", field=field, column=column))
        break
    return problems


def _placeholders(r: FieldReader, doc: SplitDocument, shown_path: str, problems: list[Problem]) -> None:
    """A warning for each placeholder ``studyportal new`` wrote that is still there in a published material."""
    fix = "把示例文字换成这篇材料自己的内容（studyportal new 写的占位文字）"
    pattern = re.compile("|".join(map(re.escape, placeholders())))
    for where, value in _strings(r.located.data, ()):
        if hit := pattern.search(value):
            r.problem(where, f"还是示例文字“{hit.group(0)}”", fix, severity="warning")
    if not pattern.search(doc.body):
        return
    for i, line in enumerate(doc.body.split("\n")):
        if hit := pattern.search(line):
            message = f"正文里还是示例文字“{hit.group(0)}”"
            problems.append(Problem(shown_path, doc.body_line + i, message, fix, field="正文", column=hit.start() + 1, severity="warning"))




def _strings(value: object, where: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, where + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, where + (i,))


def derived_slug(shown_path: str) -> str:
    """The URL name of a material without ``slug:``: its file name, in pinyin when Chinese."""
    stem = PurePath(shown_path).stem
    return stem if SLUG_RE.match(stem) else slugify(stem)
