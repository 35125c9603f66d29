#!/usr/bin/env bash
# Run one of the reference's own bats suites against `promotion-rollout`, through shims.
#
# Usage:
#   tests/engine/reference_shims/run_reference_bats.sh SUITE [BATS_FILTER]
#     SUITE: a file name under the reference's tests/ (e.g. ops-manager-fleet.bats)
#   The reference checkout is $SUPERLOOP_REF (default /tmp/superloop).
#
# Needs bats and jq (apt-get install -y bats jq) and a checkout of Supergent/superloop. The
# reference tests call $PROJECT_ROOT/scripts/ops-manager-*.sh, with PROJECT_ROOT the folder above
# the .bats file; so the .bats file is copied into a scratch project whose scripts/ are shims that
# pass every flag to the matching `promotion-rollout` subcommand (a suite may still replace a
# phase with its own stub through the OPS_MANAGER_*_SCRIPT variables: the phase hooks of
# docs/contract.md). $PROMOTION_ROLLOUT picks the command (default: this repository's .venv, else
# PATH). Extra bats flags go in $BATS_FLAGS (for example BATS_FLAGS=--tap). Exit status is bats's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../.." && pwd)"
suite="$(cd "${SUPERLOOP_REF:-/tmp/superloop}" 2>/dev/null && pwd)/tests/${1:?usage: run_reference_bats.sh SUITE [FILTER]}"
filter="${2:-}"

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
bats ${BATS_FLAGS:-} ${filter:+--filter "$filter"} "$scratch/tests/$(basename "$suite")"
