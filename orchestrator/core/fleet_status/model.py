"""The typed v1 fleet status: what ``derive_fleet_status`` returns and ``status`` prints.

The promotion gates read the ``autonomous`` block, so its structure is typed here and they can
take it without a dump-and-reparse. Leaves that echo operator JSON (counts, flags and lists other
tools wrote) keep whatever JSON value was written: the gates, not the derivation, judge their
types, and the status must print them back unchanged. ``to_json`` renders the exact v1 document:
its key order, and which empty members are omitted and which are printed as ``null``.
"""

from __future__ import annotations

import copy
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict

from orchestrator.core.fleet_status.governance import GovernancePosture
from orchestrator.core.fleet_status.inputs import FleetFiles
from orchestrator.core.fleet_status.problems import StatusProblem
from orchestrator.core.jsonpath import drop_none
from orchestrator.core.models import SCHEMA_VERSION

Json: TypeAlias = Any
"""A JSON value copied from an input document; its type is whatever the writing tool chose."""


def _json(value: Any) -> Any:
    """A private copy for the rendered document, so editing it never changes the model."""
    return copy.deepcopy(value)


class Section(BaseModel):
    model_config = ConfigDict(frozen=True)


class GovernanceStatus(Section):
    """``autonomous.governance``: the recorded authority and its posture at the evaluation time."""

    changed_by: Json = None
    changed_at: Json = None
    approval_ref: Json = None
    why: Json = None
    until: Json = None
    review_window_days: Json = None
    authority_context_present: bool
    posture: GovernancePosture
    reason_codes: list[str]
    blocks_autonomous: bool

    def to_json(self) -> dict[str, Any]:
        return drop_none(
            {
                "changedBy": _json(self.changed_by),
                "changedAt": _json(self.changed_at),
                "approvalRef": _json(self.approval_ref),
                "why": _json(self.why),
                "until": _json(self.until),
                "reviewWindowDays": _json(self.review_window_days),
                "authorityContextPresent": self.authority_context_present,
                "posture": self.posture,
                "reasonCodes": list(self.reason_codes),
                "blocksAutonomous": self.blocks_autonomous,
            }
        )


class OutcomeRollup(Section):
    """Outcomes of autonomous execution runs, and the manual-only backlog the backlog gate reads."""

    attempted: Json
    executed: Json
    ambiguous: Json
    failed: Json
    manual_backlog: Json

    def to_json(self) -> dict[str, Any]:
        return {
            "attempted": _json(self.attempted),
            "executed": _json(self.executed),
            "ambiguous": _json(self.ambiguous),
            "failed": _json(self.failed),
            "manual_backlog": _json(self.manual_backlog),
        }


class AutopauseStatus(Section):
    """The automatic rollout pause; ``active`` is what the safety gate reads."""

    enabled: bool
    active: Json
    reasons: Json
    lookback_executions: Json
    min_sample_size: Json
    ambiguity_rate_threshold: Json
    failure_rate_threshold: Json
    metrics: Json

    def to_json(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "active": _json(self.active),
            "reasons": _json(self.reasons),
            "lookbackExecutions": _json(self.lookback_executions),
            "minSampleSize": _json(self.min_sample_size),
            "ambiguityRateThreshold": _json(self.ambiguity_rate_threshold),
            "failureRateThreshold": _json(self.failure_rate_threshold),
            "metrics": _json(self.metrics),
        }


class RolloutState(Section):
    """Whether the rollout is paused, and by whom (an operator or the autopause)."""

    active: Json
    manual_pause_active: Json
    auto_pause_active: Json
    reason_codes: Json

    def to_json(self) -> dict[str, Any]:
        return {
            "active": _json(self.active),
            "manualPauseActive": _json(self.manual_pause_active),
            "autoPauseActive": _json(self.auto_pause_active),
            "reasonCodes": _json(self.reason_codes),
        }


class RolloutStatus(Section):
    """``autonomous.rollout``: canary scope, pause state and the autopause."""

    canary_percent: Json = None
    scope_loop_ids: Json
    selector_salt: Json = None
    candidate_buckets: dict[str, Json]
    state: RolloutState
    autopause: AutopauseStatus

    def to_json(self) -> dict[str, Any]:
        # ``pause`` is the v1 name for the same facts as ``state`` and ``autopause``; both are printed.
        pause = {
            "active": _json(self.state.active),
            "reasons": _json(self.state.reason_codes),
            "manual": _json(self.state.manual_pause_active),
            "auto": self.autopause.to_json(),
        }
        return drop_none(
            {
                "canaryPercent": _json(self.canary_percent),
                "scopeLoopIds": _json(self.scope_loop_ids),
                "selectorSalt": _json(self.selector_salt),
                "candidateBuckets": _json(self.candidate_buckets),
                "state": self.state.to_json(),
                "autopause": self.autopause.to_json(),
                "pause": pause,
            }
        )


class ReasonCountPath(Section):
    """A suppression path counted from recorded per-reason tallies."""

    blocked_count: Json
    by_reason: dict[str, Json]

    def to_json(self) -> dict[str, Any]:
        return {"blockedCount": _json(self.blocked_count), "byReason": _json(self.by_reason)}


class GovernancePath(Section):
    """The governance suppression path: every unsuppressed candidate while governance blocks."""

    blocked_count: Json
    reason_codes: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"blockedCount": _json(self.blocked_count), "reasonCodes": list(self.reason_codes)}


class SuppressionPaths(Section):
    """``safetyGateDecisions.byPath``: the four paths the safety gate requires."""

    policy_gated: ReasonCountPath
    rollout_gated: ReasonCountPath
    governance_gated: GovernancePath
    transport_gated: ReasonCountPath

    def blocked_counts(self) -> dict[str, Json]:
        """Each path's ``blockedCount`` by its v1 name, the field the safety gate checks."""
        return {
            "policyGated": self.policy_gated.blocked_count,
            "rolloutGated": self.rollout_gated.blocked_count,
            "governanceGated": self.governance_gated.blocked_count,
            "transportGated": self.transport_gated.blocked_count,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "policyGated": self.policy_gated.to_json(),
            "rolloutGated": self.rollout_gated.to_json(),
            "governanceGated": self.governance_gated.to_json(),
            "transportGated": self.transport_gated.to_json(),
        }


class SafetyGateDecisions(Section):
    """Why candidates were held back, by reason and by suppression path."""

    by_reason: dict[str, Json]
    by_path: SuppressionPaths
    suppression_reason_codes: list[str]
    blocked_count: int | float
    kill_switch_active: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "byReason": _json(self.by_reason),
            "byPath": self.by_path.to_json(),
            "suppressionReasonCodes": list(self.suppression_reason_codes),
            "blockedCount": self.blocked_count,
            "killSwitchActive": self.kill_switch_active,
        }


class AutonomousStatus(Section):
    """``autonomous``: everything the promotion gates read from the status."""

    mode: Json
    enabled: bool
    policy_reason_codes: Json
    handoff_reason_codes: Json
    eligible_candidate_count: Json
    manual_only_candidate_count: Json
    outcome_rollup: OutcomeRollup
    governance: GovernanceStatus | None = None
    safety_gate_decisions: SafetyGateDecisions
    rollout: RolloutStatus | None = None
    handoff: dict[str, Json] | None = None

    def to_json(self) -> dict[str, Any]:
        return drop_none(
            {
                "mode": _json(self.mode),
                "enabled": self.enabled,
                "policyReasonCodes": _json(self.policy_reason_codes),
                "handoffReasonCodes": _json(self.handoff_reason_codes),
                "eligibleCandidateCount": _json(self.eligible_candidate_count),
                "manualOnlyCandidateCount": _json(self.manual_only_candidate_count),
                "outcomeRollup": self.outcome_rollup.to_json(),
                "governance": self.governance.to_json() if self.governance is not None else None,
                "safetyGateDecisions": self.safety_gate_decisions.to_json(),
                "rollout": self.rollout.to_json() if self.rollout is not None else None,
                "handoff": _json(self.handoff),
            }
        )


class FleetStatus(Section):
    """The v1 fleet status. Sections other than ``autonomous`` echo operator documents as JSON."""

    schema_version: Literal["v1"] = SCHEMA_VERSION
    generated_at: str
    source: dict[str, Json]
    fleet: dict[str, Json]
    health_rollup: dict[str, int]
    exceptions: dict[str, list[Json]]
    policy: dict[str, Json] | None
    handoff: dict[str, Json] | None
    autonomous: AutonomousStatus | None
    loops: list[dict[str, Json]]
    trace_linkage: dict[str, Json]
    latest_telemetry: dict[str, Json] | None
    latest_handoff_telemetry: dict[str, Json] | None
    files: FleetFiles
    problems: tuple[StatusProblem, ...] = ()
    """Wrongly typed inputs (``shapes.py``); the gates' evidence, not the v1 document."""

    def to_json(self) -> dict[str, Any]:
        """The v1 status document; a fresh JSON-ready dict sharing no objects with the model."""
        return {
            "schemaVersion": self.schema_version,
            "generatedAt": self.generated_at,
            "source": _json(self.source),
            "fleet": _json(self.fleet),
            "healthRollup": dict(self.health_rollup),
            "exceptions": _json(self.exceptions),
            "policy": _json(self.policy),
            "handoff": _json(self.handoff),
            "autonomous": self.autonomous.to_json() if self.autonomous is not None else None,
            "loops": _json(self.loops),
            "traceLinkage": _json(self.trace_linkage),
            "latestTelemetry": _json(self.latest_telemetry),
            "latestHandoffTelemetry": _json(self.latest_handoff_telemetry),
            "files": self.files.to_json(),
        }
