"""Safety decisions of the autonomous block: the rollout pause, the autopause and the suppression paths.

The safety gate holds a promotion while the autopause is active or a suppression path is missing,
so these sections are built for every policy, with the v1 defaults where the policy is silent.
"""

from __future__ import annotations

from typing import Any

from orchestrator.core.fleet_status.governance import GovernanceEvaluation
from orchestrator.core.fleet_status.loose import clone, echo, fallback, numbers, obj, positive, total, unique
from orchestrator.core.fleet_status.model import (
    AutopauseStatus,
    GovernancePath,
    ReasonCountPath,
    RolloutState,
    RolloutStatus,
    SafetyGateDecisions,
    SuppressionPaths,
)
from orchestrator.core.fleet_status.outcomes import transport_blocked
from orchestrator.core.fleet_status.signals import (
    auto_pause_active,
    autopause_enabled,
    kill_switch_active,
    manual_pause_active,
    rollout_paused,
)
from orchestrator.core.jsonpath import dig
from orchestrator.core.reasons import ReasonCode

# Candidate reason codes the policy tool records; each path counts the ones that belong to it.
POLICY_GATE_REASONS: tuple[str, ...] = (
    "policy_mode_not_guarded_auto",
    "candidate_suppressed",
    "category_not_allowlisted",
    "intent_not_allowlisted",
    "no_recommended_intent",
    "severity_below_threshold",
    "confidence_below_threshold",
    "autonomous_kill_switch_enabled",
    "autonomous_cooldown_active",
    "autonomous_max_actions_per_run_exceeded",
    "autonomous_max_actions_per_loop_exceeded",
)
ROLLOUT_GATE_REASONS: tuple[str, ...] = (
    "autonomous_rollout_scope_excluded",
    "autonomous_rollout_canary_excluded",
    "autonomous_rollout_paused_manual",
    "autonomous_rollout_paused_auto",
    "autonomous_autopause_ambiguous_spike",
    "autonomous_autopause_failure_spike",
)
SAFETY_BLOCK_REASONS: tuple[str, ...] = (
    *ROLLOUT_GATE_REASONS,
    "autonomous_kill_switch_enabled",
    "autonomous_cooldown_active",
    "autonomous_max_actions_per_run_exceeded",
    "autonomous_max_actions_per_loop_exceeded",
)
BUCKETS: tuple[str, ...] = ("inScopeCount", "inCohortCount", "outOfCohortCount")


def autopause_status(auto: dict[str, Any], registry: dict[str, Any]) -> AutopauseStatus:
    """The autopause as recorded; it counts as enabled unless explicitly disabled (``signals``)."""
    return AutopauseStatus(
        enabled=autopause_enabled(registry, auto),
        active=echo(auto.get("active"), False),
        reasons=echo(auto.get("reasons"), []),
        lookback_executions=echo(auto.get("lookbackExecutions")),
        min_sample_size=echo(auto.get("minSampleSize")),
        ambiguity_rate_threshold=echo(auto.get("ambiguityRateThreshold")),
        failure_rate_threshold=echo(auto.get("failureRateThreshold")),
        metrics=echo(auto.get("metrics"), {}),
    )


def rollout_status(policy: dict[str, Any], registry: dict[str, Any]) -> RolloutStatus:
    """``autonomous.rollout`` of a recorded policy.

    ``state`` is the rollout's pause as every source records it (``signals``: any source that says
    paused wins); ``autopause`` echoes the autopause's own record, so when the two disagree the
    printed copies disagree too and the evidence reader holds on either.
    """
    rollout = obj(dig(policy, "autonomous", "rollout"))
    pause = obj(rollout.get("pause"))
    auto = obj(pause.get("auto"))
    buckets = obj(rollout.get("candidateBuckets"))
    manual = manual_pause_active(registry, pause)
    auto_active = auto_pause_active(pause, auto)
    return RolloutStatus(
        canary_percent=echo(rollout.get("canaryPercent")),
        scope_loop_ids=echo(rollout.get("scopeLoopIds"), []),
        selector_salt=echo(rollout.get("selectorSalt")),
        candidate_buckets={key: echo(buckets.get(key), 0) for key in BUCKETS},
        state=RolloutState(
            active=rollout_paused(pause, manual, auto_active),
            manual_pause_active=manual,
            auto_pause_active=auto_active,
            reason_codes=echo(pause.get("reasons"), []),
        ),
        autopause=autopause_status(auto, registry),
    )


def _reason_path(counts: dict[str, Any], keys: tuple[str, ...]) -> ReasonCountPath:
    subset = {key: clone(value) for key, value in counts.items() if key in keys}
    return ReasonCountPath(blocked_count=total(subset), by_reason=subset)


def _suppression_codes(paths: SuppressionPaths) -> list[str]:
    """The suppression reason code of every path that held back at least one candidate."""
    counts = (
        (ReasonCode.AUTONOMOUS_SUPPRESSION_POLICY_GATED, paths.policy_gated.blocked_count),
        (ReasonCode.AUTONOMOUS_SUPPRESSION_ROLLOUT_GATED, paths.rollout_gated.blocked_count),
        (ReasonCode.AUTONOMOUS_SUPPRESSION_GOVERNANCE_GATED, paths.governance_gated.blocked_count),
        (ReasonCode.AUTONOMOUS_SUPPRESSION_TRANSPORT_GATED, paths.transport_gated.blocked_count),
    )
    return unique(code.value for code, count in counts if positive(count))


def safety_gate_decisions(
    policy: dict[str, Any] | None,
    handoff: dict[str, Any] | None,
    evaluation: GovernanceEvaluation,
    registry: dict[str, Any],
) -> SafetyGateDecisions:
    """Candidates held back, by recorded reason and by suppression path.

    While governance blocks, every unsuppressed candidate counts as governance-gated. The kill
    switch is on when any source says so (``signals.kill_switch_active``).
    """
    by_reason = obj(fallback(dig(policy, "summary", "byAutonomyReason"), {}))
    governance_count: Any = 0
    if evaluation.blocks_autonomous and policy is not None:
        governance_count = echo(policy.get("unsuppressedCount"), 0)
    transport = transport_blocked(handoff)
    paths = SuppressionPaths(
        policy_gated=_reason_path(by_reason, POLICY_GATE_REASONS),
        rollout_gated=_reason_path(by_reason, ROLLOUT_GATE_REASONS),
        governance_gated=GovernancePath(blocked_count=governance_count, reason_codes=list(evaluation.reason_codes)),
        transport_gated=ReasonCountPath(blocked_count=total(transport), by_reason=transport),
    )
    return SafetyGateDecisions(
        by_reason=clone(by_reason),
        by_path=paths,
        suppression_reason_codes=_suppression_codes(paths),
        blocked_count=sum(numbers(by_reason.get(key) for key in SAFETY_BLOCK_REASONS)),
        kill_switch_active=kill_switch_active(registry, policy),
    )
