"""Every action run leaves a record: refused inputs and failures before the result included.

A refused run writes the refused result JSON (with its reason code) and the summary where the
fleet folder can be used, sets the outputs, appends the job summary and uploads the artifact
(through the fake artifact service), then fails with exactly one ``::error::``.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

import entrypoint
import orchestrator.action.run as action_run
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.reasons import ReasonCode
from tests.action_harness.fixtures import (
    FAKE_GITHUB_TOKEN,
    GOVERNANCE,
    action_metadata,
    make_workspace,
    parse_file_command_outputs,
    parse_workflow_commands,
)
from tests.fakes.artifact_service import FakeArtifactService

FLEET = Path(".superloop/ops-manager/fleet")
RESULT = FLEET / "promotion-orchestrate-result.json"
SUMMARY = FLEET / "promotion-orchestrate-summary.md"
REGISTRY = FLEET / "registry.v1.json"
ORCHESTRATE_HEADING = "## Ops Manager Promotion Orchestration"
CI_HEADING = "## Ops Manager Promotion CI"
DEFAULT_ARTIFACT = "promotion-rollout-rollout-3"


class Run:
    """The runner's view of one in-process action run."""

    def __init__(self, paths: dict[str, Path], service: FakeArtifactService) -> None:
        self.paths = paths
        self.service = service
        self.code = 0
        self.log = ""

    @property
    def workspace(self) -> Path:
        return self.paths["workspace"]

    @property
    def errors(self) -> list[str]:
        return [c.data for c in parse_workflow_commands(self.log) if c.name == "error"]

    @property
    def outputs(self) -> dict[str, str]:
        return parse_file_command_outputs(self.paths["output"].read_text())

    @property
    def step_summary(self) -> str:
        return self.paths["summary"].read_text()

    def result(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.workspace / RESULT).read_text())
        return loaded

    def artifact(self, name: str = DEFAULT_ARTIFACT) -> dict[str, bytes]:
        stored = self.service.artifact(name)
        assert stored.finalized
        with zipfile.ZipFile(io.BytesIO(stored.content or b"")) as archive:
            return {member: archive.read(member) for member in archive.namelist()}


@pytest.fixture
def action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]]]:
    """A runner's variables around a copy of the example fleet, with the fake artifact service."""
    for key in list(os.environ):
        if key.startswith(("INPUT_", "GITHUB_", "ACTIONS_", "GH_", "OPS_MANAGER_")):
            monkeypatch.delenv(key)
    workspace = make_workspace(tmp_path)
    commands = tmp_path / "file_commands"
    commands.mkdir()
    paths = {"workspace": workspace, "output": commands / "output", "summary": commands / "summary"}
    paths["output"].touch()
    paths["summary"].touch()
    for name, value in {
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(paths["output"]),
        "GITHUB_STEP_SUMMARY": str(paths["summary"]),
        "GITHUB_JOB": "rollout",
        "GITHUB_RUN_ATTEMPT": "3",
    }.items():
        monkeypatch.setenv(name, value)
    defaults, _ = action_metadata()
    for name, default in defaults.items():
        monkeypatch.setenv(f"INPUT_{name.upper()}", FAKE_GITHUB_TOKEN if "github.token" in default else default)
    with FakeArtifactService() as service:
        for key, value in service.env().items():
            monkeypatch.setenv(key, value)
        yield Run(paths, service), monkeypatch, capsys


def start(action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]], **inputs: str) -> Run:
    run, monkeypatch, capsys = action
    for name, value in inputs.items():
        monkeypatch.setenv(f"INPUT_{name.replace('_', '-').upper()}", value)
    run.code = entrypoint.start()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    run.log = captured.out
    return run


def files_under(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` but the runner's file commands (which a run is meant to change)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "file_commands" not in p.parts
    }


def assert_refused_record(run: Run, code: ReasonCode, error: str) -> dict[str, Any]:
    """The whole record of a refused run whose fleet folder could be used."""
    assert run.code == 1
    assert run.errors == [error]
    result = run.result()
    assert (result["status"], result["decision"]) == ("refused", "unknown")
    assert result["refusalReasonCode"] == code.value
    assert result["summary"] == {"failedGates": [], "reasonCodes": [code.value]}
    assert result["error"] == error
    assert result["apply"]["executed"] is False
    assert result["files"]["resultFile"] == str(run.workspace / RESULT)
    summary = (run.workspace / SUMMARY).read_text()
    assert "Status: `refused`" in summary
    assert code.value in summary
    assert str(run.workspace) not in summary
    assert run.step_summary.count(ORCHESTRATE_HEADING) == 1
    assert CI_HEADING not in run.step_summary
    outputs = run.outputs
    assert (outputs["status"], outputs["decision"], outputs["promote"]) == ("refused", "unknown", "false")
    assert (outputs["reason-codes"], outputs["failed-gates"]) == (code.value, "")
    assert outputs["trace-id"] == result["traceId"]
    assert (outputs["result-file"], outputs["summary-file"]) == (str(RESULT), str(SUMMARY))
    members = run.artifact()
    assert sorted(members) == ["promotion-orchestrate-result.json", "promotion-orchestrate-summary.md"]
    assert members["promotion-orchestrate-result.json"] == (run.workspace / RESULT).read_bytes()
    assert members["promotion-orchestrate-summary.md"] == (run.workspace / SUMMARY).read_bytes()
    assert outputs["artifact-id"] == str(run.service.artifact(DEFAULT_ARTIFACT).artifact_id)
    return result


def test_missing_governance_leaves_the_whole_record_and_changes_nothing_else(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]],
) -> None:
    before = files_under(action[0].workspace)
    run = start(action, mode="apply", trace_id="trace-refused-1", loop_id="loop-7")
    result = assert_refused_record(
        run,
        ReasonCode.ACTION_GOVERNANCE_MISSING,
        "inputs 'by', 'approval-ref', 'rationale' and 'review-by' are required for mode apply",
    )
    assert (result["mode"], result["traceId"], result["loopId"]) == ("apply", "trace-refused-1", "loop-7")
    after = files_under(run.workspace)
    assert sorted(set(after) - set(before)) == [str(RESULT), str(SUMMARY)]
    assert {name: after[name] for name in before} == before


@pytest.mark.parametrize(
    ("inputs", "error"),
    [
        ({"mode": "dry_run", "expand_step": "0"}, "input 'expand-step' must be an integer between 1 and 100"),
        ({"mode": "dry_run", "fail_on_hold": "yes"}, "input 'fail-on-hold' must be true or false"),
        (
            {"mode": "dry_run", "drill_state_file": "../../etc/passwd"},
            "input 'drill-state-file' leaves the workspace: ../../etc/passwd",
        ),
        (
            {
                "mode": "apply",
                **{k.replace("-", "_"): v for k, v in GOVERNANCE.items()},
                "review_by": "2001-01-01T00:00:00Z",
            },
            "input 'review-by' must be in the future",
        ),
    ],
)
def test_invalid_input_leaves_a_refused_record(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]], inputs: dict[str, str], error: str
) -> None:
    run = start(action, **inputs)
    assert_refused_record(run, ReasonCode.ACTION_INPUT_INVALID, error)
    assert not (run.workspace / FLEET / "promotion-ci-result.json").exists()


def test_an_invalid_mode_is_recorded_as_a_refused_dry_run(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]],
) -> None:
    run = start(action, mode="deploy")
    result = assert_refused_record(
        run, ReasonCode.ACTION_INPUT_INVALID, "input 'mode' must be one of dry_run, apply, rollback"
    )
    assert result["mode"] == "dry_run"


def test_a_repo_path_that_cannot_be_used_writes_nothing_but_still_publishes_the_record(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]],
) -> None:
    outside = action[0].workspace.parent
    before = files_under(outside)
    run = start(action, repo_path="../")
    assert run.code == 1
    assert run.errors == ["input 'repo-path' leaves the workspace: ../"]
    assert files_under(outside) == before
    outputs = run.outputs
    assert (outputs["status"], outputs["reason-codes"]) == ("refused", "action_input_invalid")
    assert (outputs["result-file"], outputs["summary-file"]) == ("", "")
    assert run.step_summary.count(ORCHESTRATE_HEADING) == 1
    assert "not written by this run" in run.step_summary
    members = run.artifact()
    uploaded = json.loads(members["promotion-orchestrate-result.json"])
    assert (uploaded["status"], uploaded["refusalReasonCode"]) == ("refused", "action_input_invalid")
    assert uploaded["files"]["resultFile"] == ""
    assert members["promotion-orchestrate-summary.md"].decode() in run.step_summary


def test_a_repo_path_that_is_no_directory_publishes_the_record_without_files(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]],
) -> None:
    run = start(action, repo_path="missing/fleet")
    assert run.errors == ["input 'repo-path' is not a directory: missing/fleet"]
    assert not (run.workspace / "missing").exists()
    assert run.outputs["status"] == "refused"
    assert run.artifact("promotion-rollout-rollout-missing-fleet-3")


def test_an_unusable_artifact_name_falls_back_to_the_default_and_says_so(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]],
) -> None:
    run = start(action, artifact_name="fleets/eu")
    assert run.code == 1
    assert len(run.errors) == 1
    assert run.errors[0].startswith("input 'artifact-name' is not usable: artifact name 'fleets/eu' contains")
    assert run.errors[0].endswith(
        f"; the record is uploaded as artifact '{DEFAULT_ARTIFACT}' because input 'artifact-name' is not usable"
    )
    assert list(run.service.artifacts) == [DEFAULT_ARTIFACT]
    assert run.result()["refusalReasonCode"] == "action_input_invalid"
    assert run.outputs["artifact-id"] == str(run.service.artifact(DEFAULT_ARTIFACT).artifact_id)


def test_a_refused_run_without_upload_keeps_the_record_in_the_workspace(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]],
) -> None:
    run = start(action, mode="rollback", upload_artifact="false")
    assert run.errors == ["inputs 'by', 'approval-ref', 'rationale' and 'review-by' are required for mode rollback"]
    assert run.result()["refusalReasonCode"] == "action_governance_missing"
    assert run.service.artifacts == {}
    assert "artifact-id" not in run.outputs


def test_an_unexpected_exception_takes_the_refused_path_with_an_internal_error_code(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]],
) -> None:
    def broken(*args: object, **kwargs: object) -> NoReturn:
        raise RuntimeError("boom\nsecond line")

    action[1].setattr(action_run, "orchestrate", broken)
    run = start(action, mode="dry_run")
    assert run.code == 1
    result = assert_refused_record(
        run, ReasonCode.ACTION_INTERNAL_ERROR, "internal error in the action: RuntimeError: boom second line"
    )
    assert result["mode"] == "dry_run"


def test_a_failure_before_the_result_is_recorded_as_a_failed_run(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]],
) -> None:
    def refused(*args: object, **kwargs: object) -> NoReturn:
        raise OrchestratorError(f"cannot write {action[0].workspace / RESULT}: No space left on device")

    action[1].setattr(action_run, "orchestrate", refused)
    run = start(action, mode="dry_run", trace_id="trace-failed")
    result = assert_refused_record(
        run, ReasonCode.ACTION_RUN_FAILED, f"cannot write {run.workspace / RESULT}: No space left on device"
    )
    assert result["traceId"] == "trace-failed"
    summary = (run.workspace / SUMMARY).read_text()
    assert f"cannot write {RESULT}" in summary


def test_a_record_that_cannot_be_written_is_still_published(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]],
) -> None:
    target = action[0].workspace.parent / "elsewhere.json"
    (action[0].workspace / RESULT).symlink_to(target)
    run = start(action, mode="apply")
    assert run.code == 1
    assert len(run.errors) == 1
    assert run.errors[0].startswith(
        "inputs 'by', 'approval-ref', 'rationale' and 'review-by' are required for mode apply; result not written: refusing "
    )
    assert not target.exists()
    assert (run.outputs["status"], run.outputs["result-file"]) == ("refused", "")
    assert json.loads(run.artifact()["promotion-orchestrate-result.json"])["status"] == "refused"


def test_summaries_show_workspace_relative_paths_and_the_json_keeps_absolute_ones(
    action: tuple[Run, pytest.MonkeyPatch, pytest.CaptureFixture[str]],
) -> None:
    run = start(action, mode="dry_run")
    assert run.code == 0, run.log
    workspace = str(run.workspace)
    assert workspace not in run.step_summary
    assert f"Result JSON: `{RESULT}`" in run.step_summary
    assert f"Result JSON: `{FLEET / 'promotion-ci-result.json'}`" in run.step_summary
    for name in ("promotion-orchestrate-summary.md", "promotion-ci-summary.md"):
        assert workspace not in (run.workspace / FLEET / name).read_text()
    assert run.result()["files"]["resultFile"] == f"{workspace}/{RESULT}"
