"""The pre-commit hook: only the changed materials and curricula are checked, a bad one stops the commit.

Three ways, from the plainest to the real thing: the hook's ``entry`` run on a file list filtered by its
``files`` pattern, as pre-commit does; ``pre-commit`` itself committing in a new portal with the starter's
``.pre-commit-config.yaml`` (``repo: local``, the studyportal on PATH); and a portal whose config names a Git
copy of this repository by ``repo:`` + ``rev:`` (a version tag), from which pre-commit installs the tool with
``.pre-commit-hooks.yaml`` (its dependencies come from the package index) once, then reuses it for the next run.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, clean_env, ok, run_in, write

HOOKS = ROOT / ".pre-commit-hooks.yaml"
STARTER_CONFIG = ROOT / "studyportal" / "starter" / ".pre-commit-config.yaml"
BROKEN = "---\ntitle: 缺了类型的材料\naudiences: [member]\ntrack: constitution\nsummary: 少写了 kind。\n---\n正文。\n"
GIT = ["git", "-c", "user.name=讲师", "-c", "user.email=jiangshi@example.org", "-c", "commit.gpgsign=false"]
# What a commit may touch besides materials: pre-commit passes every changed file that the `files` pattern lets through.
CHANGED = [
    "materials/dangzhang/zhuti-dangri.md",
    "materials/curricula/member.yml",
    "materials/dangke/tu.png",
    "README.md",
    "docs/about.md",
    "mkdocs.yml",
    ".gitlab-ci.yml",
]


def hook() -> dict:
    (only,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    return only


def new_portal(where: Path) -> Path:
    ok(run_in([sys.executable, "-m", "studyportal.cli", "init", "portal"], where, clean_env(PYTHONPATH=str(ROOT))))
    portal = where / "portal"
    write(portal / "materials", "dangke/tu.png", b"\x89PNG\r\n\x1a\n")
    return portal


def as_pre_commit_runs(entry: str, files: list[str]) -> list[str]:
    """``entry`` + the files, with ``studyportal`` run from this source tree."""
    words = shlex.split(entry)
    assert words[0] == "studyportal"
    return [sys.executable, "-m", "studyportal.cli", *words[1:], *files]


def test_the_hook_and_the_starter_config_run_the_same_check_on_materials_and_curricula():
    theirs = yaml.safe_load(STARTER_CONFIG.read_text(encoding="utf-8"))["repos"][0]["hooks"][0]
    ours = hook()
    assert ours["id"] == theirs["id"] == "studyportal-check"
    for key in ("entry", "files", "require_serial"):
        assert ours[key] == theirs[key], key
    assert ours["language"] == "python" and theirs["language"] == "system"
    picked = [f for f in CHANGED if re.search(ours["files"], f)]
    assert picked == ["materials/dangzhang/zhuti-dangri.md", "materials/curricula/member.yml"]


def test_the_entry_passes_good_changes_and_names_the_bad_file_and_line(tmp_path):
    portal = new_portal(tmp_path)
    entry, pattern = hook()["entry"], hook()["files"]
    source = clean_env(PYTHONPATH=str(ROOT))
    good = ok(run_in(as_pre_commit_runs(entry, [f for f in CHANGED if re.search(pattern, f)]), portal, source))
    assert "检查了 2 个文件" in good.stdout + good.stderr

    # Everything a commit touched, unfiltered (a county that widens `files`): what is not a material or curriculum is skipped.
    wide = ok(run_in(as_pre_commit_runs(entry, CHANGED), portal, source))
    out = wide.stdout + wide.stderr
    assert "检查了 2 个文件" in out and "跳过了 5 个不是材料或课程的文件" in out and "error" not in out

    write(portal / "materials", "dangke/queshao-leixing.md", BROKEN)
    curriculum = portal / "materials" / "curricula" / "member.yml"
    curriculum.write_text(curriculum.read_text(encoding="utf-8").replace("zhuti-dangri", "mei-you-zhe-pian"), encoding="utf-8")
    bad = run_in(as_pre_commit_runs(entry, ["materials/dangke/queshao-leixing.md", "materials/curricula/member.yml"]), portal, source)
    out = bad.stdout + bad.stderr
    assert bad.returncode == 1
    assert re.search(r"^materials/dangke/queshao-leixing\.md:2:1: error\(错误\): 缺少必填字段 kind", out, re.M), out
    assert re.search(r"^materials/curricula/member\.yml:\d+:\d+: error\(错误\): .*mei-you-zhe-pian", out, re.M), out
    # Other files' problems are not listed: a commit that does not touch them is not stopped by them.
    alone = ok(run_in(as_pre_commit_runs(entry, ["materials/dangzhang/zhuti-dangri.md"]), portal, source))
    assert "queshao-leixing" not in alone.stdout and "其他文件里还有" in alone.stdout + alone.stderr


def shim(folder: Path) -> Path:
    """A ``studyportal`` command on PATH that runs this source tree (what ``pip install`` puts in a venv's bin/)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "studyportal"
    script.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m studyportal.cli "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return folder


@pytest.mark.slow
def test_pre_commit_with_the_starter_config_stops_a_commit_of_a_broken_material(tmp_path):
    portal = new_portal(tmp_path)
    environ = clean_env(PATH=f"{shim(tmp_path / 'bin')}{os.pathsep}{os.environ['PATH']}", PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    pre_commit = [sys.executable, "-m", "pre_commit"]
    ok(run_in(["git", "init", "-q", "-b", "main"], portal, environ))
    ok(run_in([*pre_commit, "install"], portal, environ))
    ok(run_in(["git", "add", "-A"], portal, environ))
    first = ok(run_in([*GIT, "commit", "-q", "-m", "新建门户"], portal, environ))
    assert "检查学习材料" in first.stdout + first.stderr  # the hook ran on the starter's materials and passed

    write(portal / "materials", "dangke/queshao-leixing.md", BROKEN)
    ok(run_in(["git", "add", "-A"], portal, environ))
    refused = run_in([*GIT, "commit", "-q", "-m", "新材料"], portal, environ)
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "Failed" in out
    assert "materials/dangke/queshao-leixing.md:2:1: error(错误): 缺少必填字段 kind" in out
    assert ok(run_in(["git", "log", "--oneline"], portal, environ)).stdout.count("\n") == 1

    path = portal / "materials" / "dangke" / "queshao-leixing.md"
    path.write_text(BROKEN.replace("audiences:", "kind: material\ntopics: [组织生活]\naudiences:"), encoding="utf-8")
    ok(run_in(["git", "add", "-A"], portal, environ))
    ok(run_in([*GIT, "commit", "-q", "-m", "新材料，补上 kind"], portal, environ))
    # A change outside materials/ does not run the check at all.
    (portal / "README.md").write_text("本县门户\n", encoding="utf-8")
    ok(run_in(["git", "add", "-A"], portal, environ))
    skipped = ok(run_in([*GIT, "commit", "-m", "改说明"], portal, environ))
    assert re.search(r"检查学习材料.*Skipped", skipped.stdout + skipped.stderr), skipped.stdout


@pytest.mark.slow
def test_a_portal_can_use_the_hook_of_this_repository_by_repo_and_rev(tmp_path):
    # A Git copy of what a county's pre-commit clones: the package and the hook definitions, committed.
    tool = tmp_path / "studyportal-repo"
    tool.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, tool / name)
    shutil.copytree(ROOT / "studyportal", tool / "studyportal", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    environ = clean_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    ok(run_in(["git", "init", "-q", "-b", "main"], tool, environ))
    ok(run_in(["git", "add", "-A"], tool, environ))
    ok(run_in([*GIT, "commit", "-q", "-m", "v0.1.0"], tool, environ))
    ok(run_in([*GIT, "tag", "v0.1.0"], tool, environ))

    portal = new_portal(tmp_path)
    write(portal / "materials", "dangke/queshao-leixing.md", BROKEN)
    # The portal's config as the starter's comment shows it: this repository's hook by repo: + rev: instead of repo: local.
    config = {"repos": [{"repo": str(tool), "rev": "v0.1.0", "hooks": [{"id": "studyportal-check"}]}]}
    (portal / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    ok(run_in(["git", "init", "-q", "-b", "main"], portal, environ))
    ok(run_in(["git", "add", "-A"], portal, environ))
    run = [sys.executable, "-m", "pre_commit", "run", "studyportal-check", "--files"]
    good = ok(run_in([*run, "materials/dangzhang/zhuti-dangri.md", "materials/curricula/member.yml", "README.md"], portal, environ))
    assert re.search(r"检查学习材料.*Passed", good.stdout), good.stdout
    bad = run_in([*run, "materials/dangke/queshao-leixing.md", "materials/dangzhang/zhuti-dangri.md"], portal, environ)
    assert bad.returncode == 1 and re.search(r"检查学习材料.*Failed", bad.stdout), bad.stdout
    assert "Installing environment" in good.stdout and "Installing environment" not in bad.stdout, "installed once, then reused"
    assert "materials/dangke/queshao-leixing.md:2:1: error(错误): 缺少必填字段 kind" in bad.stdout
