#!/usr/bin/env bash
# The whole test suite on a fresh machine: tools, Docker engine, lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/dev-setup.sh
if [ -f .ci/setup-docker.sh ]; then
  bash .ci/setup-docker.sh
fi
export PROMOTION_ROLLOUT_REQUIRE_DOCKER=1
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy --strict"
.venv/bin/mypy --strict orchestrator $( [ -f entrypoint.py ] && echo entrypoint.py )
if [ -f .ci/lint-workflows.sh ]; then
  echo "== actionlint + zizmor"
  bash .ci/lint-workflows.sh
fi
echo "== pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
