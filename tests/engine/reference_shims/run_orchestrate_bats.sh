#!/usr/bin/env bash
# Run the reference's own `promotion orchestrate` bats suite against `promotion-rollout orchestrate`.
#
# Usage:
#   tests/engine/reference_shims/run_orchestrate_bats.sh [path/to/superloop]   (default: $SUPERLOOP_REF or /tmp/superloop)
#
# Needs bats and jq (apt-get install -y bats jq) and a checkout of Supergent/superloop. The suite
# calls $PROJECT_ROOT/scripts/ops-manager-promotion-orchestrate.sh, with PROJECT_ROOT the folder
# above the .bats file, and replaces the CI and apply phases with its own stubs through
# OPS_MANAGER_PROMOTION_CI_SCRIPT and OPS_MANAGER_PROMOTION_APPLY_SCRIPT (the phase hooks of
# docs/contract.md). The .bats file is copied into a scratch project whose scripts/ are shims that
# pass every flag to the matching `promotion-rollout` subcommand. $PROMOTION_ROLLOUT picks the
# command (default: this repository's .venv, else PATH). Extra bats flags go in $BATS_FLAGS
# (for example BATS_FLAGS=--tap). Exit status is bats's.
#
# CI has no copy of the reference: tests/engine/test_ref_orchestrate_hooks.py runs the same five
# scenarios in pytest.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../.." && pwd)"
reference="${1:-${SUPERLOOP_REF:-/tmp/superloop}}"
suite="$reference/tests/ops-manager-promotion-orchestrate.bats"

command -v bats >/dev/null || { echo "error: bats not found (apt-get install -y bats)" >&2; exit 1; }
command -v jq >/dev/null || { echo "error: jq not found (apt-get install -y jq)" >&2; exit 1; }
[[ -f "$suite" ]] || { echo "error: reference suite not found: $suite" >&2; exit 1; }

engine="${PROMOTION_ROLLOUT:-}"
if [[ -z "$engine" ]]; then
  if [[ -x "$repo_root/.venv/bin/promotion-rollout" ]]; then
    engine="$repo_root/.venv/bin/promotion-rollout"
  else
    engine="$(command -v promotion-rollout)" || { echo "error: promotion-rollout not found" >&2; exit 1; }
  fi
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/scripts" "$scratch/tests"
cp "$suite" "$scratch/tests/"
for pair in promotion-orchestrate:orchestrate promotion-ci:ci promotion-apply:apply promotion-gates:gates \
  fleet-registry:registry fleet-status:status; do
  script="$scratch/scripts/ops-manager-${pair%%:*}.sh"
  printf '#!/usr/bin/env bash\nexec %q %s "$@"\n' "$engine" "${pair##*:}" >"$script"
  chmod +x "$script"
done

# shellcheck disable=SC2086 # BATS_FLAGS is a list of flags
bats ${BATS_FLAGS:-} "$scratch/tests/ops-manager-promotion-orchestrate.bats"
