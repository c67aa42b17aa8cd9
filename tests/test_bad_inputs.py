"""The gallery of broken and hostile inputs: each file gets exactly the message ``tests/bad_inputs/expected.yml`` names."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from studyportal.catalog import load_catalog
from tests.helpers import GALLERY, gallery_cases, gallery_tree, run_cli

EXPECTED: dict[str, dict] = yaml.safe_load((GALLERY / "expected.yml").read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parent.parent


def test_every_case_has_its_expected_message_and_there_are_enough():
    names = {p.name for p in gallery_cases()}
    assert names == set(EXPECTED), (names ^ set(EXPECTED))
    assert len(names) >= 40


@pytest.mark.parametrize("case", gallery_cases(), ids=lambda p: p.name)
def test_check_names_file_line_field_and_fix(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    want = EXPECTED[case.name]
    shown = gallery_tree(case, tmp_path / "materials")
    monkeypatch.chdir(tmp_path)
    problems = load_catalog(Path("materials")).problems
    mine = [p for p in problems.items if p.path == shown]
    match = [p for p in mine if p.line == want["line"] and p.severity == want["severity"] and p.field == want["field"]]
    assert match, f"{case.name}: expected {want}, got {[p.one_line() for p in problems.items]}"
    assert any(want["says"] in p.message + p.fix for p in match), [p.one_line() for p in match]
    assert all(p.fix for p in mine), "every problem says how to fix it"
    if want["severity"] == "warning":
        assert not problems.errors, [p.one_line() for p in problems.errors]


def test_the_command_reports_the_whole_gallery_in_text_and_json(tmp_path: Path):
    """All material cases in one tree: one pass, no traceback, every file named, JSON that parses."""
    materials = tmp_path / "materials"
    for case in gallery_cases():
        if case.suffix == ".md":
            gallery_tree(case, materials)
    text = run_cli("check", "materials", cwd=tmp_path)
    assert text.returncode == 1 and "Traceback" not in text.stdout + text.stderr
    as_json = run_cli("check", "materials", "--format", "json", cwd=tmp_path)
    report = json.loads(as_json.stdout)
    paths = {p["path"] for p in report["problems"]}
    for case in gallery_cases():
        if case.suffix == ".md":
            assert f"materials/{case.name}" in paths or case.name == "slug-taken.md", case.name
            assert f"materials/{case.name}:" in text.stdout, case.name


def test_the_trainers_page_of_messages_is_up_to_date():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import errors_doc
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert errors_doc.DOC.read_text(encoding="utf-8") == errors_doc.render(), "run: python scripts/errors_doc.py"
