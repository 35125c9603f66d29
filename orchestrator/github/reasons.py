"""Reason codes for governance refusals raised by the GitHub layer.

Re-exported from the project's single ``ReasonCode`` enum, so the GitHub layer names them locally.
"""

from __future__ import annotations

from typing import Final

from orchestrator.reasons import ReasonCode

APPROVAL_MISSING: Final[str] = ReasonCode.APPROVAL_MISSING
APPROVAL_SELF_APPROVED: Final[str] = ReasonCode.APPROVAL_SELF_APPROVED
APPROVAL_NOT_TEAM_MEMBER: Final[str] = ReasonCode.APPROVAL_NOT_TEAM_MEMBER
APPROVAL_REF_NOT_PULL_REQUEST: Final[str] = ReasonCode.APPROVAL_REF_NOT_PULL_REQUEST
APPROVAL_DISMISSED: Final[str] = ReasonCode.APPROVAL_DISMISSED
APPROVAL_CHANGES_REQUESTED: Final[str] = ReasonCode.APPROVAL_CHANGES_REQUESTED
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
