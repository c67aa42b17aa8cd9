"""``studyportal new``: a new material file with every field its kind needs, as a draft."""

from __future__ import annotations

import datetime as dt
import sys

import yaml

from studyportal.vocabulary import AUDIENCES, KINDS, TRACKS

# The placeholder text ``new`` writes for the trainer to replace. ``check`` warns about any of it left in a
# published material (validate/material.py), so both read this one list and cannot drift apart.
SUMMARY_PLACEHOLDER = "用一两句话说明这课讲什么"
BODY_PLACEHOLDER = "正文从这里开始"
OBJECTIVE_PLACEHOLDERS = ("教学目标一", "教学目标二")
PREPARATION_PLACEHOLDER = "课前准备事项"
DISCUSSION_PLACEHOLDER = "讨论题一？"
BOOK_PLACEHOLDER = "《书名或文件名》"
BOOK_AUTHOR_PLACEHOLDER = "作者或发文机关"
BOOK_NOTE_PLACEHOLDER = "一句话说明为什么读"
DOCUMENT_PLACEHOLDER = "《政策文件名称》"
ISSUER_PLACEHOLDER = "发文机关名称"
NUMBER_PLACEHOLDER = "文号（没有可删去此行）"
PLACEHOLDERS: tuple[str, ...] = (
    SUMMARY_PLACEHOLDER,
    BODY_PLACEHOLDER,
    *OBJECTIVE_PLACEHOLDERS,
    PREPARATION_PLACEHOLDER,
    DISCUSSION_PLACEHOLDER,
    BOOK_PLACEHOLDER,
    BOOK_AUTHOR_PLACEHOLDER,
    BOOK_NOTE_PLACEHOLDER,
    DOCUMENT_PLACEHOLDER,
    ISSUER_PLACEHOLDER,
    NUMBER_PLACEHOLDER,
)

_KIND_FIELDS = {
    "material": "",
    "reading-list": (
        "items:\n"
        f"  - title: {BOOK_PLACEHOLDER}\n"
        f"    author: {BOOK_AUTHOR_PLACEHOLDER}\n"
        "    required: true\n"
        "    quarter: {quarter}\n"
        f"    note: {BOOK_NOTE_PLACEHOLDER}\n"
    ),
    "class-outline": (
        "objectives:\n" + "".join(f"  - {o}\n" for o in OBJECTIVE_PLACEHOLDERS) + "duration: 60            # 授课时长，分钟\n"
        f"preparation:\n  - {PREPARATION_PLACEHOLDER}\n"
        f"discussion:\n  - {DISCUSSION_PLACEHOLDER}\n"
    ),
    "policy-explainer": (
        f"document:\n  title: {DOCUMENT_PLACEHOLDER}\n  issuer: {ISSUER_PLACEHOLDER}\n  number: {NUMBER_PLACEHOLDER}\n  date: {{today}}\n"
    ),
}


def yaml_field(key: str, value: str) -> str:
    """``key: value`` as YAML that reads back as exactly ``value``, however it is written.

    A trainer's text can look like YAML syntax (``党课: 不忘初心``, ``#…``, ``- …``, ``[…]``, ``*…``) or
    like another type (``yes``, ``null``, ``123``, ``2026-06-01``); PyYAML's emitter quotes it exactly
    when it has to, and writes line breaks and control characters so that they read back unchanged.
    ``width``: long titles are not folded onto several lines.
    """
    if any(c in value for c in "\x85\u2028\u2029"):
        # NEL, LS and PS are line breaks to YAML: written raw inside quotes they would be read back as
        # spaces, so the value is double-quoted, where they are escaped (as is every line break).
        return f"{key}: " + yaml.safe_dump(value, allow_unicode=True, width=sys.maxsize, default_style='"').rstrip("\n")
    return yaml.safe_dump({key: value}, allow_unicode=True, width=sys.maxsize, default_flow_style=False).rstrip("\n")


def scaffold(title: str, kind: str, audiences: list[str], track: str, slug: str, today: dt.date | None = None) -> str:
    """The text of a new draft material of ``kind``; fill it in, then delete ``draft: true``.

    ``title`` and ``slug`` come from the trainer (the option and the file name) and are written YAML-safe.
    """
    assert kind in KINDS and track in TRACKS and all(a in AUDIENCES for a in audiences)
    today = today or dt.date.today()
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    extra = _KIND_FIELDS[kind].format(today=today.isoformat(), quarter=quarter)
    return (
        "---\n"
        f"{yaml_field('title', title)}\n"
        f"kind: {kind}               # {KINDS[kind]}\n"
        f"audiences: [{', '.join(audiences)}]\n"
        f"track: {track}             # {TRACKS[track]}\n"
        "topics: []                 # 专题，如 [党章党规, 乡村振兴]\n"
        f"summary: {SUMMARY_PLACEHOLDER}（不超过 120 字）。\n"
        "hours: 1\n"
        "required: false\n"
        f"published: {today.isoformat()}\n"
        f"{yaml_field('slug', slug)}\n"
        "draft: true                # 写完后删去这一行才会发布\n"
        f"{extra}"
        "---\n\n"
        f"## 一、\n\n{BODY_PLACEHOLDER}。\n"
    )
