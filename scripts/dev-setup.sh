#!/usr/bin/env bash
# Create .venv with the locked, hash-checked dependencies and the package itself (editable).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
# The build backend ([build-system] requires setuptools>=77) comes from the index into pip's
# isolated build environment; the venv's own bundled setuptools is too old for it.
# compat mode: a plain .pth path entry, not an import-hook finder (~15 ms less at every start-up)
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e . --config-settings editable_mode=compat
