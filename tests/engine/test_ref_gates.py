"""The reference's promotion-gates suite, one test per scenario, against ``promotion-rollout gates``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.engine.engine_support import (
    Evidence,
    Fleet,
    Runner,
    write_drills,
    write_handoff,
    write_status,
)


def _evidence(tmp_path: Path, *, transport_path: bool = True, **status: object) -> Evidence:
    folder = tmp_path / "evidence"
    return Evidence(
        status=write_status(folder / "status.json", transport_path=transport_path, **status),
        handoff=write_handoff(folder / "handoff.jsonl", 20),
        drills=write_drills(folder / "drills.json"),
    )


def test_promotion_gates_promotes_when_all_gates_pass(cli: Runner, empty_repo: Fleet, tmp_path: Path) -> None:
    ev = _evidence(tmp_path, backlog=2)
    result = cli("gates", "--repo", str(empty_repo.repo), *ev.args())
    assert result.code == 0, result.stderr
    assert result.json()["summary"]["decision"] == "promote"
    state = empty_repo.promotion_state
    assert state.is_file()
    assert empty_repo.promotion_telemetry.is_file()
    assert json.loads(state.read_text())["summary"]["gateFailCount"] == 0
    assert len(empty_repo.promotion_telemetry.read_text().splitlines()) == 1


def test_promotion_gates_holds_when_governance_authority_is_missing(
    cli: Runner, empty_repo: Fleet, tmp_path: Path
) -> None:
    ev = _evidence(
        tmp_path, posture="authority_missing", blocks=True, reason_codes=("autonomous_governance_authority_missing",)
    )
    result = cli("gates", "--repo", str(empty_repo.repo), *ev.args())
    assert result.code == 0
    summary = result.json()["summary"]
    assert summary["decision"] == "hold"
    assert "governance" in summary["failedGates"]
    assert "promotion_governance_authority_missing" in summary["reasonCodes"]


def test_promotion_gates_holds_when_autonomous_sample_is_below_minimum(
    cli: Runner, empty_repo: Fleet, tmp_path: Path
) -> None:
    ev = _evidence(tmp_path)
    write_handoff(ev.handoff, 3)
    result = cli("gates", "--repo", str(empty_repo.repo), *ev.args())
    assert result.code == 0
    summary = result.json()["summary"]
    assert summary["decision"] == "hold"
    assert "outcome_reliability" in summary["failedGates"]
    assert "promotion_autonomous_sample_insufficient" in summary["reasonCodes"]


def test_promotion_gates_holds_when_autopause_is_active_and_suppression_paths_are_incomplete(
    cli: Runner, empty_repo: Fleet, tmp_path: Path
) -> None:
    ev = _evidence(tmp_path, autopause=True, transport_path=False)
    result = cli("gates", "--repo", str(empty_repo.repo), *ev.args())
    assert result.code == 0
    summary = result.json()["summary"]
    assert summary["decision"] == "hold"
    assert "safety_suppression" in summary["failedGates"]
    assert "promotion_autopause_active" in summary["reasonCodes"]
    assert "promotion_suppression_paths_missing" in summary["reasonCodes"]
    assert result.json()["gates"]["safetySuppression"]["missingPaths"] == ["transportGated"]


def test_promotion_gates_fails_closed_to_hold_when_drill_state_evidence_is_missing(
    cli: Runner, empty_repo: Fleet, tmp_path: Path
) -> None:
    ev = _evidence(tmp_path)
    ev.drills.unlink()
    result = cli("gates", "--repo", str(empty_repo.repo), *ev.args())
    assert result.code == 0
    summary = result.json()["summary"]
    assert summary["decision"] == "hold"
    assert "drill_recency" in summary["failedGates"]
    assert "promotion_drill_state_missing" in summary["reasonCodes"]


def test_promotion_gates_fail_on_hold_exits_non_zero_when_decision_is_hold(
    cli: Runner, empty_repo: Fleet, tmp_path: Path
) -> None:
    ev = _evidence(tmp_path, backlog=10)
    result = cli("gates", "--repo", str(empty_repo.repo), *ev.args(), "--fail-on-hold")
    assert result.code == 2
    assert result.json()["summary"]["decision"] == "hold"
    assert "promotion_manual_backlog_exceeded" in result.json()["summary"]["reasonCodes"]
    assert empty_repo.promotion_state.is_file()


def test_example_fleet_promotes_with_generated_fleet_status(cli: Runner, fleet: Fleet) -> None:
    """Not in the reference suite: the bundled example, with status derived from fleet state, promotes."""
    result = cli("gates", "--repo", str(fleet.repo))
    assert result.code == 0, result.stderr
    payload = result.json()
    assert payload["summary"]["decision"] == "promote", payload["summary"]
    assert payload["source"]["fleetStatusSource"] == "generated"
