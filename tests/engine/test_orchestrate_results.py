"""Orchestrate always leaves a result: a failed decision phase is reported as ``refused``."""

from __future__ import annotations

import json

from tests.engine.engine_support import Fleet, Runner, assert_one_line_error

GOVERNANCE = ("--by", "ops", "--approval-ref", "CHG-1", "--rationale", "r", "--review-by", "2099-01-01T00:00:00Z")


def _result(fleet: Fleet) -> dict[str, object]:
    data = json.loads((fleet.dir / "promotion-orchestrate-result.json").read_text())
    assert isinstance(data, dict)
    return data


def test_dry_run_with_unreadable_fleet_status_writes_a_refused_result(fleet: Fleet, cli: Runner) -> None:
    missing = fleet.repo / "no-such-status.json"
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run", "--fleet-status-file", str(missing))
    assert_one_line_error(result, contains="fleet status file not found")
    written = _result(fleet)
    assert written["status"] == "refused"
    assert written["decision"] == "unknown"
    assert "fleet status file not found" in str(written["decisionError"])
    assert result.json() == written
    summary = (fleet.dir / "promotion-orchestrate-summary.md").read_text()
    assert "Status: `refused`" in summary


def test_apply_with_broken_fleet_status_changes_nothing(fleet: Fleet, cli: Runner) -> None:
    status = fleet.repo / "status.json"
    status.write_text("{not json")
    registry = fleet.registry.read_bytes()
    result = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "apply", "--fleet-status-file", str(status), *GOVERNANCE
    )
    assert_one_line_error(result, contains="invalid fleet status JSON")
    assert _result(fleet)["status"] == "refused"
    assert fleet.registry.read_bytes() == registry
    assert not fleet.apply_telemetry.exists()


def test_rollback_goes_ahead_when_the_decision_phase_fails(fleet: Fleet, cli: Runner) -> None:
    missing = fleet.repo / "no-such-status.json"
    result = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "rollback", "--fleet-status-file", str(missing), *GOVERNANCE
    )
    assert result.code == 0, result.stderr
    written = _result(fleet)
    assert written["status"] == "rolled_back"
    assert written["overrides"] == ["promotion_rollback_decision_failed_overridden"]
    apply = written["apply"]
    assert isinstance(apply, dict)
    record = apply["record"]
    assert "promotion_rollback_decision_failed_overridden" in record["reasonCodes"]
    assert json.loads(fleet.registry.read_text())["policy"]["autonomous"]["rollout"]["pause"]["manual"] is True
