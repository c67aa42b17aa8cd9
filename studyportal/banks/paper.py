"""A printable contest paper and its answer key, drawn from question banks: the same seed always gives the same paper.

The questions are sampled with :class:`random.Random` seeded by the paper's number, grouped as
单选、多选、判断 and numbered through; options may be shuffled too. Both documents are one
self-contained HTML file each (styles inside, nothing loaded), ready to print from any browser;
``pdf.py`` prints them to PDF. Trainer text is HTML-escaped.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from pathlib import Path

from studyportal.banks.load import read_bank
from studyportal.banks.model import LETTERS, QUESTION_TYPES, Bank, Question
from studyportal.errors import StudyportalError
from studyportal.problems import Problem, display_path

SECTION_NAMES = {"single": "单项选择题", "multiple": "多项选择题", "judge": "判断题"}
SECTION_RULES = {
    "single": "每题只有一个正确答案，把它的字母填在括号内。",
    "multiple": "每题至少有两个正确答案，把它们的字母都填在括号内；多选、少选、错选都不得分。",
    "judge": "正确的在括号内打“√”，错误的打“×”。",
}
CN_NUMBERS = "一二三四五六七八九十"
JUDGE_MARKS = ("√", "×")


class PaperError(StudyportalError):
    """A paper that cannot be made: a bank with errors, or fewer questions than asked for."""


@dataclass(frozen=True)
class PaperItem:
    """One question as printed: its number, its options in printed order, and the answer in those letters."""

    number: int
    question: Question
    options: tuple[str, ...]
    answer: tuple[int, ...]

    def answer_text(self) -> str:
        """``C``, ``ACD``, or √ / × for a true/false question."""
        if self.question.type == "judge":
            return JUDGE_MARKS[self.answer[0]]
        return "".join(LETTERS[i] for i in self.answer)


@dataclass
class Paper:
    """The questions of one paper by section, in printed order."""

    title: str
    seed: int
    sources: list[str]
    sections: list[tuple[str, list[PaperItem]]] = field(default_factory=list)

    @property
    def items(self) -> list[PaperItem]:
        return [item for _, items in self.sections for item in items]

    @property
    def code(self) -> str:
        """The paper's number as printed on paper and key, so the two are matched."""
        return f"S{self.seed}"


def read_banks(paths: list[Path]) -> list[Bank]:
    """The banks in these files (a folder stands for its ``*.yml`` files); any error stops with every problem listed."""
    files: list[Path] = []
    for path in paths:
        files += sorted(p for p in path.iterdir() if p.suffix.lower() in (".yml", ".yaml")) if path.is_dir() else [path]
    problems: list[Problem] = []
    banks = []
    for path in files:
        shown = display_path(path, None)
        if not path.is_file():
            problems.append(Problem(shown, 1, "找不到这个题库文件", "检查路径，例如 --bank materials/banks/member.yml"))
            continue
        bank = read_bank(path, shown, problems)
        if bank is not None:
            banks.append(bank)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise PaperError(
            f"题库有 {len(errors)} 个错误，没有出卷：按上面的提示改正后再试（studyportal check 可以检查全部文件）。", problems=errors
        )
    if not files:
        raise PaperError("没有找到题库文件：--bank 写题库文件（.yml）或放题库的文件夹")
    return banks


def make_paper(
    banks: list[Bank],
    count: int | None,
    seed: int,
    *,
    audience: str = "",
    topic: str = "",
    shuffle_options: bool = False,
    title: str = "",
) -> Paper:
    """Draw ``count`` questions (all, when None) for ``audience`` and ``topic`` from ``banks``, in an order fixed by ``seed``."""
    pool = [q for b in banks for q in b.questions if (not audience or q.for_audience(audience)) and (not topic or topic in q.topics)]
    wanted = len(pool) if count is None else count
    if wanted > len(pool) or wanted < 1:
        which = "".join(f"，{k}“{v}”" for k, v in (("学习对象", audience), ("专题", topic)) if v)
        raise PaperError(f"题库里符合条件{which}的题只有 {len(pool)} 道，出不了 {wanted} 道题的试卷：减少 --count，或在题库里加题")
    rng = random.Random(seed)
    chosen = rng.sample(pool, wanted)
    paper = Paper(title or (banks[0].title if len(banks) == 1 else "党员学习知识测试"), seed, [b.source for b in banks])
    number = 1
    for kind in QUESTION_TYPES:
        items = []
        for q in (q for q in chosen if q.type == kind):
            order = list(range(len(q.options)))
            if shuffle_options and kind != "judge":
                rng.shuffle(order)
            options = tuple(q.options[i] for i in order)
            answer = tuple(sorted(order.index(i) for i in q.answer))
            items.append(PaperItem(number, q, options, answer))
            number += 1
        if items:
            paper.sections.append((kind, items))
    return paper


# -- HTML ---------------------------------------------------------------------------------------------------------------

_STYLE = """
@page { size: A4; margin: 18mm 17mm 20mm;
  @bottom-center { content: "试卷代号 CODE　第 " counter(page) " 页，共 " counter(pages) " 页"; font: 8pt sans-serif; color: #444; } }
* { box-sizing: border-box; }
body { margin: 0; color: #000; font: 11pt/1.7 "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "宋体", "Songti SC", serif; }
h1, h2, .meta, .info, th {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "微软雅黑", "SimHei", "黑体", sans-serif; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 .2em; }
.meta { text-align: center; margin: 0 0 .8em; font-size: 10pt; }
.info { display: flex; justify-content: space-between; gap: 1em; margin: 0 0 1em; font-size: 10.5pt; }
.info span { flex: 1; border-bottom: 1px solid #000; padding-bottom: .1em; }
.note { font-size: 10pt; margin: 0 0 1em; }
h2 { font-size: 12.5pt; margin: 1.1em 0 .3em; break-after: avoid; }
.rule { font-size: 10pt; margin: 0 0 .5em; }
.q { break-inside: avoid; margin: 0 0 .65em; }
.q p { margin: 0; }
.q .opts { display: flex; flex-wrap: wrap; margin: .1em 0 0 1.6em; }
.opt { padding-right: 1em; }
.w4 .opt { width: 25%; } .w2 .opt { width: 50%; } .w1 .opt { width: 100%; }
table { border-collapse: collapse; table-layout: fixed; width: 100%; margin: .2em 0 .8em; font-size: 10.5pt; }
th, td { border: 1px solid #000; padding: .15em .4em; text-align: center; }
.expl { break-inside: avoid; margin: 0 0 .4em; font-size: 10pt; }
@media screen { body { max-width: 190mm; margin: 1em auto; padding: 0 1em; } }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", " ")


def _document(title: str, code: str, body: list[str]) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title>",
            f"<style>{_STYLE.replace('CODE', code)}</style>",  # the code is S and digits: safe inside the CSS string
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _width(options: tuple[str, ...]) -> str:
    longest = max(len(o) for o in options)
    return "w4" if longest <= 8 else "w2" if longest <= 20 else "w1"


def _heading(index: int, kind: str, items: list[PaperItem]) -> str:
    return f"<h2>{CN_NUMBERS[index]}、{SECTION_NAMES[kind]}（共 {len(items)} 题）</h2>"


def paper_html(paper: Paper) -> str:
    """The paper: title, name and branch lines, then each section with its questions and options."""
    body = [
        f"<h1>{_e(paper.title)}</h1>",
        f'<p class="meta">共 {len(paper.items)} 题　·　试卷代号 {paper.code}</p>',
        '<p class="info"><span>姓名：</span><span>所在支部：</span><span>得分：</span></p>',
    ]
    for index, (kind, items) in enumerate(paper.sections):
        body += [_heading(index, kind, items), f'<p class="rule">{SECTION_RULES[kind]}</p>']
        for item in items:
            body.append(f'<div class="q"><p>{item.number}. {_e(item.question.stem)}（　　）</p>')
            if kind != "judge":
                options = "".join(f'<span class="opt">{LETTERS[i]}. {_e(o)}</span>' for i, o in enumerate(item.options))
                body.append(f'<p class="opts {_width(item.options)}">{options}</p>')
            body.append("</div>")
    return _document(paper.title, paper.code, body)


def key_html(paper: Paper) -> str:
    """The answer key: a grid of numbers and answers per section, then each answer with its explanation."""
    title = f"{paper.title} · 参考答案"
    body = [f"<h1>{_e(title)}</h1>", f'<p class="meta">共 {len(paper.items)} 题　·　试卷代号 {paper.code}</p>']
    for index, (kind, items) in enumerate(paper.sections):
        body.append(_heading(index, kind, items))
        for row in range(0, len(items), 10):
            chunk = items[row : row + 10]
            blank = "<td></td>" * (10 - len(chunk))  # every row ten columns wide, so the columns line up
            numbers = "".join(f"<th>{item.number}</th>" for item in chunk) + blank
            answers = "".join(f"<td>{item.answer_text()}</td>" for item in chunk) + blank
            body.append(f"<table><tr><th>题号</th>{numbers}</tr><tr><th>答案</th>{answers}</tr></table>")
    body.append("<h2>答案解析</h2>")
    for item in paper.items:
        explanation = f"　{_e(item.question.explanation)}" if item.question.explanation else ""
        body.append(f'<p class="expl">{item.number}. 答案：{item.answer_text()}{explanation}</p>')
    body.append(f'<p class="note">题库：{_e("、".join(paper.sources))}；试卷代号 {paper.code}（出卷时的 --seed {paper.seed}）。</p>')
    return _document(title, paper.code, body)
