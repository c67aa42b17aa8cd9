"""Writing the merged 学习台账: one CSV sorted by branch and name, or an Excel workbook with a sheet per branch.

Totals are each member's hours against the yearly target, in name order: a ledger, not a ranking.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from studyportal.ledger.read import FORMULA, Row

COLUMNS = ("支部", "姓名", "材料", "类别", "学完日期", "学时", "年度目标")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31  # Excel's limit on a worksheet's name


@dataclass(frozen=True)
class Total:
    """One member's hours in the ledger against the yearly target."""

    branch: str
    name: str
    hours: float
    target: float

    @property
    def short(self) -> float:
        return max(0.0, self.target - self.hours)


def ordered(rows: list[Row]) -> list[Row]:
    """By branch, then name, then date and material."""
    return sorted(rows, key=lambda r: (r.branch, r.name, r.date, r.material))


def totals(rows: list[Row], default_target: float) -> list[Total]:
    """Each member's sum of hours, by branch then name; the target their files give (the largest), else ``default_target``."""
    sums: dict[tuple[str, str], float] = {}
    targets: dict[tuple[str, str], float] = {}
    for r in rows:
        who = (r.branch, r.name)
        sums[who] = sums.get(who, 0.0) + r.hours
        if r.target:
            targets[who] = max(targets.get(who, 0.0), r.target)
    return [Total(b, n, round(h, 2), targets.get((b, n), default_target)) for (b, n), h in sorted(sums.items())]


def _text(value: str) -> str:
    """A cell Excel would run as a formula (``=``, ``+``, ``-``, ``@`` first) gets a leading ``'`` and stays text."""
    return "'" + value if value.startswith(FORMULA) else value


def _num(value: float) -> str:
    return f"{value:g}"


def ledger_csv(rows: list[Row], default_target: float) -> bytes:
    """One sheet for every branch, sorted by branch then name; UTF-8 with a byte-order mark, so Excel reads the Chinese."""
    target = {(t.branch, t.name): t.target for t in totals(rows, default_target)}
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in ordered(rows):
        texts = [_text(v) for v in (r.branch, r.name, r.material, r.kind)]
        writer.writerow([*texts, r.date.isoformat(), _num(r.hours), _num(target[(r.branch, r.name)])])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sheet_names(branches: list[str]) -> dict[str, str]:
    """A worksheet name for each branch: no characters Excel refuses, at most 31 long, all different."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for branch in branches:
        base = _SHEET_BAD.sub("_", branch).strip("'") or "未填支部"
        name, n = base[:SHEET_MAX], 2
        while name.lower() in used:
            suffix = f"({n})"
            name, n = base[: SHEET_MAX - len(suffix)] + suffix, n + 1
        used.add(name.lower())
        names[branch] = name
    return names


def ledger_xlsx(rows: list[Row], default_target: float, path: Path) -> None:
    """An Excel workbook: one worksheet per branch with the records, then each member's total against the target."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def text(cell, value: str) -> None:
        cell.value = value
        cell.data_type = "s"  # never a formula, whatever a title or name starts with

    book = Workbook()
    book.remove(book.active)
    all_totals = totals(rows, default_target)
    by_branch: dict[str, list[Row]] = {}
    for r in ordered(rows):
        by_branch.setdefault(r.branch, []).append(r)
    bold = Font(bold=True)
    for branch, name in sheet_names(list(by_branch)).items():
        sheet = book.create_sheet(name)
        text(sheet.cell(1, 1), f"{branch} 学习台账")
        sheet.cell(1, 1).font = Font(bold=True, size=14)
        for i, head in enumerate(("姓名", "材料", "类别", "学完日期", "学时"), 1):
            sheet.cell(2, i, head).font = bold
        line = 3
        for r in by_branch[branch]:
            for i, value in enumerate((r.name, r.material, r.kind), 1):
                text(sheet.cell(line, i), value)
            sheet.cell(line, 4, r.date).number_format = "yyyy-mm-dd"
            sheet.cell(line, 5, r.hours)
            line += 1
        line += 1
        text(sheet.cell(line, 1), "学时合计（按姓名排列）")
        sheet.cell(line, 1).font = bold
        line += 1
        for i, head in enumerate(("姓名", "合计学时", "年度目标", "还差学时", "是否达到"), 1):
            sheet.cell(line, i, head).font = bold
        for t in (t for t in all_totals if t.branch == branch):
            line += 1
            text(sheet.cell(line, 1), t.name)
            sheet.cell(line, 2, t.hours)
            sheet.cell(line, 3, t.target)
            sheet.cell(line, 4, round(t.short, 2))
            sheet.cell(line, 5, "是" if not t.short else "否")
        for i, width in enumerate((12, 40, 12, 12, 10), 1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A3"
    book.save(path)
