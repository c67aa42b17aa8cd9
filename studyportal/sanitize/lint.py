"""``check``'s view of the sanitiser: a warning, with the line, for each thing the site will remove.

The sanitiser runs on rendered HTML at build time and removes silently; a trainer who pasted an
``<iframe>`` or an outside picture should hear about it before publishing. This reads the Markdown
source with the same allow-list and URL filter (``policy``, ``urls``), skipping code, where markup
is shown as text. It is a reading aid, not the defence: the sanitiser stays the one that decides.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from studyportal.problems import Problem
from studyportal.sanitize.policy import DROPPED_WITH_CONTENT, allowed_classes, attribute_allowed, id_allowed, tag_allowed
from studyportal.sanitize.urls import check_link, check_resource
from studyportal.vocabulary import MATERIAL_LINK

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s/>\"'=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>", re.S)
_ATTR = re.compile(r"([^\s/>\"'=]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?", re.S)
_ATTR_LIST_TOKEN = r"(?:[.#][^\s{}]+|[A-Za-z_-]+=(?:\"[^\"]*\"|'[^']*'|[^\s{}]+))"
_ATTR_LIST = re.compile(rf"\{{:?\s*({_ATTR_LIST_TOKEN}(?:\s+{_ATTR_LIST_TOKEN})*)\s*\}}")
_ATTR_LIST_ITEM = re.compile(r"([.#])([^\s{}]+)|([A-Za-z_-]+)=(\"[^\"]*\"|'[^']*'|[^\s{}]+)")
_MD_LINK = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
FIX_MARKUP = "删掉这部分：网页里不能有脚本、事件属性、内嵌框架和自定义样式；视频或外网页面请写成普通链接 [文字](https://…)"
FIX_IMAGE = "把图片下载下来，放在材料旁边，用相对路径引用，例如 ![说明](图片.png)"
FIX_LINK = "链接只能用 https://、http://、mailto:、tel: 开头的地址，或站内的相对地址"


def markup_problems(text: str, shown_path: str, first_line: int, page_url: str, field: str = "正文") -> list[Problem]:
    """Warnings for what the sanitiser will remove from ``text`` (Markdown) on the page at ``page_url``.

    ``first_line`` is the file line of the text's first line.
    """
    if "<" not in text and "{" not in text and "](" not in text and "]:" not in text:
        return []
    source = blank_code(text)
    found: list[tuple[int, int, str, str]] = []
    for match in _TAG.finditer(source):
        tag = match.group(1).lower()
        found += [(match.start(), *found_) for found_ in _tag_removals(tag, match.group(2), page_url)]
    for match in _ATTR_LIST.finditer(source):
        found += [(match.start(), what, FIX_MARKUP) for what in _attr_list_removals(match.group(1))]
    for match in _MD_LINK.finditer(source):
        if not _material_link(match.group(2)):
            found += [(match.start(2), *found_) for found_ in _url_removals(match.group(2), bool(match.group(1)), page_url)]
    for match in _REF_DEF.finditer(source):
        if not _material_link(match.group(1)):
            found += [(match.start(1), *found_) for found_ in _url_removals(match.group(1), False, page_url)]
    problems = []
    for offset, what, fix in sorted(found):
        line = source.count("\n", 0, offset)
        column = offset - (source.rfind("\n", 0, offset) + 1) + 1
        message = f"{what}，发布时会被删除"
        problems.append(Problem(shown_path, first_line + line, message, fix, field=field, column=column, severity="warning"))
    return problems


def _material_link(value: str) -> bool:
    """``material:slug`` in Markdown: the planner rewrites it into a page link before the sanitiser sees it."""
    return value.lower().startswith(MATERIAL_LINK)


def blank_code(text: str) -> str:
    """``text`` with fenced code blocks and code spans replaced by spaces (line breaks kept)."""
    lines = text.split("\n")
    fence = ""
    for i, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            lines[i] = ""
        elif match:
            fence = match.group(1)
            lines[i] = ""
        else:
            lines[i] = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
    return "\n".join(lines)


def _tag_removals(tag: str, attrs: str, page_url: str) -> Iterator[tuple[str, str]]:
    if tag in DROPPED_WITH_CONTENT:
        yield f"<{tag}> 及其中的内容", FIX_MARKUP
        return
    if not tag_allowed(tag):
        yield f"<{tag}> 标签（其中的文字会保留）", FIX_MARKUP
        return
    for match in _ATTR.finditer(attrs):
        name = match.group(1).lower()
        value = html.unescape((match.group(2) or "").strip("\"'"))
        if not attribute_allowed(tag, name):
            yield f"<{tag}> 的 {name} 属性", FIX_MARKUP
        elif name == "src":
            yield from _url_removals(value, True, page_url)
        elif name == "href":
            yield from _url_removals(value, False, page_url)
        elif name == "class":
            _, removed = allowed_classes(value)
            if removed:
                yield f"<{tag}> 的样式类 {' '.join(removed)}", FIX_MARKUP
        elif name == "id" and not id_allowed(value):
            yield f"<{tag}> 的 id “{value}”（以两个下划线开头的 id 留给网站主题）", FIX_MARKUP


def _attr_list_removals(items: str) -> Iterator[str]:
    for match in _ATTR_LIST_ITEM.finditer(items):
        mark, name, key = match.group(1), match.group(2), match.group(3)
        if mark == "." and not allowed_classes(name)[0]:
            yield f"{{ }} 里的样式类 .{name}"
        elif mark == "#" and not id_allowed(name):
            yield f"{{ }} 里的 id #{name}"
        elif key and not attribute_allowed("*", key.lower()):
            yield f"{{ }} 里的属性 {key}"


def _url_removals(value: str, resource: bool, page_url: str) -> Iterator[tuple[str, str]]:
    if not value:
        return
    verdict = check_resource(value, page_url) if resource else check_link(value, page_url)
    if verdict.value is None:
        what = "图片地址" if resource else "链接"
        yield f"{what}“{value[:60]}”{verdict.reason}", FIX_IMAGE if resource else FIX_LINK
