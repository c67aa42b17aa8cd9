"""Shared fixtures: real MkDocs builds, a static server on 127.0.0.1, and Debian's headless Chromium."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studyportal.render import generator

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The bundled sample portal, built once per test session with a strict build: the site and the build's log."""
    site = tmp_path_factory.mktemp("sample") / "site"
    result = build_site(ROOT, site)
    assert result.returncode == 0, result.stderr
    return site, result.stderr


@pytest.fixture(scope="session")
def sample_site(sample_build: tuple[Path, str]) -> Path:
    return sample_build[0]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on 127.0.0.1 on a free port; returns the server and its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def sample_url(sample_site: Path) -> Iterator[str]:
    server, url = serve(sample_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


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


# --- the fast tier: `pytest -m "not slow"` builds no site and opens no browser ------------------------------------------

# Shared fixtures that build the sample portal or start Chromium: a test using one is marked slow.
SLOW_FIXTURES = {"sample_build", "sample_site", "sample_url", "browser"}
# What starts a site build, as a command line: MkDocs itself (`-m mkdocs`, or code importing it) or a building command.
_BUILDS = re.compile(r"-m mkdocs\b|from mkdocs\b|import mkdocs\b|studyportal(\.cli)? (build|bundle|serve)\b")
_running_fast: list[str] = []  # the node id of the fast-tier test being set up, run or torn down


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` every browser test and every test using a fixture of :data:`SLOW_FIXTURES`.

    A module whose own fixtures build a site marks itself (``pytestmark``) or its building tests.
    """
    for item in items:
        if item.get_closest_marker("browser") or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def pytest_runtest_setup(item: pytest.Item) -> None:
    _running_fast[:] = [] if item.get_closest_marker("slow") else [item.nodeid]


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    _running_fast.clear()


class _FastTierPopen(subprocess.Popen):
    """``subprocess.Popen`` that refuses to start a site build for a test outside the slow tier, saying which test."""

    def __init__(self, args: Any, *rest: Any, **options: Any) -> None:
        line = args if isinstance(args, (str, bytes)) else " ".join(str(a) for a in args)
        if _running_fast and _BUILDS.search(str(line)):
            raise AssertionError(f"{_running_fast[0]} builds a site but is not marked slow: add @pytest.mark.slow (see tests/conftest.py)")
        super().__init__(args, *rest, **options)


subprocess.Popen = _FastTierPopen  # type: ignore[misc]
