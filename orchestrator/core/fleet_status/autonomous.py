"""The ``autonomous`` block: the part of the status that the promotion gates decide from.

It exists only when a policy or handoff state does; without either there is nothing autonomous
to promote, and the gates see the block as absent.
"""

from __future__ import annotations

from typing import Any

from orchestrator.core.fleet_status.governance import GovernanceEvaluation, governance_record, policy_mode
from orchestrator.core.fleet_status.loose import clone, echo, fallback
from orchestrator.core.fleet_status.model import AutonomousStatus, GovernanceStatus, OutcomeRollup
from orchestrator.core.fleet_status.outcomes import handoff_view
from orchestrator.core.fleet_status.safety import rollout_status, safety_gate_decisions
from orchestrator.core.fleet_status.signals import autonomy_enabled
from orchestrator.core.jsonpath import dig


def governance_status(policy: dict[str, Any], evaluation: GovernanceEvaluation) -> GovernanceStatus:
    """The recorded authority (renamed to the status's v1 names) with its evaluated posture."""
    governance = governance_record(policy)
    return GovernanceStatus(
        changed_by=echo(governance.get("actor")),
        changed_at=echo(governance.get("changedAt")),
        approval_ref=echo(governance.get("approvalRef")),
        why=echo(governance.get("rationale")),
        until=echo(governance.get("reviewBy")),
        review_window_days=echo(governance.get("reviewWindowDays")),
        authority_context_present=evaluation.authority_context_present,
        posture=evaluation.posture,
        reason_codes=list(evaluation.reason_codes),
        blocks_autonomous=evaluation.blocks_autonomous,
    )


def autonomous_status(
    registry: dict[str, Any],
    policy: dict[str, Any] | None,
    handoff: dict[str, Any] | None,
    rollup: OutcomeRollup,
    evaluation: GovernanceEvaluation,
) -> AutonomousStatus | None:
    """The ``autonomous`` block, or ``None`` without policy and handoff state.

    The printed mode comes from the policy; a handoff-only fleet takes the mode its handoff ran in.
    ``enabled`` needs more: every source that records the mode must say ``guarded_auto``
    (``signals.autonomy_enabled``), so a registry switched back to advisory disables autonomy even
    while the policy state still records the old mode.
    """
    if policy is None and handoff is None:
        return None
    mode = policy_mode(policy) if policy is not None else fallback(dig(handoff, "mode"), "advisory")
    return AutonomousStatus(
        mode=clone(mode),
        enabled=autonomy_enabled(registry, policy, handoff),
        policy_reason_codes=echo(dig(policy, "reasonCodes"), []),
        handoff_reason_codes=echo(dig(handoff, "reasonCodes"), []),
        eligible_candidate_count=echo(dig(policy, "autoEligibleCount"), 0),
        manual_only_candidate_count=echo(dig(policy, "manualOnlyCount"), 0),
        outcome_rollup=rollup,
        governance=governance_status(policy, evaluation) if policy is not None else None,
        safety_gate_decisions=safety_gate_decisions(policy, handoff, evaluation, registry),
        rollout=rollout_status(policy, registry) if policy is not None else None,
        handoff=handoff_view(handoff, rollup) if handoff is not None else None,
    )
