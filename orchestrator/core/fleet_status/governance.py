"""Governance posture: whether the recorded guarded-autonomy authority is complete and still current.

The governance gate blocks promotion on this posture, so it is a pure function of the policy and
an explicit evaluation instant, which keeps the review-deadline boundaries exactly testable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from orchestrator.core.fleet_status.loose import fallback, obj, unique
from orchestrator.core.jsonpath import dig
from orchestrator.core.reasons import ReasonCode
from orchestrator.core.timestamps import parse_ts

REVIEW_DUE_SOON_WINDOW = timedelta(days=7)
AUTHORITY_FIELDS: tuple[str, ...] = ("actor", "approvalRef", "rationale", "changedAt", "reviewBy")

GovernancePosture = Literal[
    "not_required",
    "authority_missing",
    "review_deadline_missing",
    "review_expired",
    "review_due_soon",
    "active",
]


@dataclass(frozen=True)
class GovernanceEvaluation:
    """Governance posture at one instant; ``blocks_autonomous`` is what the governance gate reads."""

    authority_context_present: bool
    review_expired: bool
    review_due_soon: bool
    posture: GovernancePosture
    reason_codes: list[str]
    blocks_autonomous: bool


def evaluation_instant(now: datetime) -> datetime:
    """Whole seconds in UTC: the status reports ``generatedAt`` at that precision and compares with it."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC).replace(microsecond=0)


def policy_mode(policy: dict[str, Any] | None) -> Any:
    """The recorded policy mode; a policy without one is advisory."""
    return fallback(dig(policy, "mode"), "advisory")


def governance_record(policy: dict[str, Any] | None) -> dict[str, Any]:
    """The policy's ``autonomous.governance`` object, or an empty one."""
    return obj(dig(policy, "autonomous", "governance"))


def _authority_present(governance: dict[str, Any]) -> bool:
    """An explicit ``authorityContextPresent`` wins; otherwise every authority field must be set."""
    if "authorityContextPresent" in governance:
        return governance["authorityContextPresent"] is True
    return all(fallback(governance.get(key), None) is not None for key in AUTHORITY_FIELDS)


def _posture(
    guarded: bool, authority: bool, review_by: datetime | None, expired: bool, due_soon: bool
) -> GovernancePosture:
    """The first failing condition names the posture, in the order operators fix them."""
    if not guarded:
        return "not_required"
    if not authority:
        return "authority_missing"
    if review_by is None:
        return "review_deadline_missing"
    if expired:
        return "review_expired"
    return "review_due_soon" if due_soon else "active"


def _reason_codes(authority: bool, review_by: datetime | None, expired: bool, due_soon: bool) -> list[str]:
    """Every failing condition, not only the first, so operators see all of them at once."""
    codes = [
        (not authority, ReasonCode.AUTONOMOUS_GOVERNANCE_AUTHORITY_MISSING),
        (review_by is None, ReasonCode.AUTONOMOUS_GOVERNANCE_REVIEW_DEADLINE_MISSING),
        (expired, ReasonCode.AUTONOMOUS_GOVERNANCE_REVIEW_EXPIRED),
        (due_soon, ReasonCode.AUTONOMOUS_GOVERNANCE_REVIEW_DUE_SOON),
    ]
    return unique(code.value for failing, code in codes if failing)


def _review_by(governance: dict[str, Any], registry_review_by: Any) -> datetime | None:
    """The policy's review deadline, or the registry's where that one is earlier (the safe one wins).

    The policy state is written by the policy tool and may lag the registry an operator just
    changed; a deadline that is missing or unreadable in the policy state stays missing.
    """
    recorded = parse_ts(governance.get("reviewBy"))
    registry = parse_ts(registry_review_by)
    if recorded is None or registry is None:
        return recorded
    return min(recorded, registry)


def evaluate_governance(
    policy: dict[str, Any] | None, now: datetime, registry_review_by: Any = None
) -> GovernanceEvaluation:
    """Governance posture of the recorded policy at ``now`` (timezone-aware).

    Only ``guarded_auto`` needs governance. The review deadline counts as expired from the
    instant it is reached, and as due soon within the seven days before it. A deadline that is
    present but cannot be read by ``parse_ts`` is treated as missing, so it blocks instead of
    passing unnoticed. When the registry's deadline (``registry_review_by``) is earlier than the
    policy state's, the registry's is judged.
    """
    instant = evaluation_instant(now)
    governance = governance_record(policy)
    guarded = policy is not None and policy_mode(policy) == "guarded_auto"
    review_by = _review_by(governance, registry_review_by)
    authority = _authority_present(governance)
    expired = review_by is not None and review_by <= instant
    # A difference, not ``instant + window``: that sum overflows for instants near year 9999.
    due_soon = review_by is not None and instant < review_by and review_by - instant <= REVIEW_DUE_SOON_WINDOW
    reason_codes = _reason_codes(authority, review_by, expired, due_soon) if guarded else []
    return GovernanceEvaluation(
        authority_context_present=authority,
        review_expired=expired,
        review_due_soon=due_soon,
        posture=_posture(guarded, authority, review_by, expired, due_soon),
        reason_codes=reason_codes,
        blocks_autonomous=guarded and bool(reason_codes),
    )
