"""Bake time and fresh evidence through the command line and the action's inputs (issue 11, item 2)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from orchestrator.action.inputs import RawInputs, parse_settings
from tests.engine.engine_support import (
    FLEET_REL,
    GOVERNANCE_ARGS,
    Evidence,
    Fleet,
    Runner,
    assert_one_line_error,
    iso,
    now_utc,
)

NOT_ELAPSED = "promotion_bake_not_elapsed"
FRESH = "promotion_fresh_sample_insufficient"


def _run(stamp: str | None) -> str:
    record: dict[str, Any] = {
        "category": "fleet_handoff_execute",
        "execution": {"mode": "autonomous", "requestedIntentCount": 1, "executedCount": 1},
    }
    if stamp is not None:
        record["timestamp"] = stamp
    return json.dumps(record)


def _expanded(repo: Path, hours_ago: float, *, moved: bool = True) -> None:
    """An apply telemetry whose newest expansion was ``hours_ago`` hours ago."""
    path = repo / FLEET_REL / "telemetry/promotion-apply.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "timestamp": iso(now_utc() - timedelta(hours=hours_ago)),
        "category": "promotion_apply",
        "intent": "expand",
        "rollout": {"before": {"canaryPercent": 0}, "after": {"canaryPercent": 25 if moved else 0}},
    }
    path.write_text(json.dumps(record) + "\n")


def _gates(cli: Runner, repo: Path, evidence: Evidence, *flags: str) -> dict[str, Any]:
    result = cli("gates", "--repo", str(repo), *evidence.args(), *flags)
    assert result.code == 0, result.stderr
    payload: dict[str, Any] = result.json()
    return payload


def _reliability(payload: dict[str, Any]) -> dict[str, Any]:
    gate: dict[str, Any] = payload["gates"]["outcomeReliability"]
    return gate


def test_off_by_default_a_recent_expansion_changes_nothing(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    _expanded(empty_repo.repo, 0.5)
    payload = _gates(cli, empty_repo.repo, evidence)
    assert payload["summary"]["decision"] == "promote"
    assert _reliability(payload)["bake"] is None
    assert payload["thresholds"]["minBakeSeconds"] is None


def test_min_bake_holds_until_the_bake_ends_and_says_when(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    _expanded(empty_repo.repo, 2)
    payload = _gates(cli, empty_repo.repo, evidence, "--min-bake", "6h")
    assert payload["summary"]["decision"] == "hold"
    assert payload["summary"]["failedGates"] == ["outcome_reliability"]
    assert _reliability(payload)["reasons"] == [NOT_ELAPSED]
    bake = _reliability(payload)["bake"]
    assert bake["minBakeSeconds"] == 21600
    assert bake["bakeElapsed"] is False
    assert bake["bakeEndsAt"] > payload["generatedAt"]
    assert _gates(cli, empty_repo.repo, evidence, "--min-bake", "90m")["summary"]["decision"] == "promote"


def test_an_expansion_that_moved_nothing_starts_no_bake(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    _expanded(empty_repo.repo, 0.1, moved=False)
    assert _gates(cli, empty_repo.repo, evidence, "--min-bake", "6h")["summary"]["decision"] == "promote"


def test_without_an_expansion_on_record_nothing_is_held(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    payload = _gates(cli, empty_repo.repo, evidence, "--min-bake", "6h", "--min-runs-since-expand", "5")
    assert payload["summary"]["decision"] == "promote"
    assert _reliability(payload)["bake"]["lastExpandAt"] is None


def test_only_runs_after_the_expansion_count(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    _expanded(empty_repo.repo, 3)
    before = [_run(iso(now_utc() - timedelta(hours=5)))] * 10 + [_run(None)] * 5
    after = [_run(iso(now_utc() - timedelta(hours=1)))] * 5
    evidence.handoff.write_text("".join(line + "\n" for line in before + after))
    flags = ("--min-runs-since-expand", "8", "--min-sample-size", "5")
    payload = _gates(cli, empty_repo.repo, evidence, *flags)
    rel = _reliability(payload)
    assert rel["reasons"] == [FRESH]
    assert rel["sampleRuns"] == 5
    assert rel["attempted"] == 5
    assert (rel["bake"]["runsSinceExpand"], rel["bake"]["moreRunsNeeded"]) == (5, 3)
    # The reference's sample minimum applies to the fresh window too.
    held = _reliability(_gates(cli, empty_repo.repo, evidence, "--min-runs-since-expand", "5"))
    assert held["reasons"] == ["promotion_autonomous_sample_insufficient"]
    passed = _gates(cli, empty_repo.repo, evidence, "--min-runs-since-expand", "5", "--min-sample-size", "5")
    assert passed["summary"]["decision"] == "promote"


def test_an_unreadable_expansion_time_fails_closed(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    path = empty_repo.repo / FLEET_REL / "telemetry/promotion-apply.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"timestamp": "soon", "intent": "expand"}) + "\n")
    rel = _reliability(
        _gates(
            cli, empty_repo.repo, evidence, "--min-bake", "1h", "--min-runs-since-expand", "1", "--min-sample-size", "1"
        )
    )
    assert rel["reasons"] == ["promotion_autonomous_sample_insufficient", NOT_ELAPSED, FRESH]
    assert rel["bake"]["expansionUnreadable"] is True


def _policy(repo: Path, bake: dict[str, Any]) -> None:
    path = repo / FLEET_REL / "registry.v1.json"
    doc = json.loads(path.read_text())
    doc["policy"]["autonomous"]["rollout"]["bake"] = bake
    path.write_text(json.dumps(doc, indent=2) + "\n")


def test_the_registry_policy_sets_the_bake_and_the_flag_wins(cli: Runner, fleet: Fleet, evidence: Evidence) -> None:
    _policy(fleet.repo, {"minDuration": "6h", "minRunsSinceExpand": 1})
    assert cli("registry", "--repo", str(fleet.repo)).code == 0
    _expanded(fleet.repo, 2)
    payload = _gates(cli, fleet.repo, evidence)
    assert payload["thresholds"]["minBakeSeconds"] == 21600
    assert payload["thresholds"]["minRunsSinceExpand"] == 1
    assert NOT_ELAPSED in payload["summary"]["reasonCodes"]
    flagged = _gates(cli, fleet.repo, evidence, "--min-bake", "1h")
    assert NOT_ELAPSED not in flagged["summary"]["reasonCodes"]
    assert flagged["thresholds"]["minBakeSeconds"] == 3600


def test_the_registry_refuses_a_malformed_bake(cli: Runner, fleet: Fleet) -> None:
    _policy(fleet.repo, {"minDuration": "six hours"})
    assert_one_line_error(cli("registry", "--repo", str(fleet.repo)), contains="bake")


def test_a_bad_duration_is_refused_before_anything_runs(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    result = cli("gates", "--repo", str(empty_repo.repo), *evidence.args(), "--min-bake", "6 hours")
    assert_one_line_error(result, contains="--min-bake must be a duration")
    result = cli("gates", "--repo", str(empty_repo.repo), *evidence.args(), "--min-runs-since-expand", "0")
    assert_one_line_error(result, contains="--min-runs-since-expand")


def test_an_apply_starts_the_bake_and_the_summary_says_when_it_ends(cli: Runner, fleet: Fleet, tmp_path: Path) -> None:
    repo = str(fleet.repo)
    applied = cli("orchestrate", "--repo", repo, "--mode", "apply", "--expand-step", "10", *GOVERNANCE_ARGS)
    assert applied.code == 0, applied.stderr
    summary = tmp_path / "summary.md"
    result = cli("ci", "--repo", repo, "--min-bake", "6h", "--summary-file", str(summary))
    assert result.code == 0, result.stderr
    assert result.json()["summary"]["reasonCodes"] == [NOT_ELAPSED]
    text = summary.read_text()
    assert "wait until" in text
    assert "bake of 6h" in text
    held = cli("orchestrate", "--repo", repo, "--mode", "apply", "--min-bake", "6h", *GOVERNANCE_ARGS)
    assert held.json()["status"] in {"held", "refused"}
    assert held.json()["summary"]["reasonCodes"] == [NOT_ELAPSED]


def test_the_action_reads_the_inputs(tmp_path: Path) -> None:
    text = {"mode": "dry_run", "repo-path": ".", "min-bake": "90m", "min-runs-since-expand": "4"}
    settings = parse_settings(RawInputs(text=text, evidence_refs=(), github_token=""), tmp_path, {}, now_utc())
    thresholds = settings.request.thresholds
    assert (thresholds.min_bake_seconds, thresholds.min_runs_since_expand) == (5400, 4)
