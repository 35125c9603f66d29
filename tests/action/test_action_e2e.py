"""The built action image run as the GitHub runner runs a container action (needs Docker).

Each test copies the example fleet into a fresh workspace, starts the image with the runner's
mounts and variables (see ``tests/action_harness/fixtures.py``) and checks what a workflow would see:
exit code, annotations, step outputs, the job summary, the workspace and the uploaded artifact.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.action_harness.fixtures import (
    FAKE_GITHUB_TOKEN,
    FLEET_DIR,
    GOVERNANCE,
    REGISTRY,
    RUNNER_OWNER,
    ActionRun,
    ActionRunner,
    foreign_owners,
    give_workspace_to,
    make_workspace,
    registry_rollout,
)
from tests.fakes.artifact_service import CREATE, FakeArtifactService
from tests.fakes.github_server import FakeGitHub

pytestmark = pytest.mark.docker

RESULT = FLEET_DIR / "promotion-orchestrate-result.json"
SUMMARY = FLEET_DIR / "promotion-orchestrate-summary.md"
DEFAULT_ARTIFACT = "promotion-rollout-promotion-rollout-1"
CI_HEADING = "## Ops Manager Promotion CI"
ORCHESTRATE_HEADING = "## Ops Manager Promotion Orchestration"
HOLD = {"max-drill-age-hours": "1"}


@pytest.fixture
def service() -> Iterator[FakeArtifactService]:
    with FakeArtifactService() as fake:
        yield fake


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_no_forged_commands(run: ActionRun) -> None:
    """Only the entrypoint's own commands reach the runner; nothing on stderr looks like one."""
    allowed = {"add-mask", "group", "endgroup", "error", "notice"}
    assert {c.name for c in run.commands} <= allowed, run.describe()
    assert not any(line.lstrip().startswith("::") for line in run.stderr.splitlines()), run.describe()


def test_dry_run_previews_without_touching_the_registry(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    registry_before = digest(workspace / REGISTRY)
    run = action_runner.run(workspace, {"mode": "dry_run"}, service.env())
    assert run.exit_code == 0, run.describe()
    assert run.outputs["decision"] == "promote"
    assert run.outputs["promote"] == "true"
    assert run.outputs["status"] == "preview"
    assert run.outputs["canary-percent-before"] == run.outputs["canary-percent-after"] == "10"
    assert run.outputs["result-file"] == str(RESULT)
    assert run.outputs["trace-id"]
    assert digest(workspace / REGISTRY) == registry_before
    result = json.loads((workspace / RESULT).read_text())
    assert result["files"]["resultFile"] == f"/github/workspace/{RESULT}"
    assert run.step_summary.count(CI_HEADING) == 1
    assert run.step_summary.count(ORCHESTRATE_HEADING) == 1
    assert "/github/workspace" not in run.step_summary
    assert f"Result JSON: `{RESULT}`" in run.step_summary
    assert run.errors == []
    assert f"::add-mask::{FAKE_GITHUB_TOKEN}" in run.stdout
    assert run.stdout.count(FAKE_GITHUB_TOKEN) == 1
    assert_no_forged_commands(run)


def test_apply_expands_the_canary_in_the_workspace_registry(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    inputs = {"mode": "apply", "apply-intent": "expand", "expand-step": "25", "trace-id": "trace-e2e-1", **GOVERNANCE}
    run = action_runner.run(workspace, inputs, service.env())
    assert run.exit_code == 0, run.describe()
    assert run.outputs["status"] == "applied"
    assert run.outputs["trace-id"] == "trace-e2e-1"
    assert (run.outputs["canary-percent-before"], run.outputs["canary-percent-after"]) == ("10", "35")
    assert registry_rollout(workspace)["canaryPercent"] == 35
    record = json.loads((workspace / RESULT).read_text())["apply"]["record"]
    assert record["traceId"] == "trace-e2e-1"
    assert record["files"]["registryFile"].startswith("/github/workspace/")
    assert_no_forged_commands(run)


def test_rollback_on_hold_pauses_the_rollout(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    run = action_runner.run(workspace, {"mode": "rollback", **HOLD, **GOVERNANCE}, service.env())
    assert run.exit_code == 0, run.describe()
    assert run.outputs["decision"] == "hold"
    assert run.outputs["promote"] == "false"
    assert run.outputs["status"] == "rolled_back"
    assert run.outputs["failed-gates"] == "drill_recency"
    assert registry_rollout(workspace)["pause"]["manual"] is True
    assert_no_forged_commands(run)


def test_apply_is_refused_on_hold_and_changes_nothing(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    registry_before = digest(workspace / REGISTRY)
    run = action_runner.run(workspace, {"mode": "apply", **HOLD, **GOVERNANCE}, service.env())
    assert run.exit_code == 1, run.describe()
    assert len(run.errors) == 1
    assert "requires promotion decision promote" in run.errors[0]
    assert (run.outputs["decision"], run.outputs["status"]) == ("hold", "refused")
    assert digest(workspace / REGISTRY) == registry_before
    assert service.artifact("promotion-rollout-promotion-rollout-1").finalized
    assert_no_forged_commands(run)


def test_apply_without_governance_is_one_error_and_leaves_the_whole_record(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    """A refused run: result file, summary file and job summary, outputs and the uploaded artifact."""
    registry_before = digest(workspace / REGISTRY)
    inputs = {"mode": "apply", "by": "release-bot", "trace-id": "trace-refused-e2e"}
    run = action_runner.run(workspace, inputs, service.env())
    assert run.exit_code == 1, run.describe()
    assert run.errors == ["inputs 'approval-ref', 'rationale' and 'review-by' are required for mode apply"]
    assert digest(workspace / REGISTRY) == registry_before
    assert not (workspace / FLEET_DIR / "promotion-ci-result.json").exists()
    result = json.loads((workspace / RESULT).read_text())
    assert (result["status"], result["decision"], result["mode"]) == ("refused", "unknown", "apply")
    assert result["refusalReasonCode"] == "action_governance_missing"
    assert result["summary"]["reasonCodes"] == ["action_governance_missing"]
    assert result["error"] == run.errors[0]
    assert result["files"]["resultFile"] == f"/github/workspace/{RESULT}"
    summary = (workspace / SUMMARY).read_text()
    assert "Status: `refused`" in summary
    assert "/github/workspace" not in summary
    assert run.step_summary.count(ORCHESTRATE_HEADING) == 1
    assert summary in run.step_summary
    assert (run.outputs["status"], run.outputs["decision"], run.outputs["promote"]) == ("refused", "unknown", "false")
    assert run.outputs["reason-codes"] == "action_governance_missing"
    assert run.outputs["trace-id"] == "trace-refused-e2e"
    assert (run.outputs["result-file"], run.outputs["summary-file"]) == (str(RESULT), str(SUMMARY))
    stored = service.artifact(DEFAULT_ARTIFACT)
    assert stored.finalized
    assert run.outputs["artifact-id"] == str(stored.artifact_id)
    with zipfile.ZipFile(io.BytesIO(stored.content or b"")) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert sorted(members) == ["promotion-orchestrate-result.json", "promotion-orchestrate-summary.md"]
    assert members["promotion-orchestrate-result.json"] == (workspace / RESULT).read_bytes()
    assert members["promotion-orchestrate-summary.md"] == (workspace / SUMMARY).read_bytes()
    assert_no_forged_commands(run)


def test_a_repo_path_outside_the_workspace_still_publishes_a_refused_record(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    run = action_runner.run(workspace, {"mode": "dry_run", "repo-path": "../"}, service.env())
    assert run.exit_code == 1, run.describe()
    assert run.errors == ["input 'repo-path' leaves the workspace: ../"]
    assert not (workspace / RESULT).exists()
    assert (run.outputs["status"], run.outputs["reason-codes"]) == ("refused", "action_input_invalid")
    assert run.outputs["result-file"] == ""
    assert run.step_summary.count(ORCHESTRATE_HEADING) == 1
    with zipfile.ZipFile(io.BytesIO(service.artifact(DEFAULT_ARTIFACT).content or b"")) as archive:
        uploaded = json.loads(archive.read("promotion-orchestrate-result.json"))
    assert (uploaded["status"], uploaded["refusalReasonCode"]) == ("refused", "action_input_invalid")
    assert_no_forged_commands(run)


def test_workspace_files_keep_the_workspace_owner_and_their_mode(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    """The container runs as root; what it creates or replaces belongs to the runner's user, modes kept."""
    (workspace / "fleets" / "eu").mkdir(parents=True)
    (workspace / REGISTRY).chmod(0o640)
    give_workspace_to(workspace, *RUNNER_OWNER)
    registry_inode = (workspace / REGISTRY).stat().st_ino
    applied = action_runner.run(workspace, {"mode": "apply", "expand-step": "5", **GOVERNANCE}, service.env())
    assert applied.exit_code == 0, applied.describe()
    refused = action_runner.run(
        workspace, {"mode": "rollback", "repo-path": "fleets/eu", "artifact-name": "refused"}, service.env()
    )
    assert refused.exit_code == 1, refused.describe()
    assert refused.outputs["status"] == "refused"
    assert registry_rollout(workspace)["canaryPercent"] == 15
    assert (workspace / REGISTRY).stat().st_ino != registry_inode
    assert stat.S_IMODE((workspace / REGISTRY).stat().st_mode) == 0o640
    for created in (RESULT, FLEET_DIR / "promotion-apply-state.json", FLEET_DIR / "telemetry" / "promotion.jsonl"):
        assert stat.S_IMODE((workspace / created).stat().st_mode) == 0o644, created
    eu = workspace / "fleets" / "eu"
    assert (eu / RESULT).is_file()
    assert stat.S_IMODE((eu / ".superloop").stat().st_mode) == 0o755
    assert foreign_owners(workspace, RUNNER_OWNER) == {}
    assert os.stat(workspace).st_uid == RUNNER_OWNER[0]


def test_missing_evidence_is_skipped_when_asked(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    (workspace / FLEET_DIR / "drills" / "promotion.v1.json").unlink()
    (workspace / FLEET_DIR / "telemetry" / "handoff.jsonl").unlink()
    run = action_runner.run(workspace, {"mode": "dry_run", "skip-on-missing-evidence": "true"}, service.env())
    assert run.exit_code == 0, run.describe()
    assert run.outputs["decision"] == "skipped"
    assert run.outputs["promote"] == "false"
    assert run.errors == []
    assert_no_forged_commands(run)


def test_fail_on_hold_fails_the_step_naming_the_gates_and_keeps_the_record(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    run = action_runner.run(
        workspace, {"mode": "dry_run", "fail-on-hold": "true", "artifact-name": "held", **HOLD}, service.env()
    )
    assert run.exit_code != 0, run.describe()
    assert len(run.errors) == 1
    assert "hold" in run.errors[0]
    assert "drill_recency" in run.errors[0]
    assert run.outputs["decision"] == "hold"
    assert (workspace / RESULT).is_file()
    assert service.artifact("held").finalized
    assert run.step_summary.count(ORCHESTRATE_HEADING) <= 1
    assert run.step_summary.count(CI_HEADING) == 1
    assert_no_forged_commands(run)


def test_the_result_files_are_uploaded_as_one_artifact(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    inputs = {"mode": "dry_run", "artifact-name": "rollout-preview", "artifact-retention-days": "5"}
    run = action_runner.run(workspace, inputs, service.env())
    assert run.exit_code == 0, run.describe()
    stored = service.artifact("rollout-preview")
    assert stored.finalized
    assert run.outputs["artifact-id"] == str(stored.artifact_id)
    assert stored.expires_at is not None
    with zipfile.ZipFile(io.BytesIO(stored.content or b"")) as archive:
        names = sorted(archive.namelist())
        uploaded = json.loads(archive.read("promotion-orchestrate-result.json"))
    assert names == ["promotion-ci-summary.md", "promotion-orchestrate-result.json", "promotion-orchestrate-summary.md"]
    assert uploaded == json.loads((workspace / RESULT).read_text())


def test_default_artifact_name_and_no_upload_without_the_runtime_service(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    run = action_runner.run(workspace, {"mode": "dry_run"}, service.env())
    assert run.exit_code == 0, run.describe()
    assert list(service.artifacts) == ["promotion-rollout-promotion-rollout-1"]

    local = action_runner.run(workspace, {"mode": "dry_run"})
    assert local.exit_code == 0, local.describe()
    assert local.outputs["artifact-id"] == ""
    assert [c.name for c in local.annotations] == ["notice"]


def test_upload_refused_by_the_service_fails_but_keeps_the_result(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    service.fail_next(CREATE, 1, status=403)
    run = action_runner.run(workspace, {"mode": "dry_run"}, service.env())
    assert run.exit_code == 1, run.describe()
    assert len(run.errors) == 1
    assert run.errors[0].startswith("artifact upload failed: CreateArtifact")
    assert (workspace / RESULT).is_file()
    assert run.outputs["decision"] == "promote"


def test_hostile_inputs_and_paths_outside_the_workspace(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    hostile = {
        "mode": "dry_run",
        "evidence-refs": "ticket-1\n::error::forged from an input\n::add-path::/tmp/evil",
        "loop-id": "::warning::loop",
    }
    run = action_runner.run(workspace, hostile, service.env())
    assert run.exit_code == 0, run.describe()
    assert "::error::forged from an input" in run.stdout
    assert run.errors == []
    assert_no_forged_commands(run)

    escaped = action_runner.run(workspace, {"mode": "dry_run", "drill-state-file": "../../etc/passwd"})
    assert escaped.exit_code == 1, escaped.describe()
    assert escaped.errors == ["input 'drill-state-file' leaves the workspace: ../../etc/passwd"]
    assert json.loads((workspace / RESULT).read_text())["refusalReasonCode"] == "action_input_invalid"


def test_apply_with_persist_commit_lands_one_commit_through_the_api(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    """The default for apply: one commit through GITHUB_API_URL, mirrored into the workspace."""
    tracked = [p for p in (workspace / FLEET_DIR).rglob("*") if p.is_file()]
    with FakeGitHub(token=FAKE_GITHUB_TOKEN, repository="supergent/fleet-config") as gh:
        gh.seed_files({p.relative_to(workspace).as_posix(): p.read_text() for p in tracked}, message="fleet state")
        commits = len(gh.commits())
        inputs = {**GOVERNANCE, "mode": "apply", "expand-step": "5", "persist": "commit", "by": ""}
        env = {**service.env(), "GITHUB_API_URL": gh.api_url, "PROMOTION_ROLLOUT_GITHUB_THROTTLE": "0"}
        run = action_runner.run(workspace, inputs, env)
        assert run.exit_code == 0, run.describe()
        assert len(gh.commits()) == commits + 1
        assert run.outputs["commit-sha"] == gh.head()
        committed = json.loads(gh.read_file(str(REGISTRY)) or "{}")
        message = gh.commits()[0].message
        deployment = gh.repo().deployments()[-1]
        states = [s["state"] for s in gh.repo().deployment_statuses(int(str(deployment["id"])))]
    assert committed["policy"]["autonomous"]["rollout"]["canaryPercent"] == 15
    assert registry_rollout(workspace)["canaryPercent"] == 15
    assert "release-bot" in message
    assert run.outputs["trace-id"] in message
    assert states == ["in_progress", "success"]
    assert FAKE_GITHUB_TOKEN not in (workspace / RESULT).read_text()
    assert run.stdout.count(FAKE_GITHUB_TOKEN) == 1
    assert_no_forged_commands(run)
