"""Reason codes for governance refusals raised by the GitHub layer.

Codes already in the project's ``ReasonCode`` enum are re-exported from it; the two that are not
yet there are plain strings in the same ``promotion_`` namespace, waiting to be moved into the enum.
"""

from __future__ import annotations

from typing import Final

from orchestrator.reasons import ReasonCode

APPROVAL_MISSING: Final[str] = ReasonCode.APPROVAL_MISSING
APPROVAL_SELF_APPROVED: Final[str] = ReasonCode.APPROVAL_SELF_APPROVED
APPROVAL_NOT_TEAM_MEMBER: Final[str] = ReasonCode.APPROVAL_NOT_TEAM_MEMBER
APPROVAL_REF_NOT_PULL_REQUEST: Final[str] = ReasonCode.APPROVAL_REF_NOT_PULL_REQUEST
APPROVAL_DISMISSED: Final[str] = "promotion_approval_dismissed"
APPROVAL_CHANGES_REQUESTED: Final[str] = "promotion_approval_changes_requested"
CHECKS_MISSING: Final[str] = ReasonCode.CHECKS_MISSING
CHECKS_PENDING: Final[str] = ReasonCode.CHECKS_PENDING
CHECKS_FAILED: Final[str] = ReasonCode.CHECKS_FAILED

ALL: Final[tuple[str, ...]] = (
    APPROVAL_MISSING,
    APPROVAL_SELF_APPROVED,
    APPROVAL_NOT_TEAM_MEMBER,
    APPROVAL_REF_NOT_PULL_REQUEST,
    APPROVAL_DISMISSED,
    APPROVAL_CHANGES_REQUESTED,
    CHECKS_MISSING,
    CHECKS_PENDING,
    CHECKS_FAILED,
)
