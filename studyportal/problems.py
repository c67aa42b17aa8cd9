"""Problems found in trainers' files, and how they are printed."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file: where, which field, what, and how to fix it (``line`` 0: the file as a whole)."""

    path: str
    line: int
    message: str
    fix: str = ""
    field: str = ""
    column: int = 1
    severity: Severity = "error"

    def location(self) -> str:
        """``path:line:col`` as editors and CI logs understand it; just ``path`` for a whole file (``line`` 0)."""
        return f"{self.path}:{self.line}:{self.column}" if self.line else self.path

    @property
    def field_label(self) -> str:
        """The field in words a trainer reads (``audiences 的第 1 项``); ``field`` stays the machine path."""
        return field_label(self.field)

    def one_line(self) -> str:
        """The problem as a single line: ``path:line:col: error: [field] message 修改：fix``."""
        label = "错误" if self.severity == "error" else "警告"
        where = f"字段 {self.field_label}：" if self.field else ""
        fix = f" 修改方法：{self.fix}" if self.fix else ""
        return f"{self.location()}: {self.severity}({label}): {where}{self.message}{fix}"


# What one entry of a list is called, by the list's field name: "modules 的第 1 个模块".
_ENTRY_NAMES = {
    "modules": "个模块", "phases": "个阶段", "activities": "个活动", "items": "个书目",
    "include": "条", "questions": "道题", "options": "个选项",
}  # fmt: skip


def field_label(path: str) -> str:
    """``modules.0.materials.1`` → ``modules 的第 1 个模块 的 materials 的第 2 项``: numbers counted from 1, in words."""
    if not path:
        return ""
    parts = path.split(".")
    out = parts[0]
    for i, part in enumerate(parts[1:], 1):
        out += f" 的第 {int(part) + 1} {_ENTRY_NAMES.get(parts[i - 1], '项')}" if part.isdigit() else f" 的 {part}"
    return out


@dataclass
class Problems:
    """An ordered collection of problems, appended to as files are checked."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.path, p.line, p.column))


def display_path(path: Path, root: Path | None) -> str:
    """Path as shown to the user: relative to the working directory when possible."""
    resolved = path.resolve()
    for base in (os.getcwd(), root):
        if base is None:
            continue
        try:
            return resolved.relative_to(_resolved_folder(os.fspath(base))).as_posix()
        except ValueError:
            continue
    return path.as_posix()


@functools.lru_cache(maxsize=64)
def _resolved_folder(folder: str) -> Path:
    return Path(folder).resolve()


def format_text(problems: Problems) -> str:
    """Group problems by file, one ``path:line:col: message`` line each, then a summary."""
    lines: list[str] = []
    current = None
    for p in problems.sorted():
        if p.path != current:
            if current is not None:
                lines.append("")
            lines.append(f"== {p.path}")
            current = p.path
        lines.append(p.one_line())
    n_err, n_warn = len(problems.errors), len(problems.warnings)
    if lines:
        lines.append("")
    lines.append(f"共 {n_err} 个错误，{n_warn} 个警告。")
    return "\n".join(lines)


def problem_lines(problems: Iterable[Problem], limit: int = 50) -> list[str]:
    """One :meth:`Problem.one_line` each, the first ``limit`` of them, then how many more there are."""
    items = list(problems)
    more = [f"……另有 {len(items) - limit} 个"] if len(items) > limit else []
    return [p.one_line() for p in items[:limit]] + more


def format_json(problems: Problems, checked: int) -> str:
    """Problems as JSON for machines."""
    payload = {
        "checked_files": checked,
        "errors": len(problems.errors),
        "warnings": len(problems.warnings),
        "problems": [{**asdict(p), "field_label": p.field_label} for p in problems.sorted()],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
