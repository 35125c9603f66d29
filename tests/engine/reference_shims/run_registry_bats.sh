#!/usr/bin/env bash
# The reference's `fleet registry` bats tests against `promotion-rollout registry` (10 of them).
# Usage: tests/engine/reference_shims/run_registry_bats.sh   ($SUPERLOOP_REF: the reference checkout)
exec "$(dirname "${BASH_SOURCE[0]}")/run_reference_bats.sh" ops-manager-fleet.bats 'fleet registry'
