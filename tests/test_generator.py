"""The site generator behind its seam (studyportal/render/generator.py) and the plugin's MkDocs idioms.

``mkdocs.yml`` is read the way MkDocs reads it (``!ENV``, ``INHERIT``), generated pages outside the
nav are marked as such instead of silencing MkDocs' nav check, and ``enabled: false`` leaves a plain site.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studyportal.render import generator
from tests.helpers import build_site, copy_project, write

pytestmark = pytest.mark.slow  # every test here builds a site


def run_cli(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "studyportal.cli", *args]
    return subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


def test_strict_build_of_the_sample_reports_no_page_left_out_of_the_nav(sample_build):
    site, log = sample_build
    assert (site / "materials").is_dir() and (site / "topics").is_dir()  # generated, reached from listings, not the nav
    assert 'not included in the "nav"' not in log and "WARNING" not in log, log


def test_a_countys_own_page_left_out_of_its_own_nav_is_still_reported(tmp_path):
    """The nav check stays on for what the county wrote; only the pages the tool generates are exempt."""
    project = copy_project(tmp_path / "p")
    write(project, "docs/contact.md", "# 联系我们\n")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("nav:\n  - index.md\n  - about.md\n")
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    omitted = result.stderr.split('not included in the "nav" configuration:', 1)[-1].split("INFO", 1)[0]
    assert "contact.md" in omitted and "materials/" not in omitted and "curricula/" not in omitted, result.stderr


def test_disabled_plugin_builds_the_docs_folder_alone(tmp_path):
    """A county with ``enabled: false`` (and no materials/ at all) gets docs/ as a plain site."""
    write(tmp_path, "docs/index.md", "# 本县门户\n\n正在建设中。\n")
    write(
        tmp_path,
        "mkdocs.yml",
        "site_name: 县门户\ntheme:\n  name: material\n  language: zh\n  font: false\n"
        "plugins:\n  - studyportal:\n      enabled: false\n      materials_dir: nowhere\n",
    )
    result = build_site(tmp_path, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "正在建设中" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    for generated in ("materials", "curricula", "search", "assets/studyportal"):
        assert not (tmp_path / "site" / generated).exists(), generated


def test_missing_materials_folder_is_one_chinese_line(tmp_path):
    project = copy_project(tmp_path / "p")
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(text.replace("materials_dir: materials", "materials_dir: 材料"), encoding="utf-8")
    result = run_cli(project, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "找不到材料文件夹" in result.stderr and "materials_dir" in result.stderr and "材料" in result.stderr
    assert "Config value" not in result.stderr and "英文原文" not in result.stderr, result.stderr


def test_build_follows_env_and_inherit_in_mkdocs_yml(tmp_path):
    """``site_dir: !ENV …`` in an inherited file is where ``studyportal build`` publishes, as in MkDocs."""
    project = copy_project(tmp_path / "p")
    base = (project / "mkdocs.yml").read_text(encoding="utf-8").replace("site_dir: site\n", "")
    (project / "base.yml").write_text(base, encoding="utf-8")
    (project / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_dir: !ENV [SP_TEST_SITE_DIR, site]\n", encoding="utf-8")
    result = run_cli(project, "build", env={"SP_TEST_SITE_DIR": "public"})
    assert result.returncode == 0, result.stderr
    assert (project / "public" / "index.html").is_file() and not (project / "site").exists()
    assert (project / "public" / "search" / "data" / "meta.js").is_file()


def _helpers_of(pid: int) -> list[int]:
    """The search helpers (multiprocessing ``spawn`` children) a process has started and not ended."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline")
            if cmdline.exists() and b"spawn_main" in cmdline.read_bytes():
                found.append(int(child))
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_a_preview_rebuild_that_fails_leaves_no_search_helper_running(tmp_path):
    """A trainer's preview may fail mid-build many times a day: each failure must end its search helper at once."""
    project = copy_project(tmp_path / "p")
    write(project, "fail.py", "from pathlib import Path\n\n\ndef on_post_page(output, page, config):\n"
          "    if (Path(config.config_file_path).parent / 'fail-now').exists():\n        raise RuntimeError('预览构建失败')\n"
          "    return output\n")  # fmt: skip
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("hooks:\n  - fail.py\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log_path = tmp_path / "serve.log"
    with log_path.open("w", encoding="utf-8") as log:
        cmd = generator.serve_command(project / "mkdocs.yml", f"127.0.0.1:{port}")
        server = subprocess.Popen(cmd, cwd=project, env=generator.build_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: "Serving on" in log_path.read_text(encoding="utf-8"), 120), log_path.read_text(encoding="utf-8")
        (project / "fail-now").touch()
        source = project / "materials" / "dangzhang" / "xin-dangzhang.md"
        source.write_text(source.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
        assert wait_for(lambda: "预览构建失败" in log_path.read_text(encoding="utf-8"), 120), log_path.read_text(encoding="utf-8")
        assert server.poll() is None, "the preview keeps running after a failed rebuild"
        assert wait_for(lambda: not _helpers_of(server.pid), 3), _helpers_of(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()
