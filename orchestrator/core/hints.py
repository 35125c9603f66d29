"""Per-gate rows and "what would have to change" for a hold: pure views of a decision."""

from __future__ import annotations

from dataclasses import dataclass

from orchestrator.core.models import PromotionState
from orchestrator.core.reasons import DrillReason, ReasonCode


@dataclass(frozen=True)
class GateRow:
    name: str
    status: str
    observed: str
    threshold: str
    reasons: list[str]


def _pct(value: float) -> str:
    return f"{value:.2f}"


def gate_rows(state: PromotionState) -> list[GateRow]:
    g = state.gates
    t = state.thresholds
    rel = g.outcome_reliability
    drills = ", ".join(
        f"{a.id}: {a.status or 'none'}" + (f" {a.age_hours:.0f} h" if a.age_hours is not None else "")
        for a in g.drill_recency.assessments
    )
    return [
        GateRow(
            "governance",
            g.governance.status,
            f"posture {g.governance.posture or 'unknown'}, blocks autonomous {str(g.governance.blocks_autonomous).lower()}",
            "posture active, not blocking",
            g.governance.reasons,
        ),
        GateRow(
            "outcome_reliability",
            rel.status,
            f"{rel.sample_runs} runs, {rel.attempted} attempted, ambiguity {_pct(rel.ambiguity_rate)},"
            f" failure {_pct(rel.failure_rate)}",
            f">= {t.min_sample_size} runs (window {t.window_executions}), ambiguity <= {t.max_ambiguity_rate},"
            f" failure <= {t.max_failure_rate}",
            rel.reasons,
        ),
        GateRow(
            "manual_backlog",
            g.manual_backlog.status,
            "unavailable" if g.manual_backlog.manual_backlog is None else str(g.manual_backlog.manual_backlog),
            f"<= {t.max_manual_backlog}",
            g.manual_backlog.reasons,
        ),
        GateRow(
            "safety_suppression",
            g.safety_suppression.status,
            f"autopause {'active' if g.safety_suppression.autopause_active else 'inactive'}, "
            f"missing paths: {', '.join(g.safety_suppression.missing_paths) or 'none'}",
            "autopause inactive, all four suppression paths reported",
            g.safety_suppression.reasons,
        ),
        GateRow(
            "drill_recency",
            g.drill_recency.status,
            drills or "no drill evidence",
            f"kill_switch, sprite_service_outage, ambiguous_retry_guard passed within {t.max_drill_age_hours} h",
            g.drill_recency.reasons,
        ),
    ]


def what_would_change(state: PromotionState) -> list[str]:
    """Concrete steps from this hold to promote, one per failing reason."""
    if state.summary.promote:
        return []
    g = state.gates
    t = state.thresholds
    rel = g.outcome_reliability
    out: list[str] = []
    codes = set(state.summary.reason_codes)
    if ReasonCode.POLICY_MODE_NOT_GUARDED_AUTO in codes:
        out.append("set the registry policy.mode to guarded_auto")
    if ReasonCode.GOVERNANCE_POSTURE_NOT_ACTIVE in codes:
        out.append(f"bring the governance posture from {g.governance.posture or 'unknown'} to active")
    if ReasonCode.GOVERNANCE_BLOCKS_AUTONOMOUS in codes:
        out.append("clear the governance block on autonomous actions")
    if ReasonCode.GOVERNANCE_REVIEW_EXPIRED in codes:
        out.append("renew the governance review deadline (reviewBy) to a future time")
    if ReasonCode.GOVERNANCE_AUTHORITY_MISSING in codes:
        out.append("record the governance actor, approval reference and rationale")
    if ReasonCode.GOVERNANCE_REVIEW_DEADLINE_MISSING in codes:
        out.append("set a governance review deadline (reviewBy)")
    if ReasonCode.HANDOFF_TELEMETRY_MISSING in codes:
        out.append("provide the handoff telemetry file")
    if ReasonCode.AUTONOMOUS_SAMPLE_INSUFFICIENT in codes:
        out.append(
            f"{t.min_sample_size - rel.sample_runs} more autonomous runs ({rel.sample_runs} of {t.min_sample_size})"
        )
    if ReasonCode.AUTONOMOUS_ATTEMPTS_ZERO in codes:
        out.append("autonomous runs that attempt at least one intent")
    if ReasonCode.AUTONOMOUS_FAILURE_RATE_EXCEEDED in codes:
        out.append(f"failure rate {_pct(rel.failure_rate)} down to {t.max_failure_rate} or below")
    if ReasonCode.AUTONOMOUS_AMBIGUITY_RATE_EXCEEDED in codes:
        out.append(f"ambiguity rate {_pct(rel.ambiguity_rate)} down to {t.max_ambiguity_rate} or below")
    if ReasonCode.MANUAL_BACKLOG_EXCEEDED in codes:
        backlog = g.manual_backlog.manual_backlog or 0
        out.append(f"manual backlog {backlog} down to {t.max_manual_backlog} ({backlog - t.max_manual_backlog} fewer)")
    if ReasonCode.MANUAL_BACKLOG_UNAVAILABLE in codes:
        out.append("report the manual backlog in the fleet status outcome rollup")
    if ReasonCode.AUTOPAUSE_ACTIVE in codes:
        out.append("let the rollout autopause clear")
    if ReasonCode.SUPPRESSION_PATHS_MISSING in codes:
        out.append(f"report suppression paths: {', '.join(g.safety_suppression.missing_paths)}")
    if ReasonCode.DRILL_STATE_MISSING in codes:
        out.append("provide the promotion drill state file")
    for error in state.evidence_errors:
        where = f"{error.file}" + (f" line {error.line}" if error.line else "")
        out.append(f"fix {where}, field {error.field}: {error.message}")
    for assessment in g.drill_recency.assessments:
        drill = assessment.id
        if DrillReason.MISSING.for_drill(drill) in codes:
            out.append(f"run drill {drill} (no evidence)")
        if DrillReason.NOT_PASSED.for_drill(drill) in codes:
            out.append(f"drill {drill} must pass (latest status {assessment.status or 'none'})")
        if DrillReason.TIMESTAMP_INVALID.for_drill(drill) in codes:
            out.append(f"drill {drill} needs a valid completedAt that is not in the future")
        if DrillReason.STALE.for_drill(drill) in codes and assessment.age_hours is not None:
            out.append(f"drill {drill} is {assessment.age_hours:.0f} h old, limit {t.max_drill_age_hours} h")
    return out
