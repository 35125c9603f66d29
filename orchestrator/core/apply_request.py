"""The apply request: what a mutation asks for, and every check it passes before anything runs.

Kept apart from the planner so the shells and the orchestration rules can judge a request (and a
dry run can start) without loading the registry machinery.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from orchestrator.core.errors import InvalidInput
from orchestrator.core.freetext import check_all
from orchestrator.core.models import Intent
from orchestrator.core.timestamps import parse_ts

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


def validate_review_by(review_by: str, now: datetime) -> datetime:
    stamp = parse_ts(review_by)
    if stamp is None:
        raise InvalidInput("review-by", "must be an ISO-8601 timestamp")
    if stamp <= now:
        raise InvalidInput("review-by", "must be in the future")
    return stamp


def validate_expand_step(step: int) -> None:
    """The one range check of a canary step, whichever command or input it came from."""
    if not 1 <= step <= 100:
        raise InvalidInput("expand-step", "must be an integer between 1 and 100")


def parse_expand_step(raw: str) -> int:
    """A canary step from its text: digits only, so ``+5`` or ``1e2`` are refused as the reference does."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw.lstrip("0")) > 3:
        raise InvalidInput("expand-step", "must be an integer between 1 and 100")
    step = int(raw.lstrip("0") or "0")
    validate_expand_step(step)
    return step


def validate_intent(intent: str) -> Intent:
    """The intent named on the command line, one of the three the reference knows."""
    for known in INTENTS:
        if intent == known:
            return known
    raise InvalidInput("intent", "must be one of expand, resume, rollback")


def validate_request_fields(request: ApplyRequest) -> None:
    validate_intent(request.intent)
    validate_expand_step(request.expand_step)
    require_governance(request.by, request.approval_ref, request.rationale, request.review_by)
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
    """Every mutation names who, which approval, why and until when; ``context`` ends the message."""
    for flag, value in (
        ("--by", by),
        ("--approval-ref", approval_ref),
        ("--rationale", rationale),
        ("--review-by", review_by),
    ):
        if not value:
            raise InvalidInput(flag.removeprefix("--"), f"is required{context}")
    check_all([("by", by), ("approval-ref", approval_ref), ("rationale", rationale), ("review-by", review_by)])


def merged_evidence_refs(custom: tuple[str, ...] | list[str], *extra: str | None) -> list[str]:
    """Custom refs plus the given files: non-empty strings, unique, sorted (as jq's ``unique``)."""
    return sorted({ref for ref in (*custom, *extra) if isinstance(ref, str) and ref})
