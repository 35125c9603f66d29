"""The descriptive sections of the status: fleet rollup, health, loops, traces and policy summary.

No gate reads these; they tell an operator which loops need attention and where their artifacts
are, so they mostly echo the fleet documents with the v1 defaults filled in.
"""

from __future__ import annotations

from typing import Any

from orchestrator.core.fleet_status.governance import policy_mode
from orchestrator.core.fleet_status.loose import arr, clone, echo, fallback, obj, positive, unique
from orchestrator.core.jsonpath import dig, drop_none
from orchestrator.core.reasons import ReasonCode

HEALTH_LEVELS: tuple[str, ...] = ("healthy", "degraded", "critical", "unknown")
ARTIFACT_FILES: tuple[str, ...] = ("stateFile", "healthFile", "cursorFile", "reconcileTelemetryFile")
TOP_CANDIDATES = 5


def _severity_rank(candidate: Any) -> int:
    """Critical first, then warnings, then everything else (a stable sort keeps input order within)."""
    severity = dig(candidate, "severity")
    return {"critical": 0, "warning": 1}.get(severity, 2) if isinstance(severity, str) else 2


def policy_section(policy: dict[str, Any] | None) -> dict[str, Any] | None:
    """The status's ``policy`` summary, with the most severe candidates first."""
    if policy is None:
        return None
    candidates = sorted(arr(fallback(policy.get("candidates"), [])), key=_severity_rank)
    return drop_none(
        {
            "mode": clone(policy_mode(policy)),
            "candidateCount": echo(policy.get("candidateCount"), 0),
            "unsuppressedCount": echo(policy.get("unsuppressedCount"), 0),
            "suppressedCount": echo(policy.get("suppressedCount"), 0),
            "reasonCodes": echo(policy.get("reasonCodes"), []),
            "topCandidates": clone(candidates[:TOP_CANDIDATES]),
            "traceId": echo(policy.get("traceId")),
            "updatedAt": echo(policy.get("updatedAt")),
        }
    )


def _partial_failure(fleet: dict[str, Any]) -> bool:
    """Some loops failed while others succeeded, by the fleet's own recorded counts."""
    return positive(fallback(fleet.get("failedCount"), 0)) and positive(fallback(fleet.get("successCount"), 0))


def health_of(result: dict[str, Any]) -> Any:
    """A loop result's health; unknown when not recorded."""
    return fallback(result.get("healthStatus"), "unknown")


def health_rollup(results: list[dict[str, Any]]) -> dict[str, int]:
    """Loops per health level."""
    return {level: sum(1 for result in results if health_of(result) == level) for level in HEALTH_LEVELS}


def _fleet_reason_codes(recorded: list[Any], failed: Any, succeeded: Any, health: dict[str, int]) -> list[Any]:
    """The recorded fleet codes plus partial failure and the worst health level present."""
    codes = list(recorded)
    if positive(failed) and positive(succeeded):
        codes.append(ReasonCode.FLEET_PARTIAL_FAILURE.value)
    if health["critical"] > 0:
        codes.append(ReasonCode.FLEET_HEALTH_CRITICAL.value)
    elif health["degraded"] > 0:
        codes.append(ReasonCode.FLEET_HEALTH_DEGRADED.value)
    return unique(codes)


def fleet_section(fleet: dict[str, Any], results: list[dict[str, Any]], health: dict[str, int]) -> dict[str, Any]:
    """The status's ``fleet`` rollup; counts the fleet did not record are taken from its results."""

    def count_status(status: str) -> int:
        return sum(1 for result in results if result.get("status") == status)

    failed = echo(fleet.get("failedCount"), count_status("failed"))
    succeeded = echo(fleet.get("successCount"), count_status("success"))
    return {
        "status": echo(fleet.get("status"), "unknown"),
        "reasonCodes": _fleet_reason_codes(
            clone(arr(fallback(fleet.get("reasonCodes"), []))), failed, succeeded, health
        ),
        "loopCount": echo(fleet.get("loopCount"), len(results)),
        "successCount": succeeded,
        "failedCount": failed,
        "skippedCount": echo(fleet.get("skippedCount"), count_status("skipped")),
        "startedAt": echo(fleet.get("startedAt")),
        "updatedAt": echo(fleet.get("updatedAt")),
        "durationSeconds": echo(fleet.get("durationSeconds")),
        "traceId": echo(fleet.get("traceId")),
        "partialFailure": _partial_failure(fleet),
    }


def exceptions_section(results: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Loops that need attention, by kind."""

    def loops_where(key: str, value: str) -> list[Any]:
        return [clone(loop) for loop in unique(r.get("loopId") for r in results if r.get(key) == value)]

    return {
        "reconcileFailures": loops_where("status", "failed"),
        "criticalLoops": loops_where("healthStatus", "critical"),
        "degradedLoops": loops_where("healthStatus", "degraded"),
        "skippedLoops": loops_where("status", "skipped"),
    }


def loop_view(result: dict[str, Any]) -> dict[str, Any]:
    """One loop's result and where its artifacts are."""
    files = obj(result.get("files"))
    return drop_none(
        {
            "loopId": clone(result.get("loopId")),
            "status": echo(result.get("status"), "unknown"),
            "reasonCode": echo(result.get("reasonCode")),
            "reconcileStatus": echo(result.get("reconcileStatus")),
            "healthStatus": clone(health_of(result)),
            "healthReasonCodes": echo(result.get("healthReasonCodes"), []),
            "transitionState": echo(result.get("transitionState")),
            "durationSeconds": echo(result.get("durationSeconds")),
            "traceId": echo(result.get("traceId")),
            "transport": echo(result.get("transport"), "local"),
            "sprite": echo(result.get("sprite"), {}),
            "artifacts": {key: echo(files.get(key)) for key in ARTIFACT_FILES},
        }
    )


def trace_linkage(
    fleet: dict[str, Any], policy: dict[str, Any] | None, results: list[dict[str, Any]]
) -> dict[str, Any]:
    """Trace ids of the fleet run, the policy and each loop; shared when every loop used one."""
    loop_ids = unique(trace for result in results if (trace := fallback(result.get("traceId"), None)) is not None)
    fleet_trace = fallback(fleet.get("traceId"), "")
    shared = None
    if len(loop_ids) == 1 and fallback(loop_ids[0], "") != "" and fleet_trace in ("", loop_ids[0]):
        shared = clone(loop_ids[0])
    return {
        "fleetTraceId": echo(fleet.get("traceId")),
        "policyTraceId": echo(dig(policy, "traceId")),
        "loopTraceIds": clone(loop_ids),
        "sharedTraceId": shared,
    }


def latest_reconcile_telemetry(telemetry: dict[str, Any] | None) -> dict[str, Any] | None:
    """The newest reconcile telemetry record, summarised; ``None`` when there is none."""
    if telemetry is None:
        return None
    return drop_none(
        {
            "timestamp": echo(telemetry.get("timestamp")),
            "status": echo(telemetry.get("status")),
            "reasonCodes": echo(telemetry.get("reasonCodes"), []),
        }
    )
