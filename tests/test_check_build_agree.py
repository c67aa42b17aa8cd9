"""One rule for what stops a publish: every case of the gallery goes through ``check`` and ``studyportal build``.

Each case of ``tests/bad_inputs`` is put into a small portal of its own. The build fails exactly when
``check`` reports an error, and then prints ``check``'s own lines (file:line:col, message, fix) rather than
MkDocs' English; a case with only warnings builds, and the build shows the warnings too. The builds run
two or more at a time (a failing one stops after loading the materials, about a second; one that builds
takes about two), each ``studyportal build`` a process forked from one that imported the command once
(``tests/fork_runner.py``: start-up is most of a failing build's second); two cases, one of each, are also
built by a plain ``python -m studyportal.cli build`` and must print the same.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from studyportal.catalog import load_catalog
from studyportal.problems import Problem
from tests.helpers import ROOT, copy_project, gallery_cases, gallery_tree

pytestmark = pytest.mark.slow

# What MkDocs says in its own words; none of it may reach a trainer when check has the explanation.
MKDOCS_WORDS = ("Doc file", "WARNING", "Aborted", "strict mode", "Traceback", "ERROR   ", "is not found among documentation files")


@dataclass
class Outcome:
    errors: list[Problem]
    warnings: list[Problem]
    build: subprocess.CompletedProcess
    site: Path


ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
# One case of each kind also built by the plain command: the forked builds must print what it prints.
PLAIN = ("CON.md", "body-script.md")


def _args(project: Path) -> list[str]:
    return ["build", "-d", str(project / "site"), "--wait", "0"]


def _build(project: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "studyportal.cli", *_args(project)]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=ENV, timeout=300)


def _build_all(projects: dict[str, Path]) -> dict[str, subprocess.CompletedProcess]:
    """``studyportal build`` in every project, each in a process forked from one that imported the command (tests/fork_runner.py)."""
    jobs = [{"cwd": str(project), "args": _args(project)} for project in projects.values()]
    parallel = str(max(2, min(4, os.cpu_count() or 2)))
    runner = [sys.executable, "-m", "tests.fork_runner", "--parallel", parallel]
    ran = subprocess.run(runner, input=json.dumps(jobs), cwd=ROOT, capture_output=True, text=True, env=ENV, timeout=1800)
    assert ran.returncode == 0, ran.stderr
    results = json.loads(ran.stdout)
    return {
        name: subprocess.CompletedProcess(["studyportal", *job["args"]], r["returncode"], r["stdout"], r["stderr"])
        for (name, job, r) in zip(projects, jobs, results, strict=True)
    }


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("agree")
    checked: dict[str, tuple[Path, list[Problem], list[Problem]]] = {}
    cwd = os.getcwd()
    for case in gallery_cases():
        tree = base / "trees" / case.name / "materials"
        gallery_tree(case, tree)
        project = copy_project(base / "projects" / case.name, materials=tree)
        os.chdir(project)  # paths as check prints them when run in the portal, as the build does
        try:
            problems = load_catalog(Path("materials")).problems
        finally:
            os.chdir(cwd)
        checked[case.name] = (project, problems.errors, problems.warnings)
    builds = _build_all({name: project for name, (project, _, _) in checked.items()})
    return {name: Outcome(e, w, builds[name], project / "site") for name, (project, e, w) in checked.items()}


def _said(build: subprocess.CompletedProcess) -> tuple[int, str, str]:
    """What a build printed, without how many seconds it took."""
    stdout, stderr = (re.sub(r"（[\d.]+ 秒）", "（… 秒）", out) for out in (build.stdout, build.stderr))
    return build.returncode, stdout, stderr


@pytest.mark.parametrize("case", PLAIN)
def test_the_forked_build_prints_what_the_plain_command_prints(outcomes, case):
    o = outcomes[case]
    plain = _build(o.site.parent)
    assert _said(plain) == _said(o.build)


def test_enough_cases_are_built_both_ways(outcomes):
    assert len(outcomes) >= 25
    assert sum(1 for o in outcomes.values() if not o.errors) >= 10, "warning-only cases that must build"
    assert sum(1 for o in outcomes.values() if o.errors) >= 25, "error cases that must stop the build"


@pytest.mark.parametrize("case", [p.name for p in gallery_cases()])
def test_build_fails_exactly_when_check_reports_an_error(outcomes, case):
    o = outcomes[case]
    out = o.build.stdout + o.build.stderr
    if o.errors:
        assert o.build.returncode == 1, f"check found errors but the build passed:\n{[p.one_line() for p in o.errors]}\n{out}"
        for problem in o.errors:
            assert problem.one_line() in out, f"the build does not say what check says:\n{problem.one_line()}\n---\n{out}"
        assert not [w for w in MKDOCS_WORDS if w in out], f"MkDocs' own words reached the trainer:\n{out}"
        assert "保持原样" in out
    else:
        assert o.build.returncode == 0, f"check passed (warnings only) but the build failed:\n{out}"
        assert (o.site / "index.html").is_file()
        for problem in o.warnings:
            assert problem.one_line() in out, f"the build does not show check's warning:\n{problem.one_line()}\n---\n{out}"
