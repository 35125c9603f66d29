"""Planning one governed mutation of the rollout: pure, from texts to texts.

``plan_apply`` turns the registry text, the apply telemetry text and a request into the new
registry text, the audit line and the apply state; it reads no file and no clock. The local use
case (``usecases.apply``) runs it under the fleet lock; the GitHub one runs it on the branch head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from pydantic import ValidationError

from orchestrator.core.errors import OrchestratorError
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
from orchestrator.core.registry import (
    RegistryInvalid,
    edit_registry,
    fleet_id,
    parse_registry_text,
    policy_mode,
    rollout_point,
    validation_errors,
)
from orchestrator.core.timestamps import format_ts, parse_ts

INTENTS: tuple[Intent, ...] = ("expand", "resume", "rollback")


@dataclass(frozen=True)
class ApplyRequest:
    intent: Intent
    by: str
    approval_ref: str
    rationale: str
    review_by: str
    trace_id: str
    expand_step: int = 25
    idempotency_key: str | None = None
    loop_id: str | None = None
    horizon_ref: str | None = None
    evidence_refs: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()
    """Why a rollback went ahead despite a failed check; recorded in the record's reasonCodes."""


@dataclass(frozen=True)
class ApplyLog:
    """The apply telemetry as far as it can be trusted: whole records, and the lines that are not."""

    records: list[dict[str, Any]]
    bad_lines: list[int]
    torn_tail: bool


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


def parse_apply_log(text: str) -> ApplyLog:
    records: list[dict[str, Any]] = []
    bad: list[int] = []
    lines = text.split("\n")
    torn_tail = bool(text) and not text.endswith("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            bad.append(number)
            continue
        if isinstance(value, dict):
            records.append(value)
        else:
            bad.append(number)
    return ApplyLog(records=records, bad_lines=bad, torn_tail=torn_tail)


def validate_review_by(review_by: str, now: datetime) -> datetime:
    stamp = parse_ts(review_by)
    if stamp is None:
        raise OrchestratorError("--review-by must be an ISO-8601 timestamp")
    if stamp <= now:
        raise OrchestratorError("--review-by must be in the future")
    return stamp


def validate_expand_step(step: int) -> None:
    """The one range check of a canary step, whichever command or input it came from."""
    if not 1 <= step <= 100:
        raise OrchestratorError("--expand-step must be an integer between 1 and 100")


def parse_expand_step(raw: str) -> int:
    """A canary step from its text: digits only, so ``+5`` or ``1e2`` are refused as the reference does."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw.lstrip("0")) > 3:
        raise OrchestratorError("--expand-step must be an integer between 1 and 100")
    step = int(raw)
    validate_expand_step(step)
    return step


def validate_intent(intent: str) -> Intent:
    """The intent named on the command line, one of the three the reference knows."""
    for known in INTENTS:
        if intent == known:
            return known
    raise OrchestratorError("--intent must be one of expand, resume, rollback")


def validate_request_fields(request: ApplyRequest) -> None:
    validate_intent(request.intent)
    validate_expand_step(request.expand_step)
    require_governance(request.by, request.approval_ref, request.rationale, request.review_by)


def require_governance(by: str, approval_ref: str, rationale: str, review_by: str, *, context: str = "") -> None:
    """Every mutation names who, which approval, why and until when; ``context`` ends the message."""
    for flag, value in (
        ("--by", by),
        ("--approval-ref", approval_ref),
        ("--rationale", rationale),
        ("--review-by", review_by),
    ):
        if not value:
            raise OrchestratorError(f"{flag} is required{context}")


def merged_evidence_refs(custom: tuple[str, ...] | list[str], *extra: str | None) -> list[str]:
    """Custom refs plus the given files: non-empty strings, unique, sorted (as jq's ``unique``)."""
    return sorted({ref for ref in (*custom, *extra) if isinstance(ref, str) and ref})


def _replay(prior: dict[str, Any], request: ApplyRequest) -> dict[str, Any]:
    if prior.get("intent") != request.intent:
        raise OrchestratorError(
            f"idempotency key {request.idempotency_key!r} was used for intent {prior.get('intent')};"
            f" refusing to reuse it for intent {request.intent}"
        )
    prior_step = prior.get("expandStep")
    if request.intent == "expand" and prior_step is not None and prior_step != request.expand_step:
        raise OrchestratorError(
            f"idempotency key {request.idempotency_key!r} was used for expand-step {prior_step};"
            f" refusing to reuse it for expand-step {request.expand_step}"
        )
    replay = dict(prior)
    replay["replayed"] = True
    replay["loopId"] = prior.get("loopId") or request.loop_id or None
    replay["horizonRef"] = prior.get("horizonRef") or request.horizon_ref or None
    if prior.get("evidenceRefs") is None:
        replay["evidenceRefs"] = list(request.evidence_refs)
    return replay


def plan_apply(
    *,
    registry_text: str,
    apply_log: ApplyLog,
    decision: str,
    request: ApplyRequest,
    files: ApplyFiles,
    now: datetime,
    registry_label: str,
) -> ApplyPlan:
    """Decide the whole effect of one apply; raises ``OrchestratorError`` and changes nothing on refusal."""
    validate_request_fields(request)
    if request.intent != "rollback" and decision != "promote":
        raise OrchestratorError(f"intent {request.intent} requires promotion decision promote (found: {decision})")
    validate_review_by(request.review_by, now)
    warnings: list[str] = []
    if apply_log.bad_lines:
        shown = ", ".join(str(n) for n in apply_log.bad_lines[:5])
        warnings.append(f"apply telemetry has unreadable lines ({shown}); they were skipped")

    if request.idempotency_key:
        prior = next(
            (r for r in reversed(apply_log.records) if r.get("idempotencyKey") == request.idempotency_key),
            None,
        )
        if prior is not None:
            replay = _replay(prior, request)
            try:
                record = ApplyRecord.model_validate(replay)
            except ValidationError as exc:
                raise OrchestratorError(
                    f"the apply record for idempotency key {request.idempotency_key!r} is malformed; not replaying it"
                ) from exc
            return ApplyPlan(
                record=record,
                registry_text=registry_text,
                telemetry_line=None,
                apply_state_text=dumps(replay) + "\n",
                warnings=warnings,
            )

    doc = parse_registry_text(registry_text, registry_label)
    review_expired_override = False
    errors = validation_errors(doc, now)
    if errors and request.intent == "rollback":
        relaxed = validation_errors(doc, now, require_future_review=False)
        review_expired_override = not relaxed
        errors = relaxed
    if errors:
        raise RegistryInvalid(registry_label, errors)
    if policy_mode(doc) != "guarded_auto":
        raise OrchestratorError("promotion apply requires policy.mode guarded_auto")

    canary_before, manual_before = rollout_point(doc)
    canary_after = min(100, canary_before + request.expand_step) if request.intent == "expand" else canary_before
    manual_after = request.intent == "rollback"
    changed_at = format_ts(now)
    governance = GovernanceRecord(
        actor=request.by,
        approval_ref=request.approval_ref,
        rationale=request.rationale,
        changed_at=changed_at,
        review_by=request.review_by,
    )
    rollout_path = ("policy", "autonomous", "rollout")
    gov_path = ("policy", "autonomous", "governance")
    updates: list[tuple[tuple[str, ...], Any]] = [
        ((*rollout_path, "canaryPercent"), canary_after),
        ((*rollout_path, "pause", "manual"), manual_after),
        ((*gov_path, "actor"), request.by),
        ((*gov_path, "approvalRef"), request.approval_ref),
        ((*gov_path, "rationale"), request.rationale),
        ((*gov_path, "changedAt"), changed_at),
        ((*gov_path, "reviewBy"), request.review_by),
    ]
    new_text = edit_registry(registry_text, updates)
    new_doc = parse_registry_text(new_text, registry_label)
    after_errors = validation_errors(new_doc, now)
    if after_errors:
        raise OrchestratorError(f"mutated registry failed validation: {'; '.join(after_errors[:5])}")

    reason_codes: list[str] = list(request.overrides)
    if review_expired_override:
        reason_codes.append(ReasonCode.ROLLBACK_REVIEW_EXPIRED_OVERRIDDEN)
    if apply_log.bad_lines:
        reason_codes.append(ReasonCode.APPLY_TELEMETRY_TORN_LINE)
    record = ApplyRecord(
        timestamp=changed_at,
        fleet_id=fleet_id(new_doc),
        trace_id=request.trace_id,
        loop_id=request.loop_id or None,
        horizon_ref=request.horizon_ref or None,
        evidence_refs=list(request.evidence_refs),
        idempotency_key=request.idempotency_key or None,
        intent=request.intent,
        expand_step=request.expand_step if request.intent == "expand" else None,
        decision=decision,
        governance=governance,
        rollout=RolloutTransition(
            before=RolloutPoint(canary_percent=canary_before, manual_pause=manual_before),
            after=RolloutPoint(canary_percent=canary_after, manual_pause=manual_after),
            changed=RolloutChange(
                canary_percent=canary_before != canary_after, manual_pause=manual_before != manual_after
            ),
        ),
        files=files,
        reason_codes=reason_codes,
    )
    line = dumps(record.to_json())
    return ApplyPlan(
        record=record,
        registry_text=new_text,
        telemetry_line=line,
        apply_state_text=line + "\n",
        warnings=warnings,
    )


def decision_of(state: Any) -> str:
    """``summary.decision`` of a promotion state document, which an apply must have."""
    summary = state.get("summary") if isinstance(state, dict) else None
    decision = summary.get("decision") if isinstance(summary, dict) else None
    if not isinstance(decision, str) or not decision:
        raise OrchestratorError("promotion state missing summary.decision")
    return decision
