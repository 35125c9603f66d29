"""Fleet status derivation: the ``autonomous`` block (and the rest of the v1 status) from raw fleet state.

The gates decide promotions from this block, so the derivation is a pure function of the parsed
state and an explicit evaluation time: no file access and no clock reads, which keeps the
review-deadline boundaries exactly testable. Field names and nesting follow the v1 status JSON.
Inputs are loose JSON (other tools write them), so every accessor tolerates missing or mistyped
values instead of raising; absent values fall back the way the v1 contract defines.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from orchestrator.store.layout import DEFAULTS

SCHEMA_VERSION = "v1"
REVIEW_DUE_SOON_WINDOW = timedelta(days=7)

GovernancePosture = Literal[
    "not_required",
    "authority_missing",
    "review_deadline_missing",
    "review_expired",
    "review_due_soon",
    "active",
]

REASON_AUTHORITY_MISSING = "autonomous_governance_authority_missing"
REASON_DEADLINE_MISSING = "autonomous_governance_review_deadline_missing"
REASON_REVIEW_EXPIRED = "autonomous_governance_review_expired"
REASON_REVIEW_DUE_SOON = "autonomous_governance_review_due_soon"

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
TRANSPORT_BLOCKED_DEFAULT_REASON = "transport_execution_blocked"
PENDING_CONFIRMATION = "pending_operator_confirmation"

_ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})")


class FleetFiles(BaseModel):
    """Where each input came from; echoed in the status so operators can find the artifacts."""

    model_config = ConfigDict(frozen=True)

    registry_file: str
    fleet_state_file: str
    policy_state_file: str
    fleet_telemetry_file: str
    handoff_state_file: str
    handoff_telemetry_file: str

    @classmethod
    def for_repo(cls, repo_path: str) -> FleetFiles:
        """The default layout under a repository, for states built without a loader."""
        root = repo_path.rstrip("/") or "/"

        def at(key: str) -> str:
            return f"{root}/{DEFAULTS[key].as_posix()}"

        return cls(
            registry_file=at("registry"),
            fleet_state_file=at("fleet_state"),
            policy_state_file=at("policy_state"),
            fleet_telemetry_file=at("reconcile_telemetry"),
            handoff_state_file=at("handoff_state"),
            handoff_telemetry_file=at("handoff_telemetry"),
        )


class FleetState(BaseModel):
    """Parsed fleet inputs. ``fleet`` is required; the others are ``None`` when their file is absent.

    The documents stay plain JSON objects because they are written by other tools and echoed
    back largely verbatim; the derivation reads them defensively.
    """

    model_config = ConfigDict(frozen=True)

    repo_path: str
    registry: dict[str, Any]
    fleet: dict[str, Any]
    policy: dict[str, Any] | None = None
    handoff: dict[str, Any] | None = None
    latest_reconcile_telemetry: dict[str, Any] | None = None
    latest_handoff_telemetry: dict[str, Any] | None = None
    files: FleetFiles | None = None


@dataclass(frozen=True)
class GovernanceEvaluation:
    """Governance posture at one instant; ``blocks_autonomous`` is what the governance gate reads."""

    authority_context_present: bool
    review_expired: bool
    review_due_soon: bool
    posture: GovernancePosture
    reason_codes: list[str]
    blocks_autonomous: bool


# --- loose JSON access -------------------------------------------------------------------------


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _arr(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    return (item for item in _arr(value) if isinstance(item, dict))


def _at(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _or(value: Any, default: Any) -> Any:
    """The contract's fallback rule: an absent, null or false value yields the default."""
    return default if value is None or value is False else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _order_key(value: Any) -> tuple[Any, ...]:
    """Total order over JSON values (null < false < true < numbers < strings < arrays < objects)."""
    if value is None:
        return (0,)
    if value is False:
        return (1,)
    if value is True:
        return (2,)
    if _is_number(value):
        return (3, value)
    if isinstance(value, str):
        return (4, value)
    if isinstance(value, list):
        return (5, [_order_key(item) for item in value])
    if isinstance(value, dict):
        keys = sorted(value)
        return (6, keys, [_order_key(value[key]) for key in keys])
    return (7, repr(value))


def _positive(value: Any) -> bool:
    return _order_key(value) > _order_key(0)


def _unique(values: Iterable[Any]) -> list[Any]:
    """Sorted and de-duplicated, so reason-code lists compare equal regardless of input order."""
    result: list[Any] = []
    last: tuple[Any, ...] | None = None
    for value in sorted(values, key=_order_key):
        key = _order_key(value)
        if key != last:
            result.append(value)
            last = key
    return result


def _numbers(values: Iterable[Any]) -> list[int | float]:
    return [value for value in values if _is_number(value)]


def _total(counts: dict[str, Any]) -> int | float:
    return sum(_numbers(counts.values()))


def _tally(keys: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts


def _without_nulls(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def _copy(value: Any) -> Any:
    return copy.deepcopy(value)


def parse_instant(value: Any) -> datetime | None:
    """An ISO-8601 date-time with seconds and an offset (``Z`` or ``±HH:MM``), else ``None``."""
    if not isinstance(value, str) or not _ISO_INSTANT.fullmatch(value):
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    if "." in text:
        head, _, tail = text.partition(".")
        digits = tail[:-6]
        text = f"{head}.{digits[:6].ljust(6, '0')}{tail[-6:]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def format_instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _evaluation_instant(now: datetime) -> datetime:
    """Whole seconds in UTC: the status reports ``generatedAt`` at that precision and compares with it."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC).replace(microsecond=0)


# --- governance -------------------------------------------------------------------------------


def _policy_mode(policy: dict[str, Any] | None) -> Any:
    return _or(_at(policy, "mode"), "advisory")


def evaluate_governance(policy: dict[str, Any] | None, now: datetime) -> GovernanceEvaluation:
    """Governance posture of the recorded policy at ``now`` (timezone-aware).

    Only ``guarded_auto`` needs governance. The review deadline counts as expired from the
    instant it is reached, and as due soon within the seven days before it. A deadline that is
    present but cannot be read as a timestamp is treated as missing, so it blocks instead of
    passing unnoticed.
    """
    instant = _evaluation_instant(now)
    governance = _obj(_at(policy, "autonomous", "governance"))
    guarded = policy is not None and _policy_mode(policy) == "guarded_auto"

    review_by_raw = _or(governance.get("reviewBy"), None)
    review_by = parse_instant(review_by_raw)
    fields_present = all(
        _or(governance.get(key), None) is not None
        for key in ("actor", "approvalRef", "rationale", "changedAt", "reviewBy")
    )
    if "authorityContextPresent" in governance:
        authority = governance["authorityContextPresent"] is True
    else:
        authority = fields_present

    expired = review_by is not None and review_by <= instant
    due_soon = review_by is not None and instant < review_by <= instant + REVIEW_DUE_SOON_WINDOW

    codes: list[str] = []
    if guarded:
        if not authority:
            codes.append(REASON_AUTHORITY_MISSING)
        if review_by is None:
            codes.append(REASON_DEADLINE_MISSING)
        if expired:
            codes.append(REASON_REVIEW_EXPIRED)
        if due_soon:
            codes.append(REASON_REVIEW_DUE_SOON)

    posture: GovernancePosture
    if not guarded:
        posture = "not_required"
    elif not authority:
        posture = "authority_missing"
    elif review_by is None:
        posture = "review_deadline_missing"
    elif expired:
        posture = "review_expired"
    elif due_soon:
        posture = "review_due_soon"
    else:
        posture = "active"

    reason_codes = _unique(codes)
    return GovernanceEvaluation(
        authority_context_present=authority,
        review_expired=expired,
        review_due_soon=due_soon,
        posture=posture,
        reason_codes=reason_codes,
        blocks_autonomous=guarded and bool(reason_codes),
    )


# --- sections ---------------------------------------------------------------------------------


def _pending_manual_only(handoff: dict[str, Any]) -> int:
    return sum(
        1
        for intent in _objects(_or(handoff.get("intents"), []))
        if intent.get("status") == PENDING_CONFIRMATION and _at(intent, "autonomous", "manualOnly") is True
    )


def _outcome_rollup(policy: dict[str, Any] | None, handoff: dict[str, Any] | None) -> dict[str, Any]:
    execution = _obj(_at(handoff, "execution"))
    autonomous_run = execution.get("mode") == "autonomous"

    def counted(key: str) -> Any:
        return _copy(_or(execution.get(key), 0)) if autonomous_run else 0

    if handoff is not None:
        backlog: Any = _pending_manual_only(handoff)
    elif policy is not None:
        backlog = _copy(_or(policy.get("manualOnlyCount"), 0))
    else:
        backlog = 0
    return {
        "attempted": counted("requestedIntentCount"),
        "executed": counted("executedCount"),
        "ambiguous": counted("ambiguousCount"),
        "failed": counted("failedCount"),
        "manual_backlog": backlog,
    }


def _reason_subset(counts: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: _copy(value) for key, value in counts.items() if key in keys}


def _transport_blocked(handoff: dict[str, Any] | None) -> dict[str, int]:
    """Failed or ambiguous results of intents sent over ``sprite_service``, by reason code."""
    transport_by_intent: dict[str, Any] = {}
    for intent in _objects(_or(_at(handoff, "intents"), [])):
        intent_id = _or(intent.get("intentId"), "")
        if isinstance(intent_id, str):
            transport_by_intent[intent_id] = _or(intent.get("transport"), "local")

    def reasons() -> Iterator[str]:
        for result in _objects(_or(_at(handoff, "execution", "results"), [])):
            intent_id = result.get("intentId")
            transport = transport_by_intent.get(intent_id) if isinstance(intent_id, str) else None
            if _or(transport, "local") != "sprite_service":
                continue
            if result.get("status") not in ("failed", "ambiguous"):
                continue
            code = result.get("reasonCode")
            yield code if isinstance(code, str) else TRANSPORT_BLOCKED_DEFAULT_REASON

    return _tally(reasons())


def _result_reason_codes(handoff: dict[str, Any]) -> dict[str, int]:
    results = _objects(_or(_at(handoff, "execution", "results"), []))
    return _tally(code for result in results if isinstance(code := result.get("reasonCode"), str))


def _governance_block(policy: dict[str, Any], evaluation: GovernanceEvaluation) -> dict[str, Any]:
    governance = _obj(_at(policy, "autonomous", "governance"))

    def field(key: str) -> Any:
        return _copy(_or(governance.get(key), None))

    return _without_nulls(
        {
            "changedBy": field("actor"),
            "changedAt": field("changedAt"),
            "approvalRef": field("approvalRef"),
            "why": field("rationale"),
            "until": field("reviewBy"),
            "reviewWindowDays": field("reviewWindowDays"),
            "authorityContextPresent": evaluation.authority_context_present,
            "posture": evaluation.posture,
            "reasonCodes": list(evaluation.reason_codes),
            "blocksAutonomous": evaluation.blocks_autonomous,
        }
    )


def _autopause_block(auto: dict[str, Any]) -> dict[str, Any]:
    enabled = auto.get("enabled")
    return {
        "enabled": enabled if isinstance(enabled, bool) else True,
        "active": _copy(_or(auto.get("active"), False)),
        "reasons": _copy(_or(auto.get("reasons"), [])),
        "lookbackExecutions": _copy(_or(auto.get("lookbackExecutions"), None)),
        "minSampleSize": _copy(_or(auto.get("minSampleSize"), None)),
        "ambiguityRateThreshold": _copy(_or(auto.get("ambiguityRateThreshold"), None)),
        "failureRateThreshold": _copy(_or(auto.get("failureRateThreshold"), None)),
        "metrics": _copy(_or(auto.get("metrics"), {})),
    }


def _rollout_block(policy: dict[str, Any]) -> dict[str, Any]:
    rollout = _obj(_at(policy, "autonomous", "rollout"))
    pause = _obj(rollout.get("pause"))
    auto = _obj(pause.get("auto"))
    buckets = _obj(rollout.get("candidateBuckets"))
    pause_active = _copy(_or(pause.get("active"), False))
    pause_reasons = _copy(_or(pause.get("reasons"), []))
    manual = _copy(_or(pause.get("manual"), False))
    auto_active = _copy(_or(auto.get("active"), False))
    return _without_nulls(
        {
            "canaryPercent": _copy(_or(rollout.get("canaryPercent"), None)),
            "scopeLoopIds": _copy(_or(rollout.get("scopeLoopIds"), [])),
            "selectorSalt": _copy(_or(rollout.get("selectorSalt"), None)),
            "candidateBuckets": {
                key: _copy(_or(buckets.get(key), 0)) for key in ("inScopeCount", "inCohortCount", "outOfCohortCount")
            },
            "state": {
                "active": pause_active,
                "manualPauseActive": manual,
                "autoPauseActive": auto_active,
                "reasonCodes": pause_reasons,
            },
            "autopause": _autopause_block(auto),
            "pause": {
                "active": _copy(pause_active),
                "reasons": _copy(pause_reasons),
                "manual": _copy(manual),
                "auto": _autopause_block(auto),
            },
        }
    )


def _safety_gate_decisions(
    policy: dict[str, Any] | None,
    handoff: dict[str, Any] | None,
    evaluation: GovernanceEvaluation,
) -> dict[str, Any]:
    by_reason = _obj(_or(_at(policy, "summary", "byAutonomyReason"), {}))
    policy_gated = _reason_subset(by_reason, POLICY_GATE_REASONS)
    rollout_gated = _reason_subset(by_reason, ROLLOUT_GATE_REASONS)
    transport_gated = _transport_blocked(handoff)
    governance_count: Any = 0
    if evaluation.blocks_autonomous and policy is not None:
        governance_count = _copy(_or(policy.get("unsuppressedCount"), 0))

    policy_count = _total(policy_gated)
    rollout_count = _total(rollout_gated)
    transport_count = _total(transport_gated)
    suppression = [
        code
        for code, count in (
            ("autonomous_suppression_policy_gated", policy_count),
            ("autonomous_suppression_rollout_gated", rollout_count),
            ("autonomous_suppression_governance_gated", governance_count),
            ("autonomous_suppression_transport_gated", transport_count),
        )
        if _positive(count)
    ]
    blocked = sum(_numbers(by_reason.get(key) for key in SAFETY_BLOCK_REASONS))
    kill_switch = policy is not None and _at(policy, "autonomous", "controls", "safety", "killSwitch") is True
    return {
        "byReason": _copy(by_reason),
        "byPath": {
            "policyGated": {"blockedCount": policy_count, "byReason": policy_gated},
            "rolloutGated": {"blockedCount": rollout_count, "byReason": rollout_gated},
            "governanceGated": {
                "blockedCount": governance_count,
                "reasonCodes": list(evaluation.reason_codes),
            },
            "transportGated": {"blockedCount": transport_count, "byReason": transport_gated},
        },
        "suppressionReasonCodes": _unique(suppression),
        "blockedCount": blocked,
        "killSwitchActive": kill_switch,
    }


def _autonomous_block(
    policy: dict[str, Any] | None,
    handoff: dict[str, Any] | None,
    rollup: dict[str, Any],
    evaluation: GovernanceEvaluation,
) -> dict[str, Any] | None:
    if policy is None and handoff is None:
        return None
    mode = _policy_mode(policy) if policy is not None else _or(_at(handoff, "mode"), "advisory")
    handoff_view: dict[str, Any] | None = None
    if handoff is not None:
        summary = _obj(handoff.get("summary"))
        execution = _obj(handoff.get("execution"))
        handoff_view = _without_nulls(
            {
                "autoEligibleIntentCount": _copy(_or(summary.get("autoEligibleIntentCount"), 0)),
                "manualOnlyIntentCount": _copy(_or(summary.get("manualOnlyIntentCount"), 0)),
                "pendingManualOnlyCount": _pending_manual_only(handoff),
                "executionMode": _copy(_or(execution.get("mode"), None)),
                "executedCount": _copy(_or(execution.get("executedCount"), 0)),
                "ambiguousCount": _copy(_or(execution.get("ambiguousCount"), 0)),
                "failedCount": _copy(_or(execution.get("failedCount"), 0)),
                "outcomeRollup": _copy(rollup),
                "outcomeReasonCodes": _result_reason_codes(handoff),
            }
        )
    return _without_nulls(
        {
            "mode": _copy(mode),
            "enabled": mode == "guarded_auto",
            "policyReasonCodes": _copy(_or(_at(policy, "reasonCodes"), [])),
            "handoffReasonCodes": _copy(_or(_at(handoff, "reasonCodes"), [])),
            "eligibleCandidateCount": _copy(_or(_at(policy, "autoEligibleCount"), 0)),
            "manualOnlyCandidateCount": _copy(_or(_at(policy, "manualOnlyCount"), 0)),
            "outcomeRollup": _copy(rollup),
            "governance": _governance_block(policy, evaluation) if policy is not None else None,
            "safetyGateDecisions": _safety_gate_decisions(policy, handoff, evaluation),
            "rollout": _rollout_block(policy) if policy is not None else None,
            "handoff": handoff_view,
        }
    )


def _severity_rank(candidate: Any) -> int:
    severity = _at(candidate, "severity")
    return {"critical": 0, "warning": 1}.get(severity, 2) if isinstance(severity, str) else 2


def _policy_block(policy: dict[str, Any] | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    candidates = sorted(_arr(_or(policy.get("candidates"), [])), key=_severity_rank)
    return _without_nulls(
        {
            "mode": _copy(_policy_mode(policy)),
            "candidateCount": _copy(_or(policy.get("candidateCount"), 0)),
            "unsuppressedCount": _copy(_or(policy.get("unsuppressedCount"), 0)),
            "suppressedCount": _copy(_or(policy.get("suppressedCount"), 0)),
            "reasonCodes": _copy(_or(policy.get("reasonCodes"), [])),
            "topCandidates": _copy(candidates[:5]),
            "traceId": _copy(_or(policy.get("traceId"), None)),
            "updatedAt": _copy(_or(policy.get("updatedAt"), None)),
        }
    )


def _handoff_block(handoff: dict[str, Any] | None, rollup: dict[str, Any]) -> dict[str, Any] | None:
    if handoff is None:
        return None
    summary = _obj(handoff.get("summary"))
    execution = _obj(handoff.get("execution"))
    intents = _arr(_or(handoff.get("intents"), []))

    def summary_count(key: str) -> Any:
        return _copy(_or(summary.get(key), 0))

    def execution_field(key: str, default: Any) -> Any:
        return _copy(_or(execution.get(key), default))

    intent_reasons = (
        reason
        for intent in _objects(intents)
        for reason in _arr(_or(_at(intent, "autonomous", "reasons"), []))
        if isinstance(reason, str)
    )
    return _without_nulls(
        {
            "mode": _copy(_or(handoff.get("mode"), None)),
            "reasonCodes": _copy(_or(handoff.get("reasonCodes"), [])),
            "summary": {
                "intentCount": _copy(_or(summary.get("intentCount"), len(intents))),
                "autoEligibleIntentCount": summary_count("autoEligibleIntentCount"),
                "manualOnlyIntentCount": summary_count("manualOnlyIntentCount"),
                "pendingConfirmationCount": summary_count("pendingConfirmationCount"),
                "executedCount": summary_count("executedCount"),
                "ambiguousCount": summary_count("ambiguousCount"),
                "failedCount": summary_count("failedCount"),
                "autonomousOutcomeRollup": _copy(rollup),
            },
            "execution": _without_nulls(
                {
                    "mode": execution_field("mode", None),
                    "requestedBy": execution_field("requestedBy", None),
                    "requestedAt": execution_field("requestedAt", None),
                    "completedAt": execution_field("completedAt", None),
                    "requestedIntentCount": execution_field("requestedIntentCount", 0),
                    "executedIntentCount": execution_field("executedIntentCount", 0),
                    "executedCount": execution_field("executedCount", 0),
                    "ambiguousCount": execution_field("ambiguousCount", 0),
                    "failedCount": execution_field("failedCount", 0),
                    "byReasonCode": _result_reason_codes(handoff),
                }
            ),
            "byAutonomyReason": _tally(intent_reasons),
            "pendingManualOnlyCount": _pending_manual_only(handoff),
            "traceId": _copy(_or(handoff.get("traceId"), None)),
            "updatedAt": _copy(_or(handoff.get("updatedAt"), None)),
        }
    )


def _fleet_block(fleet: dict[str, Any], results: list[dict[str, Any]]) -> dict[str, Any]:
    def count_status(status: str) -> int:
        return sum(1 for result in results if result.get("status") == status)

    return {
        "status": _copy(_or(fleet.get("status"), "unknown")),
        "reasonCodes": _copy(_arr(_or(fleet.get("reasonCodes"), []))),
        "loopCount": _copy(_or(fleet.get("loopCount"), len(results))),
        "successCount": _copy(_or(fleet.get("successCount"), count_status("success"))),
        "failedCount": _copy(_or(fleet.get("failedCount"), count_status("failed"))),
        "skippedCount": _copy(_or(fleet.get("skippedCount"), count_status("skipped"))),
        "startedAt": _copy(_or(fleet.get("startedAt"), None)),
        "updatedAt": _copy(_or(fleet.get("updatedAt"), None)),
        "durationSeconds": _copy(_or(fleet.get("durationSeconds"), None)),
        "traceId": _copy(_or(fleet.get("traceId"), None)),
        "partialFailure": _positive(_or(fleet.get("failedCount"), 0)) and _positive(_or(fleet.get("successCount"), 0)),
    }


def _health_of(result: dict[str, Any]) -> Any:
    return _or(result.get("healthStatus"), "unknown")


def _loop_view(result: dict[str, Any]) -> dict[str, Any]:
    files = _obj(result.get("files"))
    return _without_nulls(
        {
            "loopId": _copy(result.get("loopId")),
            "status": _copy(_or(result.get("status"), "unknown")),
            "reasonCode": _copy(_or(result.get("reasonCode"), None)),
            "reconcileStatus": _copy(_or(result.get("reconcileStatus"), None)),
            "healthStatus": _copy(_health_of(result)),
            "healthReasonCodes": _copy(_or(result.get("healthReasonCodes"), [])),
            "transitionState": _copy(_or(result.get("transitionState"), None)),
            "durationSeconds": _copy(_or(result.get("durationSeconds"), None)),
            "traceId": _copy(_or(result.get("traceId"), None)),
            "transport": _copy(_or(result.get("transport"), "local")),
            "sprite": _copy(_or(result.get("sprite"), {})),
            "artifacts": {
                "stateFile": _copy(_or(files.get("stateFile"), None)),
                "healthFile": _copy(_or(files.get("healthFile"), None)),
                "cursorFile": _copy(_or(files.get("cursorFile"), None)),
                "reconcileTelemetryFile": _copy(_or(files.get("reconcileTelemetryFile"), None)),
            },
        }
    )


def _trace_linkage(
    fleet: dict[str, Any], policy: dict[str, Any] | None, results: list[dict[str, Any]]
) -> dict[str, Any]:
    loop_ids = _unique(trace for result in results if (trace := _or(result.get("traceId"), None)) is not None)
    fleet_trace = _or(fleet.get("traceId"), "")
    shared = None
    if len(loop_ids) == 1 and _or(loop_ids[0], "") != "" and fleet_trace in ("", loop_ids[0]):
        shared = _copy(loop_ids[0])
    return {
        "fleetTraceId": _copy(_or(fleet.get("traceId"), None)),
        "policyTraceId": _copy(_or(_at(policy, "traceId"), None)),
        "loopTraceIds": _copy(loop_ids),
        "sharedTraceId": shared,
    }


def _latest_reconcile(telemetry: dict[str, Any] | None) -> dict[str, Any] | None:
    if telemetry is None:
        return None
    return _without_nulls(
        {
            "timestamp": _copy(_or(telemetry.get("timestamp"), None)),
            "status": _copy(_or(telemetry.get("status"), None)),
            "reasonCodes": _copy(_or(telemetry.get("reasonCodes"), [])),
        }
    )


def _latest_handoff(telemetry: dict[str, Any] | None, rollup: dict[str, Any]) -> dict[str, Any] | None:
    if telemetry is None:
        return None
    execution = _obj(telemetry.get("execution"))
    counts = _obj(_at(telemetry, "summary", "summary"))
    autonomous_run = execution.get("mode") == "autonomous"

    def counted(key: str) -> Any:
        return _copy(_or(execution.get(key), 0)) if autonomous_run else 0

    pending = _or(counts.get("pendingManualOnlyCount"), None)
    return _without_nulls(
        {
            "timestamp": _copy(_or(telemetry.get("timestamp"), None)),
            "category": _copy(_or(telemetry.get("category"), None)),
            "traceId": _copy(_or(telemetry.get("traceId"), None)),
            "execution": _without_nulls(
                {
                    key: _copy(_or(execution.get(key), None))
                    for key in (
                        "mode",
                        "requestedIntentCount",
                        "executedCount",
                        "ambiguousCount",
                        "failedCount",
                    )
                }
            ),
            "summary": _without_nulls(
                {
                    key: _copy(_or(counts.get(key), None))
                    for key in (
                        "intentCount",
                        "autoEligibleIntentCount",
                        "manualOnlyIntentCount",
                        "pendingConfirmationCount",
                        "pendingManualOnlyCount",
                        "executedCount",
                        "ambiguousCount",
                        "failedCount",
                    )
                }
            ),
            "autonomousOutcomeRollup": {
                "attempted": counted("requestedIntentCount"),
                "executed": counted("executedCount"),
                "ambiguous": counted("ambiguousCount"),
                "failed": counted("failedCount"),
                "manual_backlog": _copy(pending if pending is not None else _or(rollup["manual_backlog"], 0)),
            },
            "reasonCodes": _copy(_or(_at(telemetry, "summary", "reasonCodes"), [])),
        }
    )


def _fleet_reason_codes(fleet_block: dict[str, Any], health: dict[str, int]) -> list[Any]:
    codes = list(fleet_block["reasonCodes"])
    if _positive(fleet_block["failedCount"]) and _positive(fleet_block["successCount"]):
        codes.append("fleet_partial_failure")
    if health["critical"] > 0:
        codes.append("fleet_health_critical")
    elif health["degraded"] > 0:
        codes.append("fleet_health_degraded")
    return _unique(codes)


# --- entry points -----------------------------------------------------------------------------


def derive_fleet_status(state: FleetState, now: datetime) -> dict[str, Any]:
    """The v1 fleet status of ``state`` evaluated at ``now`` (timezone-aware; seconds are kept).

    The result is a fresh JSON-ready dict that shares no objects with ``state``.
    """
    instant = _evaluation_instant(now)
    fleet, policy, handoff = state.fleet, state.policy, state.handoff
    results = list(_objects(_or(fleet.get("results"), [])))
    files = state.files or FleetFiles.for_repo(state.repo_path)

    evaluation = evaluate_governance(policy, instant)
    rollup = _outcome_rollup(policy, handoff)
    fleet_block = _fleet_block(fleet, results)
    health = {
        level: sum(1 for result in results if _health_of(result) == level)
        for level in ("healthy", "degraded", "critical", "unknown")
    }

    def loops_where(key: str, value: str) -> list[Any]:
        return [_copy(loop) for loop in _unique(r.get("loopId") for r in results if r.get(key) == value)]

    fleet_block["reasonCodes"] = _fleet_reason_codes(fleet_block, health)
    return {
        "schemaVersion": SCHEMA_VERSION,
        "generatedAt": format_instant(instant),
        "source": {
            "repoPath": state.repo_path,
            "fleetId": _copy(_or(fleet.get("fleetId"), _or(state.registry.get("fleetId"), "default"))),
        },
        "fleet": fleet_block,
        "healthRollup": health,
        "exceptions": {
            "reconcileFailures": loops_where("status", "failed"),
            "criticalLoops": loops_where("healthStatus", "critical"),
            "degradedLoops": loops_where("healthStatus", "degraded"),
            "skippedLoops": loops_where("status", "skipped"),
        },
        "policy": _policy_block(policy),
        "handoff": _handoff_block(handoff, rollup),
        "autonomous": _autonomous_block(policy, handoff, rollup, evaluation),
        "loops": [_loop_view(result) for result in results],
        "traceLinkage": _trace_linkage(fleet, policy, results),
        "latestTelemetry": _latest_reconcile(state.latest_reconcile_telemetry),
        "latestHandoffTelemetry": _latest_handoff(state.latest_handoff_telemetry, rollup),
        "files": {
            "registryFile": files.registry_file,
            "fleetStateFile": files.fleet_state_file,
            "policyStateFile": files.policy_state_file,
            "fleetTelemetryFile": files.fleet_telemetry_file,
            "handoffStateFile": files.handoff_state_file,
            "handoffTelemetryFile": files.handoff_telemetry_file,
        },
    }


def fleet_status_json(state: FleetState, now: datetime) -> dict[str, Any]:
    """Alias kept for callers that think of the status as its JSON document."""
    return derive_fleet_status(state, now)
