"""Planning one governed mutation of the rollout: pure, from texts to texts.

``plan_apply`` turns the registry text, the apply telemetry text and a request into the new
registry text, the audit line and the apply state; it reads no file and no clock. The local use
case (``usecases.apply``) runs it under the fleet lock; the GitHub one runs it on the branch head.
The apply log is read and replayed in ``core.replay`` (``ApplyLog`` and ``parse_apply_log`` are
re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orchestrator.core.apply_request import ApplyRequest, validate_request_fields, validate_review_by
from orchestrator.core.audit import ChainReport, chain_for_apply, sealed, verify_records
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.freeze import check_freeze, registry_calendar
from orchestrator.core.jsontext import dumps
from orchestrator.core.models import (
    ApplyFiles,
    ApplyRecord,
    GovernanceRecord,
    Intent,
    RolloutChange,
    RolloutPoint,
    RolloutTransition,
)
from orchestrator.core.reasons import ReasonCode
from orchestrator.core.registry.document import (
    RegistryInvalid,
    fleet_id,
    parse_registry_text,
    policy_mode,
    rollout_point,
)
from orchestrator.core.registry.edit import edit_rollout
from orchestrator.core.registry.rules import validation_errors
from orchestrator.core.replay import ApplyLog as ApplyLog
from orchestrator.core.replay import describe_replay, find_replay, with_current
from orchestrator.core.replay import parse_apply_log as parse_apply_log
from orchestrator.core.timestamps import format_ts


@dataclass(frozen=True)
class ApplyPlan:
    record: ApplyRecord
    registry_text: str
    telemetry_line: str | None
    apply_state_text: str
    warnings: list[str] = field(default_factory=list)

    @property
    def replayed(self) -> bool:
        return self.record.replayed


def _current_point(registry_text: str, registry_label: str) -> RolloutPoint | None:
    try:
        canary, manual = rollout_point(parse_registry_text(registry_text, registry_label))
    except (OrchestratorError, TypeError, ValueError):
        return None
    return RolloutPoint(canary_percent=canary, manual_pause=manual)


def plan_apply(
    *,
    registry_text: str,
    apply_log: ApplyLog,
    decision: str,
    request: ApplyRequest,
    files: ApplyFiles,
    now: datetime,
    registry_label: str,
    chain: ChainReport | None = None,
) -> ApplyPlan:
    """Decide the whole effect of one apply; raises ``OrchestratorError`` and changes nothing on refusal.

    ``chain`` is the apply log's audit chain as verified line by line (``core.audit.verify_chain``);
    without it the records are verified as read. A new record extends it (``previousHash``, ``hash``).
    """
    _check_request(request, decision, now)
    warnings = _log_warnings(apply_log)
    replay = find_replay(apply_log.records, request)
    if replay is not None:
        _refuse_other_rollback_to(replay[1], request)
        current = _current_point(registry_text, registry_label)
        record, replayed = with_current(replay[1], current)
        warnings.append(f"idempotency key {request.idempotency_key!r} {describe_replay(record, current)}")
        return ApplyPlan(record, registry_text, None, dumps(replayed) + "\n", warnings)
    previous_hash, chain_codes = chain_for_apply(
        chain if chain is not None else verify_records(apply_log.records),
        apply_log.records,
        allow_broken=request.allow_broken_audit_chain,
        file=files.apply_telemetry_file,
    )
    doc = parse_registry_text(registry_text, registry_label)
    review_expired_override = _check_registry(doc, request.intent, now, registry_label)
    calendar = (*registry_calendar(doc), *request.freeze_calendar)
    break_glass = check_freeze(calendar, request.intent, request.break_glass_ref, now)
    canary, manual = rollout_point(doc)
    before = RolloutPoint(canary_percent=canary, manual_pause=manual)
    after = _point_after(before, request)
    governance = _governance(request, format_ts(now))
    new_text, new_doc = _edited_registry(registry_text, after, governance, now, registry_label)
    record = _apply_record(
        request,
        decision=decision,
        fleet=fleet_id(new_doc),
        governance=governance,
        rollout=_transition(before, after),
        files=files,
        reason_codes=[
            *_reason_codes(request, apply_log, review_expired_override=review_expired_override),
            *chain_codes,
            *([ReasonCode.CHANGE_FREEZE_BREAK_GLASS] if break_glass else []),
        ],
        break_glass=break_glass,
    )
    document = sealed(record.to_json(), previous_hash)
    record = ApplyRecord.model_validate(document)
    line = dumps(document)
    return ApplyPlan(
        record=record,
        registry_text=new_text,
        telemetry_line=line,
        apply_state_text=line + "\n",
        warnings=warnings,
    )


def _check_request(request: ApplyRequest, decision: str, now: datetime) -> None:
    """Refusals that need no file: bad fields, a held decision (rollback excepted), a past review."""
    validate_request_fields(request)
    if request.intent != "rollback" and decision != "promote":
        raise OrchestratorError(f"intent {request.intent} requires promotion decision promote (found: {decision})")
    validate_review_by(request.review_by, now)


def _log_warnings(apply_log: ApplyLog) -> list[str]:
    """Unreadable telemetry lines are skipped, not fatal, but the operator is told which ones."""
    if not apply_log.bad_lines:
        return []
    shown = ", ".join(str(n) for n in apply_log.bad_lines[:5])
    return [f"apply telemetry has unreadable lines ({shown}); they were skipped"]


def _check_registry(doc: dict[str, Any], intent: Intent, now: datetime, registry_label: str) -> bool:
    """Refuse an invalid or advisory registry; True when a rollback goes ahead past an expired review.

    A rollback is the way out of a bad rollout, so an expired ``reviewBy`` alone does not stop it.
    """
    errors = validation_errors(doc, now)
    review_expired_override = False
    if errors and intent == "rollback":
        errors = validation_errors(doc, now, require_future_review=False)
        review_expired_override = not errors
    if errors:
        raise RegistryInvalid(registry_label, errors)
    if policy_mode(doc) != "guarded_auto":
        raise OrchestratorError("promotion apply requires policy.mode guarded_auto")
    return review_expired_override


def _point_after(before: RolloutPoint, request: ApplyRequest) -> RolloutPoint:
    """Expand widens the canary (capped at 100); rollback pauses; resume and expand unpause.

    A rollback keeps the share for a later resume, as the reference does, unless it was asked to
    set it back too (``rollback_to``).
    """
    canary = before.canary_percent
    if request.intent == "expand":
        canary = min(100, canary + request.expand_step)
    elif request.intent == "rollback" and request.rollback_to is not None:
        canary = request.rollback_to
    return RolloutPoint(canary_percent=canary, manual_pause=request.intent == "rollback")


def _refuse_other_rollback_to(prior: dict[str, Any], request: ApplyRequest) -> None:
    """A key names one rollback: replaying it for another ``--rollback-to`` would answer the wrong question."""
    recorded = prior.get("rollbackTo")
    if request.intent == "rollback" and recorded != request.rollback_to:
        was, now = ("none" if value is None else str(value) for value in (recorded, request.rollback_to))
        raise OrchestratorError(
            f"idempotency key {request.idempotency_key!r} was used for rollback-to {was};"
            f" refusing to reuse it for rollback-to {now}"
        )


def _edited_registry(
    text: str, after: RolloutPoint, governance: GovernanceRecord, now: datetime, registry_label: str
) -> tuple[str, dict[str, Any]]:
    """The edited registry text and document; an edit that leaves the registry invalid is refused."""
    new_text = edit_rollout(text, after, governance)
    new_doc = parse_registry_text(new_text, registry_label)
    after_errors = validation_errors(new_doc, now)
    if after_errors:
        raise OrchestratorError(f"mutated registry failed validation: {'; '.join(after_errors[:5])}")
    return new_text, new_doc


def _apply_record(
    request: ApplyRequest,
    *,
    decision: str,
    fleet: str,
    governance: GovernanceRecord,
    rollout: RolloutTransition,
    files: ApplyFiles,
    reason_codes: list[str],
    break_glass: dict[str, str] | None = None,
) -> ApplyRecord:
    """The audit record: the request's links (empty ones as null), its governance and the transition."""
    return ApplyRecord(
        timestamp=governance.changed_at,
        fleet_id=fleet,
        trace_id=request.trace_id,
        loop_id=request.loop_id or None,
        horizon_ref=request.horizon_ref or None,
        evidence_refs=list(request.evidence_refs),
        idempotency_key=request.idempotency_key or None,
        intent=request.intent,
        expand_step=request.expand_step if request.intent == "expand" else None,
        decision=decision,
        governance=governance,
        rollout=rollout,
        files=files,
        reason_codes=reason_codes,
        **({"rollbackTo": request.rollback_to} if request.rollback_to is not None else {}),
        **({"breakGlass": break_glass} if break_glass else {}),
    )


def _governance(request: ApplyRequest, changed_at: str) -> GovernanceRecord:
    """The authority written to the registry and recorded, stamped with the apply's time."""
    return GovernanceRecord(
        actor=request.by,
        approval_ref=request.approval_ref,
        rationale=request.rationale,
        changed_at=changed_at,
        review_by=request.review_by,
    )


def _transition(before: RolloutPoint, after: RolloutPoint) -> RolloutTransition:
    """Both points plus what changed, so readers need not compare them (a resume may change nothing)."""
    return RolloutTransition(
        before=before,
        after=after,
        changed=RolloutChange(
            canary_percent=before.canary_percent != after.canary_percent,
            manual_pause=before.manual_pause != after.manual_pause,
        ),
    )


def _reason_codes(request: ApplyRequest, apply_log: ApplyLog, *, review_expired_override: bool) -> list[str]:
    """What the record must disclose: the caller's overrides, an expired review, a torn telemetry line."""
    reason_codes: list[str] = list(request.overrides)
    if review_expired_override:
        reason_codes.append(ReasonCode.ROLLBACK_REVIEW_EXPIRED_OVERRIDDEN)
    if apply_log.bad_lines:
        reason_codes.append(ReasonCode.APPLY_TELEMETRY_TORN_LINE)
    return reason_codes


def decision_of(state: Any) -> str:
    """``summary.decision`` of a promotion state document, which an apply must have."""
    summary = state.get("summary") if isinstance(state, dict) else None
    decision = summary.get("decision") if isinstance(summary, dict) else None
    if not isinstance(decision, str) or not decision:
        raise OrchestratorError("promotion state missing summary.decision")
    return decision
