"""What to do next: the runbook's step for each reason code, in the summaries and the text output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestrator.core.next_steps import NEXT_STEPS, next_step, next_steps
from orchestrator.core.reasons import REQUIRED_DRILLS, DrillReason, ReasonCode
from tests.engine.engine_support import FUTURE, Fleet, Runner, refresh_drills

ROOT = Path(__file__).resolve().parents[2]


def runbook_table() -> str:
    """The runbook's reason-code table as plain text (no code spans, entities read)."""
    text = (ROOT / "docs/runbook.md").read_text(encoding="utf-8")
    table = text[text.index("## Triage by reason code") :]
    return table.replace("`", "").replace("&lt;", "<").replace("&gt;", ">")


def test_every_gate_code_has_a_step_and_the_runbook_says_the_same() -> None:
    table = runbook_table()
    gate_codes = [
        code
        for code in ReasonCode
        if code.value.startswith("promotion_")
        and not code.value.startswith(("promotion_rollback_", "promotion_apply_", "promotion_approval_"))
        and not code.value.startswith("promotion_checks_")
    ]
    for code in gate_codes:
        step = next_step(code)
        assert step is not None, code
        row = next(line for line in table.splitlines() if f" {code.value}" in line or f"|{code.value}" in line)
        assert step in row, (code, step, row)


@pytest.mark.parametrize("prefix", list(DrillReason))
@pytest.mark.parametrize("drill", REQUIRED_DRILLS)
def test_drill_codes_name_their_drill_as_the_runbook_does(prefix: DrillReason, drill: str) -> None:
    step = next_step(prefix.for_drill(drill))
    assert step == f"Run drill {drill} (it must pass) and record it in drills/promotion.v1.json."
    assert step.replace(drill, "<drill>") in runbook_table()


def test_steps_come_once_in_the_order_of_their_codes() -> None:
    codes = [ReasonCode.MANUAL_BACKLOG_EXCEEDED, ReasonCode.AUTOPAUSE_ACTIVE, ReasonCode.MANUAL_BACKLOG_UNAVAILABLE]
    assert next_steps([*codes, "promotion_rollback_hold_overridden", "unknown_code"]) == [
        NEXT_STEPS[ReasonCode.MANUAL_BACKLOG_EXCEEDED],
        NEXT_STEPS[ReasonCode.AUTOPAUSE_ACTIVE],
    ]
    assert next_steps([]) == []
    assert next_step("promotion_drill_stale_") is None


def stale(fleet: Fleet) -> None:
    refresh_drills(fleet.repo, None)
    text = fleet.drills.read_text()
    fleet.drills.write_text(re.sub(r'"completedAt": "[^"]+"', '"completedAt": "2020-01-01T00:00:00Z"', text))


def test_a_hold_says_what_to_do_next_in_both_summaries_and_in_text(cli: Runner, fleet: Fleet) -> None:
    stale(fleet)
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run")
    assert result.code == 0, result.stderr
    step = "Run drill kill\\_switch (it must pass) and record it in drills/promotion.v1.json."
    for summary in (fleet.ci_summary.read_text(), fleet.orchestrate_summary.read_text()):
        lines = summary.splitlines()
        assert "**What to do next**" in lines
        assert f"- {step}" in lines
    text = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run", "--format", "text")
    assert "What to do next" in text.stdout
    assert "Run drill kill_switch (it must pass) and record it in drills/promotion.v1.json." in text.stdout


def test_a_promote_has_nothing_to_do(cli: Runner, fleet: Fleet) -> None:
    assert cli("orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run").code == 0
    assert "What to do next" not in fleet.ci_summary.read_text()
    assert "What to do next" not in fleet.orchestrate_summary.read_text()


def test_a_rollback_summary_says_the_share_is_kept_for_a_resume(cli: Runner, fleet: Fleet) -> None:
    governance = ["--by", "a", "--approval-ref", "INC-1", "--rationale", "r", "--review-by", FUTURE]
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "rollback", *governance)
    assert result.code == 0, result.stderr
    summary = fleet.orchestrate_summary.read_text()
    assert "autonomous expansion is paused and the canary share is kept at 10%" in summary
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "rollback", "--rollback-to", "0", *governance)
    assert result.code == 0, result.stderr
    assert "the canary share was set to 0%" in fleet.orchestrate_summary.read_text()
