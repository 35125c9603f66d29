"""Governed mutation of the rollout: a pure planner and a locked, crash-safe local adapter.

``plan_apply`` turns the registry text, the apply telemetry text and a request into the new
registry text, the audit line and the apply state; it reads no file and no clock. The local
adapter holds the registry lock across read, plan and write, so concurrent applies serialize and
each one sees the previous one's result; the GitHub adapter calls the same planner on the branch
head instead.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from orchestrator.core.errors import OrchestratorError
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
    read_registry_text,
    rollout_point,
    validation_errors,
)
from orchestrator.core.timestamps import format_ts, parse_ts
from orchestrator.store.files import append_line, atomic_write, dumps, exclusive_lock, fsync_dir, read_bytes
from orchestrator.store.layout import artifact_path

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


def validate_request_fields(request: ApplyRequest) -> None:
    if request.intent not in INTENTS:
        raise OrchestratorError("--intent must be one of expand, resume, rollback")
    if not 1 <= request.expand_step <= 100:
        raise OrchestratorError("--expand-step must be an integer between 1 and 100")
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
    registry_label: Path,
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


@dataclass(frozen=True)
class ApplyPaths:
    registry_file: Path
    promotion_state_file: Path
    apply_state_file: Path
    apply_telemetry_file: Path

    @classmethod
    def resolve(
        cls,
        repo: Path,
        *,
        registry_file: str | None = None,
        promotion_state_file: str | None = None,
        apply_state_file: str | None = None,
        apply_telemetry_file: str | None = None,
    ) -> ApplyPaths:
        return cls(
            registry_file=artifact_path(repo, "registry", registry_file),
            promotion_state_file=artifact_path(repo, "promotion_state", promotion_state_file),
            apply_state_file=artifact_path(repo, "apply_state", apply_state_file),
            apply_telemetry_file=artifact_path(repo, "apply_telemetry", apply_telemetry_file),
        )

    def record_files(self) -> ApplyFiles:
        return ApplyFiles(
            registry_file=str(self.registry_file),
            promotion_state_file=str(self.promotion_state_file),
            apply_state_file=str(self.apply_state_file),
            apply_telemetry_file=str(self.apply_telemetry_file),
        )


def read_decision(promotion_state_file: Path) -> str:
    if not promotion_state_file.exists():
        raise OrchestratorError(f"promotion state file not found: {promotion_state_file}")
    try:
        state = orjson.loads(read_bytes(promotion_state_file, "promotion state file"))
    except orjson.JSONDecodeError as exc:
        raise OrchestratorError(f"invalid promotion state JSON: {promotion_state_file}") from exc
    summary = state.get("summary") if isinstance(state, dict) else None
    decision = summary.get("decision") if isinstance(summary, dict) else None
    if not isinstance(decision, str) or not decision:
        raise OrchestratorError("promotion state missing summary.decision")
    return decision


def read_text_if_exists(path: Path, what: str) -> str:
    if not path.exists():
        return ""
    return read_bytes(path, what).decode("utf-8", errors="replace")


def journal_path(registry_file: Path) -> Path:
    return registry_file.with_name(f".{registry_file.name}.promotion-journal")


@dataclass(frozen=True)
class _JournalEntry:
    """The whole effect of one apply, written before any of it so it can be completed after a crash."""

    registry_file: Path
    registry_text: str
    telemetry_file: Path
    telemetry_line: str | None
    state_file: Path
    state_text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "registryFile": str(self.registry_file),
            "registryText": self.registry_text,
            "applyTelemetryFile": str(self.telemetry_file),
            "telemetryLine": self.telemetry_line,
            "applyStateFile": str(self.state_file),
            "applyStateText": self.state_text,
        }

    @classmethod
    def read(cls, journal: Path) -> _JournalEntry:
        try:
            data = orjson.loads(journal.read_bytes())
            return cls(
                registry_file=Path(data["registryFile"]),
                registry_text=data["registryText"],
                telemetry_file=Path(data["applyTelemetryFile"]),
                telemetry_line=data["telemetryLine"],
                state_file=Path(data["applyStateFile"]),
                state_text=data["applyStateText"],
            )
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise OrchestratorError(f"cannot recover the interrupted apply recorded in {journal}: {exc}") from exc


def _finish(journal: Path, entry: _JournalEntry, *, registry_now: str, line_recorded: bool) -> None:
    """Make the journaled writes that are not yet on disk, then drop the journal."""
    if registry_now != entry.registry_text:
        atomic_write(entry.registry_file, entry.registry_text)
    if entry.telemetry_line is not None and not line_recorded:
        append_line(entry.telemetry_file, entry.telemetry_line)
    atomic_write(entry.state_file, entry.state_text)
    journal.unlink()
    fsync_dir(journal.parent)


def recover_interrupted_apply(paths: ApplyPaths) -> bool:
    """Called with the registry lock held; True when an interrupted apply was completed.

    The journal is written atomically before any of the three files, so it is either absent or
    whole; each of its writes is skipped when it already landed.
    """
    journal = journal_path(paths.registry_file)
    if not journal.exists():
        return False
    sys.stderr.write(f"warning: completing an apply that was interrupted (journal {journal})\n")
    entry = _JournalEntry.read(journal)
    telemetry = read_text_if_exists(entry.telemetry_file, "apply telemetry file")
    _finish(
        journal,
        entry,
        registry_now=read_text_if_exists(entry.registry_file, "fleet registry file"),
        line_recorded=entry.telemetry_line in telemetry.split("\n"),
    )
    return True


def apply_locally(paths: ApplyPaths, request: ApplyRequest, *, decision: str, now: datetime) -> ApplyPlan:
    """Plan and persist one apply while holding the registry lock.

    The three writes (registry, audit line, apply state) are made durable as one unit through a
    journal: it is written first, and an apply interrupted after that point is completed by the
    next apply before it plans, so a retry with the same idempotency key replays instead of
    applying twice.
    """
    with exclusive_lock(paths.registry_file, "fleet registry file"):
        recover_interrupted_apply(paths)
        registry_text = read_registry_text(paths.registry_file)
        log = parse_apply_log(read_text_if_exists(paths.apply_telemetry_file, "apply telemetry file"))
        plan = plan_apply(
            registry_text=registry_text,
            apply_log=log,
            decision=decision,
            request=request,
            files=paths.record_files(),
            now=now,
            registry_label=paths.registry_file,
        )
        for warning in plan.warnings:
            sys.stderr.write(f"warning: {warning}\n")
        if plan.telemetry_line is None:
            atomic_write(paths.apply_state_file, plan.apply_state_text)
            return plan
        entry = _JournalEntry(
            registry_file=paths.registry_file,
            registry_text=plan.registry_text,
            telemetry_file=paths.apply_telemetry_file,
            telemetry_line=plan.telemetry_line,
            state_file=paths.apply_state_file,
            state_text=plan.apply_state_text,
        )
        journal = journal_path(paths.registry_file)
        atomic_write(journal, dumps(entry.to_json()) + "\n")
        _finish(journal, entry, registry_now=registry_text, line_recorded=False)
    return plan
