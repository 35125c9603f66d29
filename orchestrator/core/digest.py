"""A decision bound to its evidence: the evidence digest, the decision's expiry, and the checks on both.

``evidence_digest`` is a sha256 over the canonical JSON (sorted keys, no whitespace) of what the
gates judged (the status evidence, the handoff window's runs and their times, the drills' findings, the last
expansion the bake is measured from), the thresholds
and the registry's rollout state (canary percent, manual pause). Whoever reviewed a dry run can
hand its digest to the apply: ``check_binding`` refuses a decision with another digest
(``promotion_evidence_changed``) or one that has expired (``promotion_decision_expired``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from pydantic import BaseModel

from orchestrator.core.errors import InvalidInput, OrchestratorError
from orchestrator.core.models import RolloutPoint, Thresholds
from orchestrator.core.reasons import ReasonCode
from orchestrator.core.timestamps import format_ts, parse_ts

DEFAULT_DECISION_TTL_HOURS = 24.0
DIGEST_PREFIX = "sha256:"


class DecisionRefused(OrchestratorError):
    """An apply refused because of the decision it would act on; ``reason_code`` says why."""

    def __init__(self, reason_code: ReasonCode, message: str) -> None:
        super().__init__(f"{message} ({reason_code.value})")
        self.reason_code = reason_code


@dataclass(frozen=True)
class DecisionBinding:
    """What an apply demands of its decision; both off by default."""

    expect_digest: str | None = None
    max_age_hours: float | None = None

    @property
    def active(self) -> bool:
        return self.expect_digest is not None or self.max_age_hours is not None


def canonical(value: Any) -> Any:
    """``value`` as plain JSON values: dataclasses and models as objects, instants as RFC 3339 text."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return format_ts(value)
    if isinstance(value, Mapping):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    return value


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace: the same value always gives the same bytes."""
    return orjson.dumps(canonical(value), option=orjson.OPT_SORT_KEYS)


def sha256_of(value: Any) -> str:
    return DIGEST_PREFIX + hashlib.sha256(canonical_json(value)).hexdigest()


def evidence_digest(evidence: Any, thresholds: Thresholds, rollout: RolloutPoint | None) -> str:
    """The digest of the gates' inputs (``core.gates.Evidence``), the thresholds and the rollout state."""
    return sha256_of(
        {
            "evidence": {
                "status": evidence.status,
                "handoff": _handoff(evidence.handoff),
                "drills": _drills(evidence.drills),
                "handoffUnreadable": evidence.handoff_unreadable,
                "drillStateUnreadable": evidence.drill_state_unreadable,
                "lastExpansion": evidence.last_expansion,
            },
            "thresholds": thresholds,
            "rollout": rollout,
        }
    )


def _handoff(window: Any) -> Any:
    return None if window is None else {"runs": window.runs, "runTimes": window.run_times, "errors": window.errors}


def _drills(drills: Any) -> Any:
    return None if drills is None else {"findings": drills.findings, "errors": drills.errors}


def expires_at(now: datetime, ttl_hours: float) -> str:
    return format_ts(now + timedelta(hours=ttl_hours))


def parse_hours(raw: str | None, option: str) -> float | None:
    """A positive number of hours from its text (``--decision-ttl``, ``--max-decision-age``); ``None`` when unset."""
    if raw is None or raw == "":
        return None
    try:
        hours = float(raw)
    except ValueError:
        hours = -1.0
    if not 0 < hours <= 24 * 366 * 10 or raw.strip() != raw:
        raise InvalidInput(option, "must be a positive number of hours", got=raw)
    return hours


def check_binding(state: Mapping[str, Any], binding: DecisionBinding, now: datetime) -> None:
    """Refuse to act on a decision whose evidence changed or that is too old or expired."""
    if binding.expect_digest is not None:
        found = state.get("evidenceDigest")
        if found != binding.expect_digest:
            shown = found if isinstance(found, str) else "none"
            raise DecisionRefused(
                ReasonCode.EVIDENCE_CHANGED,
                f"the decision's evidence digest is {shown}, not the expected {binding.expect_digest}:"
                " the evidence changed since it was reviewed; review the new decision",
            )
        _check_expiry(state.get("expiresAt"), now)
    if binding.max_age_hours is not None:
        _check_age(state.get("generatedAt"), binding.max_age_hours, now)


def _check_expiry(raw: Any, now: datetime) -> None:
    expiry = parse_ts(raw) if isinstance(raw, str) else None
    if expiry is not None and expiry <= now:
        raise DecisionRefused(
            ReasonCode.DECISION_EXPIRED, f"the decision expired at {raw}; decide again before applying"
        )


def _check_age(raw: Any, max_age_hours: float, now: datetime) -> None:
    generated = parse_ts(raw) if isinstance(raw, str) else None
    if generated is None:
        raise DecisionRefused(
            ReasonCode.DECISION_EXPIRED, "the decision has no readable generatedAt, so its age is unknown"
        )
    if now - generated > timedelta(hours=max_age_hours):
        raise DecisionRefused(
            ReasonCode.DECISION_EXPIRED,
            f"the decision was generated at {raw}, more than {max_age_hours:g} hours ago; decide again",
        )
