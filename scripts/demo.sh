#!/usr/bin/env bash
# The demo: dry run, apply and rollback on a temporary copy of the bundled example fleet.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/promotion-rollout ] || bash scripts/dev-setup.sh
exec .venv/bin/python examples/demo.py "$@"
