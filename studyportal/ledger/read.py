"""Reading the study records members export from a curriculum page (assets/site/record.js): checked row by row.

The file is UTF-8 with a byte-order mark as the portal writes it; a file Excel saved again as "CSV" in
GBK/GB18030 is read too (charset-normalizer decides). Every problem names the file, line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from studyportal.errors import StudyportalError
from studyportal.problems import Problem, display_path

REQUIRED = ("姓名", "支部", "材料", "类别", "学完日期", "学时")
OPTIONAL = ("年度目标",)
HOURS_MAX = 100  # one material (validate/material.py has the same bound)
_CHINESE_ENCODINGS = {"gb18030", "gbk", "gb2312", "cp936", "hz", "big5", "big5hkscs", "cp950"}
_DATE = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?\s*$")
FORMULA = ("=", "+", "-", "@")  # what Excel would run as a formula at the start of a cell
_EXPORT_HINT = "在课程页“我的学习进度”里点“导出表格（CSV）”重新导出，不要手改表头"


class LedgerError(StudyportalError):
    """Exported records that cannot be merged; ``problems`` says where."""


@dataclass(frozen=True)
class Row:
    """One studied material of one member, as exported."""

    name: str
    branch: str
    material: str
    kind: str
    date: dt.date
    hours: float
    target: float | None
    source: str
    line: int

    def key(self) -> tuple:
        """What makes two rows the same record (a member who exported twice sends the same rows again)."""
        return (self.branch, self.name, self.material, self.kind, self.date, self.hours)


def decode(data: bytes, shown: str) -> tuple[str, Problem | None]:
    """The file's text, or a problem saying why it is not a readable CSV."""
    if data.startswith(b"PK\x03\x04"):
        return "", Problem(
            shown, 0, "这是 Excel 表格文件（.xlsx），不是 CSV", "交门户导出的 .csv 原文件；或在 Excel 里“另存为 → CSV UTF-8（逗号分隔）”"
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
    guess = from_bytes(data).best()
    if guess is not None and guess.encoding.lower().replace("-", "").replace("_", "") in _CHINESE_ENCODINGS and b"\0" not in data:
        return data.decode(guess.encoding), None
    named = f"（看起来像 {guess.encoding}）" if guess is not None else ""
    return "", Problem(
        shown,
        bad_line,
        f"文件不是 UTF-8 或 GBK 编码的文本{named}，读不出中文",
        f"交门户导出的 .csv 原文件；或在 Excel 里“另存为 → CSV UTF-8”。{_EXPORT_HINT}",
    )


def _date(value: str) -> dt.date | None:
    m = _DATE.match(value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _number(value: str) -> float | None:
    try:
        n = float(value.strip())
    except ValueError:
        return None
    return n if n == n and 0 <= n <= 10_000 else None  # n == n: not NaN


def read_export(path: Path) -> tuple[list[Row], list[Problem]]:
    """The rows of one exported file and the problems found in it (rows with a problem are left out)."""
    shown = display_path(path, None)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], [Problem(shown, 0, "找不到这个文件", "检查文件名和路径")]
    except OSError as exc:
        return [], [Problem(shown, 0, f"读不了这个文件：{exc.strerror or exc}", "检查文件名和权限")]
    text, problem = decode(data, shown)
    if problem is not None:
        return [], [problem]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return [], [Problem(shown, 0, "文件是空的", _EXPORT_HINT)]
    except csv.Error as exc:
        return [], [Problem(shown, 1, f"不是规范的 CSV：{exc}", _EXPORT_HINT)]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found = "、".join(h for h in header if h) or "（空）"
        return [], [
            Problem(
                shown,
                1,
                f"表头缺少列：{'、'.join(missing)}（表头是：{found}）",
                f"表头应为 {','.join(REQUIRED + OPTIONAL)}；{_EXPORT_HINT}",
            )
        ]
    col = {name: header.index(name) for name in REQUIRED + OPTIONAL if name in header}
    rows: list[Row] = []
    problems: list[Problem] = []
    line = reader.line_num + 1  # where the next record starts
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            row = _row(record, col, shown, start, problems)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        problems.append(Problem(shown, line, f"不是规范的 CSV：{exc}", "检查这一行的引号是否成对；" + _EXPORT_HINT))
    return rows, problems


def _row(record: list[str], col: dict[str, int], shown: str, line: int, problems: list[Problem]) -> Row | None:
    def cell(name: str) -> str:
        i = col.get(name)
        value = record[i].strip() if i is not None and i < len(record) else ""
        return value[1:] if value[:1] == "'" and value[1:2] in FORMULA else value  # the export's guard against Excel formulas

    def bad(name: str, message: str, fix: str) -> None:
        problems.append(Problem(shown, line, message, fix, field=name, column=col[name] + 1))

    before = len(problems)
    width = max(col[name] for name in REQUIRED) + 1
    if len(record) < width:
        problems.append(
            Problem(shown, line, f"这一行只有 {len(record)} 列，表头要求至少 {width} 列", "补齐缺的列，或删掉这一行；" + _EXPORT_HINT)
        )
        return None
    for name in ("姓名", "支部", "材料"):
        if not cell(name):
            bad(name, "是空的", f"填上{name}")
    date = _date(cell("学完日期"))
    if date is None:
        bad("学完日期", f"“{cell('学完日期')}”不是日期", "写成 2026-03-15 这样的年-月-日")
    hours = _number(cell("学时"))
    if hours is None or hours > HOURS_MAX:
        bad("学时", f"“{cell('学时')}”不是 0 到 {HOURS_MAX} 之间的数", "写数字，如 1 或 1.5")
    target = None
    if cell("年度目标"):
        target = _number(cell("年度目标"))
        if target is None:
            bad("年度目标", f"“{cell('年度目标')}”不是数", "写数字，如 32；不知道就留空")
    if len(problems) > before or date is None or hours is None:
        return None
    return Row(cell("姓名"), cell("支部"), cell("材料"), cell("类别"), date, hours, target, shown, line)


def read_exports(paths: list[Path], year: int | None = None) -> tuple[list[Row], int, int]:
    """Every row of these files (a folder stands for its ``*.csv``), without duplicates: (rows, files read, duplicates dropped).

    Any problem in any file stops the merge, with every problem listed: a half-merged ledger would undercount someone.
    """
    files: list[Path] = []
    for path in paths:
        files += sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv") if path.is_dir() else [path]
    if not files:
        raise LedgerError("没有找到要合并的文件：写出党员导出的 .csv 文件，或放这些文件的文件夹。")
    rows: list[Row] = []
    problems: list[Problem] = []
    for path in files:
        found, trouble = read_export(path)
        rows += found
        problems += trouble
    if problems:
        raise LedgerError(f"{len(problems)} 处问题，没有生成台账：按上面的提示改正（或让党员重新导出）后再试。", problems=problems)
    seen: set[tuple] = set()
    unique = []
    for row in rows:
        if year is not None and row.date.year != year:
            continue
        if row.key() not in seen:
            seen.add(row.key())
            unique.append(row)
    kept = [r for r in rows if year is None or r.date.year == year]
    return unique, len(files), len(kept) - len(unique)
