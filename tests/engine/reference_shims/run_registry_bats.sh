#!/usr/bin/env bash
# Run the reference's own `fleet registry` bats tests against `promotion-rollout registry`.
#
# Usage:
#   tests/engine/reference_shims/run_registry_bats.sh [path/to/superloop]   (default: $SUPERLOOP_REF or /tmp/superloop)
#
# Needs bats and jq (apt-get install -y bats jq) and a checkout of Supergent/superloop. The reference
# tests find their script as $PROJECT_ROOT/scripts/ops-manager-fleet-registry.sh, with PROJECT_ROOT
# the folder above the .bats file; so the .bats file is copied into a scratch project whose
# scripts/ops-manager-fleet-registry.sh is a shim that passes every flag to `promotion-rollout
# registry`. $PROMOTION_ROLLOUT picks the command (default: this repository's .venv, else PATH).
# Extra bats flags go in $BATS_FLAGS (for example BATS_FLAGS=--tap). Exit status is bats's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../.." && pwd)"
reference="${1:-${SUPERLOOP_REF:-/tmp/superloop}}"
suite="$reference/tests/ops-manager-fleet.bats"

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
cat >"$scratch/scripts/ops-manager-fleet-registry.sh" <<SHIM
#!/usr/bin/env bash
exec $(printf '%q' "$engine") registry "\$@"
SHIM
chmod +x "$scratch/scripts/ops-manager-fleet-registry.sh"

# shellcheck disable=SC2086 # BATS_FLAGS is a list of flags
bats ${BATS_FLAGS:-} --filter 'fleet registry' "$scratch/tests/ops-manager-fleet.bats"
