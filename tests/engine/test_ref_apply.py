"""The reference's promotion-apply suite, one test per scenario, against ``promotion-rollout apply``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.engine.engine_support import (
    FLEET_REL,
    Fleet,
    Runner,
    apply_args,
    assert_one_line_error,
    tree_hashes,
    write_promotion_state,
    write_registry_guarded_auto,
)


def _repo(tmp_path: Path, name: str, canary: int, manual: bool, decision: str) -> Fleet:
    repo = tmp_path / name
    write_registry_guarded_auto(repo, canary, manual)
    write_promotion_state(repo, decision)
    return Fleet(repo)


def test_promotion_apply_expand_mutates_canary_and_clears_manual_pause_on_promote_decision(
    cli: Runner, tmp_path: Path
) -> None:
    fleet = _repo(tmp_path, "repo-expand", 25, True, "promote")
    result = cli(*apply_args(fleet.repo, "--expand-step", "25"))
    assert result.code == 0, result.stderr
    record = result.json()
    assert record["rollout"]["after"]["canaryPercent"] == 50
    assert record["rollout"]["after"]["manualPause"] is False
    assert isinstance(record["traceId"], str)
    assert record["traceId"]
    assert record["loopId"] is None
    assert record["horizonRef"] is None
    assert str(fleet.promotion_state) in record["evidenceRefs"]
    assert fleet.canary() == 50
    assert fleet.manual_pause() is False
    assert fleet.registry_doc()["policy"]["autonomous"]["governance"]["actor"] == "ops-user"
    assert fleet.apply_state.is_file()
    assert fleet.apply_telemetry.is_file()
    assert len(fleet.apply_telemetry.read_text().splitlines()) == 1


def test_promotion_apply_accepts_optional_seam_fields_and_records_them(cli: Runner, tmp_path: Path) -> None:
    fleet = _repo(tmp_path, "repo-seam-fields", 15, False, "promote")
    result = cli(
        *apply_args(
            fleet.repo,
            "--loop-id",
            "loop-a",
            "--horizon-ref",
            "HZ-fleet-promo-v1",
            "--evidence-ref",
            "artifact://promotion-window",
            "--evidence-ref",
            "artifact://fleet-health",
            intent="resume",
        )
    )
    assert result.code == 0, result.stderr
    record = result.json()
    assert record["loopId"] == "loop-a"
    assert record["horizonRef"] == "HZ-fleet-promo-v1"
    assert "artifact://promotion-window" in record["evidenceRefs"]
    assert "artifact://fleet-health" in record["evidenceRefs"]
    assert str(fleet.promotion_state) in record["evidenceRefs"]
    assert fleet.apply_records()[-1]["loopId"] == "loop-a"


def test_promotion_apply_expand_fails_when_promotion_decision_is_hold(cli: Runner, tmp_path: Path) -> None:
    fleet = _repo(tmp_path, "repo-expand-hold", 25, False, "hold")
    before = tree_hashes(fleet.repo)
    result = cli(*apply_args(fleet.repo, "--expand-step", "10"))
    assert_one_line_error(result, contains="intent expand requires promotion decision promote")
    assert tree_hashes(fleet.repo) == before


def test_promotion_apply_rollback_is_safety_allowed_on_hold_decision_and_sets_manual_pause_true(
    cli: Runner, tmp_path: Path
) -> None:
    fleet = _repo(tmp_path, "repo-rollback", 70, False, "hold")
    result = cli(*apply_args(fleet.repo, intent="rollback"))
    assert result.code == 0, result.stderr
    record = result.json()
    assert record["rollout"]["after"]["manualPause"] is True
    assert record["rollout"]["after"]["canaryPercent"] == 70
    assert fleet.manual_pause() is True
    assert fleet.canary() == 70


def test_promotion_apply_requires_governance_mutation_metadata(cli: Runner, tmp_path: Path) -> None:
    fleet = _repo(tmp_path, "repo-governance-required", 25, False, "promote")
    before = tree_hashes(fleet.repo)
    result = cli(
        "apply",
        "--repo",
        str(fleet.repo),
        "--intent",
        "resume",
        "--approval-ref",
        "CAB-114",
        "--rationale",
        "phase11-resume",
        "--review-by",
        "2099-01-01T00:00:00Z",
    )
    assert_one_line_error(result, contains="--by is required")
    assert tree_hashes(fleet.repo) == before


def test_promotion_apply_idempotency_replay_does_not_re_mutate_or_append_telemetry(cli: Runner, tmp_path: Path) -> None:
    """Deliberate difference: the reference replays a key reused with another ``--expand-step``;
    we refuse that with a one-line error and change nothing, and replay only the same request."""
    fleet = _repo(tmp_path, "repo-idempotency", 40, True, "promote")
    first = cli(*apply_args(fleet.repo, "--expand-step", "20", "--idempotency-key", "replay-key-1"))
    assert first.code == 0, first.stderr
    assert fleet.canary() == 60

    replay = cli(*apply_args(fleet.repo, "--expand-step", "20", "--idempotency-key", "replay-key-1"))
    assert replay.code == 0, replay.stderr
    assert replay.json()["replayed"] is True
    assert replay.json()["rollout"]["after"]["canaryPercent"] == 60
    assert fleet.canary() == 60
    assert len(fleet.apply_telemetry.read_text().splitlines()) == 1

    registry_before = fleet.registry.read_bytes()
    telemetry_before = fleet.apply_telemetry.read_bytes()
    different_step = cli(*apply_args(fleet.repo, "--expand-step", "30", "--idempotency-key", "replay-key-1"))
    assert_one_line_error(different_step, contains="replay-key-1")
    assert fleet.registry.read_bytes() == registry_before
    assert fleet.apply_telemetry.read_bytes() == telemetry_before


def test_promotion_apply_state_file_holds_the_last_record(cli: Runner, tmp_path: Path) -> None:
    """Not in the reference suite: the apply state equals the last telemetry record."""
    fleet = _repo(tmp_path, "repo-state", 0, False, "promote")
    result = cli(*apply_args(fleet.repo, "--expand-step", "5", "--trace-id", "trace-apply-1"))
    assert result.code == 0, result.stderr
    state = json.loads(fleet.apply_state.read_text())
    assert state == fleet.apply_records()[-1] == result.json()
    assert state["traceId"] == "trace-apply-1"
    assert state["files"]["registryFile"] == str(fleet.repo / FLEET_REL / "registry.v1.json")
