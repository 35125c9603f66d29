"""What to do next for each reason code: the runbook's action (docs/runbook.md, "Triage by reason code").

"What would have to change" (``core.hints``) says how far the evidence is from promote; this says
what an operator does about it. One sentence per code, in the order the codes were raised, each
step once (codes of one gate often share it). The runbook's table and this mapping are the same
text; ``tests/engine/test_next_steps.py`` holds them together.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestrator.core.reasons import DrillReason, ReasonCode

_GOVERNANCE = (
    "Renew the fleet's autonomous governance (authority, review deadline) in the registry and"
    " regenerate the fleet status."
)
_RELIABILITY = (
    "Wait for more autonomous executions, or investigate the failures and ambiguity in telemetry/handoff.jsonl."
)
_BACKLOG = "Work down the pending manual interventions."
_SAFETY = "Resolve the auto-pause cause and make sure every suppression path is reported."
_ACTION = "The run was refused before deciding: fix the input or failure the error names and re-run."

NEXT_STEPS: dict[str, str] = {
    **dict.fromkeys(
        [
            ReasonCode.POLICY_MODE_NOT_GUARDED_AUTO,
            ReasonCode.GOVERNANCE_POSTURE_NOT_ACTIVE,
            ReasonCode.GOVERNANCE_BLOCKS_AUTONOMOUS,
            ReasonCode.GOVERNANCE_AUTHORITY_MISSING,
            ReasonCode.GOVERNANCE_REVIEW_DEADLINE_MISSING,
            ReasonCode.GOVERNANCE_REVIEW_EXPIRED,
            ReasonCode.FLEET_STATUS_INVALID,
        ],
        _GOVERNANCE,
    ),
    **dict.fromkeys(
        [
            ReasonCode.HANDOFF_TELEMETRY_MISSING,
            ReasonCode.HANDOFF_TELEMETRY_INVALID,
            ReasonCode.AUTONOMOUS_SAMPLE_INSUFFICIENT,
            ReasonCode.AUTONOMOUS_ATTEMPTS_ZERO,
            ReasonCode.AUTONOMOUS_AMBIGUITY_RATE_EXCEEDED,
            ReasonCode.AUTONOMOUS_FAILURE_RATE_EXCEEDED,
        ],
        _RELIABILITY,
    ),
    ReasonCode.MANUAL_BACKLOG_UNAVAILABLE: _BACKLOG,
    ReasonCode.MANUAL_BACKLOG_EXCEEDED: _BACKLOG,
    ReasonCode.AUTOPAUSE_ACTIVE: _SAFETY,
    ReasonCode.SUPPRESSION_PATHS_MISSING: _SAFETY,
    ReasonCode.DRILL_STATE_MISSING: "Run the promotion drills and record them in drills/promotion.v1.json.",
    ReasonCode.DRILL_STATE_INVALID: "Fix drills/promotion.v1.json so that it records each drill's id, status"
    " and completedAt.",
    ReasonCode.CI_MISSING_EVIDENCE: "Provide the missing evidence files; with skip-on-missing-evidence the run"
    " is skipped and succeeds.",
    **dict.fromkeys(
        [
            ReasonCode.ACTION_GOVERNANCE_MISSING,
            ReasonCode.ACTION_INPUT_INVALID,
            ReasonCode.ACTION_RUN_FAILED,
            ReasonCode.ACTION_INTERNAL_ERROR,
        ],
        _ACTION,
    ),
}
"""Reason code → the runbook's next step (drill codes, which carry the drill id, are in ``drill_step``)."""


def drill_step(code: str) -> str | None:
    """Run the named drill and record it: the one step for every per-drill code."""
    for prefix in DrillReason:
        if code.startswith(prefix.value) and len(code) > len(prefix.value):
            drill = code.removeprefix(prefix.value)
            return f"Run drill {drill} (it must pass) and record it in drills/promotion.v1.json."
    return None


def next_step(code: str) -> str | None:
    """The runbook's step for ``code``; ``None`` for codes that ask nothing of the operator."""
    return NEXT_STEPS.get(code) or drill_step(code)


def next_steps(reason_codes: Iterable[str]) -> list[str]:
    """The steps for these codes, in their order, each once."""
    steps: list[str] = []
    for code in reason_codes:
        step = next_step(code)
        if step is not None and step not in steps:
            steps.append(step)
    return steps
