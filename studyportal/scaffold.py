"""``studyportal new``: a new material file with every field its kind needs, as a draft."""

from __future__ import annotations

import datetime as dt
import sys

import yaml

from studyportal.kinds import kind_spec, kinds
from studyportal.vocabulary import AUDIENCES, TRACKS

# The placeholder text ``new`` writes for the trainer to replace. ``check`` warns about any of it left in a
# published material (validate/material.py); each kind declares its own (studyportal/kinds).
SUMMARY_PLACEHOLDER = "用一两句话说明这课讲什么"
BODY_PLACEHOLDER = "正文从这里开始"


def placeholders() -> tuple[str, ...]:
    """Every example text ``new`` may write, for every kind."""
    return (SUMMARY_PLACEHOLDER, BODY_PLACEHOLDER, *(p for spec in kinds().values() for p in spec.placeholders))


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
    spec = kind_spec(kind)
    assert spec is not None and track in TRACKS and all(a in AUDIENCES for a in audiences)
    today = today or dt.date.today()
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    extra = spec.skeleton.format(today=today.isoformat(), quarter=quarter)
    return (
        "---\n"
        f"{yaml_field('title', title)}\n"
        f"kind: {kind}               # {spec.name}\n"
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
