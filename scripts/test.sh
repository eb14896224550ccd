#!/usr/bin/env bash
# Install everything the test suite needs on a bare Debian machine, then run all tests.
# Browser tests use Debian's Chromium (/usr/bin/chromium); Playwright's own browser
# download is not used.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
python3 -m ruff check .
# Both cores: the suite is mostly waiting on servers, browsers and DuckDB (one worker per
# core, -n auto; a file's tests stay in one worker, in order, as the browser tests' shared
# pages expect; plain `pytest` runs serially for debugging).
python3 -m pytest -n auto --dist loadfile "$@"
