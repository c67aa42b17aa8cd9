"""Validating a parsed question bank into a :class:`Bank`: every problem names its line, field and fix."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from studyportal.banks.model import JUDGE_OPTIONS, LETTERS, QUESTION_TYPES, Bank, Question
from studyportal.load.frontmatter import Located
from studyportal.model import Material
from studyportal.problems import Problem
from studyportal.validate.fields import FieldReader, describe
from studyportal.validate.links import suggest_slug
from studyportal.validate.material import TITLE_MAX, TOPIC_MAX
from studyportal.vocabulary import AUDIENCES

BANK_FIELDS = ["title", "audiences", "topics", "questions"]
QUESTION_FIELDS = ["id", "type", "stem", "options", "answer", "explanation", "audiences", "topics", "materials"]
# A bank is read whole by check and build; a contest of 100 questions needs a few hundred. More belongs in a second file.
QUESTIONS_MAX = 500
STEM_MAX = 300
OPTION_MAX = 150
EXPLANATION_MAX = 1000
MATERIALS_MAX = 10
ID_MAX = 40
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# "A. 六项", "B、八项", "（C）十项": a letter a trainer copied from a Word paper; the page numbers the options itself.
_LETTER_PREFIX = re.compile(r"^[(（]?([A-Ha-h])\s*[.．、:：)）]\s*")
_ANSWER_SEPARATORS = re.compile(r"[\s,，、;；/]+")
_TRUE = {"对", "正确", "√", "✓", "✔", "是", "T", "TRUE"}
_FALSE = {"错", "错误", "×", "✗", "✘", "X", "否", "F", "FALSE"}
JUDGE_FIX = "判断题写 answer: 对 或 answer: 错"


def validate_bank(
    located: Located,
    shown_path: str,
    slug: str,
    problems: list[Problem],
    published: dict[str, Material] | None = None,
    drafts: dict[str, Material] | None = None,
) -> Bank | None:
    """Check a parsed bank file; None when it is not a bank at all.

    ``published`` and ``drafts`` (the materials of the tree, by URL name) check each question's ``materials``;
    without them (a paper made from a file alone) those links are not checked. A question with an error is left out.
    """
    r = FieldReader(located, shown_path, problems)
    if not isinstance(located.data, dict):
        problems.append(
            Problem(
                shown_path, 1, "题库文件应当是“字段: 值”的形式", "参照 materials/banks/ 里的示例题库：先写 title:，再写 questions: 列表"
            )
        )
        return None
    r.unknown_fields((), BANK_FIELDS, "题库文件")
    bank = Bank(shown_path, slug, r.text(("title",), required=True, max_len=TITLE_MAX, fix="加上一行 title: 题库名称"))
    audiences = tuple(r.choices(("audiences",), AUDIENCES))
    topics = tuple(r.text_list(("topics",), max_len=TOPIC_MAX))
    entries = r.sequence(("questions",), required=True, fix="加上 questions:，下面每道题写成“- id: 题号”，再写 type、stem、options、answer")
    if r.present(("questions",)) and isinstance(r.raw(("questions",)), list) and not entries:
        r.problem(("questions",), "题库里一道题也没有", "在 questions: 下面至少写一道题")
    if len(entries) > QUESTIONS_MAX:
        r.problem(("questions",), f"题目太多：{len(entries)} 道，一个题库文件最多 {QUESTIONS_MAX} 道", "按专题拆成几个题库文件")
    seen: dict[str, int] = {}
    for i in range(min(len(entries), QUESTIONS_MAX)):
        question = _question(r, ("questions", i), slug, audiences, topics, published, drafts)
        written = r.raw(("questions", i, "id"))
        qid = str(written).strip() if isinstance(written, (str, int)) and not isinstance(written, bool) else ""
        if qid in seen:
            r.problem(("questions", i, "id"), f"题号 {qid} 重复：第 {seen[qid]} 行的题已经用了它", "给每道题起不同的 id")
            continue
        if qid:
            seen[qid] = r.located.where(("questions", i, "id"))[0]
        if question is not None:
            bank.questions.append(question)
    return bank


def _question(
    r: FieldReader,
    where: tuple,
    bank: str,
    audiences: tuple[str, ...],
    topics: tuple[str, ...],
    published: dict[str, Material] | None,
    drafts: dict[str, Material] | None,
) -> Question | None:
    if r.mapping(where, fix="每道题写成“- id: 题号”，下一行缩进写 type、stem、options、answer、explanation") is None:
        return None
    before = _errors(r)
    r.unknown_fields(where, QUESTION_FIELDS, "题目")
    qid = _id(r, where + ("id",))
    kind = r.choice(where + ("type",), QUESTION_TYPES, required=True)
    stem = _within(
        r, where + ("stem",), r.text(where + ("stem",), required=True, max_len=None, fix="加上一行 stem: 题干（题目本身）"), STEM_MAX
    )
    options = _options(r, where, kind)
    answer = _answer(r, where, kind, options)
    explanation = _within(r, where + ("explanation",), r.text(where + ("explanation",), max_len=None), EXPLANATION_MAX)
    if not explanation and not r.present(where + ("explanation",)):
        r.problem(
            where,
            "这道题没有解析（explanation），自测时答完只能看到对错",
            "加上一行 explanation: 为什么选这个答案，出自哪里",
            severity="warning",
        )
    own_audiences = tuple(r.choices(where + ("audiences",), AUDIENCES)) if r.present(where + ("audiences",)) else audiences
    own_topics = tuple(r.text_list(where + ("topics",), max_len=TOPIC_MAX)) if r.present(where + ("topics",)) else topics
    materials = _materials(r, where + ("materials",), published, drafts)
    if _errors(r) > before or not (qid and kind and stem and answer):
        return None
    line, _ = r.located.where(where)
    return Question(bank, qid, kind, stem, options, answer, explanation, own_audiences, own_topics, materials, line)


def _within(r: FieldReader, where: tuple, text: str, most: int) -> str:
    """``text``, or "" after a problem when it is longer than ``most`` characters."""
    if len(text) <= most:
        return text
    what = {"stem": "题干", "explanation": "解析"}.get(str(where[-1]), "选项")
    r.problem(
        where,
        f"{what}太长了：{len(text)} 个字，最多 {most} 个字",
        f"把{what}压缩到 {most} 字以内；背景知识写进相关材料的正文，用 materials 关联",
    )
    return ""


def _errors(r: FieldReader) -> int:
    return sum(1 for p in r.problems if p.severity == "error")


def _id(r: FieldReader, where: tuple) -> str:
    value = r.text(
        where, required=True, max_len=ID_MAX, fix="加上一行 id: 题号（字母、数字、短横线，如 dangzhang-01），每道题不同", name=True
    )
    if value and not ID_RE.match(value):
        r.problem(where, f"题号“{value}”不能用：只能用英文字母、数字、短横线和下划线", "改成 dangzhang-01 这样的写法")
        return ""
    return value


def _options(r: FieldReader, where: tuple, kind: str) -> tuple[str, ...]:
    at = where + ("options",)
    if kind == "judge":
        if r.present(at):
            r.problem(at, "判断题不用写选项，这里写的选项不会用到", "删掉 options，判断题的选项总是“正确”“错误”", severity="warning")
        return JUDGE_OPTIONS
    if not kind:
        return ()
    written = r.text_list(at, required=True, max_len=10 * OPTION_MAX, fix="加上 options:，每个选项一行“- 选项内容”，不用写 A、B、C")
    if not written:
        return ()
    raw = r.raw(at)
    if isinstance(raw, str):
        r.problem(at, "选项应当是列表，现在只有一段文字", "每个选项一行“- 选项内容”，或写成 [选项一, 选项二]")
        return ()
    options = []
    for j, text in enumerate(written):
        match = _LETTER_PREFIX.match(text)
        if match and match.end() < len(text):
            r.problem(
                at + (j,),
                f"选项前写了字母“{match.group(0).strip()}”：页面和试卷会自己给选项编号，这里已把它去掉",
                f"删掉开头的“{match.group(0).strip()}”",
                severity="warning",
            )
            text = text[match.end() :]
        if not _within(r, at + (j,), text, OPTION_MAX):
            return ()
        options.append(text)
    if len(options) < 2:
        r.problem(at, f"{QUESTION_TYPES[kind]}至少要有两个选项", "再加一个选项；只判断对错的题写 type: judge")
        return ()
    if len(options) > len(LETTERS):
        r.problem(at, f"选项太多：{len(options)} 个，最多 {len(LETTERS)} 个（A 到 {LETTERS[-1]}）", "删去几个选项")
        return ()
    for j, text in enumerate(options):
        if text in options[:j]:
            r.problem(at + (j,), f"选项 {LETTERS[j]} 和选项 {LETTERS[options.index(text)]} 一模一样", "改掉或删去重复的选项")
            return ()
    return tuple(options)


def _answer(r: FieldReader, where: tuple, kind: str, options: tuple[str, ...]) -> tuple[int, ...]:
    at = where + ("answer",)
    if not r.present(at):
        fix = JUDGE_FIX if kind == "judge" else "加上一行 answer: 正确选项的字母，如 answer: B；多选题写 answer: [A, C]"
        r.missing(at, fix)
        return ()
    raw = r.raw(at)
    if not kind:
        return ()
    if kind == "judge":
        return _judge_answer(r, at, raw)
    if not options:
        return ()
    letters = _letters(raw)
    if letters is None:
        r.problem(at, f"答案应当写选项的字母，现在是{describe(raw)}", _letter_fix(raw, options, kind))
        return ()
    if not letters:
        r.problem(at, "答案是空的", _letter_fix(raw, options, kind))
        return ()
    last = LETTERS[len(options) - 1]
    outside = [x for x in letters if LETTERS.index(x) >= len(options)]
    if outside:
        r.problem(
            at,
            f"答案 {'、'.join(outside)} 不在选项里：这道题只有 {len(options)} 个选项（A 到 {last}）",
            f"答案只能是 A 到 {last}；或者补上缺的选项",
        )
        return ()
    if kind == "single" and len(letters) > 1:
        r.problem(at, f"单选题只能有一个答案，这里写了 {'、'.join(letters)}", "只留一个答案；几个选项都对时写 type: multiple")
        return ()
    if kind == "multiple" and len(letters) < 2:
        r.problem(
            at, f"多选题至少有两个正确答案，这里只有 {letters[0]}", "只有一个答案的题写 type: single；或写全所有正确选项，如 answer: [A, C]"
        )
        return ()
    return tuple(sorted(LETTERS.index(x) for x in letters))


def _letters(raw: Any) -> list[str] | None:
    """``B``, ``AC``, ``A、C``, ``[A, C]``, full-width ``Ｂ`` → letters in order without repeats; None when it is not letters."""
    parts = raw if isinstance(raw, list) else [raw]
    found: list[str] = []
    for part in parts:
        if not isinstance(part, str):
            return None
        text = _ANSWER_SEPARATORS.sub("", unicodedata.normalize("NFKC", part)).upper()
        if not all(c in LETTERS for c in text):
            return None
        found += [c for c in text if c not in found]
    return found


def _letter_fix(raw: Any, options: tuple[str, ...], kind: str) -> str:
    texts = [str(x).strip() for x in (raw if isinstance(raw, list) else [raw])]
    if texts and all(t in options for t in texts):
        letters = [LETTERS[options.index(t)] for t in texts]
        written = letters[0] if len(letters) == 1 else f"[{', '.join(letters)}]"
        return f"答案要写选项前的字母，不是选项的文字：写成 answer: {written}"
    example = "answer: [A, C]" if kind == "multiple" else "answer: B"
    return f"写正确选项的字母，例如 {example}"


def _judge_answer(r: FieldReader, at: tuple, raw: Any) -> tuple[int, ...]:
    if isinstance(raw, bool):
        return (0,) if raw else (1,)
    text = unicodedata.normalize("NFKC", str(raw)).strip().upper() if isinstance(raw, (str, int)) else ""
    if text in _TRUE:
        return (0,)
    if text in _FALSE:
        return (1,)
    r.problem(at, f"判断题的答案只能是“对”或“错”，现在是{describe(raw)}", JUDGE_FIX)
    return ()


def _materials(r: FieldReader, at: tuple, published: dict[str, Material] | None, drafts: dict[str, Material] | None) -> tuple[str, ...]:
    slugs = r.text_list(at, max_len=200)
    if len(slugs) > MATERIALS_MAX:
        r.problem(at, f"一道题最多关联 {MATERIALS_MAX} 个材料，这里有 {len(slugs)} 个", "只留这道题考查的那几个材料")
    if published is None:
        return tuple(dict.fromkeys(slugs))
    found: list[str] = []
    for j, slug in enumerate(slugs):
        if slug in published:
            if slug not in found:
                found.append(slug)
        elif drafts and slug in drafts:
            r.problem(at + (j,), f"材料 {slug} 还是草稿（draft: true），这道题暂时不会出现在它的页面上",
                      f"草稿完成后在 {drafts[slug].source} 里删去 draft: true", severity="warning")  # fmt: skip
        else:
            guess = suggest_slug(slug, published)
            fix = (
                f"你是不是想写 {guess}？（{published[guess].source}）"
                if guess
                else "写材料的网址名：它是材料的 slug 字段，没写 slug 时是文件名（中文文件名取拼音）"
            )
            r.problem(at + (j,), f"找不到网址名为 {slug} 的材料", fix)
    return tuple(found)
