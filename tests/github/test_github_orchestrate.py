"""``orchestrate --persist ...`` end to end against the fake GitHub: the CLI wiring of the GitHub layer."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.cli import main
from tests.fakes.github_server import FakeGitHub

ROOT = Path(__file__).resolve().parents[2]
FLEET = ".superloop/ops-manager/fleet"
TRACKED = (
    "registry.v1.json",
    "telemetry/handoff.jsonl",
    "drills/promotion.v1.json",
    "state.json",
    "policy-state.json",
    "handoff-state.json",
    "telemetry/reconcile.jsonl",
)
GOVERNANCE = [
    "--by",
    "operator",
    "--approval-ref",
    "#7",
    "--rationale",
    "canary healthy",
    "--review-by",
    "2099-01-01T00:00:00Z",
]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    repo = tmp_path / "work space"
    shutil.copytree(ROOT / "examples/fleet", repo)
    subprocess.run(
        [sys.executable, str(ROOT / "examples/tools/make_evidence.py"), str(repo), "--drills-only"], check=True
    )
    (repo / ".git").mkdir()
    return repo


@pytest.fixture
def gh(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.seed_files({f"{FLEET}/{name}": (workspace / FLEET / name).read_text() for name in TRACKED})
        for key, value in server.env(GITHUB_WORKSPACE=str(workspace)).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("PROMOTION_ROLLOUT_GITHUB_THROTTLE", "0")
        yield server


def run(workspace: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object], str]:
    code = main(["orchestrate", "--repo", str(workspace), *args])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_persist_commit_makes_one_commit_and_a_deployment(
    workspace: Path, gh: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(gh.commits())
    code, result, err = run(
        workspace, capsys, "--mode", "apply", "--expand-step", "15", "--persist", "commit", *GOVERNANCE
    )
    assert code == 0, err
    assert result["status"] == "applied"
    github = result["github"]
    assert isinstance(github, dict)
    assert github["commitSha"] == gh.head()
    assert len(gh.commits()) == before + 1
    registry = json.loads(gh.read_file(f"{FLEET}/registry.v1.json") or "")
    assert registry["policy"]["autonomous"]["rollout"]["canaryPercent"] == 25
    assert (workspace / FLEET / "registry.v1.json").read_text() == gh.read_file(f"{FLEET}/registry.v1.json")
    telemetry = (gh.read_file(f"{FLEET}/telemetry/promotion-apply.jsonl") or "").splitlines()
    assert len(telemetry) == 1
    assert json.loads(telemetry[0])["rollout"]["after"]["canaryPercent"] == 25
    message = gh.commits()[0].message
    assert "expand" in message
    assert "10% -> 25%" in message
    assert "operator" in message
    assert "#7" in message
    trace_id = result["traceId"]
    assert isinstance(trace_id, str)
    assert trace_id in message
    deployment = gh.repo().deployments()[-1]
    states = [s["state"] for s in gh.repo().deployment_statuses(int(str(deployment["id"])))]
    assert states == ["in_progress", "success"]
    assert gh.token not in json.dumps(result)
    assert gh.token not in err


def test_rerun_with_same_key_replays_without_a_commit(
    workspace: Path, gh: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--mode", "apply", "--persist", "commit", "--idempotency-key", "k-1", *GOVERNANCE]
    assert run(workspace, capsys, *args)[0] == 0
    commits = len(gh.commits())
    code, result, _ = run(workspace, capsys, *args)
    assert code == 0
    assert len(gh.commits()) == commits
    apply = result["apply"]
    assert isinstance(apply, dict)
    record = apply["record"]
    assert record["replayed"] is True


def test_self_approval_is_refused_and_nothing_changes(
    workspace: Path, gh: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    number = gh.repo().add_pull(author="operator")
    gh.repo().add_review(number, "operator", "APPROVED")
    registry = (workspace / FLEET / "registry.v1.json").read_bytes()
    commits = len(gh.commits())
    code, result, err = run(
        workspace,
        capsys,
        "--mode",
        "apply",
        "--persist",
        "commit",
        "--require-approval",
        "--by",
        "operator",
        "--approval-ref",
        f"#{number}",
        "--rationale",
        "r",
        "--review-by",
        "2099-01-01T00:00:00Z",
    )
    assert code == 1
    assert result["status"] == "refused"
    assert result["refusalReasonCode"] == "promotion_approval_self_approved"
    assert err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1
    assert len(gh.commits()) == commits
    assert (workspace / FLEET / "registry.v1.json").read_bytes() == registry


def test_failed_required_check_refuses_before_any_mutation(
    workspace: Path, gh: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    gh.repo().add_check_run(gh.head(), "build", status="completed", conclusion="failure")
    commits = len(gh.commits())
    code, result, err = run(
        workspace, capsys, "--mode", "rollback", "--persist", "commit", "--require-checks", "build,lint", *GOVERNANCE
    )
    assert code == 1
    assert result["refusalReasonCode"] in {"promotion_checks_failed", "promotion_checks_missing"}
    assert "build" in err
    assert "lint" in err
    assert len(gh.commits()) == commits


def test_pull_request_mode_opens_a_pull_request(
    workspace: Path, gh: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    main_head = gh.head()
    code, result, err = run(workspace, capsys, "--mode", "rollback", "--persist", "pull-request", *GOVERNANCE)
    assert code == 0, err
    github = result["github"]
    assert isinstance(github, dict)
    assert github["pullRequestUrl"]
    assert str(github["branch"]).startswith("promotion-rollout/example-fleet/")
    assert gh.head() == main_head


def test_dry_run_never_calls_github(workspace: Path, gh: FakeGitHub, capsys: pytest.CaptureFixture[str]) -> None:
    seen = len(gh.requests)
    code, result, _ = run(workspace, capsys, "--mode", "dry_run", "--persist", "commit")
    assert code == 0
    assert result["github"] is None
    assert len(gh.requests) == seen


def test_invalid_persist_value_is_a_one_line_error(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["orchestrate", "--repo", str(workspace), "--mode", "apply", "--persist", "force", *GOVERNANCE])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.strip().splitlines() == [
        'error: --persist must be one of none, commit, pull-request (got "force"); see promotion-rollout orchestrate --help'
    ]
