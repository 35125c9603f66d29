"""Evidence that says two things at once fails closed: a repeated key, or two flags that disagree."""

from __future__ import annotations

import json
from pathlib import Path

from tests.engine.engine_support import Evidence, Fleet, Runner, assert_one_line_error, write_status


def _decision(cli: Runner, *args: str) -> dict[str, object]:
    result = cli("gates", *args)
    assert result.code == 0, result.stderr
    state: dict[str, object] = result.json()
    return state


def test_a_drill_status_given_twice_holds(cli: Runner, fleet: Fleet) -> None:
    doc = json.loads(fleet.drills.read_text())
    first = {key: value for key, value in doc["drills"][0].items() if key != "status"}
    doc["drills"][0] = "__FORGED__"
    fields = ", ".join(f"{json.dumps(key)}: {json.dumps(value)}" for key, value in first.items())
    forged = "{" + fields + ', "status": "fail", "status": "pass"}'
    fleet.drills.write_text(json.dumps(doc, indent=2).replace('"__FORGED__"', forged))

    state = _decision(cli, "--repo", str(fleet.repo))

    summary = state["summary"]
    assert isinstance(summary, dict)
    assert summary["decision"] == "hold"
    assert "drill_recency" in summary["failedGates"]
    errors = state["evidenceErrors"]
    assert isinstance(errors, list)
    assert any("repeats the key 'status'" in error["message"] for error in errors)


def test_a_status_file_with_a_repeated_key_fails_every_status_gate(
    cli: Runner, empty_repo: Fleet, evidence: Evidence, tmp_path: Path
) -> None:
    status = evidence.status.read_text().replace('"enabled": true', '"enabled": false, "enabled": true', 1)
    assert status.count('"enabled"') == 2
    evidence.status.write_text(status)

    state = _decision(cli, "--repo", str(empty_repo.repo), *evidence.args())

    summary = state["summary"]
    assert isinstance(summary, dict)
    assert summary["decision"] == "hold"
    assert {"governance", "manual_backlog", "safety_suppression"} <= set(summary["failedGates"])


def test_autopause_flags_that_disagree_hold(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    doc = json.loads(evidence.status.read_text())
    doc["autonomous"]["rollout"]["autopause"] = {"active": False}
    doc["autonomous"]["rollout"]["state"] = {"autoPauseActive": True}
    evidence.status.write_text(json.dumps(doc))

    state = _decision(cli, "--repo", str(empty_repo.repo), *evidence.args())

    summary = state["summary"]
    assert isinstance(summary, dict)
    assert "promotion_autopause_active" in summary["reasonCodes"]


def test_a_registry_with_a_repeated_key_is_refused(cli: Runner, fleet: Fleet) -> None:
    text = fleet.registry.read_text()
    fleet.registry.write_text(text.replace('"canaryPercent":', '"canaryPercent": 100, "canaryPercent":', 1))

    result = cli("registry", "--repo", str(fleet.repo))

    assert_one_line_error(result, contains="repeats the key 'canaryPercent'")


def test_a_policy_state_with_a_repeated_key_is_refused(cli: Runner, fleet: Fleet) -> None:
    policy = fleet.dir / "policy-state.json"
    policy.write_text(policy.read_text().replace("{", '{"mode": "advisory", "mode": "advisory",', 1))

    result = cli("status", "--repo", str(fleet.repo))

    assert_one_line_error(result, contains="repeats the key 'mode'")


def test_write_status_is_the_bats_shape(tmp_path: Path) -> None:
    """The fixture these tests edit keeps the fields they rely on."""
    doc = json.loads(write_status(tmp_path / "s.json").read_text())
    assert doc["autonomous"]["enabled"] is True
    assert "rollout" in doc["autonomous"]


def test_a_drill_a_minute_ahead_counts_and_an_hour_ahead_holds(cli: Runner, fleet: Fleet) -> None:
    """The drill runner's clock may lead ours by a little (five minutes); more is a time that cannot be true."""
    from datetime import UTC, datetime, timedelta

    doc = json.loads(fleet.drills.read_text())
    ahead = datetime.now(UTC) + timedelta(minutes=1)
    for entry in doc["drills"]:
        entry["completedAt"] = ahead.strftime("%Y-%m-%dT%H:%M:%SZ")
    fleet.drills.write_text(json.dumps(doc))
    assert "drill_recency" not in _decision(cli, "--repo", str(fleet.repo))["summary"]["failedGates"]  # type: ignore[index]

    for entry in doc["drills"]:
        entry["completedAt"] = (ahead + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    fleet.drills.write_text(json.dumps(doc))
    assert "drill_recency" in _decision(cli, "--repo", str(fleet.repo))["summary"]["failedGates"]  # type: ignore[index]
