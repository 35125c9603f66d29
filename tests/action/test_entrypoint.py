"""The action in-process: inputs into typed values, workspace confinement, messages, outputs, log safety."""

from __future__ import annotations

import json
import os
import sys
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import NoReturn

import pytest

import entrypoint
import orchestrator.action.run as action_run
from orchestrator.action.inputs import (
    LIST_INPUTS,
    PATH_INPUTS,
    SWITCH_INPUTS,
    TEXT_INPUTS,
    ActionSettings,
    RawInputs,
    default_artifact_name,
    input_message,
    input_name,
    parse_boolean,
    parse_retention_days,
    parse_settings,
    read_inputs,
    resolve_in_workspace,
)
from orchestrator.action.log import print_untrusted
from orchestrator.action.outputs import ARTIFACT_OUTPUTS, RESULT_OUTPUTS, hold_message, result_outputs
from orchestrator.core.errors import InvalidInput
from orchestrator.core.models import Thresholds
from orchestrator.usecases.orchestrate import orchestrate
from tests.action_harness.fixtures import (
    FAKE_GITHUB_TOKEN,
    GOVERNANCE,
    action_metadata,
    make_workspace,
    parse_file_command_outputs,
    parse_workflow_commands,
    registry_rollout,
)
from tests.fakes.artifact_service import FakeArtifactService
from tests.fakes.github_server import FakeGitHub

NOW = datetime(2030, 6, 1, 12, 0, 0, tzinfo=UTC)
FLEET = Path(".superloop/ops-manager/fleet")
RESULT = FLEET / "promotion-orchestrate-result.json"


def raw(evidence_refs: tuple[str, ...] = (), github_token: str = "", **text: str) -> RawInputs:
    """Inputs as the runner would set them; keyword names use underscores for hyphens."""
    return raw_text(text, evidence_refs, github_token)


def raw_text(text: Mapping[str, str], evidence_refs: tuple[str, ...] = (), github_token: str = "") -> RawInputs:
    """``raw`` for text inputs gathered in a dict (``raw(**inputs)`` could fill ``evidence_refs``)."""
    return RawInputs(
        text={name.replace("_", "-"): value for name, value in text.items()},
        evidence_refs=evidence_refs,
        github_token=github_token,
    )


def settle(workspace: Path, inputs: RawInputs, env: dict[str, str] | None = None) -> ActionSettings:
    return parse_settings(inputs, workspace, env or {}, NOW)


def refusal(workspace: Path, inputs: RawInputs, env: dict[str, str] | None = None) -> str:
    with pytest.raises(InvalidInput) as caught:
        settle(workspace, inputs, env)
    return input_message(caught.value)


@pytest.fixture
def runner_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The variables a runner sets, pointing at files under tmp_path; every INPUT_ cleared first."""
    for key in list(os.environ):
        if key.startswith(("INPUT_", "GITHUB_", "ACTIONS_", "GH_")):
            monkeypatch.delenv(key)
    workspace = make_workspace(tmp_path)
    commands = tmp_path / "file_commands"
    commands.mkdir()
    paths = {"workspace": workspace, "output": commands / "output", "summary": commands / "summary"}
    paths["output"].touch()
    paths["summary"].touch()
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    monkeypatch.setenv("GITHUB_OUTPUT", str(paths["output"]))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(paths["summary"]))
    monkeypatch.setenv("GITHUB_JOB", "rollout")
    monkeypatch.setenv("GITHUB_RUN_ATTEMPT", "3")
    defaults, _ = action_metadata()
    for name, default in defaults.items():
        monkeypatch.setenv(f"INPUT_{name.upper()}", FAKE_GITHUB_TOKEN if "github.token" in default else default)
    return paths


def set_inputs(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"INPUT_{name.replace('_', '-').upper()}", value)


def run_main(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = entrypoint.start()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out


def errors_in(log: str) -> list[str]:
    return [c.data for c in parse_workflow_commands(log) if c.name == "error"]


# --- action.yml <-> inputs and outputs ----------------------------------------------------------


def test_action_yml_declares_exactly_the_read_inputs_and_produced_outputs() -> None:
    declared_inputs, declared_outputs = action_metadata()
    read = {*TEXT_INPUTS, *SWITCH_INPUTS, *LIST_INPUTS, "github-token"}
    assert set(declared_inputs) == read
    assert sorted(declared_outputs) == sorted([*RESULT_OUTPUTS, *ARTIFACT_OUTPUTS])


def test_action_yml_defaults_match_the_documented_behaviour() -> None:
    defaults, _ = action_metadata()
    assert defaults["mode"] == "dry_run"
    assert defaults["apply-intent"] == "expand"
    assert defaults["expand-step"] == "25"
    assert defaults["upload-artifact"] == "true"
    assert defaults["github-token"] == "${{ github.token }}"
    assert defaults["window-executions"] == ""
    assert {name: defaults[name] for name in SWITCH_INPUTS} == {
        name: str(value).lower() for name, value in SWITCH_INPUTS.items()
    }


# --- reading and judging inputs ---------------------------------------------------------------


def test_read_inputs_uses_the_runner_variable_names_with_hyphens(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INPUT_APPLY-INTENT", "resume")
    monkeypatch.setenv("INPUT_FAIL-ON-HOLD", "True")
    monkeypatch.setenv("INPUT_EVIDENCE-REFS", "  https://ci/run/1  \n\nTICKET-9\n")
    monkeypatch.setenv("INPUT_UPLOAD-ARTIFACT", "FALSE")
    read = read_inputs()
    assert read.get("apply-intent") == "resume"
    assert parse_boolean(read, "fail-on-hold") is True
    assert read.evidence_refs == ("https://ci/run/1", "TICKET-9")
    assert parse_boolean(read, "upload-artifact") is False
    assert read.github_token == FAKE_GITHUB_TOKEN
    assert FAKE_GITHUB_TOKEN not in repr(read)


def test_a_boolean_input_outside_yaml_core_schema_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path, raw(mode="dry_run", fail_on_hold="yes")) == "input 'fail-on-hold' must be true or false"
    assert parse_boolean(raw(), "upload-artifact") is True
    assert parse_boolean(raw(), "require-approval") is False


def test_every_input_becomes_a_typed_value(tmp_path: Path) -> None:
    (tmp_path / "fleet").mkdir()
    settings = settle(
        tmp_path,
        raw(
            mode="apply",
            expand_step="10",
            by="alice",
            approval_ref="CHG-1",
            rationale="-- urgent",
            review_by="2031-01-31T00:00:00Z",
            drill_state_file="fleet/drills.json",
            skip_on_missing_evidence="true",
            fail_on_hold="false",
            max_failure_rate="0.5",
            idempotency_key="key-1",
            trace_id="trace-1",
            loop_id="loop-1",
            horizon_ref="h-1",
            require_checks="ci, lint",
            approval_team="release",
            environment="prod",
            target_branch="main",
            repo_path="fleet",
            evidence_refs=("ref-1", "ref-2"),
            github_token="ghs_secret",
        ),
    )
    root = Path(os.path.realpath(tmp_path))
    request = settings.request
    assert (request.mode, request.apply_intent, request.expand_step) == ("apply", "expand", 10)
    assert (request.governance.by, request.governance.rationale) == ("alice", "-- urgent")
    assert (request.trace_id, request.idempotency_key, request.loop_id, request.horizon_ref) == (
        "trace-1",
        "key-1",
        "loop-1",
        "h-1",
    )
    assert request.evidence_refs == ("ref-1", "ref-2")
    assert (request.skip_on_missing_evidence, request.fail_on_hold) == (True, False)
    assert request.thresholds == Thresholds(max_failure_rate=0.5)
    assert settings.layout.repo == root / "fleet"
    assert settings.layout.drill_state == root / "fleet/drills.json"
    assert settings.layout.orchestrate_result == root / "fleet" / RESULT
    github = settings.github
    assert (github.persist, github.require_checks, github.approval_team) == ("commit", "ci, lint", "release")
    assert (github.environment, github.target_branch, github.token) == ("prod", "main", "ghs_secret")
    assert settings.workspace == root


def test_mutations_default_to_a_commit_by_the_runs_actor(tmp_path: Path) -> None:
    governance = {"approval_ref": "CHG-1", "rationale": "r", "review_by": "2031-01-31T00:00:00Z"}
    rollback = settle(tmp_path, raw_text({"mode": "rollback", **governance}), {"GITHUB_ACTOR": "octocat"})
    assert rollback.github.persist == "commit"
    assert rollback.request.governance.by == "octocat"
    dry = settle(tmp_path, raw(mode="dry_run"), {"GITHUB_ACTOR": "octocat"})
    assert (dry.github.persist, dry.request.governance.by) == ("none", "")
    explicit = settle(
        tmp_path, raw_text({"mode": "apply", "persist": "none", "by": "alice", **governance}), {"GITHUB_ACTOR": "x"}
    )
    assert (explicit.github.persist, explicit.request.governance.by) == ("none", "alice")


def test_empty_inputs_leave_the_engine_defaults(tmp_path: Path) -> None:
    empty = dict.fromkeys([name.replace("-", "_") for name in TEXT_INPUTS if name != "mode"], "")
    settings = settle(tmp_path, raw_text({"mode": "dry_run", **empty}))
    request = settings.request
    assert (request.apply_intent, request.expand_step, request.thresholds) == ("expand", 25, Thresholds())
    assert request.trace_id
    assert (request.idempotency_key, request.loop_id, request.evidence_refs) == (None, None, ())
    root = Path(os.path.realpath(tmp_path))
    assert settings.layout.repo == root
    assert settings.layout.fleet_status is None
    assert settings.layout.drill_state == root / FLEET / "drills/promotion.v1.json"
    assert (settings.github.persist, settings.github.token, settings.github.active) == ("none", None, False)
    assert (settings.artifact.upload, settings.artifact.retention_days) == (True, None)


@pytest.mark.parametrize("value", ["..", "../elsewhere", "/etc", "sub/../../x"])
def test_paths_that_leave_the_workspace_are_refused(tmp_path: Path, value: str) -> None:
    workspace = tmp_path / "ws"
    (workspace / "sub").mkdir(parents=True)
    with pytest.raises(InvalidInput) as caught:
        resolve_in_workspace(value, workspace, "repo-path")
    assert input_message(caught.value) == f"input 'repo-path' leaves the workspace: {value}"
    assert refusal(workspace, raw(mode="dry_run", handoff_telemetry_file=value)).startswith(
        "input 'handoff-telemetry-file' leaves the workspace"
    )


def test_a_symlink_out_of_the_workspace_is_refused(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "escape").symlink_to(tmp_path)
    with pytest.raises(InvalidInput, match="leaves the workspace"):
        resolve_in_workspace("escape/secret.json", workspace, "drill-state-file")


def test_relative_and_absolute_paths_inside_the_workspace_are_accepted(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    (workspace / "a").mkdir(parents=True)
    root = Path(os.path.realpath(workspace))
    assert resolve_in_workspace(".", workspace, "repo-path") == root
    assert resolve_in_workspace("a/../a/f.json", workspace, "x") == root / "a" / "f.json"
    assert resolve_in_workspace(str(workspace / "a"), workspace, "x") == root / "a"
    assert set(PATH_INPUTS) == {"fleet-status-file", "handoff-telemetry-file", "drill-state-file"}


def test_a_repo_path_that_is_not_a_directory_is_named_as_given(tmp_path: Path) -> None:
    assert (
        refusal(tmp_path, raw(mode="dry_run", repo_path="missing")) == "input 'repo-path' is not a directory: missing"
    )


def test_retention_days_must_be_a_whole_number_the_service_accepts(tmp_path: Path) -> None:
    assert parse_retention_days("") is None
    assert parse_retention_days("14") == 14
    for bad in ("0", "-3", "1.5", "two weeks", "401", "²"):
        with pytest.raises(InvalidInput, match="artifact-retention-days"):
            parse_retention_days(bad)
    message = refusal(tmp_path, raw(mode="dry_run", artifact_retention_days="0"))
    assert message.startswith("input 'artifact-retention-days' must be a whole number of days")


def test_default_artifact_name_is_unique_per_job_fleet_and_attempt() -> None:
    env = {"GITHUB_JOB": "rollout", "GITHUB_RUN_ATTEMPT": "2"}
    assert default_artifact_name(env, ".") == "promotion-rollout-rollout-2"
    assert default_artifact_name(env, "fleets/eu west") == "promotion-rollout-rollout-fleets-eu-west-2"
    assert default_artifact_name({}, ".") == "promotion-rollout-local-1"


def test_an_unusable_artifact_name_is_refused_only_when_uploading(tmp_path: Path) -> None:
    message = refusal(tmp_path, raw(mode="dry_run", artifact_name="fleets/eu"))
    assert message.startswith("input 'artifact-name' is not usable: artifact name 'fleets/eu' contains")
    kept = settle(tmp_path, raw(mode="dry_run", artifact_name="fleets/eu", upload_artifact="false"))
    assert (kept.artifact.upload, kept.artifact.name) == (False, "fleets/eu")
    (tmp_path / "fleets" / "eu").mkdir(parents=True)
    named = settle(tmp_path, raw(mode="dry_run", repo_path="fleets/eu"), {"GITHUB_JOB": "j"})
    assert named.artifact.name == "promotion-rollout-j-fleets-eu-1"


# --- messages name the action's inputs ----------------------------------------------------------


GOOD = {"by": "alice", "approval_ref": "CHG-1", "rationale": "r", "review_by": "2031-01-31T00:00:00Z"}


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"mode": ""}, "input 'mode' must be one of dry_run, apply, rollback"),
        ({"mode": "deploy"}, "input 'mode' must be one of dry_run, apply, rollback"),
        ({"mode": "apply", "apply_intent": "grow"}, "input 'apply-intent' must be one of expand, resume"),
        ({"mode": "dry_run", "expand_step": "0"}, "input 'expand-step' must be an integer between 1 and 100"),
        ({"mode": "dry_run", "expand_step": "1e2"}, "input 'expand-step' must be an integer between 1 and 100"),
        ({"mode": "dry_run", "window_executions": "0"}, "input 'window-executions' must be an integer >= 1"),
        ({"mode": "dry_run", "max_manual_backlog": "-1"}, "input 'max-manual-backlog' must be an integer >= 0"),
        ({"mode": "dry_run", "max_failure_rate": "2"}, "input 'max-failure-rate' must be a number between 0 and 1"),
        ({"mode": "apply", **GOOD, "by": ""}, "input 'by' is required for mode apply"),
        ({"mode": "rollback", **GOOD, "approval_ref": ""}, "input 'approval-ref' is required for mode rollback"),
        (
            {"mode": "apply", **GOOD, "approval_ref": "", "rationale": "", "review_by": ""},
            "inputs 'approval-ref', 'rationale' and 'review-by' are required for mode apply",
        ),
        (
            {"mode": "apply", **GOOD, "review_by": "soon"},
            "input 'review-by' must be an RFC 3339 timestamp like 2027-06-30T00:00:00Z",
        ),
        ({"mode": "apply", **GOOD, "review_by": "2020-01-01T00:00:00Z"}, "input 'review-by' must be in the future"),
        (
            {"mode": "apply", **GOOD, "persist": "force"},
            "input 'persist' must be one of none, commit, pull-request, got 'force'",
        ),
        ({"mode": "dry_run", "require_approval": "on"}, "input 'require-approval' must be true or false"),
    ],
)
def test_refusals_name_the_actions_input(tmp_path: Path, inputs: dict[str, str], message: str) -> None:
    assert refusal(tmp_path, raw_text(inputs)) == message


def test_the_command_line_keeps_its_flag_wording() -> None:
    error = InvalidInput("expand-step", "must be an integer between 1 and 100")
    assert error.message == "--expand-step must be an integer between 1 and 100"
    assert input_message(error) == "input 'expand-step' must be an integer between 1 and 100"
    persist = InvalidInput("persist", "must be one of none, commit, pull-request, got 'x'", label="persist")
    assert persist.message == "persist must be one of none, commit, pull-request, got 'x'"
    assert (input_name("repo"), input_name("evidence-ref"), input_name("by")) == ("repo-path", "evidence-refs", "by")


# --- outputs and log ----------------------------------------------------------------------------


def test_outputs_come_from_the_typed_result_with_the_canary_from_the_apply_record(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    settings = settle(workspace, raw_text({"mode": "apply", "persist": "none", **GOOD}))
    outcome = orchestrate(settings.request, settings.layout, now=datetime.now(UTC).replace(microsecond=0))
    outputs = result_outputs(outcome.result, settings.layout, settings.workspace)
    assert (outputs["decision"], outputs["promote"], outputs["status"]) == ("promote", "true", "applied")
    assert (outputs["canary-percent-before"], outputs["canary-percent-after"]) == ("10", "35")
    assert outputs["result-file"] == str(RESULT)
    assert outputs["summary-file"] == str(FLEET / "promotion-orchestrate-summary.md")
    assert (outputs["commit-sha"], outputs["pull-request-url"]) == ("", "")
    assert list(outputs) == list(RESULT_OUTPUTS)

    recorded_only = outcome.result.model_copy(update={"rollout": None})
    fallback = result_outputs(recorded_only, settings.layout, settings.workspace)
    assert (fallback["canary-percent-before"], fallback["canary-percent-after"]) == ("10", "35")
    unknown = recorded_only.model_copy(update={"apply": recorded_only.apply.model_copy(update={"record": None})})
    assert result_outputs(unknown, settings.layout, settings.workspace)["canary-percent-after"] == ""
    held = outcome.result.model_copy(
        update={"summary": outcome.result.summary.model_copy(update={"failed_gates": ["a", "b"], "reason_codes": []})}
    )
    assert hold_message(held) == (
        "promotion decision is hold (fail-on-hold): failed gates: a, b; reason codes: none reported"
    )


def test_untrusted_text_is_logged_inside_a_stop_commands_block(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "line one\n::error::forged annotation\n::add-mask::x\n::endgroup::\n"
    print_untrusted("engine output", hostile)
    out = capsys.readouterr().out
    assert "::error::forged annotation" in out
    assert [c.name for c in parse_workflow_commands(out)] == ["group", "endgroup"]


# --- whole runs in-process ---------------------------------------------------------------------


def test_dry_run_sets_outputs_and_appends_each_summary_once(
    runner_env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    registry_before = (runner_env["workspace"] / FLEET / "registry.v1.json").read_bytes()
    code, out = run_main(capsys)
    assert code == 0
    outputs = parse_file_command_outputs(runner_env["output"].read_text())
    assert outputs["decision"] == "promote"
    assert outputs["promote"] == "true"
    assert outputs["status"] == "preview"
    assert outputs["canary-percent-before"] == outputs["canary-percent-after"] == "10"
    assert outputs["result-file"] == str(RESULT)
    assert outputs["artifact-id"] == ""
    summary = runner_env["summary"].read_text()
    assert summary.count("## Ops Manager Promotion CI") == 1
    assert summary.count("## Ops Manager Promotion Orchestration") == 1
    commands = parse_workflow_commands(out)
    assert [c.name for c in commands if c.name in ("error", "warning", "notice")] == ["notice"]
    assert f"::add-mask::{FAKE_GITHUB_TOKEN}" in out
    assert out.count(FAKE_GITHUB_TOKEN) == 1
    assert "GITHUB_TOKEN" not in os.environ
    assert (runner_env["workspace"] / FLEET / "registry.v1.json").read_bytes() == registry_before


def test_hold_under_fail_on_hold_fails_with_the_gates_and_keeps_outputs(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_inputs(monkeypatch, max_drill_age_hours="1", fail_on_hold="true", upload_artifact="false")
    code, out = run_main(capsys)
    assert code == 2
    errors = errors_in(out)
    assert len(errors) == 1
    assert errors[0].startswith("promotion decision is hold (fail-on-hold): failed gates: drill_recency;")
    outputs = parse_file_command_outputs(runner_env["output"].read_text())
    assert outputs["decision"] == "hold"
    assert outputs["status"] == "held"
    assert outputs["failed-gates"] == "drill_recency"
    assert "artifact-id" not in outputs


def test_missing_governance_is_one_error_naming_every_input_and_leaves_a_refused_record(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    registry_before = (runner_env["workspace"] / FLEET / "registry.v1.json").read_bytes()
    set_inputs(monkeypatch, mode="apply")
    code, out = run_main(capsys)
    assert code == 1
    assert errors_in(out) == ["inputs 'by', 'approval-ref', 'rationale' and 'review-by' are required for mode apply"]
    outputs = parse_file_command_outputs(runner_env["output"].read_text())
    assert (outputs["status"], outputs["reason-codes"]) == ("refused", "action_governance_missing")
    assert json.loads((runner_env["workspace"] / RESULT).read_text())["status"] == "refused"
    assert (runner_env["workspace"] / FLEET / "registry.v1.json").read_bytes() == registry_before


def test_a_bad_input_after_the_paths_still_changes_nothing(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_inputs(monkeypatch, mode="apply", **{k.replace("-", "_"): v for k, v in GOVERNANCE.items()})
    set_inputs(monkeypatch, review_by="2001-01-01T00:00:00Z")
    code, out = run_main(capsys)
    assert code == 1
    assert errors_in(out) == ["input 'review-by' must be in the future"]
    assert not (runner_env["workspace"] / FLEET / "promotion-ci-result.json").exists()
    assert not (runner_env["workspace"] / FLEET / "promotion-state.json").exists()
    assert json.loads((runner_env["workspace"] / RESULT).read_text())["refusalReasonCode"] == "action_input_invalid"
    summary = runner_env["summary"].read_text()
    assert "## Ops Manager Promotion CI" not in summary
    assert summary.count("## Ops Manager Promotion Orchestration") == 1


def test_a_repo_path_outside_the_workspace_changes_nothing(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_inputs(monkeypatch, repo_path="../")
    code, out = run_main(capsys)
    assert code == 1
    assert errors_in(out) == ["input 'repo-path' leaves the workspace: ../"]
    assert not (runner_env["workspace"] / RESULT).exists()
    assert not (runner_env["workspace"].parent / RESULT).exists()
    assert parse_file_command_outputs(runner_env["output"].read_text())["status"] == "refused"


def test_hostile_inputs_never_become_workflow_commands(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_inputs(
        monkeypatch,
        evidence_refs="ok-ref\n::error::forged\n::stop-commands::x",
        trace_id="::warning::trace",
    )
    code, out = run_main(capsys)
    assert code == 0
    assert "::error::forged" in out
    names = [c.name for c in parse_workflow_commands(out)]
    assert "error" not in names
    assert "warning" not in names


def test_an_unexpected_failure_is_one_error_line_without_a_traceback(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> NoReturn:
        print("::warning::printed by a library")
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(action_run, "orchestrate", broken)
    code, out = run_main(capsys)
    assert code == 1
    assert "::warning::printed by a library" in out
    commands = parse_workflow_commands(out)
    assert [c.data for c in commands if c.name in ("error", "warning")] == [
        "internal error in the action: RuntimeError: boom second line"
    ]


def test_apply_uploads_what_the_run_produced_as_one_artifact(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_inputs(
        monkeypatch,
        mode="apply",
        artifact_name="rollout-eu",
        artifact_retention_days="3",
        **{k.replace("-", "_"): v for k, v in GOVERNANCE.items()},
    )
    with FakeArtifactService() as service:
        for key, value in service.env().items():
            monkeypatch.setenv(key, value)
        code, _ = run_main(capsys)
        stored = service.artifact("rollout-eu")
    assert code == 0
    workspace = runner_env["workspace"]
    assert registry_rollout(workspace)["canaryPercent"] == 35
    outputs = parse_file_command_outputs(runner_env["output"].read_text())
    assert outputs["status"] == "applied"
    assert outputs["artifact-id"] == str(stored.artifact_id)
    assert stored.expires_at is not None
    with zipfile.ZipFile(BytesIO(stored.content or b"")) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert sorted(members) == [
        "promotion-ci-summary.md",
        "promotion-orchestrate-result.json",
        "promotion-orchestrate-summary.md",
    ]
    for name, content in members.items():
        assert content == (workspace / FLEET / name).read_bytes(), name
    assert json.loads(members["promotion-orchestrate-result.json"])["status"] == "applied"


def test_enterprise_server_skips_the_artifact_with_a_warning(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GHES has no v4 artifact service: the run still succeeds and says why nothing was uploaded."""
    set_inputs(monkeypatch, mode="dry_run")
    with FakeArtifactService() as service:
        for key, value in service.env(GITHUB_SERVER_URL="https://ghe.example.internal").items():
            monkeypatch.setenv(key, value)
        code, stdout = run_main(capsys)
        requests = list(service.requests)
    assert code == 0
    assert requests == []
    assert (
        "::warning::artifact upload skipped: artifact upload (v4) is not supported on GitHub Enterprise Server"
        in stdout
    )
    outputs = parse_file_command_outputs(runner_env["output"].read_text())
    assert outputs["artifact-id"] == ""
    assert outputs["status"] == "preview"


def test_a_failed_upload_is_reported_after_the_outputs(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeArtifactService() as service:
        service.fail_next("CreateArtifact", 1, status=403)
        for key, value in service.env().items():
            monkeypatch.setenv(key, value)
        code, out = run_main(capsys)
    assert code == 1
    errors = errors_in(out)
    assert len(errors) == 1
    assert errors[0].startswith("artifact upload failed: CreateArtifact failed with HTTP 403")
    outputs = parse_file_command_outputs(runner_env["output"].read_text())
    assert (outputs["decision"], outputs["artifact-id"]) == ("promote", "")


def test_the_token_input_reaches_github_through_the_options_not_the_environment(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """persist commit (the apply default) lands one commit; only the github-token input carries the token."""
    workspace = runner_env["workspace"]
    tracked = [p for p in (workspace / FLEET).rglob("*") if p.is_file()]
    with FakeGitHub(token=FAKE_GITHUB_TOKEN) as gh:
        gh.seed_files({p.relative_to(workspace).as_posix(): p.read_text() for p in tracked}, message="fleet state")
        commits = len(gh.commits())
        for key, value in gh.env(PROMOTION_ROLLOUT_GITHUB_THROTTLE="0", GITHUB_ACTOR="release-bot").items():
            if key != "GITHUB_TOKEN":
                monkeypatch.setenv(key, value)
        governance = {k.replace("-", "_"): v for k, v in GOVERNANCE.items() if k not in ("persist", "by")}
        set_inputs(monkeypatch, mode="apply", expand_step="5", upload_artifact="false", **governance)
        code, out = run_main(capsys)
        assert code == 0, out
        assert len(gh.commits()) == commits + 1
        head = gh.head()
        committed = json.loads(gh.read_file(str(FLEET / "registry.v1.json")) or "{}")
    assert "GITHUB_TOKEN" not in os.environ
    assert committed["policy"]["autonomous"]["rollout"]["canaryPercent"] == 15
    assert registry_rollout(workspace)["canaryPercent"] == 15
    outputs = parse_file_command_outputs(runner_env["output"].read_text())
    assert (outputs["status"], outputs["commit-sha"]) == ("applied", head)
    assert out.count(FAKE_GITHUB_TOKEN) == 1
    assert FAKE_GITHUB_TOKEN not in (workspace / RESULT).read_text()


def test_a_job_summary_that_cannot_be_written_fails_the_step_after_the_outputs(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(runner_env["workspace"] / "no-such-dir" / "summary.md"))
    set_inputs(monkeypatch, upload_artifact="false")
    code, out = run_main(capsys)
    assert code == 1
    errors = errors_in(out)
    assert len(errors) == 1
    assert errors[0].startswith("job summary not written: cannot append to ")
    assert parse_file_command_outputs(runner_env["output"].read_text())["status"] == "preview"


def test_an_image_that_cannot_import_the_action_still_fails_with_one_annotation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "orchestrator.action.run", None)
    assert entrypoint.start() == 1
    out = capsys.readouterr().out
    commands = parse_workflow_commands(out)
    assert len(commands) == 1
    assert commands[0].name == "error"
    assert commands[0].data.startswith("promotion-rollout could not start: ModuleNotFoundError: ")
