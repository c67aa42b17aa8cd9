"""The browser's search engine in Node (``node --test tests/js/``), on the sample portal's index, compared with Python."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.search_fixture import fixture

ROOT = Path(__file__).resolve().parent.parent


def test_the_engine_in_node_ranks_the_shared_cases_exactly_as_python(sample_site, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    data = tmp_path / "fixture.json"
    data.write_text(json.dumps(fixture(sample_site), ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "SP_SEARCH_FIXTURE": str(data), "PYTHON": sys.executable}
    result = subprocess.run([node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    failures = [line for line in result.stdout.splitlines() if line.lstrip().startswith("not ok")]
    assert result.returncode == 0, "\n".join(failures) + "\n" + result.stdout[-6000:] + result.stderr[-3000:]
