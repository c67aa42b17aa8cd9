"""Typed reading of YAML fields with plain-words problems: each names the line, the field and the fix."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from typing import Any

from studyportal.load.frontmatter import Located
from studyportal.names import code_points, has_visible, invisible_characters, is_control, is_reserved
from studyportal.problems import Problem
from studyportal.vocabulary import FIELD_ALIASES

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A URL name becomes a folder in every offline copy: "党员学习-完整版/materials/<slug>/index.html" must stay
# under the bundle's 150-character path limit with room to spare.
SLUG_MAX = 60
TEXT_MAX = 500  # any one-line field (author, a book's note, a discussion question); longer text belongs in the body
DATE_HINT = "日期写成 2026-06-01 这样的格式（年-月-日，用半角短横线）"
FULLWIDTH_COMMA = "，"


def describe(value: Any) -> str:
    """A short Chinese description of a YAML value's type, for messages."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"是/否（{str(value).lower()}）"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字“{value[:30]}”"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "一组字段"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"日期 {value}"
    return type(value).__name__


class FieldReader:
    """Reads fields out of a located YAML mapping and collects problems."""

    def __init__(self, located: Located, shown_path: str, problems: list[Problem]):
        self.located = located
        self.path = shown_path
        self.problems = problems

    # -- reporting -----------------------------------------------------------------
    def problem(self, where: tuple, message: str, fix: str, severity: str = "error") -> None:
        line, col = self.located.where(where)
        name = ".".join(str(p) for p in where)
        self.problems.append(Problem(self.path, line, message, fix, field=name, column=col, severity=severity))

    def raw(self, where: tuple) -> Any:
        value: Any = self.located.data
        for part in where:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    def present(self, where: tuple) -> bool:
        parent = self.raw(where[:-1])
        key = where[-1]
        if isinstance(parent, list):
            return isinstance(key, int) and key < len(parent) and parent[key] is not None
        return isinstance(parent, dict) and key in parent and parent[key] is not None

    def missing(self, where: tuple, fix: str) -> None:
        self.problem(where[:-1], f"缺少必填字段 {where[-1]}", fix)

    # -- unknown fields --------------------------------------------------------------
    def unknown_fields(self, where: tuple, allowed: Iterable[str], context: str) -> None:
        mapping = self.raw(where) if where else self.located.data
        if not isinstance(mapping, dict):
            return
        allowed = list(allowed)
        for key in mapping:
            if key in allowed:
                continue
            key_s = str(key)
            alias = FIELD_ALIASES.get(key_s)
            guess = alias if alias in allowed else None
            if guess is None:
                close = difflib.get_close_matches(key_s.lower(), allowed, n=1, cutoff=0.6)
                guess = close[0] if close else None
            fix = f"你是不是想写 {guess}？" if guess else f"{context}可用的字段有：{'、'.join(allowed)}"
            self.problem(where + (key,), f"不认识的字段 {key_s}", fix)

    # -- typed readers -----------------------------------------------------------------
    def text(self, where: tuple, required: bool = False, max_len: int | None = TEXT_MAX, fix: str = "", name: bool = False) -> str:
        """A text field, stripped. ``name``: the text becomes a URL or file name, so invisible characters are errors."""
        if not self.present(where):
            if required:
                self.missing(where, fix or f"加上一行 {where[-1]}: …")
            return ""
        value = self.raw(where)
        if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(where, f"应当是一段文字，现在是{describe(value)}", fix or "写成一行文字；含冒号等符号时加引号")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(where, f"{where[-1]} 不能为空", fix or "填上内容")
        if max_len is not None and len(value) > max_len:
            # A curriculum or a question bank has no body to take the rest.
            more = "详细内容写进正文" if self.path.endswith(".md") else "详细内容写成一篇材料，在这里只写要点"
            self.problem(where, f"太长了：{len(value)} 个字，最多 {max_len} 个字", f"压缩到 {max_len} 字以内，{more}")
        return self._visible(where, value, name)

    def _visible(self, where: tuple, value: str, name: bool) -> str:
        """``value``, or "" after a problem when it shows nothing or hides characters that break pages and file names."""
        if value and not has_visible(value):
            self.problem(where, "只有空格或看不见的字符（如零宽空格），页面上会是一片空白", "写上能看见的文字；最好重新手打")
            return ""
        hidden = invisible_characters(value)
        if not hidden:
            return value
        # Control characters break the XML of sitemaps and feeds; in a name, any hidden character breaks the URL.
        severity = "error" if name or any(map(is_control, hidden)) else "warning"
        self.problem(
            where,
            f"含有看不见的字符（{code_points(hidden)}），会让标题、网址或搜索出错",
            "删掉这些字符：重新手打这一行，不要从网页、Word 或微信里复制",
            severity=severity,
        )
        return value if severity == "warning" else ""

    def text_list(
        self, where: tuple, required: bool = False, fix: str = "", max_len: int = TEXT_MAX, name: bool = False
    ) -> list[str]:
        if not self.present(where):
            if required:
                self.missing(where, fix or f"加上 {where[-1]}: [第一项, 第二项]")
            return []
        value = self.raw(where)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(where, f"应当是列表，现在是{describe(value)}", fix or "写成 [第一项, 第二项] 或每行一个“- 项”")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.problem(where + (i,), f"第 {i + 1} 项应当是一段文字，现在是{describe(item)}", "每项写一段文字")
                continue
            item = item.strip()
            if len(item) > max_len:
                self.problem(where + (i,), f"第 {i + 1} 项太长了：{len(item)} 个字，最多 {max_len} 个字", f"压缩到 {max_len} 字以内")
                continue
            item = self._visible(where + (i,), item, name)
            if item:
                out.append(item)
        if required and not out and isinstance(value, list) and not value:
            self.problem(where, f"{where[-1]} 不能是空列表", fix or "至少写一项")
        return out

    def choice(self, where: tuple, choices: dict[str, str], required: bool = False) -> str:
        value = self.text(where, required=required, fix=self._choice_fix(where[-1], choices))
        if value and value not in choices:
            self.problem(where, f"不认识的取值“{value}”", self._choice_fix(where[-1], choices, value))
            return ""
        return value

    def choices(self, where: tuple, choices: dict[str, str], required: bool = False) -> list[str]:
        values = self.text_list(where, required=required, fix=self._choice_fix(where[-1], choices))
        out = []
        for i, value in enumerate(values):
            parts = [value]
            if FULLWIDTH_COMMA in value or "、" in value:
                parts = [p.strip() for p in re.split("[，、]", value) if p.strip()]
                self.problem(
                    where + (i,),
                    f"“{value}”里用了中文逗号或顿号，列表要用半角逗号分隔",
                    f"写成 [{', '.join(parts)}]",
                )
                continue
            for part in parts:
                if part not in choices:
                    self.problem(where + (i,), f"不认识的取值“{part}”", self._choice_fix(where[-1], choices, part))
                elif part not in out:
                    out.append(part)
        return out

    @staticmethod
    def _choice_fix(name: str, choices: dict[str, str], value: str = "") -> str:
        by_display = {v: k for k, v in choices.items()}
        listed = "、".join(f"{k}（{v}）" for k, v in choices.items())
        if value in by_display:
            return f"要写英文代码：{by_display[value]}（{value}）"
        close = difflib.get_close_matches(value.lower(), list(choices), n=1, cutoff=0.6) if value else []
        if close:
            return f"你是不是想写 {close[0]}（{choices[close[0]]}）？可选：{listed}"
        return f"{name} 可选：{listed}"

    def boolean(self, where: tuple, default: bool = False) -> bool:
        if not self.present(where):
            return default
        value = self.raw(where)
        if isinstance(value, bool):
            return value
        if value in ("是", "否"):
            self.problem(where, f"要写 true 或 false，不能写“{value}”", f"写成 {where[-1]}: {'true' if value == '是' else 'false'}")
            return value == "是"
        self.problem(where, f"应当是 true 或 false，现在是{describe(value)}", f"写成 {where[-1]}: true 或 {where[-1]}: false")
        return default

    def number(
        self, where: tuple, required: bool = False, integer: bool = False, unit: str = "", most: float | None = None
    ) -> float | None:
        if not self.present(where):
            if required:
                self.missing(where, f"加上一行 {where[-1]}: 数字{unit}")
            return None
        value = self.raw(where)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            what = "整数" if integer else "数字"
            self.problem(
                where, f"应当是{what}{unit}，现在是{describe(value)}", f"只写{what}，不要带单位，例如 {where[-1]}: {90 if integer else 1.5}"
            )
            return None
        if value <= 0 or value != value or value in (float("inf"),):
            self.problem(where, f"应当是大于 0 的数，现在是 {value}", "写一个正数")
            return None
        if most is not None and value > most:
            shown = str(value) if isinstance(value, int) else f"{value:g}"
            self.problem(where, f"{shown}{unit} 太大了，最多 {most:g}", f"检查是否多写了 0；超过 {most:g} 的内容请拆成几个材料")
            return None
        return value

    def date(self, where: tuple, required: bool = False) -> dt.date | None:
        if not self.present(where):
            if required:
                self.missing(where, f"加上一行 {where[-1]}: 2026-06-01")
            return None
        value = self.raw(where)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        fix = DATE_HINT
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            fix = f"去掉日期两边的引号：{where[-1]}: {value.strip()}"
        self.problem(where, f"应当是日期，现在是{describe(value)}", fix)
        return None

    def slug(self, where: tuple) -> str:
        value = self.text(where, name=True)
        problem = slug_problem(value) if value else None
        if problem:
            self.problem(where, problem, "只用小写英文字母、数字和短横线，60 个字符以内，例如 xin-dangzhang")
            return ""
        return value


    def mapping(self, where: tuple, required: bool = False, fix: str = "") -> dict | None:
        if not self.present(where):
            if required:
                self.missing(where, fix)
            return None
        value = self.raw(where)
        if not isinstance(value, dict):
            self.problem(where, f"应当是一组字段，现在是{describe(value)}", fix or "在下一行缩进两个空格写各个字段")
            return None
        return value

    def sequence(self, where: tuple, required: bool = False, fix: str = "") -> list:
        if not self.present(where):
            if required:
                self.missing(where, fix)
            return []
        value = self.raw(where)
        if not isinstance(value, list):
            self.problem(where, f"应当是列表，现在是{describe(value)}", fix or "每项前面写“- ”")
            return []
        return value


def slug_problem(value: str) -> str | None:
    """Why ``value`` cannot be a URL name (it becomes a folder on a USB stick), or None."""
    if not SLUG_RE.match(value):
        return f"“{value}”不能用作网址名"
    if len(value) > SLUG_MAX:
        return f"网址名太长（{len(value)} 个字符，最多 {SLUG_MAX} 个），离线版在 Windows 上会打不开"
    if is_reserved(value):
        return f"“{value}”是 Windows 的保留设备名，离线版在 Windows 上打不开这个文件夹"
    return None
