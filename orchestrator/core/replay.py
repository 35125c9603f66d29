"""The apply telemetry read back, and replaying an apply by its idempotency key instead of twice.

A retried workflow or a concurrent rerun sends the same key again; the recorded apply is returned
as it was, marked ``replayed``, and nothing is mutated. A key reused for a different intent or
canary step is refused rather than silently answered with the other apply's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson
from pydantic import ValidationError

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.models import ApplyRecord, RolloutPoint


@dataclass(frozen=True)
class ApplyLog:
    """The apply telemetry as far as it can be trusted: whole records, and the lines that are not."""

    records: list[dict[str, Any]]
    bad_lines: list[int]
    torn_tail: bool


def parse_apply_log(text: str) -> ApplyLog:
    """The lines that are whole JSON objects; the others are listed by number, to be reported, not trusted."""
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


class ReplayRequest(Protocol):
    """The parts of an apply request a replay compares against or fills in."""

    @property
    def intent(self) -> str: ...
    @property
    def expand_step(self) -> int: ...
    @property
    def idempotency_key(self) -> str | None: ...
    @property
    def loop_id(self) -> str | None: ...
    @property
    def horizon_ref(self) -> str | None: ...
    @property
    def evidence_refs(self) -> Sequence[str]: ...


def find_replay(records: list[dict[str, Any]], request: ReplayRequest) -> tuple[ApplyRecord, dict[str, Any]] | None:
    """The recorded apply for the request's key (the newest), as a record and as the document to write."""
    if not request.idempotency_key:
        return None
    prior = next((r for r in reversed(records) if r.get("idempotencyKey") == request.idempotency_key), None)
    if prior is None:
        return None
    replay = _replayed(prior, request)
    try:
        record = ApplyRecord.model_validate(replay)
    except ValidationError as exc:
        raise OrchestratorError(
            f"the apply record for idempotency key {request.idempotency_key!r} is malformed; not replaying it"
        ) from exc
    return record, replay


def _replayed(prior: dict[str, Any], request: ReplayRequest) -> dict[str, Any]:
    """The prior record marked as a replay; links it lacked are taken from this request."""
    _refuse_mismatch(prior, request)
    replay = dict(prior)
    replay["replayed"] = True
    replay["loopId"] = prior.get("loopId") or request.loop_id or None
    replay["horizonRef"] = prior.get("horizonRef") or request.horizon_ref or None
    if prior.get("evidenceRefs") is None:
        replay["evidenceRefs"] = list(request.evidence_refs)
    return replay


def _refuse_mismatch(prior: dict[str, Any], request: ReplayRequest) -> None:
    """A key names one apply: the same key with another intent or expand step is an operator error."""
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


def with_current(replayed: dict[str, Any], current: RolloutPoint | None) -> tuple[ApplyRecord, dict[str, Any]]:
    """The replayed record with where the fleet stands now, so a replay never implies a state it lacks."""
    document = {**replayed, "currentRollout": current.to_json() if current else None}
    return ApplyRecord.model_validate(document), document


def describe_replay(record: ApplyRecord, current: RolloutPoint | None) -> str:
    """The one line an operator needs first: this was done before, by whom, and where the fleet is now."""
    done = (
        f"already applied at {record.timestamp} by {record.governance.actor}"
        f" under trace {record.trace_id}; nothing was changed now"
    )
    if current is None:
        return f"{done}; the registry's current rollout could not be read"
    pause = "paused" if current.manual_pause else "not paused"
    return f"{done}; the fleet is now at canary {current.canary_percent}%, {pause}"
