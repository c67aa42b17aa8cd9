"""The live preview (`mkdocs serve`) shows the portal and rebuilds when a trainer edits a file in materials/."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

import pytest

from studyportal.render import generator
from tests.helpers import copy_project, open_page, wait_until

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if text in last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{text!r} never appeared at {url}")


def test_serve_reloads_when_a_material_changes(tmp_path, browser):
    """The page open in the trainer's browser reloads by itself: the page policy lets the preview's live reload run."""
    project = copy_project(tmp_path / "p")
    port = free_port()
    cmd = generator.serve_command(project / "mkdocs.yml", f"127.0.0.1:{port}")
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115
    server = subprocess.Popen(cmd, cwd=project, env=generator.build_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/materials/xin-dangzhang/"
        wait_for(url, "学习新党章 争做合格党员", 60)
        context, page, _ = open_page(browser)
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(url)
        source = project / "materials" / "dangzhang" / "xin-dangzhang.md"
        source.write_text(
            source.read_text(encoding="utf-8").replace("学习新党章 争做合格党员", "学习新党章 修订后的标题"), encoding="utf-8"
        )
        wait_for(url, "学习新党章 修订后的标题", 60)
        wait_until(page, "document.title.includes('修订后的标题')")
        assert not violations, violations
        context.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
