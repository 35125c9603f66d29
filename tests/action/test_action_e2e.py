"""The built action image run as the GitHub runner runs a container action (needs Docker).

Each test copies the example fleet into a fresh workspace, starts the image with the runner's
mounts and variables (see ``tests/action_harness/fixtures.py``) and checks what a workflow would see:
exit code, annotations, step outputs, the job summary, the workspace and the uploaded artifact.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.action_harness.fixtures import (
    FAKE_GITHUB_TOKEN,
    FLEET_DIR,
    GOVERNANCE,
    REGISTRY,
    ActionRun,
    ActionRunner,
    make_workspace,
    registry_rollout,
)
from tests.fakes.artifact_service import CREATE, FakeArtifactService
from tests.fakes.github_server import FakeGitHub

pytestmark = pytest.mark.docker

RESULT = FLEET_DIR / "promotion-orchestrate-result.json"
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


def test_apply_without_governance_is_one_error_naming_the_input(
    action_runner: ActionRunner, workspace: Path, service: FakeArtifactService
) -> None:
    registry_before = digest(workspace / REGISTRY)
    run = action_runner.run(workspace, {"mode": "apply", "by": "release-bot"}, service.env())
    assert run.exit_code == 1, run.describe()
    assert run.errors == ["input 'approval-ref' is required for mode apply"]
    assert digest(workspace / REGISTRY) == registry_before
    assert not (workspace / RESULT).exists()
    assert_no_forged_commands(run)


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
