"""``studyportal ledger``: merge exported study records into the branch's 学习台账 (CSV, or Excel with a sheet per branch)."""

from __future__ import annotations

from pathlib import Path

import click

from studyportal.ledger.read import LedgerError, read_exports
from studyportal.ledger.write import ledger_csv, ledger_xlsx, totals


@click.command(
    name="ledger",
    help="把党员从课程页导出的学习记录（.csv）合并成学习台账：Excel 每个支部一张工作表，"
    "列出每人学完的材料，再按姓名列出合计学时和年度目标；CSV 是一张表，按支部、姓名排序。"
    "同一条记录交了两次只算一次。FILES 写 .csv 文件，或放这些文件的文件夹。",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("学习台账.xlsx"),
    show_default=True,
    help="输出文件：.xlsx（Excel，每个支部一张工作表，带合计）或 .csv（一张表）",
)
@click.option(
    "--target",
    type=click.FloatRange(min=0, max=1000),
    default=32,
    show_default=True,
    help="导出文件里没写年度目标时用的年度目标学时（普通党员、流动党员 32，支部书记 56）",
)
@click.option("--year", type=click.IntRange(min=2000, max=2100), default=None, help="只算这一年学完的（默认全部）")
def ledger_command(files: tuple[Path, ...], out: Path, target: float, year: int | None) -> None:
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise LedgerError(f"输出文件 {out} 要以 .xlsx（Excel）或 .csv 结尾。")
    rows, count, duplicates = read_exports(list(files), year)
    if not rows:
        raise LedgerError("这些文件里没有学习记录" + (f"（{year} 年的）" if year else "") + "，没有生成台账。")
    if out.parent != Path("."):
        out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if suffix == ".csv":
            out.write_bytes(ledger_csv(rows, target))
        else:
            ledger_xlsx(rows, target, out)
    except PermissionError as exc:
        raise LedgerError(f"写不了 {out}：文件可能正在 Excel 里打开，关掉它再试。") from exc
    people = totals(rows, target)
    branches = len({t.branch for t in people})
    dropped = f"，去掉重复 {duplicates} 条" if duplicates else ""
    click.echo(f"已合并 {count} 个文件：{len(rows)} 条记录{dropped}，{branches} 个支部、{len(people)} 人。")
    click.echo(f"  {out}")
