#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs Debian's Chromium (for browser tests) and the
# Python test dependencies, then runs ruff and pytest. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium for the browser tests; Noto CJK and Pango for `studyportal paper` (WeasyPrint draws the Chinese PDF with them).
if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh 2>/dev/null | grep -q . || ! ldconfig -p | grep -q libpangoft2-1.0; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
fi
python3 -m pip install -q -e ".[test]"
# Test-only npm tools (package.json, pinned by package-lock.json): axe-core for the accessibility tests.
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if ! command -v npm >/dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
  fi
  npm ci --no-audit --no-fund --loglevel=error
fi
python3 -m ruff check studyportal tests scripts
# Two processes, a test file each at a time (the machine has two cores; builds and Chromium wait on files and pipes).
python3 -m pytest -q --durations=25 -n 2 --dist loadfile "$@"
