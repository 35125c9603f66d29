#!/usr/bin/env bash
# The wheel works when installed: build it from a clean copy of the package, check it ships the
# templates, schemas and py.typed, install it into a fresh virtualenv outside the source tree
# (runtime lock with --require-hashes, then the wheel with --no-deps), and drive the installed
# `promotion-rollout` through dry run, apply, rollback and the read-only subcommands on a copy of
# examples/fleet, from a working directory outside the source tree and with a minimal environment.
# Usage: scripts/wheel-smoke.sh   (PROMOTION_ROLLOUT_SMOKE_PYTHON picks the base interpreter;
#                                  PROMOTION_ROLLOUT_SMOKE_KEEP=1 keeps the temporary directory)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base_python="${PROMOTION_ROLLOUT_SMOKE_PYTHON:-python3}"
started=$SECONDS

say() { printf 'wheel-smoke: %s\n' "$*" >&2; }
fail() {
  say "FAILED: $*"
  exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/promotion-rollout-wheel-smoke.XXXXXX")"
case "$work/" in "$root"/*) fail "temporary directory $work is inside the source tree" ;; esac
cleanup() {
  if [[ "${PROMOTION_ROLLOUT_SMOKE_KEEP:-}" == "1" ]]; then
    say "kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# Nothing from the caller's environment may put the source tree (or coverage) into the picture.
unset PYTHONPATH PYTHONHOME PYTHONSTARTUP VIRTUAL_ENV COVERAGE_PROCESS_START COVERAGE_PROCESS_CONFIG
pip_flags=(--quiet --disable-pip-version-check --no-input)

venv="$work/venv"
say "virtualenv $venv ($("$base_python" --version 2>&1))"
"$base_python" -m venv "$venv"
py="$venv/bin/python"

# --- build --------------------------------------------------------------------------------
# From a copy holding only what the build reads: no stale build/ directory, no caches, and only
# files of the package itself (package-data decides what ships).
src="$work/src"
mkdir -p "$src" "$work/dist"
cp "$root/pyproject.toml" "$root/README.md" "$src/"
tar -C "$root" --exclude='__pycache__' --exclude='*.pyc' -cf - orchestrator | tar -C "$src" -xf -
say "building the wheel"
"$py" -m pip wheel "${pip_flags[@]}" --no-deps --wheel-dir "$work/dist" "$src"
wheels=("$work"/dist/*.whl)
[[ ${#wheels[@]} -eq 1 && -f "${wheels[0]}" ]] || fail "expected one wheel in $work/dist, found: ${wheels[*]}"
wheel="${wheels[0]}"
say "built $(basename "$wheel")"

"$py" -I - "$wheel" "$src/orchestrator" <<'PY' || fail "the wheel's contents are incomplete"
import sys
import zipfile
from pathlib import Path

wheel, package = sys.argv[1], Path(sys.argv[2])
names = set(zipfile.ZipFile(wheel).namelist())
problems = []
for pattern, at_least in (("render/templates/*.j2", 1), ("schema/*.json", 1), ("py.typed", 1), ("**/*.py", 10)):
    wanted = sorted(
        f"orchestrator/{path.relative_to(package).as_posix()}"
        for path in package.glob(pattern)
        if "__pycache__" not in path.parts
    )
    if len(wanted) < at_least:
        problems.append(f"the source has no {pattern}")
    problems += [f"missing from the wheel: {name}" for name in wanted if name not in names]
stray = sorted(n for n in names if not n.startswith(("orchestrator/", "promotion_rollout-")))
problems += [f"not part of the package: {name}" for name in stray]
entry_points = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
if not entry_points or "promotion-rollout = orchestrator.cli:main" not in zipfile.ZipFile(wheel).read(
    entry_points[0]
).decode():
    problems.append("no promotion-rollout console script in entry_points.txt")
for problem in problems:
    print(f"wheel-smoke: {problem}", file=sys.stderr)
raise SystemExit(1 if problems else 0)
PY

# --- install ------------------------------------------------------------------------------
say "installing requirements/runtime.txt (--require-hashes) and the wheel (--no-deps)"
"$py" -m pip install "${pip_flags[@]}" --require-hashes --only-binary=:all: -r "$root/requirements/runtime.txt"
"$py" -m pip install "${pip_flags[@]}" --no-deps "$wheel"
# The wheel's declared dependencies are all satisfied by the runtime lock.
"$py" -m pip check >&2 || fail "pip check: the wheel's dependencies and the runtime lock disagree"

run_dir="$work/run"
home="$work/home"
mkdir -p "$run_dir" "$home"
cd "$run_dir"
clean_env=(env -i "PATH=$venv/bin:/usr/local/bin:/usr/bin:/bin" "HOME=$home" "LANG=C.UTF-8" "TZ=UTC" "TMPDIR=$work")

"${clean_env[@]}" "$py" -I - "$venv" "$root" <<'PY' || fail "the installed package does not import cleanly"
import importlib
import importlib.resources
import importlib.util
import pkgutil
import sys
from pathlib import Path

venv, source = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
import orchestrator

location = Path(orchestrator.__file__).resolve()
print(f"wheel-smoke: orchestrator imported from {location}", file=sys.stderr)
if not location.is_relative_to(venv) or location.is_relative_to(source):
    raise SystemExit(f"orchestrator comes from {location}, not from the smoke virtualenv {venv}")
# Every module imports with the runtime lock alone (a third-party import missing from the
# declared dependencies fails here); __main__ would run the CLI.
for module in pkgutil.walk_packages(orchestrator.__path__, "orchestrator."):
    if not module.name.endswith(".__main__"):
        importlib.import_module(module.name)
if importlib.util.find_spec("jsonschema") is not None:
    raise SystemExit("jsonschema is installed: the runtime lock should not need it")
data = importlib.resources.files("orchestrator")
for folder, suffix in (("render/templates", ".j2"), ("schema", ".json")):
    if not any(entry.name.endswith(suffix) for entry in data.joinpath(folder).iterdir()):
        raise SystemExit(f"no {suffix} files under orchestrator/{folder} in the installed package")
PY

# --- drive the installed CLI ----------------------------------------------------------------
repo="$work/repo"
out="$work/out"
mkdir -p "$out"
cp -R "$root/examples/fleet" "$repo"
"${clean_env[@]}" "$py" -I "$root/examples/tools/make_evidence.py" "$repo" --drills-only >/dev/null

governance=(--by x --approval-ref CAB-1 --rationale smoke --review-by 2099-01-01T00:00:00Z)
cli() {
  local name="$1" rc=0
  shift
  "${clean_env[@]}" "$venv/bin/promotion-rollout" "$@" >"$out/$name.json" 2>"$out/$name.err" || rc=$?
  if [[ $rc -ne 0 ]]; then
    cat "$out/$name.err" >&2
    fail "promotion-rollout $* exited $rc"
  fi
  say "promotion-rollout $name: exit 0"
}
cli dry_run orchestrate --repo "$repo" --mode dry_run
cli apply orchestrate --repo "$repo" --mode apply "${governance[@]}"
cli rollback orchestrate --repo "$repo" --mode rollback "${governance[@]}"
cli status status --repo "$repo"
cli registry registry --repo "$repo"
cli gates gates --repo "$repo"
cli ci ci --repo "$repo"

"$py" -I - "$out" <<'PY' || fail "unexpected results from the installed CLI"
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
problems: list[str] = []


def load(name):
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


def expect(what, actual, wanted):
    if actual != wanted:
        problems.append(f"{what}: expected {wanted!r}, got {actual!r}")


dry, applied, rolled, status, registry, gates, ci = (
    load(n) for n in ("dry_run", "apply", "rollback", "status", "registry", "gates", "ci")
)
expect("dry_run decision", dry["decision"], "promote")
expect("dry_run status", dry["status"], "preview")
expect("dry_run executed", dry["apply"]["executed"], False)
expect("dry_run rollout after", dry["rollout"]["after"], dry["rollout"]["before"])

expect("apply decision", applied["decision"], "promote")
expect("apply status", applied["status"], "applied")
expect("apply intent", applied["apply"]["intent"], "expand")
before, after = applied["rollout"]["before"]["canaryPercent"], applied["rollout"]["after"]["canaryPercent"]
if not after > before:
    problems.append(f"apply: canary did not grow ({before} -> {after})")

expect("rollback status", rolled["status"], "rolled_back")
expect("rollback intent", rolled["apply"]["intent"], "rollback")
expect("rollback canary before", rolled["rollout"]["before"]["canaryPercent"], after)
expect("rollback manual pause", rolled["rollout"]["after"]["manualPause"], True)

rollout = registry["policy"]["autonomous"]["rollout"]
expect("registry canary", rollout["canaryPercent"], rolled["rollout"]["after"]["canaryPercent"])
expect("registry manual pause", rollout["pause"]["manual"], True)
expect("status fleetId", status["source"]["fleetId"], registry["fleetId"])
for name, result in (("gates", gates), ("ci", ci)):
    if result["summary"]["decision"] not in ("promote", "hold"):
        problems.append(f"{name}: decision {result['summary']['decision']!r}")
for problem in problems:
    print(f"wheel-smoke: {problem}", file=sys.stderr)
raise SystemExit(1 if problems else 0)
PY

say "ok: wheel built, installed and exercised outside the source tree in $((SECONDS - started))s"
