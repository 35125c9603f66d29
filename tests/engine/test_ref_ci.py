"""The reference's promotion-CI suite, one test per scenario, against ``promotion-rollout ci``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.engine.engine_support import Evidence, Fleet, Runner, write_status


def test_promotion_ci_skips_with_success_when_evidence_is_missing_and_skip_mode_is_enabled(
    cli: Runner, tmp_path: Path
) -> None:
    repo = tmp_path / "repo-skip"
    repo.mkdir()
    result_file = tmp_path / "result-skip.json"
    summary_file = tmp_path / "summary-skip.md"
    result = cli(
        "ci",
        "--repo",
        str(repo),
        "--skip-on-missing-evidence",
        "--result-file",
        str(result_file),
        "--summary-file",
        str(summary_file),
    )
    assert result.code == 0, result.stderr
    payload = json.loads(result_file.read_text())
    assert payload["summary"]["decision"] == "skipped"
    assert "promotion_ci_missing_evidence" in payload["summary"]["reasonCodes"]
    assert payload["summary"]["missingEvidencePaths"]
    assert "Decision: `skipped`" in summary_file.read_text()


def test_promotion_ci_emits_promote_decision_and_markdown_summary(
    cli: Runner, empty_repo: Fleet, evidence: Evidence, tmp_path: Path
) -> None:
    write_status(evidence.status, backlog=1)
    result_file = tmp_path / "result-promote.json"
    summary_file = tmp_path / "summary-promote.md"
    result = cli(
        "ci",
        "--repo",
        str(empty_repo.repo),
        *evidence.args(),
        "--result-file",
        str(result_file),
        "--summary-file",
        str(summary_file),
    )
    assert result.code == 0, result.stderr
    assert json.loads(result_file.read_text())["summary"]["decision"] == "promote"
    summary = summary_file.read_text()
    assert "Decision: `promote`" in summary
    assert "Failed gates: none" in summary
    assert "Reason codes: none" in summary


def test_promotion_ci_propagates_hold_exit_code_when_fail_on_hold_is_enabled(
    cli: Runner, empty_repo: Fleet, evidence: Evidence, tmp_path: Path
) -> None:
    write_status(evidence.status, backlog=99)
    result_file = tmp_path / "result-hold.json"
    summary_file = tmp_path / "summary-hold.md"
    result = cli(
        "ci",
        "--repo",
        str(empty_repo.repo),
        *evidence.args(),
        "--result-file",
        str(result_file),
        "--summary-file",
        str(summary_file),
        "--fail-on-hold",
    )
    assert result.code == 2
    payload = json.loads(result_file.read_text())
    assert payload["summary"]["decision"] == "hold"
    assert "promotion_manual_backlog_exceeded" in payload["summary"]["reasonCodes"]
    summary = summary_file.read_text()
    assert "Decision: `hold`" in summary
    assert "Failed gates: manual_backlog" in summary
    assert "Reason codes: promotion_manual_backlog_exceeded" in summary


def test_promotion_ci_appends_summary_to_github_step_summary(
    cli: Runner, empty_repo: Fleet, evidence: Evidence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the reference does, ``ci`` appends its markdown to ``$GITHUB_STEP_SUMMARY`` itself."""
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("previous step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    result = cli("ci", "--repo", str(empty_repo.repo), *evidence.args())
    assert result.code == 0, result.stderr
    text = step_summary.read_text()
    assert text.startswith("previous step\n")
    assert "## Ops Manager Promotion CI" in text
    assert "Decision: `promote`" in text
    assert empty_repo.ci_summary.read_text() in text
