"""The action entrypoint in-process: input mapping, workspace confinement, outputs, log safety."""

from __future__ import annotations

import json
import os
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from action_fixtures import (
    FAKE_GITHUB_TOKEN,
    GOVERNANCE,
    action_metadata,
    make_workspace,
    parse_file_command_outputs,
    parse_workflow_commands,
    registry_rollout,
)
from fakes.artifact_service import FakeArtifactService

import entrypoint
from entrypoint import (
    LIST_INPUTS,
    PATH_INPUTS,
    SWITCH_INPUTS,
    VALUE_INPUTS,
    ActionInputs,
    InputError,
    Plan,
    build_plan,
    default_artifact_name,
    engine_error,
    outputs_from_result,
    parse_retention_days,
    print_untrusted,
    read_inputs,
    resolve_in_workspace,
    run_engine,
)

ACTION_ONLY_INPUTS = {"repo-path", "upload-artifact", "artifact-name", "artifact-retention-days", "github-token"}


def inputs(**overrides: Any) -> ActionInputs:
    base: dict[str, Any] = {
        "values": {},
        "paths": {},
        "switches": {},
        "lists": {},
    }
    base.update(overrides)
    return ActionInputs(**base)


@pytest.fixture
def runner_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The variables a runner sets, pointing at files under tmp_path; every INPUT_ cleared first."""
    for key in list(os.environ):
        if key.startswith(("INPUT_", "GITHUB_", "ACTIONS_")):
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
    try:
        code = entrypoint.main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().out


# --- action.yml <-> mapping ------------------------------------------------------------------


def test_action_yml_declares_exactly_the_mapped_inputs_and_produced_outputs(tmp_path: Path) -> None:
    declared_inputs, declared_outputs = action_metadata()
    mapped = {name for table in (VALUE_INPUTS, PATH_INPUTS, SWITCH_INPUTS, LIST_INPUTS) for name, _ in table}
    assert set(declared_inputs) == mapped | ACTION_ONLY_INPUTS

    plan = build_plan(inputs(), tmp_path, {})
    produced = set(outputs_from_result({}, plan)) | {"artifact-id", "artifact-url"}
    assert set(declared_outputs) == produced


def test_action_yml_defaults_match_the_documented_behaviour() -> None:
    defaults, _ = action_metadata()
    assert defaults["mode"] == "dry_run"
    assert defaults["apply-intent"] == "expand"
    assert defaults["expand-step"] == "25"
    assert defaults["upload-artifact"] == "true"
    assert defaults["github-token"] == "${{ github.token }}"
    assert defaults["window-executions"] == ""


# --- reading and mapping inputs ---------------------------------------------------------------


def test_read_inputs_uses_the_runner_variable_names_with_hyphens(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INPUT_APPLY-INTENT", "resume")
    monkeypatch.setenv("INPUT_FAIL-ON-HOLD", "True")
    monkeypatch.setenv("INPUT_EVIDENCE-REFS", "  https://ci/run/1  \n\nTICKET-9\n")
    monkeypatch.setenv("INPUT_UPLOAD-ARTIFACT", "FALSE")
    read = read_inputs()
    assert read.values["apply-intent"] == "resume"
    assert read.switches["fail-on-hold"] is True
    assert read.lists["evidence-refs"] == ["https://ci/run/1", "TICKET-9"]
    assert read.upload_artifact is False
    assert read.github_token == FAKE_GITHUB_TOKEN


def test_a_boolean_input_outside_yaml_core_schema_is_refused(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INPUT_FAIL-ON-HOLD", "yes")
    with pytest.raises(InputError, match="input 'fail-on-hold' must be true or false"):
        read_inputs()


def test_build_plan_maps_every_input_onto_its_flag(tmp_path: Path) -> None:
    (tmp_path / "fleet").mkdir()
    plan = build_plan(
        inputs(
            values={"mode": "apply", "expand-step": "10", "by": "alice", "rationale": "-- urgent"},
            paths={"drill-state-file": "fleet/drills.json"},
            switches={"skip-on-missing-evidence": True, "fail-on-hold": False},
            lists={"evidence-refs": ["ref-1", "ref-2"]},
            repo_path="fleet",
        ),
        tmp_path,
        {},
    )
    root = Path(os.path.realpath(tmp_path))
    fleet = root / "fleet" / ".superloop/ops-manager/fleet"
    assert plan.argv == [
        "orchestrate",
        f"--repo={root / 'fleet'}",
        "--mode=apply",
        "--expand-step=10",
        "--by=alice",
        "--rationale=-- urgent",
        "--persist=commit",
        f"--drill-state-file={root / 'fleet/drills.json'}",
        "--skip-on-missing-evidence",
        "--evidence-ref=ref-1",
        "--evidence-ref=ref-2",
        f"--result-file={fleet / 'promotion-orchestrate-result.json'}",
        f"--summary-file={fleet / 'promotion-orchestrate-summary.md'}",
        f"--promotion-ci-result-file={fleet / 'promotion-ci-result.json'}",
        f"--promotion-ci-summary-file={fleet / 'promotion-ci-summary.md'}",
    ]


def test_mutations_default_to_a_commit_by_the_runs_actor(tmp_path: Path) -> None:
    plan = build_plan(inputs(values={"mode": "rollback"}), tmp_path, {"GITHUB_ACTOR": "octocat"})
    assert "--persist=commit" in plan.argv
    assert "--by=octocat" in plan.argv
    dry = build_plan(inputs(values={"mode": "dry_run"}), tmp_path, {"GITHUB_ACTOR": "octocat"})
    assert not any(arg.startswith(("--persist", "--by")) for arg in dry.argv)
    explicit = build_plan(inputs(values={"mode": "apply", "persist": "none", "by": "alice"}), tmp_path, {})
    assert "--persist=none" in explicit.argv
    assert "--by=alice" in explicit.argv


def test_empty_inputs_leave_the_engine_defaults(tmp_path: Path) -> None:
    plan = build_plan(inputs(values={name: "" for name, _ in VALUE_INPUTS}), tmp_path, {})
    flags = [arg.split("=", 1)[0] for arg in plan.argv]
    assert flags == [
        "orchestrate",
        "--repo",
        "--result-file",
        "--summary-file",
        "--promotion-ci-result-file",
        "--promotion-ci-summary-file",
    ]


@pytest.mark.parametrize("value", ["..", "../elsewhere", "/etc", "sub/../../x"])
def test_paths_that_leave_the_workspace_are_refused(tmp_path: Path, value: str) -> None:
    workspace = tmp_path / "ws"
    (workspace / "sub").mkdir(parents=True)
    with pytest.raises(InputError, match="input 'repo-path' leaves the workspace"):
        resolve_in_workspace(value, workspace, "repo-path")


def test_a_symlink_out_of_the_workspace_is_refused(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "escape").symlink_to(tmp_path)
    with pytest.raises(InputError, match="leaves the workspace"):
        resolve_in_workspace("escape/secret.json", workspace, "drill-state-file")


def test_relative_and_absolute_paths_inside_the_workspace_are_accepted(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    (workspace / "a").mkdir(parents=True)
    root = Path(os.path.realpath(workspace))
    assert resolve_in_workspace(".", workspace, "repo-path") == root
    assert resolve_in_workspace("a/../a/f.json", workspace, "x") == root / "a" / "f.json"
    assert resolve_in_workspace(str(workspace / "a"), workspace, "x") == root / "a"


def test_retention_days_must_be_a_positive_whole_number() -> None:
    assert parse_retention_days("") is None
    assert parse_retention_days("14") == 14
    for bad in ("0", "-3", "1.5", "two weeks"):
        with pytest.raises(InputError, match="artifact-retention-days"):
            parse_retention_days(bad)


def test_default_artifact_name_is_unique_per_job_fleet_and_attempt() -> None:
    env = {"GITHUB_JOB": "rollout", "GITHUB_RUN_ATTEMPT": "2"}
    assert default_artifact_name(env, ".") == "promotion-rollout-rollout-2"
    assert default_artifact_name(env, "fleets/eu west") == "promotion-rollout-rollout-fleets-eu-west-2"
    assert default_artifact_name({}, ".") == "promotion-rollout-local-1"


def test_an_unusable_artifact_name_is_refused_before_the_engine_runs(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="input 'artifact-name' is not usable"):
        build_plan(inputs(artifact_name="fleets/eu"), tmp_path, {})
    assert build_plan(inputs(artifact_name="fleets/eu", upload_artifact=False), tmp_path, {}).argv[0] == "orchestrate"


# --- engine run and result --------------------------------------------------------------------


def test_engine_errors_name_action_inputs_instead_of_flags() -> None:
    stderr = "usage: x\nerror: --by is required for mode apply\n"
    assert engine_error(stderr, 1) == "input 'by' is required for mode apply"
    assert engine_error("error: --unknown-flag is odd\n", 1) == "--unknown-flag is odd"
    assert engine_error("", 3) == "promotion-rollout orchestrate exited with code 3"


def test_run_engine_captures_output_and_contains_crashes() -> None:
    def noisy(argv: list[str]) -> int:
        print("::warning::from the engine")
        raise RuntimeError("boom\nsecond line")

    run = run_engine(["x"], main=noisy)
    assert run.exit_code == 1
    assert "::warning::from the engine" in run.stdout
    assert "error: internal error in the engine: RuntimeError: boom" in run.stderr

    def exits(argv: list[str]) -> int:
        raise SystemExit(2)

    assert run_engine([], main=exits).exit_code == 2


def test_outputs_fall_back_to_the_apply_record_for_the_canary(tmp_path: Path) -> None:
    plan: Plan = build_plan(inputs(), tmp_path, {})
    result = {
        "decision": "promote",
        "status": "applied",
        "traceId": "t-1",
        "summary": {"failedGates": [], "reasonCodes": ["a", "b"]},
        "rollout": None,
        "apply": {"record": {"rollout": {"before": {"canaryPercent": 10}, "after": {"canaryPercent": 35}}}},
    }
    outputs = outputs_from_result(result, plan)
    assert outputs["promote"] == "true"
    assert outputs["reason-codes"] == "a,b"
    assert (outputs["canary-percent-before"], outputs["canary-percent-after"]) == ("10", "35")
    assert outputs["result-file"] == ".superloop/ops-manager/fleet/promotion-orchestrate-result.json"
    empty = outputs_from_result({"decision": "skipped", "rollout": None}, plan)
    assert (empty["promote"], empty["canary-percent-before"], empty["failed-gates"]) == ("false", "", "")


def test_untrusted_text_is_logged_inside_a_stop_commands_block(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "line one\n::error::forged annotation\n::add-mask::x\n::endgroup::\n"
    print_untrusted("engine output", hostile)
    out = capsys.readouterr().out
    assert "::error::forged annotation" in out
    assert [c.name for c in parse_workflow_commands(out)] == ["group", "endgroup"]


# --- whole runs in-process ---------------------------------------------------------------------


def test_dry_run_sets_outputs_and_appends_each_summary_once(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    registry_before = (runner_env["workspace"] / ".superloop/ops-manager/fleet/registry.v1.json").read_bytes()
    code, out = run_main(capsys)
    assert code == 0
    outputs = parse_file_command_outputs(runner_env["output"].read_text())
    assert outputs["decision"] == "promote"
    assert outputs["promote"] == "true"
    assert outputs["status"] == "preview"
    assert outputs["canary-percent-before"] == outputs["canary-percent-after"] == "10"
    assert outputs["artifact-id"] == ""
    summary = runner_env["summary"].read_text()
    assert summary.count("## Ops Manager Promotion CI") == 1
    assert summary.count("## Ops Manager Promotion Orchestration") == 1
    commands = parse_workflow_commands(out)
    assert [c.name for c in commands if c.name in ("error", "warning", "notice")] == ["notice"]
    assert f"::add-mask::{FAKE_GITHUB_TOKEN}" in out
    assert out.count(FAKE_GITHUB_TOKEN) == 1
    assert (runner_env["workspace"] / ".superloop/ops-manager/fleet/registry.v1.json").read_bytes() == registry_before


def test_hold_under_fail_on_hold_fails_with_the_gates_and_keeps_outputs(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_inputs(monkeypatch, max_drill_age_hours="1", fail_on_hold="true", upload_artifact="false")
    code, out = run_main(capsys)
    assert code == 2
    errors = [c.data for c in parse_workflow_commands(out) if c.name == "error"]
    assert len(errors) == 1
    assert "hold" in errors[0]
    assert "drill_recency" in errors[0]
    outputs = parse_file_command_outputs(runner_env["output"].read_text())
    assert outputs["decision"] == "hold"
    assert outputs["failed-gates"] == "drill_recency"


def test_missing_governance_is_one_error_naming_the_input(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_inputs(monkeypatch, mode="apply")
    code, out = run_main(capsys)
    assert code == 1
    errors = [c.data for c in parse_workflow_commands(out) if c.name == "error"]
    assert errors == ["input 'by' is required for mode apply"]
    assert runner_env["output"].read_text() == ""


def test_a_repo_path_outside_the_workspace_changes_nothing(
    runner_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_inputs(monkeypatch, repo_path="../")
    code, out = run_main(capsys)
    assert code == 1
    errors = [c.data for c in parse_workflow_commands(out) if c.name == "error"]
    assert errors == ["input 'repo-path' leaves the workspace: ../"]
    assert not (runner_env["workspace"] / ".superloop/ops-manager/fleet/promotion-orchestrate-result.json").exists()


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


def test_apply_uploads_the_result_files_as_one_artifact(
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
    assert registry_rollout(runner_env["workspace"])["canaryPercent"] == 35
    outputs = parse_file_command_outputs(runner_env["output"].read_text())
    assert outputs["status"] == "applied"
    assert outputs["artifact-id"] == str(stored.artifact_id)
    assert stored.expires_at is not None
    with zipfile.ZipFile(BytesIO(stored.content or b"")) as archive:
        names = sorted(archive.namelist())
        result = json.loads(archive.read("promotion-orchestrate-result.json"))
    assert names == ["promotion-ci-summary.md", "promotion-orchestrate-result.json", "promotion-orchestrate-summary.md"]
    assert result["status"] == "applied"


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
