"""The apply request: what a mutation asks for, and every check it passes before anything runs.

Kept apart from the planner so the shells and the orchestration rules can judge a request (and a
dry run can start) without loading the registry machinery.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from orchestrator.core.errors import InvalidInput, MissingInputs, invalid_choice
from orchestrator.core.freetext import check_all
from orchestrator.core.freeze import FreezeWindow, validate_break_glass
from orchestrator.core.models import Intent
from orchestrator.core.timestamps import format_ts, parse_date_only, parse_ts

INTENTS: tuple[Intent, ...] = ("expand", "resume", "rollback")
REVIEW_BY_EXAMPLE = "2027-06-30T00:00:00Z"


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
    rollback_to: int | None = None
    """A rollback that also sets the canary share to this percent (``--rollback-to``); off by default."""
    allow_broken_audit_chain: bool = False
    """Extend an apply telemetry whose audit chain is broken (``--allow-broken-audit-chain``), and record it."""
    freeze_calendar: tuple[FreezeWindow, ...] = ()
    """Freeze windows from ``--freeze-calendar``, judged with the registry's (``core.freeze``); none by default."""
    break_glass_ref: str | None = None
    """A second approval that lets an expand or resume through an active freeze (``--break-glass-approval-ref``)."""


def validate_review_by(review_by: str, now: datetime) -> datetime:
    stamp = parse_ts(review_by)
    if stamp is None:
        date = parse_date_only(review_by)
        example = format_ts(date) if date is not None else REVIEW_BY_EXAMPLE
        raise InvalidInput("review-by", f"must be an RFC 3339 timestamp like {example}", got=review_by)
    if stamp <= now:
        raise InvalidInput("review-by", "must be in the future", got=review_by)
    return stamp


def review_by_from_date(review_by: str) -> str | None:
    """The full timestamp a date-only review deadline stands for (midnight UTC), or ``None``.

    Only the command line reads a date this way, and says so; the value stored is the timestamp.
    """
    date = parse_date_only(review_by)
    return format_ts(date) if date is not None else None


def validate_expand_step(step: int) -> None:
    """The one range check of a canary step, whichever command or input it came from."""
    if not 1 <= step <= 100:
        raise InvalidInput("expand-step", "must be an integer between 1 and 100", got=str(step))


def _percent(raw: str, option: str, problem: str, low: int) -> int:
    """A percent from its text: digits only, so ``+5`` or ``1e2`` are refused as the reference does."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw.lstrip("0")) > 3:
        raise InvalidInput(option, problem, got=raw)
    value = int(raw.lstrip("0") or "0")
    if not low <= value <= 100:
        raise InvalidInput(option, problem, got=raw)
    return value


def parse_expand_step(raw: str) -> int:
    """A canary step from its text, 1..100."""
    return _percent(raw, "expand-step", "must be an integer between 1 and 100", 1)


def parse_rollback_to(raw: str | None) -> int | None:
    """The canary share a rollback sets (``--rollback-to``), 0..100; ``None`` when not asked for."""
    if raw is None:
        return None
    return _percent(raw, "rollback-to", "must be an integer between 0 and 100", 0)


def validate_rollback_to(rollback_to: int | None, intent: str, *, where: str = "--intent") -> None:
    """``--rollback-to`` is a rollback's option only, and a percent."""
    if rollback_to is None:
        return
    if not 0 <= rollback_to <= 100:
        raise InvalidInput("rollback-to", "must be an integer between 0 and 100", got=str(rollback_to))
    if intent != "rollback":
        raise InvalidInput("rollback-to", f"applies only to {where} rollback (got {where} {intent})")


def validate_intent(intent: str) -> Intent:
    """The intent named on the command line, one of the three the reference knows."""
    for known in INTENTS:
        if intent == known:
            return known
    raise invalid_choice("intent", intent, INTENTS)


def validate_request_fields(request: ApplyRequest) -> None:
    validate_intent(request.intent)
    validate_expand_step(request.expand_step)
    validate_rollback_to(request.rollback_to, request.intent)
    require_governance(request.by, request.approval_ref, request.rationale, request.review_by)
    validate_break_glass(request.break_glass_ref, request.approval_ref)
    check_references(
        request.trace_id, request.idempotency_key, request.loop_id, request.horizon_ref, request.evidence_refs
    )


def check_references(
    trace_id: str | None, idempotency_key: str | None, loop_id: str | None, horizon_ref: str | None, refs: Iterable[str]
) -> None:
    """Identifiers and references are recorded and shown too: one line each."""
    fields = [("trace-id", trace_id), ("idempotency-key", idempotency_key), ("loop-id", loop_id)]
    check_all([*fields, ("horizon-ref", horizon_ref), *(("evidence-ref", ref) for ref in refs)])


def require_governance(by: str, approval_ref: str, rationale: str, review_by: str, *, context: str = "") -> None:
    """Every mutation names who, which approval, why and until when; ``context`` ends the message.

    Every missing one is named in the one refusal, so a second try is enough.
    """
    given = (("by", by), ("approval-ref", approval_ref), ("rationale", rationale), ("review-by", review_by))
    missing = [option for option, value in given if not value]
    if missing:
        raise MissingInputs(missing, context)
    check_all([("by", by), ("approval-ref", approval_ref), ("rationale", rationale), ("review-by", review_by)])


def merged_evidence_refs(custom: tuple[str, ...] | list[str], *extra: str | None) -> list[str]:
    """Custom refs plus the given files: non-empty strings, unique, sorted (as jq's ``unique``)."""
    return sorted({ref for ref in (*custom, *extra) if isinstance(ref, str) and ref})
