"""Problems found in trainers' files, and how they are printed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file: where, which field, what, and how to fix it."""

    path: str
    line: int
    message: str
    fix: str = ""
    field: str = ""
    column: int = 1
    severity: Severity = "error"

    def location(self) -> str:
        """``path:line:col`` as editors and CI logs understand it."""
        return f"{self.path}:{self.line}:{self.column}"

    def one_line(self) -> str:
        """The problem as a single line: ``path:line:col: error: [field] message 修改：fix``."""
        label = "错误" if self.severity == "error" else "警告"
        where = f"字段 {self.field}：" if self.field else ""
        fix = f" 修改方法：{self.fix}" if self.fix else ""
        return f"{self.location()}: {self.severity}({label}): {where}{self.message}{fix}"


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
    for base in (Path.cwd(), root):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


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


def format_json(problems: Problems, checked: int) -> str:
    """Problems as JSON for machines."""
    payload = {
        "checked_files": checked,
        "errors": len(problems.errors),
        "warnings": len(problems.warnings),
        "problems": [asdict(p) for p in problems.sorted()],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
