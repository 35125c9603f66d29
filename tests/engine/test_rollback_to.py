"""``--rollback-to PERCENT``: a rollback that also sets the canary share back, off by default."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.core.apply_request import ApplyRequest, parse_rollback_to, validate_request_fields
from orchestrator.core.errors import InvalidInput
from tests.engine.engine_support import GOVERNANCE_ARGS, REPO_ROOT, Fleet, Runner, assert_one_line_error, tree_hashes
from tests.fakes.github_server import FakeGitHub


def rollback(cli: Runner, fleet: Fleet, *extra: str) -> dict[str, object]:
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "rollback", *GOVERNANCE_ARGS, *extra)
    assert result.code == 0, result.stderr
    payload: dict[str, object] = result.json()
    return payload


def test_rollback_keeps_the_share_by_default_as_the_reference_does(cli: Runner, fleet: Fleet) -> None:
    result = rollback(cli, fleet)
    assert (fleet.canary(), fleet.manual_pause()) == (10, True)
    record = fleet.apply_records()[-1]
    assert "rollbackTo" not in record
    assert record["rollout"]["after"] == {"canaryPercent": 10, "manualPause": True}
    assert result["status"] == "rolled_back"


@pytest.mark.parametrize("percent", ["0", "5", "100"])
def test_orchestrate_rollback_to_sets_the_share_and_records_it(cli: Runner, fleet: Fleet, percent: str) -> None:
    result = rollback(cli, fleet, "--rollback-to", percent)
    assert (fleet.canary(), fleet.manual_pause()) == (int(percent), True)
    record = fleet.apply_records()[-1]
    assert record["rollbackTo"] == int(percent)
    assert record["rollout"]["after"] == {"canaryPercent": int(percent), "manualPause": True}
    assert record["rollout"]["changed"]["canaryPercent"] is (percent != "10")
    rollout = result["rollout"]
    assert isinstance(rollout, dict)
    assert rollout["after"] == {"canaryPercent": int(percent), "manualPause": True}


def test_apply_rollback_to_sets_the_share(cli: Runner, fleet: Fleet) -> None:
    result = cli("apply", "--repo", str(fleet.repo), "--intent", "rollback", "--rollback-to", "0", *GOVERNANCE_ARGS)
    assert result.code == 0, result.stderr
    assert result.json()["rollbackTo"] == 0
    assert (fleet.canary(), fleet.manual_pause()) == (0, True)
    resumed = cli("gates", "--repo", str(fleet.repo))
    assert resumed.code == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["apply", "--intent", "expand"], "--rollback-to applies only to --intent rollback (got --intent expand)"),
        (["apply", "--intent", "resume"], "--rollback-to applies only to --intent rollback (got --intent resume)"),
        (["orchestrate", "--mode", "apply"], "--rollback-to applies only to mode rollback (got mode apply)"),
        (["orchestrate", "--mode", "dry_run"], "--rollback-to applies only to mode rollback (got mode dry_run)"),
    ],
)
def test_rollback_to_with_another_intent_or_mode_is_refused(
    cli: Runner, fleet: Fleet, argv: list[str], message: str
) -> None:
    before = tree_hashes(fleet.repo)
    result = cli(argv[0], "--repo", str(fleet.repo), *argv[1:], "--rollback-to", "0", *GOVERNANCE_ARGS)
    assert_one_line_error(result, contains=message)
    assert tree_hashes(fleet.repo) == before


@pytest.mark.parametrize("value", ["101", "-1", "ten", "", "1e2"])
def test_rollback_to_must_be_a_percent(cli: Runner, fleet: Fleet, value: str) -> None:
    before = tree_hashes(fleet.repo)
    result = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "rollback", f"--rollback-to={value}", *GOVERNANCE_ARGS
    )
    line = assert_one_line_error(result, contains="--rollback-to must be an integer between 0 and 100")
    assert f"(got {json.dumps(value)})" in line
    assert tree_hashes(fleet.repo) == before


def test_a_key_replays_only_the_same_rollback_to(cli: Runner, fleet: Fleet) -> None:
    rollback(cli, fleet, "--rollback-to", "0", "--idempotency-key", "rb-1")
    again = rollback(cli, fleet, "--rollback-to", "0", "--idempotency-key", "rb-1")
    apply = again["apply"]
    assert isinstance(apply, dict)
    assert apply["replayed"] is True
    other = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "rollback", *GOVERNANCE_ARGS,
        "--rollback-to", "5", "--idempotency-key", "rb-1",
    )  # fmt: skip
    assert_one_line_error(other, contains="was used for rollback-to 0; refusing to reuse it for rollback-to 5")
    plain = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "rollback", *GOVERNANCE_ARGS, "--idempotency-key", "rb-1"
    )
    assert_one_line_error(plain, contains="refusing to reuse it for rollback-to none")
    assert fleet.canary() == 0
    assert len(fleet.apply_records()) == 1


def test_the_request_judges_rollback_to() -> None:
    assert parse_rollback_to(None) is None
    assert parse_rollback_to("007") == 7
    request = ApplyRequest(
        intent="expand", by="a", approval_ref="b", rationale="c", review_by="d", trace_id="t", rollback_to=0
    )
    with pytest.raises(InvalidInput) as caught:
        validate_request_fields(request)
    assert caught.value.option == "rollback-to"


# --- the GitHub path plans with the same planner ------------------------------------------------

FLEET = ".superloop/ops-manager/fleet"
TRACKED = ("registry.v1.json", "telemetry/handoff.jsonl", "drills/promotion.v1.json", "state.json")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    repo = tmp_path / "work space"
    shutil.copytree(REPO_ROOT / "examples/fleet", repo)
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples/tools/make_evidence.py"), str(repo), "--drills-only"], check=True
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


def test_persist_commit_rolls_the_share_back_on_the_branch(cli: Runner, workspace: Path, gh: FakeGitHub) -> None:
    result = cli(
        "orchestrate", "--repo", str(workspace), "--mode", "rollback", "--persist", "commit",
        "--rollback-to", "0", *GOVERNANCE_ARGS,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    registry = json.loads(gh.read_file(f"{FLEET}/registry.v1.json") or "")
    assert registry["policy"]["autonomous"]["rollout"]["canaryPercent"] == 0
    assert registry["policy"]["autonomous"]["rollout"]["pause"]["manual"] is True
    telemetry = (gh.read_file(f"{FLEET}/telemetry/promotion-apply.jsonl") or "").splitlines()
    assert json.loads(telemetry[-1])["rollbackTo"] == 0
