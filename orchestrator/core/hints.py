"""Per-gate rows and "what would have to change" for a hold: pure views of a decision."""

from __future__ import annotations

from dataclasses import dataclass

from orchestrator.core.bake import format_duration
from orchestrator.core.models import OutcomeReliabilityGate, PromotionState, Thresholds
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


def _reliability_extra(rel: OutcomeReliabilityGate, t: Thresholds) -> tuple[str, str]:
    """What the bake and confidence options add to the reliability row: (observed, threshold)."""
    observed: list[str] = []
    wanted: list[str] = []
    if rel.bake is not None:
        b = rel.bake
        since = (
            "expansion time unreadable" if b.expansion_unreadable else f"last expansion {b.last_expand_at or 'none'}"
        )
        observed.append(since + (f", bake ends {b.bake_ends_at}" if b.bake_ends_at else ""))
        if b.min_bake_seconds is not None:
            wanted.append(f"bake {format_duration(b.min_bake_seconds)} since the last expansion")
        if b.min_runs_since_expand is not None:
            observed.append(f"{b.runs_since_expand} runs since it")
            wanted.append(f">= {b.min_runs_since_expand} runs since it")
    if rel.confidence is not None:
        c = rel.confidence
        observed.append(
            f"upper bounds at {c.level}: failure {_pct(c.failure_upper_bound)}, ambiguity {_pct(c.ambiguity_upper_bound)}"
        )
        wanted.append(f"upper bounds within the limits, >= {c.min_attempts} attempts")
    elif t.min_attempts is not None:
        wanted.append(f">= {t.min_attempts} attempts")
    return "".join(f"; {o}" for o in observed), "".join(f"; {w}" for w in wanted)


def gate_rows(state: PromotionState) -> list[GateRow]:
    g = state.gates
    t = state.thresholds
    rel = g.outcome_reliability
    extra_observed, extra_wanted = _reliability_extra(rel, t)
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
            f" failure {_pct(rel.failure_rate)}{extra_observed}",
            f">= {t.min_sample_size} runs (window {t.window_executions}), ambiguity <= {t.max_ambiguity_rate},"
            f" failure <= {t.max_failure_rate}{extra_wanted}",
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
    sample: Steps = []
    if rel.sample_runs < t.min_sample_size:
        sample.append(
            (
                ReasonCode.AUTONOMOUS_SAMPLE_INSUFFICIENT,
                f"{t.min_sample_size - rel.sample_runs} more autonomous runs ({rel.sample_runs} of {t.min_sample_size})",
            )
        )
    if rel.confidence is None and t.min_attempts is not None and rel.attempted < t.min_attempts:
        sample.append(
            (
                ReasonCode.AUTONOMOUS_SAMPLE_INSUFFICIENT,
                f"{t.min_attempts - rel.attempted} more attempted intents ({rel.attempted} of {t.min_attempts})",
            )
        )
    return [
        (ReasonCode.HANDOFF_TELEMETRY_MISSING, "provide the handoff telemetry file"),
        *sample,
        (ReasonCode.AUTONOMOUS_ATTEMPTS_ZERO, "autonomous runs that attempt at least one intent"),
        (
            ReasonCode.AUTONOMOUS_FAILURE_RATE_EXCEEDED,
            f"failure rate {_pct(rel.failure_rate)} down to {t.max_failure_rate} or below",
        ),
        (
            ReasonCode.AUTONOMOUS_AMBIGUITY_RATE_EXCEEDED,
            f"ambiguity rate {_pct(rel.ambiguity_rate)} down to {t.max_ambiguity_rate} or below",
        ),
        *_bake_and_confidence_steps(rel),
    ]


def _bake_and_confidence_steps(rel: OutcomeReliabilityGate) -> Steps:
    """When the bake ends, how many more runs since the expansion, how many more clean attempts."""
    steps: Steps = []
    if rel.bake is not None:
        b = rel.bake
        ends = (
            f"wait until {b.bake_ends_at} (bake of"
            if b.bake_ends_at
            else "make the last expansion's time readable (bake of"
        )
        steps.append((ReasonCode.BAKE_NOT_ELAPSED, f"{ends} {format_duration(b.min_bake_seconds or 0)})"))
        steps.append(
            (
                ReasonCode.FRESH_SAMPLE_INSUFFICIENT,
                f"{b.more_runs_needed} more timestamped autonomous runs since the last expansion"
                f" ({b.runs_since_expand} of {b.min_runs_since_expand})",
            )
        )
    if rel.confidence is not None:
        c = rel.confidence
        more = (
            f"{c.more_clean_attempts} more clean attempts"
            if c.more_clean_attempts is not None
            else "a limit above 0 (no number of clean attempts bounds a rate at 0)"
        )
        steps.append(
            (
                ReasonCode.AUTONOMOUS_EVIDENCE_INCONCLUSIVE,
                f"{more} to make the evidence conclusive at confidence {c.level}"
                f" (upper bounds: failure {_pct(c.failure_upper_bound)}, ambiguity {_pct(c.ambiguity_upper_bound)};"
                f" {c.attempts} of {c.min_attempts} attempts)",
            )
        )
    return steps


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
