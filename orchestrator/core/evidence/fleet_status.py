"""Strict reading of the fleet status's ``autonomous`` block, from a file or from a derived status.

The reference's jq coerces or swallows wrong types (a string ``"false"`` counts as enabled, a
negative count lowers the failure rate). Here every field the gates read has one accepted type;
anything else becomes an ``EvidenceError`` that names the file and field, and fails its gate.

A status document from a file is untrusted JSON (``read_fleet_status``). A status derived in
process is a typed ``FleetStatus`` (``fleet_status_evidence``): its structure is already right,
but the leaves it echoes from operator state are checked by the same rules, so a generated status
yields the evidence its printed document would, plus an error for every wrongly typed block or
field the derivation met in the state files (``FleetStatus.problems``), naming that file and field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orchestrator.core.evidence.common import BACKLOG, GOVERNANCE, SAFETY, Reader, describe, is_count
from orchestrator.core.models import EvidenceError
from orchestrator.core.reasons import REQUIRED_SUPPRESSION_PATHS

if TYPE_CHECKING:  # the derivation's models cost ~30 ms to import; a status file never needs them
    from orchestrator.core.fleet_status import FleetStatus

GENERATED_STATUS = "fleet status (generated)"
BACKLOG_FIELD = "autonomous.outcomeRollup.manual_backlog"
AUTOPAUSE_FIELD = "autonomous.rollout.autopause.active"
AUTOPAUSE_STATE_FIELD = "autonomous.rollout.state.autoPauseActive"
BY_PATH_FIELD = "autonomous.safetyGateDecisions.byPath"


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


# --- checks shared by both sources ----------------------------------------------------------------


def _flag(reader: Reader, value: Any, path: str, gate: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    reader.fail(gate, path, f"must be true or false, found {describe(value)}")
    return None


def _backlog(reader: Reader, backlog: Any) -> int | None:
    if backlog is None or is_count(backlog):
        return backlog  # type: ignore[no-any-return]
    reader.fail(BACKLOG, BACKLOG_FIELD, f"must be a non-negative integer, found {describe(backlog)}")
    return None


def _autopause(reader: Reader, active: Any, state_active: Any) -> bool:
    """The autopause is active when either copy of the flag says so: when they disagree, the safe one wins."""
    checked = _flag(reader, active, AUTOPAUSE_FIELD, SAFETY)
    checked_state = _flag(reader, state_active, AUTOPAUSE_STATE_FIELD, SAFETY)
    return bool(checked) or bool(checked_state)


def _blocked_count(reader: Reader, name: str, blocked: Any) -> None:
    if blocked is not None and not is_count(blocked):
        reader.fail(
            SAFETY,
            f"{BY_PATH_FIELD}.{name}.blockedCount",
            f"must be a non-negative integer, found {describe(blocked)}",
        )


def _paths(reader: Reader, by_path: dict[str, Any]) -> list[str]:
    """The required suppression paths missing from ``by_path``; malformed ones are errors."""
    missing = []
    for name in REQUIRED_SUPPRESSION_PATHS:
        entry = by_path.get(name)
        if entry is None:
            missing.append(name)
        elif not isinstance(entry, dict):
            reader.fail(SAFETY, f"{BY_PATH_FIELD}.{name}", f"must be an object, found {describe(entry)}")
        else:
            _blocked_count(reader, name, entry.get("blockedCount"))
    return missing


# --- a status document from a file ------------------------------------------------------------------


def _read_governance(reader: Reader, auto: dict[str, Any], out: FleetStatusEvidence) -> None:
    out.enabled = bool(reader.flag(auto, "enabled", "autonomous.enabled", GOVERNANCE))
    gov = reader.obj(auto, "governance", "autonomous.governance", GOVERNANCE)
    posture = gov.get("posture")
    if posture is None or isinstance(posture, str):
        out.posture = posture
    else:
        reader.fail(GOVERNANCE, "autonomous.governance.posture", f"must be a string, found {describe(posture)}")
    out.blocks_autonomous = bool(
        reader.flag(gov, "blocksAutonomous", "autonomous.governance.blocksAutonomous", GOVERNANCE)
    )
    codes = gov.get("reasonCodes")
    if codes is None:
        codes = []
    if isinstance(codes, list) and all(isinstance(c, str) for c in codes):
        out.governance_reason_codes = sorted(set(codes))
    else:
        reader.fail(GOVERNANCE, "autonomous.governance.reasonCodes", "must be an array of strings")


def _read_safety(reader: Reader, auto: dict[str, Any], out: FleetStatusEvidence) -> None:
    rollout = reader.obj(auto, "rollout", "autonomous.rollout", SAFETY)
    autopause = reader.obj(rollout, "autopause", "autonomous.rollout.autopause", SAFETY)
    state = reader.obj(rollout, "state", "autonomous.rollout.state", SAFETY)
    out.autopause_active = _autopause(reader, autopause.get("active"), state.get("autoPauseActive"))
    decisions = reader.obj(auto, "safetyGateDecisions", "autonomous.safetyGateDecisions", SAFETY)
    by_path = decisions.get("byPath")
    if isinstance(by_path, dict):
        out.by_path = by_path
        out.missing_paths = _paths(reader, by_path)
    elif by_path is not None:
        reader.fail(SAFETY, BY_PATH_FIELD, f"must be an object, found {describe(by_path)}")


def read_fleet_status(doc: Any, file: str, repeated_keys: Sequence[str] = ()) -> FleetStatusEvidence:
    """The gates' evidence from a status document read from ``file`` (any JSON value).

    A key the document repeats makes it say two things at once; every gate that reads the status
    then fails, whichever value a parser would have kept.
    """
    reader = Reader(file)
    out = FleetStatusEvidence()
    for key in repeated_keys:
        for gate in (GOVERNANCE, BACKLOG, SAFETY):
            reader.fail(gate, "$", f"repeats the key {key!r}; a repeated key is ambiguous evidence")
    if not isinstance(doc, dict):
        for gate in (GOVERNANCE, BACKLOG, SAFETY):
            reader.fail(gate, "$", f"fleet status must be a JSON object, found {describe(doc)}")
        out.errors = reader.errors
        return out
    auto = reader.obj(doc, "autonomous", "autonomous", GOVERNANCE)
    _read_governance(reader, auto, out)
    rollup = reader.obj(auto, "outcomeRollup", "autonomous.outcomeRollup", BACKLOG)
    out.manual_backlog = _backlog(reader, rollup.get("manual_backlog"))
    _read_safety(reader, auto, out)
    out.errors = reader.errors
    return out


# --- a status derived in process --------------------------------------------------------------------


def _problem_errors(status: FleetStatus) -> list[EvidenceError]:
    """Each wrongly typed input the derivation met, on every gate that reads that part of it."""
    return [
        EvidenceError(file=problem.file(status.files), field=problem.field, message=problem.message, gate=gate)
        for problem in status.problems
        for gate in problem.gates
    ]


def fleet_status_evidence(status: FleetStatus, file: str = GENERATED_STATUS) -> FleetStatusEvidence:
    """The gates' evidence from a derived ``FleetStatus``, without rendering it to JSON first.

    Gives the same evidence (and the same errors, in the same order) as ``read_fleet_status``
    on ``status.to_json()``, preceded by one error per gate for every problem the derivation
    recorded (``status.problems``): a block of the wrong type in a state file makes the status
    invalid, naming that file and field, instead of reading as an empty block that could promote.
    """
    problems = _problem_errors(status)
    auto = status.autonomous
    if auto is None:
        return FleetStatusEvidence(errors=problems)
    reader = Reader(file)
    reader.errors = problems
    out = FleetStatusEvidence(enabled=auto.enabled)
    if auto.governance is not None:
        out.posture = auto.governance.posture
        out.blocks_autonomous = auto.governance.blocks_autonomous
        out.governance_reason_codes = sorted(set(auto.governance.reason_codes))
    out.manual_backlog = _backlog(reader, auto.outcome_rollup.manual_backlog)
    if auto.rollout is not None:
        state_active = auto.rollout.state.auto_pause_active
        out.autopause_active = _autopause(reader, auto.rollout.autopause.active, state_active)
    by_path = auto.safety_gate_decisions.by_path
    out.by_path = by_path.to_json()
    out.missing_paths = []
    for name, blocked in by_path.blocked_counts().items():
        _blocked_count(reader, name, blocked)
    out.errors = reader.errors
    return out
