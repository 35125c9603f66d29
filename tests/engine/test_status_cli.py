"""``promotion-rollout status``: flags, output forms and one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fleets"
FLEET_DIR = Path(".superloop/ops-manager/fleet")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["status", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_compact_json_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    repo = FIXTURES / "guarded-active"
    code, out, err = run_cli(capsys, "--repo", str(repo), "--now", "2098-12-25T00:00:00Z")
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    assert out.startswith('{"schemaVersion":"v1","generatedAt":"2098-12-25T00:00:00Z",')
    status = json.loads(out)
    assert status["source"]["repoPath"] == str(repo.resolve())
    assert status["autonomous"]["governance"]["posture"] == "review_due_soon"
    assert status["autonomous"]["governance"]["blocksAutonomous"] is True


def test_pretty_output_is_indented(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "--repo", str(FIXTURES / "sprite-service"), "--now", "2098-11-01T00:00:00Z", "--pretty"
    )
    assert code == 0
    assert out.startswith('{\n  "schemaVersion": "v1",\n')
    assert json.loads(out)["autonomous"]["safetyGateDecisions"]["byPath"]["transportGated"]["blockedCount"] == 2


def test_now_without_offset_is_utc(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--repo", str(FIXTURES / "review-expired"), "--now", "2026-03-01T00:00:00")
    assert code == 0
    status = json.loads(out)
    assert status["generatedAt"] == "2026-03-01T00:00:00Z"
    assert status["autonomous"]["governance"]["posture"] == "review_expired"


def test_file_flags_override_defaults(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    repo = tmp_path / "fleet"
    shutil.copytree(FIXTURES / "minimal", repo)
    source = FIXTURES / "auto-pause" / FLEET_DIR
    code, out, _ = run_cli(
        capsys,
        "--repo",
        str(repo),
        "--policy-state-file",
        str(source / "policy-state.json"),
        "--handoff-state-file",
        str(source / "handoff-state.json"),
        "--handoff-telemetry-file",
        str(source / "telemetry/handoff.jsonl"),
        "--fleet-telemetry-file",
        str(source / "telemetry/reconcile.jsonl"),
        "--now",
        "2098-11-01T00:00:00Z",
    )
    assert code == 0
    status = json.loads(out)
    assert status["files"]["policyStateFile"] == str(source / "policy-state.json")
    assert status["files"]["registryFile"] == str(repo.resolve() / FLEET_DIR / "registry.v1.json")
    assert status["autonomous"]["rollout"]["autopause"]["active"] is True
    assert status["latestTelemetry"]["status"] == "partial_failure"
    assert status["latestHandoffTelemetry"]["traceId"] == "trace-fx-auto-pause-handoff"


def test_registry_and_state_flags(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fleet = FIXTURES / "advisory" / FLEET_DIR
    code, out, _ = run_cli(
        capsys,
        "--repo",
        str(tmp_path),
        "--registry-file",
        str(fleet / "registry.v1.json"),
        "--fleet-state-file",
        str(fleet / "state.json"),
        "--now",
        "2098-11-01T00:00:00Z",
    )
    assert code == 0
    status = json.loads(out)
    assert status["source"]["fleetId"] == "fx-advisory"
    assert status["autonomous"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "error: --repo is required; see promotion-rollout status --help\n"),
        (["--repo", "/definitely/not/here"], "error: repository path is not a directory: /definitely/not/here\n"),
        (["--repo", ".", "--now", "yesterday"], "error: --now must be an ISO-8601 timestamp"),
        (["--repo", ".", "--now", "2030-13-01T00:00:00Z"], "error: --now must be an ISO-8601 timestamp"),
    ],
)
def test_argument_errors_are_one_line(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = run_cli(capsys, *args)
    assert code == 1
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_missing_fleet_state_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "--repo", str(tmp_path))
    assert (code, out) == (1, "")
    assert err == f"error: fleet state file not found: {tmp_path.resolve() / FLEET_DIR / 'state.json'}\n"


def test_invalid_policy_state_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    repo = tmp_path / "fleet"
    shutil.copytree(FIXTURES / "guarded-active", repo)
    (repo / FLEET_DIR / "policy-state.json").write_text("{not json")
    code, _, err = run_cli(capsys, "--repo", str(repo))
    assert code == 1
    assert err == f"error: invalid policy state JSON: {repo.resolve() / FLEET_DIR / 'policy-state.json'}\n"


def test_unknown_flag_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--repo", ".", "--bogus"]) == 1
    assert capsys.readouterr().err == "error: unrecognized argument --bogus; see promotion-rollout status --help\n"


def test_help_lists_the_reference_flags(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["status", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for flag in (
        "--repo",
        "--registry-file",
        "--fleet-state-file",
        "--policy-state-file",
        "--fleet-telemetry-file",
        "--handoff-state-file",
        "--handoff-telemetry-file",
        "--pretty",
        "--now",
    ):
        assert flag in out


def test_module_entry_point_runs_the_example_fleet() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "fleet"
    done = subprocess.run(
        [sys.executable, "-m", "orchestrator", "status", "--repo", str(example)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    autonomous = json.loads(done.stdout)["autonomous"]
    assert autonomous["enabled"] is True
    assert autonomous["governance"]["posture"] == "active"
    assert autonomous["outcomeRollup"]["manual_backlog"] <= 5
