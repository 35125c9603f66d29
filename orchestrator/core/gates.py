"""The five promotion gates: pure functions from typed evidence to a decision.

Nothing here reads a file or the clock; ``decide`` is given the evaluation time. A gate passes only
when it has no reasons; missing or invalid evidence is always a reason (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median_low

from orchestrator.core.bake import LastExpansion, assess_bake, fresh_runs
from orchestrator.core.confidence import Rates, assess_confidence
from orchestrator.core.evidence.common import BACKLOG, DRILLS, GOVERNANCE, RELIABILITY, SAFETY
from orchestrator.core.evidence.drills import DrillEvidence
from orchestrator.core.evidence.fleet_status import FleetStatusEvidence
from orchestrator.core.evidence.handoff import HandoffWindow, RunCounts
from orchestrator.core.models import (
    DecisionSummary,
    DrillAssessment,
    DrillRecencyGate,
    EvidenceError,
    Gates,
    GovernanceGate,
    ManualBacklogGate,
    OutcomeReliabilityGate,
    PromotionSource,
    PromotionState,
    SafetySuppressionGate,
    Thresholds,
)
from orchestrator.core.reasons import (
    REQUIRED_DRILLS,
    REQUIRED_GOVERNANCE_CODES,
    DrillReason,
    ReasonCode,
)
from orchestrator.core.timestamps import format_ts

GATE_ORDER = (GOVERNANCE, RELIABILITY, BACKLOG, SAFETY, DRILLS)


@dataclass(frozen=True)
class Evidence:
    """Everything the gates judge. ``None`` handoff/drills mean the file is absent."""

    status: FleetStatusEvidence
    handoff: HandoffWindow | None
    drills: DrillEvidence | None
    drill_state_unreadable: EvidenceError | None = None
    handoff_unreadable: EvidenceError | None = None
    last_expansion: LastExpansion | None = None


def _status(passed: bool) -> str:
    return "pass" if passed else "fail"


def _has_errors(errors: Iterable[EvidenceError], gate: str) -> bool:
    return any(e.gate == gate for e in errors)


def rate(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator > 0 else 0.0


def governance_gate(status: FleetStatusEvidence) -> GovernanceGate:
    reasons: list[str] = []
    if not status.enabled:
        reasons.append(ReasonCode.POLICY_MODE_NOT_GUARDED_AUTO)
    if status.posture != "active":
        reasons.append(ReasonCode.GOVERNANCE_POSTURE_NOT_ACTIVE)
    if status.blocks_autonomous:
        reasons.append(ReasonCode.GOVERNANCE_BLOCKS_AUTONOMOUS)
    reasons.extend(code for raw, code in REQUIRED_GOVERNANCE_CODES.items() if raw in status.governance_reason_codes)
    if _has_errors(status.errors, GOVERNANCE):
        reasons.append(ReasonCode.FLEET_STATUS_INVALID)
    return GovernanceGate(
        status=_status(not reasons),
        reasons=[str(r) for r in reasons],
        posture=status.posture,
        blocks_autonomous=status.blocks_autonomous,
        reason_codes=status.governance_reason_codes,
    )


WEIGHT_CAP = 4
"""A run weighs at most this many times the median requested count of the window's runs."""


@dataclass(frozen=True)
class JudgedRates:
    """The window's ambiguity and failure rates as the gate judges them."""

    ambiguity: float
    failure: float


def capped_rates(runs: Sequence[RunCounts]) -> JudgedRates:
    """The rates with every run's weight capped: a run whose requested count is above ``WEIGHT_CAP``
    times the median requested count (the lower middle one for an even number; runs that requested
    nothing are left out) counts as that many requests, its ambiguous and failed intents scaled
    down in the same proportion. When no run is that large, these are the plain rates."""
    sizes = sorted(r.requested for r in runs if r.requested > 0)
    if not sizes:
        return JudgedRates(0.0, 0.0)
    cap = WEIGHT_CAP * median_low(sizes)
    attempted, ambiguous, failed = 0, 0.0, 0.0
    for run in runs:
        weight = min(run.requested, cap)  # exact: a run under the cap keeps its own counts
        attempted += weight
        ambiguous += run.ambiguous * weight / (run.requested or 1)
        failed += run.failed * weight / (run.requested or 1)
    return JudgedRates(ambiguous / attempted, failed / attempted)


def judged_rates(runs: Sequence[RunCounts]) -> JudgedRates:
    """Each rate is the larger of the plain rate (every intent counted once, as the reference does)
    and the capped rate (``capped_rates``). So no single run can outvote the rest: a huge clean run
    weighs no more than ``WEIGHT_CAP`` ordinary ones, and a huge failing run still fails the window
    at its face value. For a window of runs of similar size both rates are equal, and equal to the
    reference's."""
    attempted = sum(r.requested for r in runs)
    plain = JudgedRates(rate(sum(r.ambiguous for r in runs), attempted), rate(sum(r.failed for r in runs), attempted))
    capped = capped_rates(runs)
    return JudgedRates(max(plain.ambiguity, capped.ambiguity), max(plain.failure, capped.failure))


def reliability_gate(evidence: Evidence, thresholds: Thresholds, now: datetime | None = None) -> OutcomeReliabilityGate:
    """The outcome reliability gate over the window's runs (see ``judged_rates`` for the rates).

    The counts reported are the plain sums; the rates reported are the judged ones, which equal
    the plain ``ambiguous / attempted`` and ``failed / attempted`` unless one run requested more
    than ``WEIGHT_CAP`` times the window's median (docs/contract.md, "One run cannot outvote the
    window"). With ``min-runs-since-expand`` the window is the runs since the last expansion
    (``core.bake``); with ``confidence`` the rates' Wilson bounds are judged too (``core.confidence``).
    """
    handoff = evidence.handoff
    runs, times = (handoff.runs, handoff.run_times) if handoff is not None else ([], {})
    runs = fresh_runs(runs, times, evidence.last_expansion, thresholds)
    attempted = sum(r.requested for r in runs)
    executed = sum(r.executed for r in runs)
    ambiguous = sum(r.ambiguous for r in runs)
    failed = sum(r.failed for r in runs)
    rates = judged_rates(runs)
    invalid = evidence.handoff_unreadable is not None or (handoff is not None and handoff.error_count > 0)
    sample = len(runs)
    reasons: list[str] = []
    if handoff is None and evidence.handoff_unreadable is None:
        reasons.append(ReasonCode.HANDOFF_TELEMETRY_MISSING)
    if invalid:
        reasons.append(ReasonCode.HANDOFF_TELEMETRY_INVALID)
    if sample < thresholds.min_sample_size:
        reasons.append(ReasonCode.AUTONOMOUS_SAMPLE_INSUFFICIENT)
    if sample >= thresholds.min_sample_size and attempted == 0:
        reasons.append(ReasonCode.AUTONOMOUS_ATTEMPTS_ZERO)
    if attempted > 0 and rates.ambiguity > thresholds.max_ambiguity_rate:
        reasons.append(ReasonCode.AUTONOMOUS_AMBIGUITY_RATE_EXCEEDED)
    if attempted > 0 and rates.failure > thresholds.max_failure_rate:
        reasons.append(ReasonCode.AUTONOMOUS_FAILURE_RATE_EXCEEDED)
    bake, bake_reasons = assess_bake(sample, evidence.last_expansion, thresholds, now)
    confidence, confidence_reasons = assess_confidence(runs, Rates(rates.ambiguity, rates.failure), thresholds)
    reasons += bake_reasons + confidence_reasons
    return OutcomeReliabilityGate(
        status=_status(not reasons),
        reasons=[str(r) for r in reasons],
        sample_runs=sample,
        attempted=attempted,
        executed=executed,
        ambiguous=ambiguous,
        failed=failed,
        ambiguity_rate=rates.ambiguity,
        failure_rate=rates.failure,
        bake=bake,
        confidence=confidence,
    )


def manual_backlog_gate(status: FleetStatusEvidence, thresholds: Thresholds) -> ManualBacklogGate:
    reasons: list[str] = []
    if _has_errors(status.errors, BACKLOG):
        reasons.append(ReasonCode.FLEET_STATUS_INVALID)
    elif status.manual_backlog is None:
        reasons.append(ReasonCode.MANUAL_BACKLOG_UNAVAILABLE)
    elif status.manual_backlog > thresholds.max_manual_backlog:
        reasons.append(ReasonCode.MANUAL_BACKLOG_EXCEEDED)
    return ManualBacklogGate(
        status=_status(not reasons), reasons=[str(r) for r in reasons], manual_backlog=status.manual_backlog
    )


def safety_gate(status: FleetStatusEvidence) -> SafetySuppressionGate:
    reasons: list[str] = []
    if status.autopause_active:
        reasons.append(ReasonCode.AUTOPAUSE_ACTIVE)
    if status.missing_paths:
        reasons.append(ReasonCode.SUPPRESSION_PATHS_MISSING)
    if _has_errors(status.errors, SAFETY):
        reasons.append(ReasonCode.FLEET_STATUS_INVALID)
    return SafetySuppressionGate(
        status=_status(not reasons),
        reasons=[str(r) for r in reasons],
        autopause_active=status.autopause_active,
        missing_paths=status.missing_paths,
        by_path=status.by_path,
    )


def drill_gate(evidence: Evidence, thresholds: Thresholds, now: datetime) -> DrillRecencyGate:
    drills = evidence.drills
    reasons: list[str] = []
    assessments: list[DrillAssessment] = []
    if drills is None and evidence.drill_state_unreadable is None:
        reasons.append(ReasonCode.DRILL_STATE_MISSING)
    elif drills is None or drills.errors:
        reasons.append(ReasonCode.DRILL_STATE_INVALID)
    if drills is not None:
        for finding in drills.findings:
            age: float | None = None
            if finding.completed_at is not None:
                age = (now - finding.completed_at).total_seconds() / 3600
            newest = finding.newest
            status = newest.get("status") if newest is not None else None
            assessments.append(
                DrillAssessment(
                    id=finding.id,
                    status=status if isinstance(status, str) else None,
                    completed_at=format_ts(finding.completed_at) if finding.completed_at else None,
                    age_hours=round(age, 3) if age is not None else None,
                    entries=finding.entries,
                )
            )
            if newest is None:
                reasons.append(DrillReason.MISSING.for_drill(finding.id))
                continue
            if status != "pass":
                reasons.append(DrillReason.NOT_PASSED.for_drill(finding.id))
            if finding.timestamp_invalid or finding.completed_at is None:
                reasons.append(DrillReason.TIMESTAMP_INVALID.for_drill(finding.id))
            if age is not None and age > thresholds.max_drill_age_hours:
                reasons.append(DrillReason.STALE.for_drill(finding.id))
    valid = drills is not None and not drills.errors
    return DrillRecencyGate(
        status=_status(not reasons),
        reasons=reasons,
        required_drills=list(REQUIRED_DRILLS),
        drills=drills.drills if valid and drills is not None else [],
        assessments=assessments,
    )


def decide(
    evidence: Evidence,
    thresholds: Thresholds,
    *,
    now: datetime,
    trace_id: str,
    source: PromotionSource,
) -> PromotionState:
    """Promote exactly when every gate passes."""
    gates = Gates(
        governance=governance_gate(evidence.status),
        outcome_reliability=reliability_gate(evidence, thresholds, now),
        manual_backlog=manual_backlog_gate(evidence.status, thresholds),
        safety_suppression=safety_gate(evidence.status),
        drill_recency=drill_gate(evidence, thresholds, now),
    )
    by_name = dict(zip(GATE_ORDER, gate_list(gates), strict=True))
    failed = [name for name, gate in by_name.items() if gate.status == "fail"]
    reason_codes = sorted({code for gate in by_name.values() for code in gate.reasons})
    promote = not failed
    errors = list(evidence.status.errors)
    for extra in (evidence.handoff_unreadable, evidence.drill_state_unreadable):
        if extra is not None:
            errors.append(extra)
    if evidence.handoff is not None:
        errors.extend(evidence.handoff.errors)
    if evidence.drills is not None:
        errors.extend(evidence.drills.errors)
    return PromotionState(
        generated_at=format_ts(now),
        trace_id=trace_id,
        source=source,
        thresholds=thresholds,
        summary=DecisionSummary(
            decision="promote" if promote else "hold",
            promote=promote,
            gate_pass_count=len(GATE_ORDER) - len(failed),
            gate_fail_count=len(failed),
            failed_gates=failed,
            reason_codes=reason_codes,
        ),
        gates=gates,
        evidence_errors=errors,
    )


def gate_list(
    gates: Gates,
) -> tuple[GovernanceGate, OutcomeReliabilityGate, ManualBacklogGate, SafetySuppressionGate, DrillRecencyGate]:
    return (
        gates.governance,
        gates.outcome_reliability,
        gates.manual_backlog,
        gates.safety_suppression,
        gates.drill_recency,
    )
