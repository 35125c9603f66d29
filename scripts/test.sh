#!/usr/bin/env bash
# The whole test suite on a fresh machine: tools, Docker engine, lint, types, layers, the
# installed wheel, then the tests with branch coverage (subprocesses included). Extra arguments
# go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

step_started=$SECONDS
step() {
  local now=$SECONDS
  if [[ -n "${step_name:-}" ]]; then
    printf '   (%s: %ss)\n' "$step_name" "$((now - step_started))"
  fi
  step_name="$1"
  step_started=$now
  printf '== %s\n' "$1"
}

step "dev setup"
bash scripts/dev-setup.sh
if [ -f .ci/setup-docker.sh ]; then
  bash .ci/setup-docker.sh
fi
export PROMOTION_ROLLOUT_REQUIRE_DOCKER=1

step "npm packages for the tests"
# tests/node (the official @actions/artifact client) and tests/openapi (GitHub's OpenAPI
# description, @octokit/openapi), each installed with `npm ci` from its lock file (versions and
# integrity hashes). Node and npm come from Debian when missing.
if ! command -v npm >/dev/null 2>&1; then
  as_root=()
  [[ "$(id -u)" -eq 0 ]] || as_root=(sudo -n)
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
.venv/bin/python -m tests.openapi.npm

step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

step "mypy --strict"
.venv/bin/mypy --strict orchestrator entrypoint.py scripts bench tests

step "import-linter"
.venv/bin/lint-imports --no-cache

if [ -f .ci/lint-workflows.sh ]; then
  step "actionlint + zizmor"
  bash .ci/lint-workflows.sh
fi

step "wheel smoke test"
bash scripts/wheel-smoke.sh

step "pytest (branch coverage)"
# Coverage data stays out of the source tree; the CLI subprocesses write theirs next to it
# ([tool.coverage.run] patch = ["subprocess"]) and pytest-cov combines them.
coverage_dir="$(mktemp -d "${TMPDIR:-/tmp}/promotion-rollout-coverage.XXXXXX")"
trap 'rm -rf "$coverage_dir"' EXIT
COVERAGE_FILE="$coverage_dir/.coverage" .venv/bin/python -m pytest -q -p no:cacheprovider \
  --cov=orchestrator --cov-branch --cov-report=term-missing:skip-covered --cov-fail-under=90 "$@"
step "done"
