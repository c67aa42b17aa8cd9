"""``studyportal paper``: a contest paper and its answer key from question banks, as HTML and PDF."""

from __future__ import annotations

import secrets
from pathlib import Path

import click

from studyportal.banks.paper import key_html, make_paper, paper_html, read_banks
from studyportal.banks.pdf import print_pdfs
from studyportal.vocabulary import AUDIENCES


@click.command(
    name="paper",
    help="从题库出一份打印用的竞赛试卷和单独的参考答案（HTML 和 PDF）。同一个 --seed 总是出同一份卷子；"
    "不写 --seed 时随机选一个并告诉你。PDF 用本机的 Chromium、Chrome 或 Edge 打印，不用联网。",
)
@click.option(
    "--bank",
    "banks",
    type=click.Path(path_type=Path),
    multiple=True,
    required=True,
    help="题库文件（.yml），或放题库的文件夹（如 materials/banks）；可以写几次",
)
@click.option("--count", type=click.IntRange(min=1), default=None, help="题目数量（默认：题库里符合条件的全部题）")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="试卷代号：同一个数总是抽出同一份卷子")
@click.option("--audience", type=click.Choice(list(AUDIENCES)), default=None, help="只出给这类学员的题")
@click.option("--topic", default="", help="只出这个专题的题")
@click.option("--title", default="", help="试卷标题（默认用题库的 title）")
@click.option("--shuffle-options", is_flag=True, help="把选择题的选项也打乱（选项里有“以上都对”时不要用）")
@click.option("-o", "--out", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True, help="输出文件夹")
@click.option("--no-pdf", is_flag=True, help="只生成 HTML（用浏览器打开后可直接打印）")
@click.option(
    "--browser", type=click.Path(path_type=Path), default=None, help="打印 PDF 用的浏览器程序（默认自动查找 Chromium、Chrome、Edge）"
)
def paper_command(
    banks: tuple[Path, ...],
    count: int | None,
    seed: int | None,
    audience: str | None,
    topic: str,
    title: str,
    shuffle_options: bool,
    out: Path,
    no_pdf: bool,
    browser: Path | None,
) -> None:
    chosen_seed = secrets.randbelow(1_000_000) if seed is None else seed
    paper = make_paper(
        read_banks(list(banks)), count, chosen_seed, audience=audience or "", topic=topic, shuffle_options=shuffle_options, title=title
    )
    out.mkdir(parents=True, exist_ok=True)
    sheet, key = out / f"试卷-{paper.code}.html", out / f"答案-{paper.code}.html"
    sheet.write_text(paper_html(paper), encoding="utf-8")
    key.write_text(key_html(paper), encoding="utf-8")
    written = [sheet, key]
    if not no_pdf:
        click.echo(f"已写出 {sheet} 和 {key}，正在打印 PDF……", err=True)
        pdfs = [sheet.with_suffix(".pdf"), key.with_suffix(".pdf")]
        engine = print_pdfs([(sheet, pdfs[0]), (key, pdfs[1])], browser)
        click.echo(f"PDF 由 {engine} 排版。", err=True)
        written += pdfs
    again = "" if seed is not None else f"；用 --seed {chosen_seed} 可以再出同一份"
    click.echo(f"已出卷：{len(paper.items)} 题，试卷代号 {paper.code}{again}。")
    for path in written:
        click.echo(f"  {path}")
