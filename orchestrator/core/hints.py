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


Steps = list[tuple[str, str]]
"""Candidate steps as ``(reason code, step)``: a step is shown only when its code was raised."""


def what_would_change(state: PromotionState) -> list[str]:
    """Concrete steps from this hold to promote, one per failing reason, in gate order."""
    if state.summary.promote:
        return []
    codes = set(state.summary.reason_codes)
    return [
        *_when(codes, _governance_steps(state)),
        *_when(codes, _reliability_steps(state)),
        *_when(codes, _backlog_steps(state)),
        *_when(codes, _safety_steps(state)),
        *_when(codes, [(ReasonCode.DRILL_STATE_MISSING, "provide the promotion drill state file")]),
        *_evidence_steps(state),
        *_drill_steps(state, codes),
    ]


def _when(codes: set[str], steps: Steps) -> list[str]:
    return [step for code, step in steps if code in codes]


def _governance_steps(state: PromotionState) -> Steps:
    """The policy mode, the fleet's governance posture and the registry's governance authority."""
    posture = state.gates.governance.posture or "unknown"
    return [
        (ReasonCode.POLICY_MODE_NOT_GUARDED_AUTO, "set the registry policy.mode to guarded_auto"),
        (ReasonCode.GOVERNANCE_POSTURE_NOT_ACTIVE, f"bring the governance posture from {posture} to active"),
        (ReasonCode.GOVERNANCE_BLOCKS_AUTONOMOUS, "clear the governance block on autonomous actions"),
        (ReasonCode.GOVERNANCE_REVIEW_EXPIRED, "renew the governance review deadline (reviewBy) to a future time"),
        (ReasonCode.GOVERNANCE_AUTHORITY_MISSING, "record the governance actor, approval reference and rationale"),
        (ReasonCode.GOVERNANCE_REVIEW_DEADLINE_MISSING, "set a governance review deadline (reviewBy)"),
    ]


def _reliability_steps(state: PromotionState) -> Steps:
    """The handoff telemetry, then how far the autonomous sample and its rates are from the thresholds."""
    rel = state.gates.outcome_reliability
    t = state.thresholds
    return [
        (ReasonCode.HANDOFF_TELEMETRY_MISSING, "provide the handoff telemetry file"),
        (
            ReasonCode.AUTONOMOUS_SAMPLE_INSUFFICIENT,
            f"{t.min_sample_size - rel.sample_runs} more autonomous runs ({rel.sample_runs} of {t.min_sample_size})",
        ),
        (ReasonCode.AUTONOMOUS_ATTEMPTS_ZERO, "autonomous runs that attempt at least one intent"),
        (
            ReasonCode.AUTONOMOUS_FAILURE_RATE_EXCEEDED,
            f"failure rate {_pct(rel.failure_rate)} down to {t.max_failure_rate} or below",
        ),
        (
            ReasonCode.AUTONOMOUS_AMBIGUITY_RATE_EXCEEDED,
            f"ambiguity rate {_pct(rel.ambiguity_rate)} down to {t.max_ambiguity_rate} or below",
        ),
    ]


def _backlog_steps(state: PromotionState) -> Steps:
    """How many manual items must go, or that the backlog must be reported at all."""
    backlog = state.gates.manual_backlog.manual_backlog or 0
    limit = state.thresholds.max_manual_backlog
    return [
        (
            ReasonCode.MANUAL_BACKLOG_EXCEEDED,
            f"manual backlog {backlog} down to {limit} ({backlog - limit} fewer)",
        ),
        (ReasonCode.MANUAL_BACKLOG_UNAVAILABLE, "report the manual backlog in the fleet status outcome rollup"),
    ]


def _safety_steps(state: PromotionState) -> Steps:
    """The autopause must clear and every suppression path must be reported."""
    missing = ", ".join(state.gates.safety_suppression.missing_paths)
    return [
        (ReasonCode.AUTOPAUSE_ACTIVE, "let the rollout autopause clear"),
        (ReasonCode.SUPPRESSION_PATHS_MISSING, f"report suppression paths: {missing}"),
    ]


def _evidence_steps(state: PromotionState) -> list[str]:
    """One fix per unreadable evidence field, located by file and line."""
    out = []
    for error in state.evidence_errors:
        where = f"{error.file}" + (f" line {error.line}" if error.line else "")
        out.append(f"fix {where}, field {error.field}: {error.message}")
    return out


def _drill_steps(state: PromotionState, codes: set[str]) -> list[str]:
    """Per required drill: run it, make it pass, fix its time, or run it again when stale."""
    limit = state.thresholds.max_drill_age_hours
    out: list[str] = []
    for assessment in state.gates.drill_recency.assessments:
        drill = assessment.id
        steps: Steps = [
            (DrillReason.MISSING.for_drill(drill), f"run drill {drill} (no evidence)"),
            (
                DrillReason.NOT_PASSED.for_drill(drill),
                f"drill {drill} must pass (latest status {assessment.status or 'none'})",
            ),
            (
                DrillReason.TIMESTAMP_INVALID.for_drill(drill),
                f"drill {drill} needs a valid completedAt that is not in the future",
            ),
        ]
        if assessment.age_hours is not None:
            steps.append(
                (
                    DrillReason.STALE.for_drill(drill),
                    f"drill {drill} is {assessment.age_hours:.0f} h old, limit {limit} h",
                )
            )
        out += _when(codes, steps)
    return out
