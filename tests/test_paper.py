"""``studyportal paper``: a shuffled contest paper and its key, as HTML and PDF; the PDF's Chinese text read back and compared."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from studyportal.banks.model import LETTERS, Question
from studyportal.banks.paper import JUDGE_MARKS, PaperError, key_html, make_paper, paper_html, read_banks
from tests.helpers import CHROMIUM, ROOT, write

BANKS = ROOT / "materials" / "banks"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "studyportal.cli", "paper", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env or ENV, timeout=300)


def _flat(text: str) -> str:
    """Text with every kind of space and line break removed: a PDF breaks lines where the page does."""
    return re.sub(r"\s+", "", text.replace("\u3000", ""))


def _pdf_text(path: Path) -> str:
    return _flat("".join(page.extract_text() for page in PdfReader(path).pages))


def test_the_same_seed_gives_the_same_paper_and_another_seed_another():
    banks = read_banks([BANKS])
    first = make_paper(banks, 20, 7, shuffle_options=True)
    assert paper_html(first) == paper_html(make_paper(read_banks([BANKS]), 20, 7, shuffle_options=True))
    assert key_html(first) == key_html(make_paper(banks, 20, 7, shuffle_options=True))
    other = make_paper(banks, 20, 8, shuffle_options=True)
    assert [i.question.key for i in other.items] != [i.question.key for i in first.items]
    assert [i.number for i in first.items] == list(range(1, 21))
    kinds = [kind for kind, _ in first.sections]
    assert kinds == sorted(kinds, key=["single", "multiple", "judge"].index), "单选、多选、判断, in that order"


def test_shuffled_options_keep_the_answer_on_the_right_text():
    paper = make_paper(read_banks([BANKS]), None, 3, shuffle_options=True)
    moved = 0
    for item in paper.items:
        q = item.question
        assert sorted(item.options) == sorted(q.options)
        assert [item.options[i] for i in item.answer] == sorted((q.options[i] for i in q.answer), key=item.options.index)
        moved += item.options != q.options
    assert moved > 0


@pytest.mark.slow  # runs the command (and WeasyPrint)
def test_too_few_questions_or_a_broken_bank_stop_with_a_chinese_message(tmp_path):
    with pytest.raises(PaperError, match="只有 .* 道，出不了 1000 道题的试卷"):
        make_paper(read_banks([BANKS]), 1000, 1)
    bad = write(
        tmp_path, "bad.yml", "title: 测试\nquestions:\n  - id: q1\n    type: single\n    stem: 题干\n    options: [甲, 乙]\n    answer: C\n"
    )
    run = _run("--bank", str(bad), "--count", "1", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "bad.yml:7:5: error(错误): 字段 questions 的第 1 道题 的 answer：答案 C 不在选项里" in run.stderr
    assert "没有出卷" in run.stderr and not list(tmp_path.glob("*.html"))


def test_trainer_text_is_printed_as_typed(tmp_path):
    bank = write(
        tmp_path,
        "b.yml",
        'title: "<b>测试</b>"\nquestions:\n  - id: q1\n    type: judge\n    stem: "<script>alert(1)</script> 对吗"\n    answer: 对\n',
    )
    paper = make_paper(read_banks([bank]), 1, 1)
    for page in (paper_html(paper), key_html(paper)):
        assert "<script>alert" not in page and "<b>测试" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 对吗" in paper_html(paper)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("paper")
    run = _run("--bank", str(BANKS), "--count", "30", "--seed", "11", "--shuffle-options", "-o", "out", cwd=out)
    assert run.returncode == 0, run.stderr
    assert "已出卷：30 题，试卷代号 S11" in run.stdout and "WeasyPrint" in run.stderr
    return out / "out"


@pytest.mark.slow  # runs the command (and WeasyPrint)
def test_the_pdf_holds_the_chinese_text_of_every_question(printed):
    paper = make_paper(read_banks([BANKS]), 30, 11, shuffle_options=True)
    text = _pdf_text(printed / "试卷-S11.pdf")
    assert _flat(f"{paper.title}共30题·试卷代号S11") in text
    assert _flat("一、单项选择题") in text and _flat("三、判断题") in text
    for item in paper.items:
        assert _flat(f"{item.number}.{item.question.stem}（）") in text, item.question.stem
        for i, option in enumerate(item.options if item.question.type != "judge" else ()):
            assert _flat(f"{LETTERS[i]}.{option}") in text, option
    assert not [c for c in text if 0x2E80 <= ord(c) <= 0x2FDF], "each character as written, not a look-alike radical"


@pytest.mark.slow  # runs the command (and WeasyPrint)
def test_the_key_matches_the_paper(printed):
    """Read both PDFs back: the letters the key gives for question N are, on the paper, the options the bank says are right."""
    paper_text = "\n".join(page.extract_text() for page in PdfReader(printed / "试卷-S11.pdf").pages)
    key_text = _pdf_text(printed / "答案-S11.pdf")
    answers = {int(n): a for n, a in re.findall(r"(?<!\d)(\d{1,2})\.答案：([A-H]+|√|×)", key_text)}
    assert sorted(answers) == list(range(1, 31)), "the key answers every question once"
    starts: dict[int, tuple[int, Question]] = {}
    for q in (q for b in read_banks([BANKS]) for q in b.questions):
        stem = r"\s*".join(map(re.escape, _flat(q.stem)))  # the PDF breaks long stems over lines
        found = re.search(rf"(?:^|\n)\s*(\d{{1,2}})\.\s*{stem}", paper_text)  # a question starts a line
        if found:
            starts[int(found.group(1))] = (found.start(), q)
    assert sorted(starts) == list(range(1, 31)), "every number of the key is a question of the paper"
    positions = sorted(at for at, _ in starts.values()) + [len(paper_text)]
    for n, (at, q) in starts.items():
        segment = _flat(paper_text[at : positions[positions.index(at) + 1]])
        if q.type == "judge":
            assert answers[n] == JUDGE_MARKS[q.answer[0]], q.stem
            continue
        right = [_flat(q.options[i]) for i in q.answer]
        assert len(answers[n]) == len(right), q.stem
        for letter in answers[n]:
            assert any(f"{letter}.{text}" in segment for text in right), (n, letter, q.stem)


@pytest.mark.slow  # runs the command (and WeasyPrint)
def test_the_same_seed_prints_the_same_paper_again(printed, tmp_path):
    run = _run("--bank", str(BANKS), "--count", "30", "--seed", "11", "--shuffle-options", "-o", "again", "--no-pdf", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    for name in ("试卷-S11.html", "答案-S11.html"):
        assert (tmp_path / "again" / name).read_bytes() == (printed / name).read_bytes(), name


@pytest.mark.browser
def test_without_weasyprint_the_machines_browser_prints_it(tmp_path):
    """Where Pango is missing (Windows without GTK) the installed Chromium or Edge prints the same HTML; here: Debian's Chromium."""
    run = _run("--bank", str(BANKS / "mobile.yml"), "--seed", "5", cwd=tmp_path, env={**ENV, "STUDYPORTAL_BROWSER": CHROMIUM})
    assert run.returncode == 0, run.stderr
    assert "chromium" in run.stderr
    reader = PdfReader(tmp_path / "试卷-S5.pdf")
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages))
    assert "试卷代号 S5" in text and "流动党员学习自测题" in _flat(text)
    assert len(reader.pages) >= 1 and reader.pages[0].mediabox.width == pytest.approx(595, abs=2), "A4"
