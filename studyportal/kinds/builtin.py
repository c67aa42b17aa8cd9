"""The four kinds every portal has: study material, reading list, party-class outline, policy explainer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from studyportal.kinds.spec import KindSpec, MaterialRef, Resolve
from studyportal.model import Material
from studyportal.plan.format import cn_date, esc
from studyportal.sanitize.lint import FIX_LINK
from studyportal.sanitize.urls import check_link
from studyportal.validate.fields import FieldReader

DURATION_MAX = 480  # minutes: a party class longer than a working day is a typo
QUARTER_HINT = "季度写成 2026Q3 这样的格式"
ITEM_FIELDS = ["title", "author", "link", "material", "required", "quarter", "note"]
DOCUMENT_FIELDS = ["title", "issuer", "number", "date", "link"]

# Headings the planner adds to a page (check looks for #anchors among them too).
OBJECTIVES, PREPARATION, DISCUSSION, BOOKS = "教学目标", "课前准备", "讨论题", "书目"

# The example text ``studyportal new`` writes for the trainer to replace.
OBJECTIVE_PLACEHOLDERS = ("教学目标一", "教学目标二")
PREPARATION_PLACEHOLDER = "课前准备事项"
DISCUSSION_PLACEHOLDER = "讨论题一？"
BOOK_PLACEHOLDER = "《书名或文件名》"
BOOK_AUTHOR_PLACEHOLDER = "作者或发文机关"
BOOK_NOTE_PLACEHOLDER = "一句话说明为什么读"
DOCUMENT_PLACEHOLDER = "《政策文件名称》"
ISSUER_PLACEHOLDER = "发文机关名称"
NUMBER_PLACEHOLDER = "文号（没有可删去此行）"


# -- reading list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadingItem:
    """One entry of a reading list: a book, a document, or another material of the portal."""

    title: str
    author: str = ""
    link: str = ""
    material: str = ""
    required: bool = False
    quarter: str = ""
    note: str = ""
    line: int = 1  # of the entry in its file, for messages


@dataclass
class ReadingList:
    items: list[ReadingItem] = field(default_factory=list)


def _read_reading_list(r: FieldReader) -> ReadingList:
    items = []
    entries = r.sequence(("items",), required=True, fix="加上 items: 列出书目，每项写 title、author 等")
    for i, entry in enumerate(entries):
        where = ("items", i)
        if not isinstance(entry, dict):
            r.problem(where, f"第 {i + 1} 个书目应当是一组字段", "写成“- title: 书名”，下一行缩进写 author: 作者")
            continue
        r.unknown_fields(where, ITEM_FIELDS, "书目")
        quarter = r.text(where + ("quarter",)).upper().replace("-", "")
        if quarter and not (len(quarter) == 6 and quarter[:4].isdigit() and quarter[4] == "Q" and quarter[5] in "1234"):
            r.problem(where + ("quarter",), f"“{quarter}”不是季度", QUARTER_HINT)
            quarter = ""
        link = r.text(where + ("link",))
        if link and not link.startswith(("http://", "https://")):
            r.problem(where + ("link",), f"链接“{link}”不是网址", "写完整网址（以 https:// 开头）；链接本站材料请用 material: 网址名")
            link = ""
        items.append(
            ReadingItem(
                title=r.text(where + ("title",), required=True, fix="写上书名或文件名：title: …"),
                author=r.text(where + ("author",)),
                link=link,
                material=r.text(where + ("material",)),
                required=r.boolean(where + ("required",)),
                quarter=quarter,
                note=r.text(where + ("note",)),
                line=r.located.where(where + ("material",))[0],
            )
        )
    return ReadingList(items)


def _reading_table(m: Material, resolve: Resolve) -> str:
    items = m.details.items if isinstance(m.details, ReadingList) else []
    if not items:
        return ""
    rows = ["| 书目 | 作者或发文机关 | 必读 | 季度 | 说明 |", "| --- | --- | --- | --- | --- |"]
    for item in items:
        title = esc(item.title)
        href = resolve(item.material) if item.material else ""
        if href:
            title = f"[{title}]({href})"
        elif item.link:
            title = f"[{title}]({item.link})"
        rows.append(f"| {title} | {esc(item.author)} | {'必读' if item.required else '选读'} | {esc(item.quarter)} | {esc(item.note)} |")
    return f"## {BOOKS}\n\n" + "\n".join(rows)


def _reading_refs(m: Material) -> list[MaterialRef]:
    items = m.details.items if isinstance(m.details, ReadingList) else []
    return [MaterialRef(it.material, it.line, f"items.{i}.material", f"第 {i + 1} 个书目") for i, it in enumerate(items) if it.material]


# -- party-class outline --------------------------------------------------------------------------


@dataclass
class ClassOutline:
    objectives: list[str] = field(default_factory=list)
    duration: int | None = None  # minutes
    preparation: list[str] = field(default_factory=list)
    discussion: list[str] = field(default_factory=list)


def _read_class_outline(r: FieldReader) -> ClassOutline:
    objectives = r.text_list(("objectives",), required=True, fix="加上 objectives: 列出本次党课的教学目标")
    duration = r.number(("duration",), required=True, integer=True, unit="（分钟）", most=DURATION_MAX)
    return ClassOutline(
        objectives=objectives,
        duration=int(duration) if duration else None,
        preparation=r.text_list(("preparation",)),
        discussion=r.text_list(("discussion",), required=True, fix="加上 discussion: 列出讨论题"),
    )


def _outline_intro(m: Material) -> str:
    o = m.details
    if not isinstance(o, ClassOutline):
        return ""
    lines = []
    if o.duration:
        lines.append(f"**授课时长**：{o.duration} 分钟")
    if o.objectives:
        lines.append(f"## {OBJECTIVES}\n\n" + "\n".join(f"- {esc(x)}" for x in o.objectives))
    if o.preparation:
        lines.append(f"## {PREPARATION}\n\n" + "\n".join(f"- {esc(x)}" for x in o.preparation))
    return "\n\n".join(lines)


def _discussion(m: Material, resolve: Resolve) -> str:
    o = m.details
    if not isinstance(o, ClassOutline) or not o.discussion:
        return ""
    return f"## {DISCUSSION}\n\n" + "\n".join(f"{i}. {esc(q)}" for i, q in enumerate(o.discussion, 1))


# -- policy explainer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyDocument:
    """The policy document a policy explainer explains."""

    title: str
    issuer: str
    date: dt.date
    number: str = ""
    link: str = ""


@dataclass
class PolicyExplainer:
    document: PolicyDocument | None = None


def _read_policy_explainer(r: FieldReader) -> PolicyExplainer:
    fix = "加上 document:，下一行缩进写 title（文件名称）、issuer（发文机关）、number（文号）、date（发布日期）"
    if r.mapping(("document",), required=True, fix=fix) is None:
        return PolicyExplainer()
    r.unknown_fields(("document",), DOCUMENT_FIELDS, "政策文件")
    title = r.text(("document", "title"), required=True, fix="写上文件名称：title: 《…》")
    issuer = r.text(("document", "issuer"), required=True, fix="写上发文机关：issuer: 中共中央办公厅")
    date = r.date(("document", "date"), required=True)
    number = r.text(("document", "number"))
    link = _outside_link(r, ("document", "link"))
    if not (title and issuer and date):
        return PolicyExplainer()
    return PolicyExplainer(PolicyDocument(title=title, issuer=issuer, date=date, number=number, link=link))


def _outside_link(r: FieldReader, where: tuple) -> str:
    """A link field: kept when a reader may follow it, otherwise a warning and nothing (the site would drop it).

    It must lead out of the site (``https://…``): a relative path would be a link the site cannot find.
    """
    link = r.text(where)
    if not link:
        return ""
    verdict = check_link(link)
    if verdict.value is None:
        r.problem(where, f"链接“{link[:60]}”{verdict.reason}，发布时会被删除", FIX_LINK, severity="warning")
        return ""
    if not verdict.outside and not link.lower().startswith(("mailto:", "tel:")):
        r.problem(
            where,
            f"链接“{link[:60]}”不是网址",
            "写完整网址（以 https:// 开头）；原文放在本站时，在正文里写 [原文](文件.pdf) 或 [文字](material:网址名)",
        )
        return ""
    return link


def _document_box(m: Material) -> str:
    d = m.details.document if isinstance(m.details, PolicyExplainer) else None
    if d is None:
        return ""
    title = f"[{esc(d.title)}]({d.link})" if d.link else esc(d.title)
    fields = [f"**文件**：{title}", f"**发文机关**：{esc(d.issuer)}"]
    if d.number:
        fields.append(f"**文号**：{esc(d.number)}")
    fields.append(f"**印发日期**：{cn_date(d.date)}")
    body = "\n".join(f"    {f}  " for f in fields)
    return f'!!! note "解读的政策文件"\n{body}\n'


BUILTIN: tuple[KindSpec, ...] = (
    KindSpec(code="material", name="学习材料", listing_title="全部学习材料"),
    KindSpec(
        code="reading-list",
        name="阅读书目",
        listing_title="阅读书目",
        fields=("items",),
        read=_read_reading_list,
        skeleton=(
            "items:\n"
            f"  - title: {BOOK_PLACEHOLDER}\n"
            f"    author: {BOOK_AUTHOR_PLACEHOLDER}\n"
            "    required: true\n"
            "    quarter: {quarter}\n"
            f"    note: {BOOK_NOTE_PLACEHOLDER}\n"
        ),
        placeholders=(BOOK_PLACEHOLDER, BOOK_AUTHOR_PLACEHOLDER, BOOK_NOTE_PLACEHOLDER),
        after_body=_reading_table,
        material_refs=_reading_refs,
    ),
    KindSpec(
        code="class-outline",
        name="党课提纲",
        listing_title="党课提纲",
        fields=("objectives", "duration", "preparation", "discussion"),
        read=_read_class_outline,
        skeleton=(
            "objectives:\n"
            + "".join(f"  - {o}\n" for o in OBJECTIVE_PLACEHOLDERS)
            + "duration: 60            # 授课时长，分钟\n"
            f"preparation:\n  - {PREPARATION_PLACEHOLDER}\n"
            f"discussion:\n  - {DISCUSSION_PLACEHOLDER}\n"
        ),
        placeholders=(*OBJECTIVE_PLACEHOLDERS, PREPARATION_PLACEHOLDER, DISCUSSION_PLACEHOLDER),
        before_body=_outline_intro,
        after_body=_discussion,
    ),
    KindSpec(
        code="policy-explainer",
        name="政策解读",
        listing_title="政策解读",
        fields=("document",),
        read=_read_policy_explainer,
        skeleton=(
            f"document:\n  title: {DOCUMENT_PLACEHOLDER}\n  issuer: {ISSUER_PLACEHOLDER}\n"
            f"  number: {NUMBER_PLACEHOLDER}\n  date: {{today}}\n"
        ),
        placeholders=(DOCUMENT_PLACEHOLDER, ISSUER_PLACEHOLDER, NUMBER_PLACEHOLDER),
        before_body=_document_box,
    ),
)
