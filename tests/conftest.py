"""Shared fixtures (the sample site built once, served on 127.0.0.1, Debian's headless Chromium) and the fast tier's marks.

Plain helper functions live in ``tests/helpers.py``; tests import them from there, never from here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, build_site, clean_env, ok, run_in, serve


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


@pytest.fixture(scope="session")
def sample_url(sample_site: Path) -> Iterator[str]:
    server, url = serve(sample_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def sample_bundle(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The sample portal's complete offline edition (``studyportal-all.zip``), made once per session; tests unzip their own copy."""
    from studyportal.bundle.make import make_bundle

    return make_bundle(ROOT / "mkdocs.yml", "all", tmp_path_factory.mktemp("sample-bundle") / "dist")


@pytest.fixture(scope="session")
def studyportal_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The studyportal wheel, built once per session from a copy of the source (the build writes nothing into the repository)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "studyportal", source / "studyportal", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base / "dist"), str(source)]
    ok(run_in(command, base, clean_env(), timeout=600))
    (wheel,) = (base / "dist").glob("studyportal-*.whl")
    return wheel


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


# --- the fast tier: `pytest -m "not slow"` builds no site and opens no browser ------------------------------------------

# Shared fixtures that build the sample portal or start Chromium: a test using one is marked slow.
SLOW_FIXTURES = {"sample_build", "sample_site", "sample_url", "browser", "sample_bundle", "studyportal_wheel"}
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
