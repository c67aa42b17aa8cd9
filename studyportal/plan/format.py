"""Small text helpers shared by the page planners."""

from __future__ import annotations

import datetime as dt
import html
import re

from studyportal.kinds import kind_name
from studyportal.model import Material
from studyportal.plan.types import link, material_src
from studyportal.vocabulary import audience_name

# Everything Markdown or one of its extensions reads as markup: ``{…}`` is attr_list's, ``!`` starts an image.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!])")


def esc(text: str) -> str:
    """Trainer text made inert inside Markdown (headings, link text, table cells): it shows as typed.

    ``<``, ``>`` and ``&`` become entities (Python-Markdown has no backslash escape for ``<``);
    the rest of Markdown's punctuation is backslash-escaped.
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", " ")


def hours(value: float | None) -> str:
    """``1.5`` → ``1.5 学时``; whole numbers without a decimal point."""
    if not value:
        return ""
    return f"{value:g} 学时"


def date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def material_card(m: Material, from_src: str, show_audiences: bool = True) -> str:
    """One Markdown list item describing a material, linking to it."""
    tags = [kind_name(m.kind)]
    if m.hours:
        tags.append(hours(m.hours))
    if show_audiences:
        tags.append("、".join(audience_name(a) for a in m.audiences))
    required = ' <span class="sp-req">必学</span>' if m.required else ""
    line = f"- [{esc(m.title)}]({link(from_src, material_src(m.slug))}){required}  \n"
    line += f'  <span class="sp-tags">{" · ".join(tags)}</span>  \n'
    line += f"  {esc(m.summary)}\n"
    line += "  {: .sp-card }"
    return line


def material_list(materials: list[Material], from_src: str, show_audiences: bool = True) -> str:
    """A Markdown list of material cards (empty string when there are none).

    Classes go on the list items through ``attr_list``: ``md_in_html`` wrappers would cost a
    sixth of the whole build, since that extension re-parses the HTML of every page.
    """
    if not materials:
        return ""
    return "\n".join(material_card(m, from_src, show_audiences) for m in materials) + "\n"
