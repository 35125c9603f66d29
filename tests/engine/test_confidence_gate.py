"""Statistical confidence through the command line and the action's inputs (issue 11, item 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orchestrator.action.inputs import RawInputs, parse_settings
from tests.engine.engine_support import (
    Evidence,
    Fleet,
    Runner,
    assert_one_line_error,
    handoff_line,
    now_utc,
    write_handoff,
)

INCONCLUSIVE = "promotion_autonomous_evidence_inconclusive"


def _gates(cli: Runner, repo: Fleet, evidence: Evidence, *flags: str) -> dict[str, Any]:
    result = cli("gates", "--repo", str(repo.repo), *evidence.args(), *flags)
    assert result.code == 0, result.stderr
    payload: dict[str, Any] = result.json()
    return payload


def test_off_by_default_twenty_clean_runs_promote(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    payload = _gates(cli, empty_repo, evidence, "--max-failure-rate", "0.05")
    assert payload["summary"]["decision"] == "promote"
    assert payload["gates"]["outcomeReliability"]["confidence"] is None
    assert payload["thresholds"]["confidence"] is None


def test_twenty_runs_of_one_clean_attempt_are_inconclusive(
    cli: Runner, empty_repo: Fleet, evidence: Evidence, tmp_path: Path
) -> None:
    flags = ("--max-failure-rate", "0.05", "--confidence", "0.95")
    payload = _gates(cli, empty_repo, evidence, *flags)
    assert payload["summary"]["decision"] == "hold"
    rel = payload["gates"]["outcomeReliability"]
    assert rel["reasons"] == [INCONCLUSIVE]
    confidence = rel["confidence"]
    assert confidence["level"] == 0.95
    assert confidence["conclusive"] is False
    assert confidence["moreCleanAttempts"] == 32
    assert 0.11 < confidence["failureUpperBound"] < 0.12
    summary = tmp_path / "summary.md"
    result = cli("ci", "--repo", str(empty_repo.repo), *evidence.args(), *flags, "--summary-file", str(summary))
    assert result.code == 0, result.stderr
    text = summary.read_text()
    assert "32 more clean attempts" in text
    assert INCONCLUSIVE in text


def test_four_failures_in_twenty_attempts_at_the_limit_hold(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    lines = [handoff_line(failed=1, executed=0)] * 4 + [handoff_line()] * 16
    evidence.handoff.write_text("".join(line + "\n" for line in lines))
    reference = _gates(cli, empty_repo, evidence)
    rel = reference["gates"]["outcomeReliability"]
    assert (rel["attempted"], rel["failed"], rel["failureRate"]) == (20, 4, 0.2)
    assert reference["summary"]["decision"] == "promote"
    payload = _gates(cli, empty_repo, evidence, "--confidence", "0.95")
    assert payload["summary"]["reasonCodes"] == [INCONCLUSIVE]


def test_min_attempts_counts_attempts(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    payload = _gates(cli, empty_repo, evidence, "--min-attempts", "25")
    assert payload["summary"]["reasonCodes"] == ["promotion_autonomous_sample_insufficient"]
    write_handoff(evidence.handoff, 20, attempted=50, executed=50)
    passed = _gates(cli, empty_repo, evidence, "--min-attempts", "25", "--confidence", "0.95")
    assert passed["summary"]["decision"] == "promote"
    assert passed["gates"]["outcomeReliability"]["confidence"]["conclusive"] is True


def test_a_bad_confidence_is_refused(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    for value in ("1", "0.2", "95%", "-0.9"):
        result = cli("gates", "--repo", str(empty_repo.repo), *evidence.args(), "--confidence", value)
        assert_one_line_error(result, contains="--confidence must be a number")


def test_the_action_reads_the_inputs(tmp_path: Path) -> None:
    text = {"mode": "dry_run", "repo-path": ".", "confidence": "0.95", "min-attempts": "40"}
    settings = parse_settings(RawInputs(text=text, evidence_refs=(), github_token=""), tmp_path, {}, now_utc())
    assert (settings.request.thresholds.confidence, settings.request.thresholds.min_attempts) == (0.95, 40)
