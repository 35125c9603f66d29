"""Strict reading of the evidence the gates judge; pure functions over parsed JSON.

The reference's jq coerces or swallows wrong types (a string ``"false"`` counts as enabled, a
negative count lowers the failure rate). Here every field the gates read has one accepted type;
anything else becomes an ``EvidenceError`` that names the file and field, and fails its gate.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat
from typing import Any

import orjson

from orchestrator.core.models import EvidenceError
from orchestrator.core.reasons import REQUIRED_SUPPRESSION_PATHS
from orchestrator.core.timestamps import parse_ts

GOVERNANCE = "governance"
RELIABILITY = "outcome_reliability"
BACKLOG = "manual_backlog"
SAFETY = "safety_suppression"
DRILLS = "drill_recency"

MAX_REPORTED_ERRORS = 20


def _is_count(value: object) -> bool:
    return type(value) is int and value >= 0


def _describe(value: object) -> str:
    """A short rendering of a rejected value for an error message."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


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


class _Reader:
    """Walks a JSON document, recording a typed error instead of guessing at a wrong type."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[EvidenceError] = []

    def fail(self, gate: str, path: str, message: str) -> None:
        self.errors.append(EvidenceError(file=self.file, field=path, message=message, gate=gate))

    def obj(self, parent: dict[str, Any], key: str, path: str, gate: str) -> dict[str, Any]:
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(gate, path, f"must be an object, found {_describe(value)}")
            return {}
        return value

    def flag(self, parent: dict[str, Any], key: str, path: str, gate: str) -> bool | None:
        value = parent.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.fail(gate, path, f"must be true or false, found {_describe(value)}")
        return None


def read_fleet_status(doc: Any, file: str) -> FleetStatusEvidence:
    reader = _Reader(file)
    out = FleetStatusEvidence()
    if not isinstance(doc, dict):
        for gate in (GOVERNANCE, BACKLOG, SAFETY):
            reader.fail(gate, "$", f"fleet status must be a JSON object, found {_describe(doc)}")
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
        reader.fail(GOVERNANCE, "autonomous.governance.posture", f"must be a string, found {_describe(posture)}")
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
    if backlog is None or _is_count(backlog):
        out.manual_backlog = backlog
    else:
        reader.fail(
            BACKLOG,
            "autonomous.outcomeRollup.manual_backlog",
            f"must be a non-negative integer, found {_describe(backlog)}",
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
                    f"must be an object, found {_describe(entry)}",
                )
            else:
                blocked = entry.get("blockedCount")
                if blocked is not None and not _is_count(blocked):
                    reader.fail(
                        SAFETY,
                        f"autonomous.safetyGateDecisions.byPath.{name}.blockedCount",
                        f"must be a non-negative integer, found {_describe(blocked)}",
                    )
        out.missing_paths = missing
    elif by_path is not None:
        reader.fail(SAFETY, "autonomous.safetyGateDecisions.byPath", f"must be an object, found {_describe(by_path)}")
    out.errors = reader.errors
    return out


@dataclass(frozen=True)
class RunCounts:
    line: int
    requested: int
    executed: int
    ambiguous: int
    failed: int


@dataclass
class HandoffWindow:
    """The most recent autonomous execute runs, and what was wrong with the file if anything."""

    runs: list[RunCounts] = field(default_factory=list)
    records: int = 0
    errors: list[EvidenceError] = field(default_factory=list)
    error_count: int = 0


_EXECUTE = "fleet_handoff_execute"
_CATEGORY_TYPES = {str, type(None)}

_COUNT_FIELDS = (
    ("requestedIntentCount", "requested"),
    ("executedCount", "executed"),
    ("ambiguousCount", "ambiguous"),
    ("failedCount", "failed"),
)


class _HandoffScanner:
    def __init__(self, file: str, window: int) -> None:
        self.file = file
        self.window: deque[tuple[int, dict[str, Any]]] = deque(maxlen=window)
        self.result = HandoffWindow()

    def error(self, line: int, path: str, message: str) -> None:
        self.result.error_count += 1
        if len(self.result.errors) < MAX_REPORTED_ERRORS:
            self.result.errors.append(
                EvidenceError(file=self.file, line=line, field=path, message=message, gate=RELIABILITY)
            )

    def take(self, records: list[Any], first_line: int) -> None:
        """Keep the autonomous execute runs of one parsed block.

        The common case (every record an object with a string category) runs as ``map`` calls in
        C; anything unusual falls back to a per-record walk that reports each problem.
        """
        self.result.records += len(records)
        if list(map(type, records)).count(dict) != len(records):
            self._take_slowly(records, first_line)
            return
        categories = list(map(dict.get, records, repeat("category")))
        if not set(map(type, categories)) <= _CATEGORY_TYPES:
            self._take_slowly(records, first_line)
            return
        executes = [i for i, category in enumerate(categories) if category == _EXECUTE]
        executions: list[Any] = list(map(dict.get, [records[i] for i in executes], repeat("execution")))
        if list(map(type, executions)).count(dict) != len(executions):
            self._take_slowly(records, first_line)
            return
        modes = map(dict.get, executions, repeat("mode"))
        autonomous = [(first_line + executes[j], executions[j]) for j, mode in enumerate(modes) if mode == "autonomous"]
        self.window.extend(autonomous[-self.window.maxlen :] if self.window.maxlen else autonomous)

    def _take_slowly(self, records: list[Any], first_line: int) -> None:
        window = self.window
        for offset, rec in enumerate(records):
            if type(rec) is not dict:
                self.error(first_line + offset, "$", f"record must be a JSON object, found {_describe(rec)}")
                continue
            category = rec.get("category")
            if category == _EXECUTE:
                execution = rec.get("execution")
                if type(execution) is dict:
                    if execution.get("mode") == "autonomous":
                        window.append((first_line + offset, execution))
                elif execution is not None:
                    self.error(first_line + offset, "execution", "must be an object")
            elif category is not None and type(category) is not str:
                self.error(first_line + offset, "category", "must be a string")

    def take_lines(self, lines: list[bytes], first_line: int) -> None:
        for offset, raw in enumerate(lines):
            if not raw.strip():
                continue
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                self.error(first_line + offset, "$", f"not valid JSON ({exc.args[0].split(':')[0]})")
                continue
            self.take([record], first_line + offset)

    def finish(self) -> HandoffWindow:
        for line, execution in self.window:
            values: dict[str, int] = {}
            ok = True
            for key, name in _COUNT_FIELDS:
                value = execution.get(key)
                if value is None:
                    values[name] = 0
                elif _is_count(value):
                    values[name] = value
                else:
                    ok = False
                    self.error(line, f"execution.{key}", f"must be a non-negative integer, found {_describe(value)}")
            if ok:
                self.result.runs.append(RunCounts(line=line, **values))
        return self.result


def scan_handoff(chunks: Iterable[bytes], window: int, file: str) -> HandoffWindow:
    """Stream JSONL chunks, keeping only the last ``window`` autonomous execute runs.

    Whole chunks are parsed as one JSON array (the commas replace the newlines), which keeps the
    per-record cost in C; any chunk that does not parse as exactly one value per line is re-read
    line by line, so malformed lines are reported with their line number.
    """
    scanner = _HandoffScanner(file, window)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _scan_blocks(scanner, chunks)
    finally:
        if gc_was_enabled:
            gc.enable()
    return scanner.finish()


def _scan_blocks(scanner: _HandoffScanner, chunks: Iterable[bytes]) -> None:
    """Parse block by block; the cyclic collector is paused by the caller because parsed records
    hold no cycles and are freed by reference counting, while generation scans over millions of
    short-lived dicts would double the cost."""
    next_line = 1
    for block in _whole_lines(chunks):
        line_count = block.count(b"\n")
        body = block[:-1]
        records: list[Any] | None
        try:
            parsed = orjson.loads(b"[" + body.replace(b"\n", b",") + b"]")
            records = parsed if len(parsed) == line_count else None
        except orjson.JSONDecodeError:
            records = None
        if records is None:
            scanner.take_lines(body.split(b"\n"), next_line)
        else:
            scanner.take(records, next_line)
        next_line += line_count


def _whole_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut chunks so each ends with a newline; a final line without one is completed."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            carry = data
            continue
        carry = data[cut + 1 :]
        yield data[: cut + 1]
    if carry:
        yield carry + b"\n"


@dataclass
class DrillFinding:
    id: str
    entries: int
    newest: dict[str, Any] | None
    completed_at: datetime | None
    timestamp_invalid: bool


@dataclass
class DrillEvidence:
    drills: list[Any] = field(default_factory=list)
    findings: list[DrillFinding] = field(default_factory=list)
    errors: list[EvidenceError] = field(default_factory=list)


def read_drill_state(doc: Any, file: str, required: Iterable[str], now: datetime) -> DrillEvidence:
    """Judge each required drill by its newest entry; an unreadable or future time is never ignored."""
    reader = _Reader(file)
    out = DrillEvidence()
    if not isinstance(doc, dict):
        reader.fail(DRILLS, "$", f"drill state must be a JSON object, found {_describe(doc)}")
        out.errors = reader.errors
        return out
    drills = doc.get("drills")
    if drills is None:
        drills = []
    if not isinstance(drills, list):
        reader.fail(DRILLS, "drills", f"must be an array, found {_describe(drills)}")
        out.errors = reader.errors
        return out
    out.drills = drills
    for index, entry in enumerate(drills):
        if not isinstance(entry, dict):
            reader.fail(DRILLS, f"drills[{index}]", f"must be an object, found {_describe(entry)}")
        elif not isinstance(entry.get("id"), str):
            reader.fail(DRILLS, f"drills[{index}].id", "must be a string")
        elif entry.get("status") is not None and not isinstance(entry.get("status"), str):
            reader.fail(DRILLS, f"drills[{index}].status", "must be a string")
    for drill_id in required:
        entries = [d for d in drills if isinstance(d, dict) and d.get("id") == drill_id]
        dated: list[tuple[datetime, dict[str, Any]]] = []
        invalid = False
        for entry in entries:
            stamp = parse_ts(entry.get("completedAt"))
            if stamp is None or stamp > now:
                invalid = True
            else:
                dated.append((stamp, entry))
        newest: dict[str, Any] | None = None
        completed: datetime | None = None
        if dated:
            completed, newest = max(dated, key=lambda pair: pair[0])
        elif entries:
            newest = entries[-1]
        out.findings.append(
            DrillFinding(
                id=drill_id,
                entries=len(entries),
                newest=newest,
                completed_at=completed,
                timestamp_invalid=invalid,
            )
        )
    out.errors = reader.errors
    return out
