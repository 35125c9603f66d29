"""Every reason code the engine can emit, in one place.

Codes are part of the v1 contract: operators grep for them, so they are never renamed. Drill codes
carry the drill id as a suffix (``promotion_drill_stale_kill_switch``); their prefixes live here too.
"""

from __future__ import annotations

from enum import StrEnum


class ReasonCode(StrEnum):
    # governance gate
    POLICY_MODE_NOT_GUARDED_AUTO = "promotion_policy_mode_not_guarded_auto"
    GOVERNANCE_POSTURE_NOT_ACTIVE = "promotion_governance_posture_not_active"
    GOVERNANCE_BLOCKS_AUTONOMOUS = "promotion_governance_blocks_autonomous"
    GOVERNANCE_AUTHORITY_MISSING = "promotion_governance_authority_missing"
    GOVERNANCE_REVIEW_DEADLINE_MISSING = "promotion_governance_review_deadline_missing"
    GOVERNANCE_REVIEW_EXPIRED = "promotion_governance_review_expired"
    FLEET_STATUS_INVALID = "promotion_fleet_status_invalid"
    # outcome_reliability gate
    HANDOFF_TELEMETRY_MISSING = "promotion_handoff_telemetry_missing"
    HANDOFF_TELEMETRY_INVALID = "promotion_handoff_telemetry_invalid"
    AUTONOMOUS_SAMPLE_INSUFFICIENT = "promotion_autonomous_sample_insufficient"
    AUTONOMOUS_ATTEMPTS_ZERO = "promotion_autonomous_attempts_zero"
    AUTONOMOUS_AMBIGUITY_RATE_EXCEEDED = "promotion_autonomous_ambiguity_rate_exceeded"
    AUTONOMOUS_FAILURE_RATE_EXCEEDED = "promotion_autonomous_failure_rate_exceeded"
    AUTONOMOUS_EVIDENCE_INCONCLUSIVE = "promotion_autonomous_evidence_inconclusive"
    BAKE_NOT_ELAPSED = "promotion_bake_not_elapsed"
    FRESH_SAMPLE_INSUFFICIENT = "promotion_fresh_sample_insufficient"
    # manual_backlog gate
    MANUAL_BACKLOG_UNAVAILABLE = "promotion_manual_backlog_unavailable"
    MANUAL_BACKLOG_EXCEEDED = "promotion_manual_backlog_exceeded"
    # safety_suppression gate
    AUTOPAUSE_ACTIVE = "promotion_autopause_active"
    SUPPRESSION_PATHS_MISSING = "promotion_suppression_paths_missing"
    # drill_recency gate
    DRILL_STATE_MISSING = "promotion_drill_state_missing"
    DRILL_STATE_INVALID = "promotion_drill_state_invalid"
    # ci
    CI_MISSING_EVIDENCE = "promotion_ci_missing_evidence"
    # apply / orchestrate annotations (recorded, never gate reasons)
    ROLLBACK_REVIEW_EXPIRED_OVERRIDDEN = "promotion_rollback_review_expired_overridden"
    ROLLBACK_DECISION_FAILED_OVERRIDDEN = "promotion_rollback_decision_failed_overridden"
    ROLLBACK_HOLD_OVERRIDDEN = "promotion_rollback_hold_overridden"
    APPLY_TELEMETRY_TORN_LINE = "promotion_apply_telemetry_torn_line"
    # change freeze: refused inside a freeze window; let through by a break-glass approval (recorded)
    CHANGE_FREEZE_ACTIVE = "promotion_change_freeze_active"
    CHANGE_FREEZE_BREAK_GLASS = "promotion_change_freeze_break_glass"
    AUDIT_CHAIN_BROKEN_OVERRIDDEN = "promotion_apply_audit_chain_broken_overridden"
    # apply refusals: the decision acted on, and the audit trail extended
    EVIDENCE_CHANGED = "promotion_evidence_changed"
    DECISION_EXPIRED = "promotion_decision_expired"
    AUDIT_CHAIN_BROKEN = "promotion_audit_chain_broken"
    # GitHub governance refusals
    APPROVAL_MISSING = "promotion_approval_missing"
    APPROVAL_SELF_APPROVED = "promotion_approval_self_approved"
    APPROVAL_NOT_TEAM_MEMBER = "promotion_approval_not_team_member"
    APPROVAL_REF_NOT_PULL_REQUEST = "promotion_approval_ref_not_pull_request"
    APPROVAL_DISMISSED = "promotion_approval_dismissed"
    APPROVAL_CHANGES_REQUESTED = "promotion_approval_changes_requested"
    CHECKS_MISSING = "promotion_checks_missing"
    CHECKS_PENDING = "promotion_checks_pending"
    CHECKS_FAILED = "promotion_checks_failed"
    # the action refused a run before the use case wrote its result (``refusalReasonCode``)
    ACTION_INPUT_INVALID = "action_input_invalid"
    ACTION_GOVERNANCE_MISSING = "action_governance_missing"
    ACTION_RUN_FAILED = "action_run_failed"
    ACTION_INTERNAL_ERROR = "action_internal_error"
    # fleet status: governance posture of the recorded policy (read back by the governance gate)
    AUTONOMOUS_GOVERNANCE_AUTHORITY_MISSING = "autonomous_governance_authority_missing"
    AUTONOMOUS_GOVERNANCE_REVIEW_DEADLINE_MISSING = "autonomous_governance_review_deadline_missing"
    AUTONOMOUS_GOVERNANCE_REVIEW_EXPIRED = "autonomous_governance_review_expired"
    AUTONOMOUS_GOVERNANCE_REVIEW_DUE_SOON = "autonomous_governance_review_due_soon"
    # fleet status: which suppression paths held candidates back
    AUTONOMOUS_SUPPRESSION_POLICY_GATED = "autonomous_suppression_policy_gated"
    AUTONOMOUS_SUPPRESSION_ROLLOUT_GATED = "autonomous_suppression_rollout_gated"
    AUTONOMOUS_SUPPRESSION_GOVERNANCE_GATED = "autonomous_suppression_governance_gated"
    AUTONOMOUS_SUPPRESSION_TRANSPORT_GATED = "autonomous_suppression_transport_gated"
    TRANSPORT_EXECUTION_BLOCKED = "transport_execution_blocked"
    # fleet status: fleet-level health
    FLEET_PARTIAL_FAILURE = "fleet_partial_failure"
    FLEET_HEALTH_CRITICAL = "fleet_health_critical"
    FLEET_HEALTH_DEGRADED = "fleet_health_degraded"


class DrillReason(StrEnum):
    """Prefixes of the per-drill codes; the drill id is appended."""

    MISSING = "promotion_drill_missing_"
    NOT_PASSED = "promotion_drill_not_passed_"
    TIMESTAMP_INVALID = "promotion_drill_timestamp_invalid_"
    STALE = "promotion_drill_stale_"

    def for_drill(self, drill_id: str) -> str:
        return f"{self.value}{drill_id}"


REQUIRED_GOVERNANCE_CODES: dict[str, ReasonCode] = {
    "autonomous_governance_authority_missing": ReasonCode.GOVERNANCE_AUTHORITY_MISSING,
    "autonomous_governance_review_deadline_missing": ReasonCode.GOVERNANCE_REVIEW_DEADLINE_MISSING,
    "autonomous_governance_review_expired": ReasonCode.GOVERNANCE_REVIEW_EXPIRED,
}

REQUIRED_DRILLS: tuple[str, ...] = ("kill_switch", "sprite_service_outage", "ambiguous_retry_guard")

REQUIRED_SUPPRESSION_PATHS: tuple[str, ...] = (
    "policyGated",
    "rolloutGated",
    "governanceGated",
    "transportGated",
)
