#!/usr/bin/env bash
# Installs everything the test suite needs (Python packages, Debian's Chromium and a CJK font for the
# browser tests) and runs the whole suite: formatting, lint, types, unit, app and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

python -m ruff format --check .
python -m ruff check .
# Types: the layers below the screens, whose results the dashboard shows as they are.
python -m mypy data optimizer reports
python -m pytest "$@"
