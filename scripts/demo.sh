#!/usr/bin/env bash
# The demo: a hold and what to do, then promote, apply, replay, rollback and resume on a copy of the example fleet in demo-output/fleet.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/promotion-rollout ] || bash scripts/dev-setup.sh
exec .venv/bin/python examples/demo.py "$@"
