#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs Debian's Chromium (for browser tests) and the
# Python test dependencies, then runs ruff and pytest. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
python3 -m pip install -q -e ".[test]"
python3 -m ruff check studyportal tests scripts
python3 -m pytest -q "$@"
