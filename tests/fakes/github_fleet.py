"""A fleet's files on the fake GitHub, and a stand-in for the engine's apply, for the GitHub adapter tests."""

from __future__ import annotations

import json
from collections.abc import Mapping

FLEET_DIR = ".superloop/ops-manager/fleet"
REGISTRY_PATH = f"{FLEET_DIR}/registry.v1.json"
APPLY_STATE_PATH = f"{FLEET_DIR}/promotion-apply-state.json"
APPLY_TELEMETRY_PATH = f"{FLEET_DIR}/telemetry/promotion-apply.jsonl"
FLEET_PATHS = (REGISTRY_PATH, APPLY_STATE_PATH, APPLY_TELEMETRY_PATH)


def fleet_registry(canary: int, fleet_id: str = "fleet-a") -> str:
    """A registry text with just the fields a canary apply touches."""
    rollout = {"canaryPercent": canary, "pause": {"manual": False}}
    return json.dumps({"fleetId": fleet_id, "policy": {"autonomous": {"rollout": rollout}}}, indent=2) + "\n"


def canary_texts(texts: Mapping[str, str | None], trace_id: str, step: int) -> tuple[dict[str, str], int, int]:
    """A stand-in for the engine's pure apply: +``step`` canary, one telemetry line, new apply state.

    Returns the new texts and canary before/after; a trace id already in the telemetry is a replay
    (after == before, no texts).
    """
    registry = json.loads(texts[REGISTRY_PATH] or "{}")
    rollout = registry["policy"]["autonomous"]["rollout"]
    before = int(rollout["canaryPercent"])
    telemetry = texts.get(APPLY_TELEMETRY_PATH) or ""
    if any(json.loads(line).get("traceId") == trace_id for line in telemetry.splitlines() if line.strip()):
        return {}, before, before
    after = min(100, before + step)
    rollout["canaryPercent"] = after
    line = json.dumps({"traceId": trace_id, "canaryBefore": before, "canaryAfter": after})
    return (
        {
            REGISTRY_PATH: json.dumps(registry, indent=2) + "\n",
            APPLY_STATE_PATH: json.dumps({"status": "applied", "traceId": trace_id, "canaryAfter": after}) + "\n",
            APPLY_TELEMETRY_PATH: telemetry + line + "\n",
        },
        before,
        after,
    )
