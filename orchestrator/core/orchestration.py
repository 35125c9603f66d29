"""What an orchestration asks for, and the pure rules that turn a decision into what happens next.

A rollback is the safety action, so a failed or held decision does not stop it; the overrides
record why it went ahead. Free text (rationale, refs) is data and never reaches an argument list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from orchestrator.core.apply_request import (
    ApplyRequest,
    check_references,
    merged_evidence_refs,
    require_governance,
    validate_expand_step,
    validate_review_by,
    validate_rollback_to,
)
from orchestrator.core.digest import DEFAULT_DECISION_TTL_HOURS, DecisionBinding, DecisionRefused, check_binding
from orchestrator.core.errors import invalid_choice
from orchestrator.core.freeze import FreezeWindow, validate_break_glass
from orchestrator.core.models import Mode, OrchestrationStatus, Thresholds
from orchestrator.core.reasons import ReasonCode

ApplyIntent = Literal["expand", "resume"]
MODES: tuple[Mode, ...] = ("dry_run", "apply", "rollback")
APPLY_INTENTS: tuple[ApplyIntent, ...] = ("expand", "resume")
EXIT_REFUSED = 1
EXIT_HOLD = 2


@dataclass(frozen=True)
class Governance:
    by: str = ""
    approval_ref: str = ""
    rationale: str = ""
    review_by: str = ""


@dataclass(frozen=True)
class OrchestrateRequest:
    mode: Mode
    apply_intent: ApplyIntent
    expand_step: int
    governance: Governance
    trace_id: str
    thresholds: Thresholds
    skip_on_missing_evidence: bool = False
    fail_on_hold: bool = False
    idempotency_key: str | None = None
    loop_id: str | None = None
    horizon_ref: str | None = None
    evidence_refs: tuple[str, ...] = ()
    rollback_to: int | None = None
    """Mode rollback only: also set the canary share to this percent (off by default: the share is kept)."""
    binding: DecisionBinding = field(default_factory=DecisionBinding)
    """What the decision acted on must be (``--expect-evidence-digest``, ``--max-decision-age``); off by default."""
    decision_ttl_hours: float = DEFAULT_DECISION_TTL_HOURS
    allow_broken_audit_chain: bool = False
    freeze_calendar: tuple[FreezeWindow, ...] = ()
    """Freeze windows from ``--freeze-calendar`` (the registry's are read at apply time); none by default."""
    break_glass_ref: str | None = None
    """A second approval that lets an expand or resume through an active freeze; off by default."""


@dataclass(frozen=True)
class DecisionPhase:
    """The decision as the orchestration saw it: its value, or why there was none."""

    decision: Literal["promote", "hold", "skipped", "unknown"]
    failed_gates: list[str]
    reason_codes: list[str]
    error: str | None = None


@dataclass(frozen=True)
class NextStep:
    """What to do after deciding: apply (with overrides) or stop with a status and exit code."""

    apply: bool
    status: OrchestrationStatus
    exit_code: int = 0
    error: str | None = None
    overrides: tuple[str, ...] = ()
    refusal_code: str | None = None
    """The reason code of a refusal that has one (``promotion_change_freeze_active``)."""


def parse_mode(value: str) -> Mode:
    """The orchestration mode named by a shell, one of ``MODES``."""
    for mode in MODES:
        if value == mode:
            return mode
    raise invalid_choice("mode", value, MODES)


def parse_apply_intent(value: str) -> ApplyIntent:
    """The intent of mode apply, one of ``APPLY_INTENTS``."""
    for intent in APPLY_INTENTS:
        if value == intent:
            return intent
    raise invalid_choice("apply-intent", value, APPLY_INTENTS)


def validate_request(request: OrchestrateRequest, now: datetime) -> None:
    """Everything that can be refused before any evidence is read or any file written.

    A mutation's review deadline is judged here too, so a past one refuses the run before the
    decision files change (and a re-run cannot apply what a first run half did).
    """
    parse_mode(request.mode)
    parse_apply_intent(request.apply_intent)
    validate_expand_step(request.expand_step)
    validate_rollback_to(request.rollback_to, request.mode, where="mode")
    if request.mode != "dry_run":
        gov = request.governance
        require_governance(gov.by, gov.approval_ref, gov.rationale, gov.review_by, context=f" for mode {request.mode}")
        validate_review_by(gov.review_by, now)
    check_references(
        request.trace_id, request.idempotency_key, request.loop_id, request.horizon_ref, request.evidence_refs
    )
    validate_break_glass(request.break_glass_ref, request.governance.approval_ref)


def rollback_overrides(phase: DecisionPhase, *, held: bool) -> tuple[str, ...]:
    """Why a rollback went ahead despite its decision phase."""
    overrides: list[str] = []
    if phase.error is not None:
        overrides.append(ReasonCode.ROLLBACK_DECISION_FAILED_OVERRIDDEN)
    if held:
        overrides.append(ReasonCode.ROLLBACK_HOLD_OVERRIDDEN)
    return tuple(overrides)


def next_step(request: OrchestrateRequest, phase: DecisionPhase) -> NextStep:
    """Refuse without a decision, stop on a hold under ``--fail-on-hold``, preview, or go on to apply."""
    held = phase.decision == "hold" and request.fail_on_hold
    if request.mode == "rollback":
        return NextStep(apply=True, status="rolled_back", overrides=rollback_overrides(phase, held=held))
    if phase.error is not None:
        return NextStep(apply=False, status="refused", exit_code=EXIT_REFUSED, error=phase.error)
    if held:
        error = f"decision is hold; failed gates: {', '.join(phase.failed_gates) or 'none'}"
        return NextStep(apply=False, status="held", exit_code=EXIT_HOLD, error=error)
    if request.mode == "dry_run":
        return NextStep(apply=False, status="preview")
    return NextStep(apply=True, status="applied")


def apply_request(request: OrchestrateRequest, decision_file: str, overrides: tuple[str, ...]) -> ApplyRequest:
    """The apply this orchestration asks for, with the decision file among its evidence refs."""
    gov = request.governance
    return ApplyRequest(
        intent=request.apply_intent if request.mode == "apply" else "rollback",
        by=gov.by,
        approval_ref=gov.approval_ref,
        rationale=gov.rationale,
        review_by=gov.review_by,
        trace_id=request.trace_id,
        expand_step=request.expand_step,
        idempotency_key=request.idempotency_key,
        loop_id=request.loop_id,
        horizon_ref=request.horizon_ref,
        evidence_refs=tuple(merged_evidence_refs(request.evidence_refs, decision_file)),
        overrides=overrides,
        rollback_to=request.rollback_to if request.mode == "rollback" else None,
        allow_broken_audit_chain=request.allow_broken_audit_chain,
        freeze_calendar=request.freeze_calendar,
        break_glass_ref=request.break_glass_ref if request.mode == "apply" else None,
    )


def bound_step(
    request: OrchestrateRequest, step: NextStep, decision: Mapping[str, Any] | None, now: datetime
) -> NextStep:
    """An apply only on the decision that was reviewed and is still fresh; a rollback is never held back.

    The step is refused (with the refusal's code) when the decision's digest or age fails the binding.
    """
    if not step.apply or request.mode == "rollback" or not request.binding.active:
        return step
    try:
        check_binding(decision or {}, request.binding, now)
    except DecisionRefused as exc:
        return NextStep(
            apply=False, status="refused", exit_code=EXIT_REFUSED, error=exc.message, refusal_code=exc.reason_code
        )
    return step
