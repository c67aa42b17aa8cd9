"""校验.html's SHA-256 and decisions in Node (``node --test``): test vectors, and missing / damaged / extra / removable."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_checking_pages_sha256_and_decisions_in_node():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    files = ["tests/js/sha256.test.js", "tests/js/check.test.js"]
    result = subprocess.run([node, "--test", *files], cwd=ROOT, capture_output=True, text=True, timeout=300)
    failures = [line for line in result.stdout.splitlines() if line.lstrip().startswith("not ok")]
    assert result.returncode == 0, "\n".join(failures) + "\n" + result.stdout[-6000:] + result.stderr[-3000:]
    passed = re.search(r"^# pass (\d+)$", result.stdout, re.M)
    assert "# fail 0" in result.stdout and passed and int(passed.group(1)) >= 10, result.stdout[-2000:]
