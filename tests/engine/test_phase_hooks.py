"""The phase hooks of gates, ci, apply and status: set, unset, naming no executable, bad output.

``gates`` reads the fleet status from ``OPS_MANAGER_FLEET_STATUS_SCRIPT``; ``ci`` runs
``OPS_MANAGER_PROMOTION_GATES_SCRIPT``; ``apply`` and ``status`` ask
``OPS_MANAGER_FLEET_REGISTRY_SCRIPT`` to accept the registry. The orchestration's two hooks are
in ``test_ref_orchestrate_hooks.py``. Last, the runner's bounds: a timeout and an output cap.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.engine import hook_stubs as stubs
from tests.engine.engine_support import (
    Evidence,
    Fleet,
    Runner,
    apply_args,
    assert_one_line_error,
    tree_hashes,
    write_promotion_state,
    write_status,
)

STATUS_VAR = "OPS_MANAGER_FLEET_STATUS_SCRIPT"
GATES_VAR = "OPS_MANAGER_PROMOTION_GATES_SCRIPT"
REGISTRY_VAR = "OPS_MANAGER_FLEET_REGISTRY_SCRIPT"

REGISTRY_ENGINE = f"""#!{sys.executable}
import json, os, sys
if os.environ.get("HOOK_STUB_LOG"):
    with open(os.environ["HOOK_STUB_LOG"], "a") as log:
        log.write(json.dumps(sys.argv[1:]) + "\\n")
from orchestrator.cli import main
sys.exit(main(["registry", *sys.argv[1:]]))
"""
"""A faithful registry hook: the engine's own ``registry`` subcommand."""


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "calls.jsonl"
    monkeypatch.setenv("HOOK_STUB_LOG", str(path))
    return path


def _hook(monkeypatch: pytest.MonkeyPatch, variable: str, path: Path, source: str) -> Path:
    stub = stubs.write_stub(path, source)
    monkeypatch.setenv(variable, str(stub))
    return stub


def _no_executable(tmp_path: Path, kind: str) -> str:
    if kind == "missing":
        return str(tmp_path / "nowhere.sh")
    return str(stubs.not_executable(tmp_path / "plain.py"))


# --- gates: OPS_MANAGER_FLEET_STATUS_SCRIPT ---


def _gates(cli: Runner, fleet: Fleet, evidence: Evidence, *extra: str) -> tuple[int, str, str]:
    args = ["--handoff-telemetry-file", str(evidence.handoff), "--drill-state-file", str(evidence.drills)]
    result = cli("gates", "--repo", str(fleet.repo), *args, *extra)
    return result.code, result.stdout, result.stderr


def test_status_hook_supplies_the_fleet_status_the_gates_read(
    cli: Runner, fleet: Fleet, evidence: Evidence, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hook(monkeypatch, STATUS_VAR, tmp_path / "status.py", stubs.PRINTER_STUB)
    monkeypatch.setenv("STUB_OUTPUT_FILE", str(evidence.status))
    code, out, err = _gates(cli, fleet, evidence)
    assert code == 0, err
    state = json.loads(out)
    assert state["summary"]["decision"] == "promote"
    assert state["source"]["fleetStatusSource"] == "generated"
    assert stubs.calls(log) == [["--repo", str(fleet.repo)]]


def test_status_hook_is_not_run_when_a_status_file_is_given(
    cli: Runner, fleet: Fleet, evidence: Evidence, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hook(monkeypatch, STATUS_VAR, tmp_path / "status.py", stubs.PRINTER_STUB)
    code, _, err = _gates(cli, fleet, evidence, "--fleet-status-file", str(evidence.status))
    assert code == 0, err
    assert stubs.calls(log) == []


def test_status_hook_fields_are_read_as_strictly_as_a_status_file(
    cli: Runner, fleet: Fleet, evidence: Evidence, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_OUTPUT_FILE", str(write_status(tmp_path / "typed-wrong.json", backlog="3")))
    _hook(monkeypatch, STATUS_VAR, tmp_path / "status.py", stubs.PRINTER_STUB)
    code, out, _ = _gates(cli, fleet, evidence)
    assert code == 0
    state = json.loads(out)
    assert state["summary"]["decision"] == "hold"
    assert "promotion_fleet_status_invalid" in state["summary"]["reasonCodes"]
    assert any(STATUS_VAR in error["file"] for error in state["evidenceErrors"])


@pytest.mark.parametrize(("output", "exit_code", "problem"), [
    ("not json", "0", "not one JSON document"),
    ("[]", "0", "not a JSON object"),
    ("{}", "3", "failed to read fleet status: OPS_MANAGER_FLEET_STATUS_SCRIPT exited with status 3"),
])  # fmt: skip
def test_status_hook_failures_fail_closed(
    cli: Runner,
    fleet: Fleet,
    evidence: Evidence,
    log: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    output: str,
    exit_code: str,
    problem: str,
) -> None:
    monkeypatch.setenv("STUB_OUTPUT", output)
    monkeypatch.setenv("STUB_EXIT", exit_code)
    _hook(monkeypatch, STATUS_VAR, tmp_path / "status.py", stubs.PRINTER_STUB)
    before = tree_hashes(fleet.repo)
    result = cli("gates", "--repo", str(fleet.repo), "--drill-state-file", str(evidence.drills))
    line = assert_one_line_error(result, contains=problem)
    assert STATUS_VAR in line
    assert tree_hashes(fleet.repo) == before


@pytest.mark.parametrize("kind", ["missing", "not executable"])
def test_status_hook_naming_no_executable_is_refused(
    cli: Runner, fleet: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setenv(STATUS_VAR, _no_executable(tmp_path, kind))
    assert_one_line_error(cli("gates", "--repo", str(fleet.repo)), contains=f"{STATUS_VAR} names no executable")


# --- ci: OPS_MANAGER_PROMOTION_GATES_SCRIPT ---


def test_gates_hook_decides_the_ci_step_with_the_reference_flags(
    cli: Runner, fleet: Fleet, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hook(monkeypatch, GATES_VAR, tmp_path / "gates.py", stubs.GATES_STUB)
    result = cli("ci", "--repo", str(fleet.repo), "--window-executions", "9", "--trace-id", "t-9", "--pretty")
    assert result.code == 0, result.stderr
    written = json.loads(fleet.ci_result.read_text())
    assert written == result.json()
    assert written["summary"]["decision"] == "promote"
    assert "Decision: `promote`" in fleet.ci_summary.read_text()
    assert not fleet.promotion_state.exists()  # the gates hook records the decision, not us
    assert stubs.calls(log) == [[
        "--repo", str(fleet.repo), "--handoff-telemetry-file", str(fleet.handoff),
        "--drill-state-file", str(fleet.drills), "--promotion-state-file", str(fleet.promotion_state),
        "--promotion-telemetry-file", str(fleet.promotion_telemetry), "--window-executions", "9",
        "--trace-id", "t-9", "--pretty",
    ]]  # fmt: skip


def test_gates_hook_hold_under_fail_on_hold_exits_2_with_the_result_written(
    cli: Runner, fleet: Fleet, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_DECISION", "hold")
    _hook(monkeypatch, GATES_VAR, tmp_path / "gates.py", stubs.GATES_STUB)
    result = cli("ci", "--repo", str(fleet.repo), "--fail-on-hold")
    assert result.code == 2
    assert json.loads(fleet.ci_result.read_text())["summary"]["decision"] == "hold"
    assert stubs.calls(log)[0][-1] == "--fail-on-hold"


def test_gates_hook_is_not_run_when_evidence_is_missing_and_skipping(
    cli: Runner, empty_repo: Fleet, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hook(monkeypatch, GATES_VAR, tmp_path / "gates.py", stubs.GATES_STUB)
    result = cli("ci", "--repo", str(empty_repo.repo), "--skip-on-missing-evidence")
    assert result.code == 0
    assert result.json()["summary"]["decision"] == "skipped"
    assert stubs.calls(log) == []


@pytest.mark.parametrize(("output", "exit_code", "problem"), [
    ("Traceback: boom", "0", "not one JSON document"),
    ('{"summary": {"decision": "promote", "promote": false}}', "0", "summary.promote contradicts"),
    ('{"summary": {"decision": "promote"}}', "4", "exited with status 4"),
    ("half a document {", "9", "exited with status 9"),
])  # fmt: skip
def test_gates_hook_failures_fail_closed_and_record_nothing(
    cli: Runner,
    fleet: Fleet,
    log: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    output: str,
    exit_code: str,
    problem: str,
) -> None:
    monkeypatch.setenv("STUB_OUTPUT", output)
    monkeypatch.setenv("STUB_EXIT", exit_code)
    _hook(monkeypatch, GATES_VAR, tmp_path / "gates.py", stubs.GATES_STUB)
    result = cli("ci", "--repo", str(fleet.repo))
    line = assert_one_line_error(result, contains=problem)
    assert GATES_VAR in line
    assert not fleet.ci_result.exists()


@pytest.mark.parametrize("kind", ["missing", "not executable"])
def test_gates_hook_naming_no_executable_is_refused(
    cli: Runner, fleet: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setenv(GATES_VAR, _no_executable(tmp_path, kind))
    assert_one_line_error(cli("ci", "--repo", str(fleet.repo)), contains=f"{GATES_VAR} names no executable")
    assert not fleet.ci_result.exists()


def test_orchestrate_runs_the_gates_hook_inside_its_own_ci_phase(
    cli: Runner, fleet: Fleet, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_DECISION", "hold")
    _hook(monkeypatch, GATES_VAR, tmp_path / "gates.py", stubs.GATES_STUB)
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run")
    assert result.code == 0, result.stderr
    assert result.json()["decision"] == "hold"
    assert len(stubs.calls(log)) == 1


# --- apply and status: OPS_MANAGER_FLEET_REGISTRY_SCRIPT ---


def _apply(cli: Runner, fleet: Fleet) -> tuple[int, str, str]:
    write_promotion_state(fleet.repo, "promote")
    result = cli(*apply_args(fleet.repo))
    return result.code, result.stdout, result.stderr


def test_registry_hook_checks_the_registry_before_and_after_the_edit(
    cli: Runner, fleet: Fleet, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hook(monkeypatch, REGISTRY_VAR, tmp_path / "registry.py", REGISTRY_ENGINE)
    canary = fleet.canary()
    code, _, err = _apply(cli, fleet)
    assert code == 0, err
    assert fleet.canary() == min(100, canary + 25)
    first, second = stubs.calls(log)
    assert first == ["--repo", str(fleet.repo), "--registry-file", str(fleet.registry)]
    assert second[:3] == ["--repo", str(fleet.repo), "--registry-file"]
    assert second[3] != str(fleet.registry)
    assert not Path(second[3]).exists()  # the scratch copy of the edited registry is gone


def test_registry_hook_refusal_stops_the_apply_before_any_write(
    cli: Runner, fleet: Fleet, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_EXIT", "1")
    _hook(monkeypatch, REGISTRY_VAR, tmp_path / "registry.py", stubs.PRINTER_STUB)
    write_promotion_state(fleet.repo, "promote")
    before = fleet.registry.read_bytes()
    result = cli(*apply_args(fleet.repo))
    assert_one_line_error(
        result, contains=f"failed to read/validate fleet registry: {REGISTRY_VAR} exited with status 1"
    )
    assert fleet.registry.read_bytes() == before
    assert not fleet.apply_telemetry.exists()


@pytest.mark.parametrize(("view", "problem"), [
    ("nope", "not one JSON document"),
    ('{"fleetId": "", "loops": [], "policy": {"mode": "guarded_auto"}}', "fleetId must be a non-empty string"),
    ('{"fleetId": "f", "loops": [], "policy": {"mode": "advisory"}}', "requires policy.mode guarded_auto"),
    ('{"fleetId": "f", "loops": [], "policy": {"mode": "guarded_auto", "autonomous": {"rollout": '
     '{"canaryPercent": 1}}}}', "reads the mutated registry as canaryPercent 1"),
])  # fmt: skip
def test_registry_hook_views_that_fail_their_check_stop_the_apply(
    cli: Runner, fleet: Fleet, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, view: str, problem: str
) -> None:
    monkeypatch.setenv("STUB_OUTPUT", view)
    _hook(monkeypatch, REGISTRY_VAR, tmp_path / "registry.py", stubs.PRINTER_STUB)
    write_promotion_state(fleet.repo, "promote")
    before = fleet.registry.read_bytes()
    assert_one_line_error(cli(*apply_args(fleet.repo)), contains=problem)
    assert fleet.registry.read_bytes() == before


@pytest.mark.parametrize("kind", ["missing", "not executable"])
def test_registry_hook_naming_no_executable_is_refused(
    cli: Runner, fleet: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setenv(REGISTRY_VAR, _no_executable(tmp_path, kind))
    write_promotion_state(fleet.repo, "promote")
    before = fleet.registry.read_bytes()
    assert_one_line_error(cli(*apply_args(fleet.repo)), contains=f"{REGISTRY_VAR} names no executable")
    assert_one_line_error(cli("status", "--repo", str(fleet.repo)), contains=f"{REGISTRY_VAR} names no executable")
    assert fleet.registry.read_bytes() == before


def test_status_asks_the_registry_hook_first(
    cli: Runner, fleet: Fleet, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without = cli("status", "--repo", str(fleet.repo), "--now", "2026-03-01T00:00:00Z")
    _hook(monkeypatch, REGISTRY_VAR, tmp_path / "registry.py", REGISTRY_ENGINE)
    with_hook = cli("status", "--repo", str(fleet.repo), "--now", "2026-03-01T00:00:00Z")
    assert with_hook.code == 0, with_hook.stderr
    assert with_hook.json() == without.json()
    assert stubs.calls(log) == [["--repo", str(fleet.repo), "--registry-file", str(fleet.registry)]]
    monkeypatch.setenv(REGISTRY_VAR, str(stubs.write_stub(tmp_path / "bad.py", stubs.PRINTER_STUB)))
    monkeypatch.setenv("STUB_OUTPUT", "[]")
    assert_one_line_error(cli("status", "--repo", str(fleet.repo)), contains=f"{REGISTRY_VAR} produced an invalid")


def test_registry_subcommand_and_unrelated_commands_ignore_the_variables(
    cli: Runner, fleet: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in (REGISTRY_VAR, GATES_VAR, "OPS_MANAGER_PROMOTION_ORCHESTRATE_SCRIPT"):
        monkeypatch.setenv(variable, str(tmp_path / "nowhere.sh"))
    assert cli("registry", "--repo", str(fleet.repo)).code == 0
    monkeypatch.delenv(REGISTRY_VAR)
    write_promotion_state(fleet.repo, "promote")
    assert cli(*apply_args(fleet.repo)).code == 0  # apply consults only the registry hook


# --- the runner's bounds ---


def test_a_hung_hook_is_stopped_at_its_timeout(
    cli: Runner, fleet: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hook(monkeypatch, GATES_VAR, tmp_path / "sleep.py", stubs.SLEEPER_STUB)
    monkeypatch.setenv("PROMOTION_ROLLOUT_HOOK_TIMEOUT_SECONDS", "1")
    started = time.monotonic()
    result = cli("ci", "--repo", str(fleet.repo))
    assert time.monotonic() - started < 20
    assert_one_line_error(result, contains=f"{GATES_VAR} did not finish within 1 seconds and was stopped")


def test_a_flooding_hook_is_stopped_at_the_output_cap(
    cli: Runner, fleet: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hook(monkeypatch, GATES_VAR, tmp_path / "flood.py", stubs.FLOOD_STUB)
    assert_one_line_error(cli("ci", "--repo", str(fleet.repo)), contains=f"{GATES_VAR} wrote more than")


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "1e9"])
def test_an_unusable_timeout_is_refused(
    cli: Runner, fleet: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    _hook(monkeypatch, GATES_VAR, tmp_path / "gates.py", stubs.GATES_STUB)
    monkeypatch.setenv("PROMOTION_ROLLOUT_HOOK_TIMEOUT_SECONDS", value)
    assert_one_line_error(cli("ci", "--repo", str(fleet.repo)), contains="PROMOTION_ROLLOUT_HOOK_TIMEOUT_SECONDS")
