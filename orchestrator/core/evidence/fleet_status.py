"""Strict reading of the fleet status's ``autonomous`` block (a file, or derived from fleet state).

The reference's jq coerces or swallows wrong types (a string ``"false"`` counts as enabled, a
negative count lowers the failure rate). Here every field the gates read has one accepted type;
anything else becomes an ``EvidenceError`` that names the file and field, and fails its gate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orchestrator.core.evidence.common import BACKLOG, GOVERNANCE, SAFETY, Reader, describe, is_count
from orchestrator.core.models import EvidenceError
from orchestrator.core.reasons import REQUIRED_SUPPRESSION_PATHS


@dataclass
class FleetStatusEvidence:
    """The fields of the fleet status's ``autonomous`` block that the gates read."""

    enabled: bool = False
    posture: str | None = None
    blocks_autonomous: bool = False
    governance_reason_codes: list[str] = field(default_factory=list)
    manual_backlog: int | None = None
    autopause_active: bool = False
    by_path: dict[str, Any] | None = None
    missing_paths: list[str] = field(default_factory=lambda: list(REQUIRED_SUPPRESSION_PATHS))
    errors: list[EvidenceError] = field(default_factory=list)


def read_fleet_status(doc: Any, file: str) -> FleetStatusEvidence:
    reader = Reader(file)
    out = FleetStatusEvidence()
    if not isinstance(doc, dict):
        for gate in (GOVERNANCE, BACKLOG, SAFETY):
            reader.fail(gate, "$", f"fleet status must be a JSON object, found {describe(doc)}")
        out.errors = reader.errors
        return out
    auto = reader.obj(doc, "autonomous", "autonomous", GOVERNANCE)

    enabled = reader.flag(auto, "enabled", "autonomous.enabled", GOVERNANCE)
    out.enabled = bool(enabled)
    gov = reader.obj(auto, "governance", "autonomous.governance", GOVERNANCE)
    posture = gov.get("posture")
    if posture is None or isinstance(posture, str):
        out.posture = posture
    else:
        reader.fail(GOVERNANCE, "autonomous.governance.posture", f"must be a string, found {describe(posture)}")
    blocks = reader.flag(gov, "blocksAutonomous", "autonomous.governance.blocksAutonomous", GOVERNANCE)
    out.blocks_autonomous = bool(blocks)
    codes = gov.get("reasonCodes")
    if codes is None:
        codes = []
    if isinstance(codes, list) and all(isinstance(c, str) for c in codes):
        out.governance_reason_codes = sorted(set(codes))
    else:
        reader.fail(GOVERNANCE, "autonomous.governance.reasonCodes", "must be an array of strings")

    rollup = reader.obj(auto, "outcomeRollup", "autonomous.outcomeRollup", BACKLOG)
    backlog = rollup.get("manual_backlog")
    if backlog is None or is_count(backlog):
        out.manual_backlog = backlog
    else:
        reader.fail(
            BACKLOG,
            "autonomous.outcomeRollup.manual_backlog",
            f"must be a non-negative integer, found {describe(backlog)}",
        )

    rollout = reader.obj(auto, "rollout", "autonomous.rollout", SAFETY)
    autopause = reader.obj(rollout, "autopause", "autonomous.rollout.autopause", SAFETY)
    state = reader.obj(rollout, "state", "autonomous.rollout.state", SAFETY)
    active = reader.flag(autopause, "active", "autonomous.rollout.autopause.active", SAFETY)
    state_active = reader.flag(state, "autoPauseActive", "autonomous.rollout.state.autoPauseActive", SAFETY)
    out.autopause_active = bool(active) if active is not None else bool(state_active)

    decisions = reader.obj(auto, "safetyGateDecisions", "autonomous.safetyGateDecisions", SAFETY)
    by_path = decisions.get("byPath")
    if isinstance(by_path, dict):
        out.by_path = by_path
        missing = []
        for name in REQUIRED_SUPPRESSION_PATHS:
            entry = by_path.get(name)
            if entry is None:
                missing.append(name)
            elif not isinstance(entry, dict):
                reader.fail(
                    SAFETY,
                    f"autonomous.safetyGateDecisions.byPath.{name}",
                    f"must be an object, found {describe(entry)}",
                )
            else:
                blocked = entry.get("blockedCount")
                if blocked is not None and not is_count(blocked):
                    reader.fail(
                        SAFETY,
                        f"autonomous.safetyGateDecisions.byPath.{name}.blockedCount",
                        f"must be a non-negative integer, found {describe(blocked)}",
                    )
        out.missing_paths = missing
    elif by_path is not None:
        reader.fail(SAFETY, "autonomous.safetyGateDecisions.byPath", f"must be an object, found {describe(by_path)}")
    out.errors = reader.errors
    return out
