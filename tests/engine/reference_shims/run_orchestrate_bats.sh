#!/usr/bin/env bash
# The reference's orchestrate bats suite against `promotion-rollout orchestrate` (5 scenarios).
# Usage: tests/engine/reference_shims/run_orchestrate_bats.sh   ($SUPERLOOP_REF: the reference checkout)
# CI has no copy of the reference: tests/engine/test_ref_orchestrate_hooks.py runs the same scenarios.
exec "$(dirname "${BASH_SOURCE[0]}")/run_reference_bats.sh" ops-manager-promotion-orchestrate.bats
