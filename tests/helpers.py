"""Plain helpers for tests: small material trees on disk, the sample catalog, running the command, building,
serving and opening sites. Fixtures are in ``conftest.py``."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

from studyportal.catalog import LoadResult, load_catalog
from studyportal.render import generator

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


# --- building, serving and opening sites (the fixtures that use these are in conftest.py) ---------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def build_site(project: Path, site_dir: Path, strict: bool = True) -> subprocess.CompletedProcess:
    """Run the real site generator on a project folder (strict: any warning fails the build, as ``studyportal build``)."""
    return generator.build(project / "mkdocs.yml", site_dir, strict=strict, cwd=project, timeout=600)


def copy_project(dest: Path, materials: Path | None = None) -> Path:
    """A copy of the sample portal (config, docs, materials) to build in isolation; templates come from the package."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copytree(materials or ROOT / "materials", dest / "materials")
    return dest


def use_overrides(project: Path) -> Path:
    """Give a copied portal its own ``overrides/`` (``theme.custom_dir``), as a county does; returns that folder."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "custom_dir" not in text and "  name: material\n" in text
    config.write_text(text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1), encoding="utf-8")
    (project / "overrides").mkdir(exist_ok=True)
    return project / "overrides"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on 127.0.0.1 on a free port; returns the server and its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class RequestLog:
    """Every URL a page asked for."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def outside(self, allowed_prefix: str) -> list[str]:
        return [u for u in self.urls if not u.startswith(allowed_prefix) and not u.startswith(("data:", "blob:", "about:"))]


def wait_until(page: object, expression: str, arg: object = None, timeout: float = 30.0) -> None:
    """Poll a JavaScript expression until it is true.

    Playwright's ``wait_for_function`` polls by compiling the expression inside the page, which the
    site's Content-Security-Policy (no ``'unsafe-eval'``) refuses; ``evaluate`` runs from outside.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression, arg):
                return
        except Exception as exc:  # the page navigated (a reload) while we asked: ask the new one
            if "context was destroyed" not in str(exc):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"never true within {timeout} s: {expression}")
        time.sleep(0.05)


def open_page(browser: object, *, javascript: bool = True, width: int = 1024, height: int = 768):
    """A new page in a fresh context with every request recorded; returns (context, page, log)."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": height})
    page = context.new_page()
    log = RequestLog()
    page.on("request", lambda request: log.urls.append(request.url))
    return context, page, log


def run_search(site: Path, *args: str) -> subprocess.CompletedProcess:
    """``studyportal search ARGS --site SITE`` in a child process, as a terminal runs it."""
    return subprocess.run(
        [sys.executable, "-m", "studyportal.cli", "search", *args, "--site", str(site)], capture_output=True, text=True, timeout=60
    )


def cli_results(site: Path, query: str, *, audience=None, kind=None, reader=None, limit=10) -> list[dict]:
    """The ranked results of ``studyportal search --format json`` (the search box must agree with them)."""
    args = [query, "--format", "json", "--limit", str(limit)]
    for name, value in (("--audience", audience), ("--kind", kind), ("--reader", reader)):
        if value:
            args += [name, value]
    result = run_search(site, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["results"]


# --- commands in a fresh environment (a new venv, a CI runner, pre-commit) -------------------------------------------

# What would make a child see this checkout or this machine's CI and signing settings instead of its own venv.
_NOT_INHERITED = {
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONUSERBASE",
    "VIRTUAL_ENV",
    "PRE_COMMIT_HOME",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "GITEA_ACTIONS",
    "STUDYPORTAL_SIGNING_KEY",
}


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what would leak into a child's own Python, plus ``extra``."""
    kept = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    return {**kept, "NO_MKDOCS_2_WARNING": "1", **extra}


def run_in(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ``cmd`` and capture its output as text."""
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """``result``, asserting it succeeded (its command and output in the message otherwise)."""
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"
    return result
