"""``studyportal new --title …``: whatever title a trainer types, ``check`` reads the same title back.

The file is written through the real command (click's test runner), then loaded with the same loader
``check`` uses (``load_catalog`` on the folder). ``new`` writes a draft, and drafts are left out of the
catalog, so the ``draft: true`` line is removed first, as the trainer would when the material is done;
a curriculum lists the material so that it is reachable.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from studyportal.catalog import load_catalog
from studyportal.cli import main
from studyportal.load.frontmatter import split_front_matter
from studyportal.load.source import decode_source
from tests.helpers import CURRICULUM, write

TRICKY = [
    "党课: 不忘初心",
    '"引号"',
    "“中文引号”",
    "'单引号'",
    "#井号开头",
    "标题 #后面像注释",
    "- 破折号开头",
    "[方括号]",
    "{花括号}",
    "a: b: c",
    "*星号",
    "&锚",
    "!感叹号",
    "%百分号",
    "@at",
    "`反引号`",
    "null",
    "~",
    "yes",
    "no",
    "on",
    "true",
    "123",
    "1.5",
    "0x1F",
    "1_000",
    "12:30",
    "2026-06-01",
    ".inf",
    "---",
    "...",
    "? 问号",
    "| 竖线",
    "> 大于号",
    "第一行\n第二行",
    "第一行\n---\n第三行",
    "制表\t符",
    "行尾反斜杠\\",
    "标题：全角冒号",
    "标题,逗号",
    "<< 合并",
    "\u3000全角空格开头",
    "末尾空格 ",
    "长" * 60,
]


def new_then_load(title: str) -> tuple[object, str | None, list]:
    """Run ``studyportal new`` with ``title``, publish the draft, load the folder as ``check`` does.

    Returns the raw YAML value of ``title`` as the loader reads it, the title of the loaded material
    (None when it was rejected) and the errors ``check`` reports.
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "materials")
        write(root, "curricula/member.yml", CURRICULUM.format(slugs="lesson"))
        target = root / "dangzhang" / "lesson.md"
        result = CliRunner().invoke(main, ["new", str(target), f"--title={title}", "--kind", "class-outline", "--audience", "member"])
        assert result.exit_code == 0, result.output
        text = target.read_text(encoding="utf-8")
        target.write_text("".join(line for line in text.splitlines(keepends=True) if not line.startswith("draft:")), encoding="utf-8")
        source = decode_source(target.read_bytes(), "lesson.md")
        doc = split_front_matter(source.text or "", "lesson.md")
        raw = doc.meta.data.get("title") if doc.meta else doc.problems
        loaded = load_catalog(root)
    material = loaded.catalog.materials.get("lesson")
    return raw, (material.title if material else None), loaded.problems.errors


def assert_round_trip(title: str, valid: bool = False) -> None:
    """The YAML value is exactly ``title``; ``check`` reads ``title.strip()``, or rejects it on the title field only."""
    raw, read_back, errors = new_then_load(title)
    assert raw == title
    shown = [p.one_line() for p in errors]
    assert not any("YAML" in p.message for p in errors), shown
    # A rejected title also leaves the curriculum naming a material that is not there; that is a consequence.
    assert all(p.field == "title" for p in errors if p.path.endswith("lesson.md")), shown
    if valid:
        assert errors == [], shown
    if read_back is not None:
        assert read_back == title.strip()


@pytest.mark.parametrize("title", TRICKY)
def test_tricky_titles_round_trip(title):
    assert_round_trip(title, valid=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
@example("")
@example("   ")
@example("x" * 300)
@example("\n")
@example("a\u2028b")
@example("\ufeff标题")
@example("a\x85b")
@example("\r\n回车")
def test_any_title_round_trips(title):
    assert_round_trip(title)


def test_slug_from_a_file_name_that_looks_like_yaml(tmp_path):
    """The URL name written by ``new`` comes from the file name: ``yes.md`` must not become a boolean."""
    for stem in ("yes", "null", "123", "true"):
        target = tmp_path / "materials" / f"{stem}.md"
        result = CliRunner().invoke(main, ["new", str(target), "--title", "标题", "--audience", "member"])
        assert result.exit_code == 0, result.output
        target.write_text(target.read_text(encoding="utf-8").replace("draft: true", ""), encoding="utf-8")
    write(tmp_path / "materials", "curricula/member.yml", CURRICULUM.format(slugs="'yes', 'null', '123', 'true'"))
    loaded = load_catalog(tmp_path / "materials")
    assert loaded.problems.errors == [], [p.one_line() for p in loaded.problems.errors]
    assert set(loaded.catalog.materials) == {"yes", "null", "123", "true"}
