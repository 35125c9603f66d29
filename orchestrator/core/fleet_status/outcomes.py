"""Execution outcomes from the handoff: the autonomous outcome rollup and the handoff sections.

The manual backlog in the rollup feeds the backlog gate, so its source order matters: the handoff's
pending manual-only intents when a handoff exists, else the policy's manual-only count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orchestrator.core.fleet_status.loose import arr, echo, fallback, obj, objects, tally
from orchestrator.core.fleet_status.model import OutcomeRollup
from orchestrator.core.jsonpath import dig, drop_none
from orchestrator.core.reasons import ReasonCode

PENDING_CONFIRMATION = "pending_operator_confirmation"
EXECUTION_COUNTS: tuple[str, ...] = ("executedCount", "ambiguousCount", "failedCount")
TELEMETRY_SUMMARY_COUNTS: tuple[str, ...] = (
    "intentCount",
    "autoEligibleIntentCount",
    "manualOnlyIntentCount",
    "pendingConfirmationCount",
    "pendingManualOnlyCount",
    *EXECUTION_COUNTS,
)


def pending_manual_only(handoff: dict[str, Any]) -> int:
    """Intents still waiting for an operator that autonomy may never execute."""
    return sum(
        1
        for intent in objects(fallback(handoff.get("intents"), []))
        if intent.get("status") == PENDING_CONFIRMATION and dig(intent, "autonomous", "manualOnly") is True
    )


def _run_counts(execution: dict[str, Any]) -> dict[str, Any]:
    """Attempted/executed/ambiguous/failed of an execution; all zero unless the run was autonomous."""
    autonomous_run = execution.get("mode") == "autonomous"

    def counted(key: str) -> Any:
        return echo(execution.get(key), 0) if autonomous_run else 0

    return {
        "attempted": counted("requestedIntentCount"),
        "executed": counted("executedCount"),
        "ambiguous": counted("ambiguousCount"),
        "failed": counted("failedCount"),
    }


def outcome_rollup(policy: dict[str, Any] | None, handoff: dict[str, Any] | None) -> OutcomeRollup:
    """The autonomous outcome rollup of the latest handoff execution."""
    if handoff is not None:
        backlog: Any = pending_manual_only(handoff)
    elif policy is not None:
        backlog = echo(policy.get("manualOnlyCount"), 0)
    else:
        backlog = 0
    return OutcomeRollup(**_run_counts(obj(dig(handoff, "execution"))), manual_backlog=backlog)


def result_reason_codes(handoff: dict[str, Any]) -> dict[str, int]:
    """Execution results by reason code."""
    results = objects(fallback(dig(handoff, "execution", "results"), []))
    return tally(code for result in results if isinstance(code := result.get("reasonCode"), str))


def transport_blocked(handoff: dict[str, Any] | None) -> dict[str, int]:
    """Failed or ambiguous results of intents sent over ``sprite_service``, by reason code."""
    transport_by_intent: dict[str, Any] = {}
    for intent in objects(fallback(dig(handoff, "intents"), [])):
        intent_id = fallback(intent.get("intentId"), "")
        if isinstance(intent_id, str):
            transport_by_intent[intent_id] = fallback(intent.get("transport"), "local")

    def reasons() -> Iterator[str]:
        for result in objects(fallback(dig(handoff, "execution", "results"), [])):
            intent_id = result.get("intentId")
            transport = transport_by_intent.get(intent_id) if isinstance(intent_id, str) else None
            if fallback(transport, "local") != "sprite_service" or result.get("status") not in ("failed", "ambiguous"):
                continue
            code = result.get("reasonCode")
            yield code if isinstance(code, str) else ReasonCode.TRANSPORT_EXECUTION_BLOCKED.value

    return tally(reasons())


def handoff_view(handoff: dict[str, Any], rollup: OutcomeRollup) -> dict[str, Any]:
    """``autonomous.handoff``: the handoff's autonomy counts next to the rollup."""
    summary = obj(handoff.get("summary"))
    execution = obj(handoff.get("execution"))
    return drop_none(
        {
            "autoEligibleIntentCount": echo(summary.get("autoEligibleIntentCount"), 0),
            "manualOnlyIntentCount": echo(summary.get("manualOnlyIntentCount"), 0),
            "pendingManualOnlyCount": pending_manual_only(handoff),
            "executionMode": echo(execution.get("mode")),
            **{key: echo(execution.get(key), 0) for key in EXECUTION_COUNTS},
            "outcomeRollup": rollup.to_json(),
            "outcomeReasonCodes": result_reason_codes(handoff),
        }
    )


def _handoff_summary(handoff: dict[str, Any], intents: list[Any], rollup: OutcomeRollup) -> dict[str, Any]:
    summary = obj(handoff.get("summary"))
    counts = ("autoEligibleIntentCount", "manualOnlyIntentCount", "pendingConfirmationCount", *EXECUTION_COUNTS)
    return {
        "intentCount": echo(summary.get("intentCount"), len(intents)),
        **{key: echo(summary.get(key), 0) for key in counts},
        "autonomousOutcomeRollup": rollup.to_json(),
    }


def _handoff_execution(handoff: dict[str, Any]) -> dict[str, Any]:
    execution = obj(handoff.get("execution"))
    optional = ("mode", "requestedBy", "requestedAt", "completedAt")
    counts = ("requestedIntentCount", "executedIntentCount", *EXECUTION_COUNTS)
    return drop_none(
        {
            **{key: echo(execution.get(key)) for key in optional},
            **{key: echo(execution.get(key), 0) for key in counts},
            "byReasonCode": result_reason_codes(handoff),
        }
    )


def handoff_section(handoff: dict[str, Any] | None, rollup: OutcomeRollup) -> dict[str, Any] | None:
    """The status's ``handoff`` section, or ``None`` without a handoff state."""
    if handoff is None:
        return None
    intents = arr(fallback(handoff.get("intents"), []))
    intent_reasons = (
        reason
        for intent in objects(intents)
        for reason in arr(fallback(dig(intent, "autonomous", "reasons"), []))
        if isinstance(reason, str)
    )
    return drop_none(
        {
            "mode": echo(handoff.get("mode")),
            "reasonCodes": echo(handoff.get("reasonCodes"), []),
            "summary": _handoff_summary(handoff, intents, rollup),
            "execution": _handoff_execution(handoff),
            "byAutonomyReason": tally(intent_reasons),
            "pendingManualOnlyCount": pending_manual_only(handoff),
            "traceId": echo(handoff.get("traceId")),
            "updatedAt": echo(handoff.get("updatedAt")),
        }
    )


def latest_handoff_telemetry(telemetry: dict[str, Any] | None, rollup: OutcomeRollup) -> dict[str, Any] | None:
    """The newest handoff telemetry record, summarised; ``None`` when there is none."""
    if telemetry is None:
        return None
    execution = obj(telemetry.get("execution"))
    counts = obj(dig(telemetry, "summary", "summary"))
    pending = fallback(counts.get("pendingManualOnlyCount"), None)
    backlog = pending if pending is not None else fallback(rollup.manual_backlog, 0)
    return drop_none(
        {
            "timestamp": echo(telemetry.get("timestamp")),
            "category": echo(telemetry.get("category")),
            "traceId": echo(telemetry.get("traceId")),
            "execution": drop_none(
                {key: echo(execution.get(key)) for key in ("mode", "requestedIntentCount", *EXECUTION_COUNTS)}
            ),
            "summary": drop_none({key: echo(counts.get(key)) for key in TELEMETRY_SUMMARY_COUNTS}),
            "autonomousOutcomeRollup": {**_run_counts(execution), "manual_backlog": echo(backlog)},
            "reasonCodes": echo(dig(telemetry, "summary", "reasonCodes"), []),
        }
    )
