"""Writing small material trees on disk for tests."""

from __future__ import annotations

import contextlib
import functools
import subprocess
from pathlib import Path

import yaml

from studyportal.catalog import LoadResult, load_catalog

ROOT = Path(__file__).resolve().parent.parent

GOOD_META = """title: 学习新党章
kind: material
audiences: [member]
track: constitution
topics: [党章党规]
summary: 学习党章的基本内容。
hours: 1
published: 2026-06-01"""

GOOD_BODY = "## 正文\n\n党章是全党的根本大法。\n"


def material_text(meta: str = GOOD_META, body: str = GOOD_BODY) -> str:
    return f"---\n{meta}\n---\n{body}"


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


CURRICULUM = """audience: member
title: 普通党员学习课程
introduction: 每课短小好学。
phases:
  - title: 组织实施
    start: 2026-03-01
    end: 2026-10-31
modules:
  - key: dangzhang
    title: 学党章
    materials: [{slugs}]
"""


GALLERY = Path(__file__).resolve().parent / "bad_inputs"
GALLERY_BASE = CURRICULUM.format(slugs="base")


def gallery_cases() -> list[Path]:
    """The broken and hostile files of ``tests/bad_inputs`` (see its README)."""
    return sorted(p for p in GALLERY.iterdir() if p.suffix in (".md", ".yml") and p.name not in ("README.md", "expected.yml"))


def gallery_tree(case: Path, materials: Path) -> str:
    """A small valid materials tree with ``case`` put in; returns the case's path as check shows it (from ``materials``' parent).

    The files a case names under ``files:`` in ``expected.yml`` (pictures, attachments) are written beside it:
    a number is a file of that many bytes, a string the text of the file.
    """
    base = material_text()
    write(materials, "base.md", base)
    write(materials, "draft-lesson.md", base.replace("published: 2026-06-01", "published: 2026-06-01\ndraft: true"))
    folder = "curricula/" if case.suffix == ".yml" else ""
    for name, content in (_expected().get(case.name, {}).get("files") or {}).items():
        write(materials, folder + name, content if isinstance(content, str) else _filler(name, content))
    if case.name.startswith("bank-"):  # a question bank, beside a valid curriculum; its questions may name the material base
        write(materials, "curricula/member.yml", GALLERY_BASE)
        write(materials, f"banks/{case.name}", case.read_bytes())
        return f"materials/banks/{case.name}"
    if case.suffix == ".yml":
        write(materials, "curricula/member.yml", case.read_bytes())
        return "materials/curricula/member.yml"
    write(materials, "curricula/member.yml", GALLERY_BASE)
    write(materials, case.name, case.read_bytes())
    return f"materials/{case.name}"


@functools.cache
def _expected() -> dict:
    return yaml.safe_load((GALLERY / "expected.yml").read_text(encoding="utf-8"))


def _filler(name: str, size: int) -> bytes:
    """A file of ``size`` bytes that starts like its kind (a PNG signature, ``%PDF``)."""
    head = b"\x89PNG\r\n\x1a\n" if name.endswith(".png") else b"%PDF-1.4\n" if name.endswith(".pdf") else b""
    return head + b"\0" * (size - len(head))


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``studyportal ARGS`` run in ``cwd`` inside this process, answered as a child process would be.

    A child costs most of a second (start-up and the pinyin dictionaries); the fast tier runs many. A bug
    that escapes the command is raised here, so a test can never mistake it for a clean exit.
    """
    from click.testing import CliRunner

    from studyportal.cli import main

    with contextlib.chdir(cwd):
        result = CliRunner().invoke(main, list(args), prog_name="studyportal")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["studyportal", *args], result.exit_code, result.stdout, result.stderr)


@functools.cache
def load_sample() -> LoadResult:
    """The sample portal's ``materials/``, loaded once for the whole run: tests share it and must not change it."""
    return load_catalog(ROOT / "materials")
