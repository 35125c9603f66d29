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
    ReasonCode.BAKE_NOT_ELAPSED: "Let the current canary step bake: wait until the bake ends (bakeEndsAt in"
    " the reliability gate) and run the gates again.",
    ReasonCode.FRESH_SAMPLE_INSUFFICIENT: "Wait for more autonomous executions at the current canary step (runs"
    " recorded after the last expansion, with a timestamp).",
    ReasonCode.AUTONOMOUS_EVIDENCE_INCONCLUSIVE: "Wait for more autonomous executions until the evidence is"
    " conclusive (moreCleanAttempts in the reliability gate), or investigate the failures and ambiguity.",
    ReasonCode.MANUAL_BACKLOG_UNAVAILABLE: _BACKLOG,
    ReasonCode.MANUAL_BACKLOG_EXCEEDED: _BACKLOG,
    ReasonCode.AUTOPAUSE_ACTIVE: _SAFETY,
    ReasonCode.SUPPRESSION_PATHS_MISSING: _SAFETY,
    ReasonCode.DRILL_STATE_MISSING: "Run the promotion drills and record them in drills/promotion.v1.json.",
    ReasonCode.DRILL_STATE_INVALID: "Fix drills/promotion.v1.json so that it records each drill's id, status"
    " and completedAt.",
    ReasonCode.CI_MISSING_EVIDENCE: "Provide the missing evidence files; with skip-on-missing-evidence the run"
    " is skipped and succeeds.",
    ReasonCode.EVIDENCE_CHANGED: "The evidence changed since the decision was reviewed: review the new decision"
    " (dry run) and pass its evidence digest.",
    ReasonCode.DECISION_EXPIRED: "The decision is too old to act on: run the gates again and review the new"
    " decision before applying.",
    ReasonCode.AUDIT_CHAIN_BROKEN: "Run promotion-rollout audit verify, restore the apply telemetry from history"
    " or investigate the named line; only then apply, or pass --allow-broken-audit-chain.",
    ReasonCode.CHANGE_FREEZE_ACTIVE: "Wait until the freeze window ends (endsAt), or for an emergency re-run with"
    " --break-glass-approval-ref naming a second approval.",
    ReasonCode.CHANGE_FREEZE_BREAK_GLASS: "Review the break-glass apply with the approver it names before the"
    " freeze ends.",
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
