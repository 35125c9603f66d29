"""The reference's normalized registry view printed by ``promotion-rollout registry``.

Defaults are filled in for readers. Explicit ``false`` flags stay false and unknown loop fields are
kept (the reference turns ``enabled: false`` into true and drops them). This view is printed, never
written back.
"""

from __future__ import annotations

from typing import Any

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.jsonpath import drop_none
from orchestrator.core.registry.document import fleet_id, policy_mode
from orchestrator.core.timestamps import parse_ts


def normalized(doc: dict[str, Any], source_file: str, loop_filter: str | None) -> dict[str, Any]:
    """The whole view; ``loop_filter`` keeps one loop and must name a declared one."""
    policy = doc.get("policy") or {}
    loops = _select(loop_filter, [_loop_view(loop) for loop in doc.get("loops", [])])
    return {
        "schemaVersion": "v1",
        "sourceFile": source_file,
        "fleetId": fleet_id(doc),
        "loops": loops,
        "policy": {
            "mode": policy_mode(doc),
            "suppressions": policy.get("suppressions") or {},
            "noiseControls": {
                "dedupeWindowSeconds": (policy.get("noiseControls") or {}).get("dedupeWindowSeconds", 300)
            },
            "autonomous": _autonomous_view(policy.get("autonomous") or {}, enabled=policy_mode(doc) == "guarded_auto"),
        },
        "loopCount": len(loops),
    }


def _select(loop_filter: str | None, loops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The loops the reader asked for; naming an unknown loop is an error, not an empty view."""
    if not loop_filter:
        return loops
    chosen = [loop for loop in loops if loop["loopId"] == loop_filter]
    if not chosen:
        raise OrchestratorError(f"loop not found in registry: {loop_filter}")
    return chosen


def _loop_view(loop: dict[str, Any]) -> dict[str, Any]:
    """One loop with its transport defaults; either side of the service base URL fills the other."""
    sprite = loop.get("sprite") or {}
    service = loop.get("service") or {}
    entry = dict(loop)
    entry.update(
        {
            "loopId": loop["loopId"],
            "enabled": loop.get("enabled", True),
            "transport": loop.get("transport", "local"),
            "sprite": drop_none(
                {
                    **sprite,
                    "id": sprite.get("id"),
                    "assignment": sprite.get("assignment"),
                    "serviceBaseUrl": sprite.get("serviceBaseUrl") or service.get("baseUrl"),
                }
            ),
            "service": drop_none(
                {
                    **service,
                    "baseUrl": service.get("baseUrl") or sprite.get("serviceBaseUrl"),
                    "tokenEnv": service.get("tokenEnv"),
                    "retryAttempts": service.get("retryAttempts", 3),
                    "retryBackoffSeconds": service.get("retryBackoffSeconds", 1),
                }
            ),
            "metadata": loop.get("metadata") or {},
        }
    )
    return entry


def _autonomous_view(auto: dict[str, Any], *, enabled: bool) -> dict[str, Any]:
    """The autonomous block with the reference's defaults for allow, thresholds and safety."""
    allow = auto.get("allow") or {}
    thresholds = auto.get("thresholds") or {}
    safety = auto.get("safety") or {}
    return {
        "enabled": enabled,
        "allow": {
            "categories": allow.get("categories", ["reconcile_failed", "health_critical"]),
            "intents": allow.get("intents", ["cancel"]),
        },
        "thresholds": {
            "minSeverity": thresholds.get("minSeverity", "critical"),
            "minConfidence": thresholds.get("minConfidence", "high"),
        },
        "safety": {
            "maxActionsPerRun": safety.get("maxActionsPerRun", 1),
            "maxActionsPerLoop": safety.get("maxActionsPerLoop", 1),
            "cooldownSeconds": safety.get("cooldownSeconds", 300),
            "killSwitch": safety.get("killSwitch", False),
        },
        "governance": _governance_view(auto.get("governance") or {}),
        "rollout": _rollout_view(auto.get("rollout") or {}),
    }


def _governance_view(gov: dict[str, Any]) -> dict[str, Any]:
    """The governance fields present, plus the review window in whole days when both times parse."""
    changed = parse_ts(gov.get("changedAt"))
    review = parse_ts(gov.get("reviewBy"))
    return drop_none(
        {
            "actor": gov.get("actor"),
            "approvalRef": gov.get("approvalRef"),
            "rationale": gov.get("rationale"),
            "changedAt": gov.get("changedAt"),
            "reviewBy": gov.get("reviewBy"),
            "reviewWindowDays": int((review - changed).total_seconds() // 86400) if changed and review else None,
        }
    )


def _rollout_view(rollout: dict[str, Any]) -> dict[str, Any]:
    """The rollout with the reference's defaults: full canary, no scope, unpaused, autopause on."""
    auto_pause = rollout.get("autoPause") or {}
    return {
        "canaryPercent": rollout.get("canaryPercent", 100),
        "scope": {"loopIds": (rollout.get("scope") or {}).get("loopIds", [])},
        "selector": {"salt": (rollout.get("selector") or {}).get("salt", "fleet-autonomous-rollout-v1")},
        "pause": {"manual": (rollout.get("pause") or {}).get("manual", False)},
        "autoPause": {
            "enabled": auto_pause.get("enabled", True),
            "lookbackExecutions": auto_pause.get("lookbackExecutions", 5),
            "minSampleSize": auto_pause.get("minSampleSize", 3),
            "ambiguityRateThreshold": auto_pause.get("ambiguityRateThreshold", 0.4),
            "failureRateThreshold": auto_pause.get("failureRateThreshold", 0.4),
        },
    }
