#!/usr/bin/env bash
# Create .venv with the locked, hash-checked dependencies and the package itself (editable).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . 2>/dev/null \
  || .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
