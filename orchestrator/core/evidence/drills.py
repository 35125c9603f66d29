"""Reading the drill state: each required drill judged by its newest entry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from orchestrator.core.evidence.common import DRILLS, Reader, describe
from orchestrator.core.models import EvidenceError
from orchestrator.core.timestamps import parse_ts

CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of this run's clock a drill may say it completed (the drill runner's clock may lead ours).
Further ahead is a timestamp that cannot be true; within it, the drill counts as completed now."""


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
    reader = Reader(file)
    out = DrillEvidence()
    drills = _drill_list(doc, reader)
    if drills is not None:
        out.drills = drills
        _check_entries(drills, reader)
        out.findings = [_finding(drills, drill_id, now) for drill_id in required]
    out.errors = reader.errors
    return out


def _drill_list(doc: Any, reader: Reader) -> list[Any] | None:
    """The ``drills`` array (absent counts as empty), or None when the file's shape is wrong."""
    if not isinstance(doc, dict):
        reader.fail(DRILLS, "$", f"drill state must be a JSON object, found {describe(doc)}")
        return None
    drills = doc.get("drills")
    if drills is None:
        return []
    if not isinstance(drills, list):
        reader.fail(DRILLS, "drills", f"must be an array, found {describe(drills)}")
        return None
    return drills


def _check_entries(drills: list[Any], reader: Reader) -> None:
    """One error per malformed entry (its first problem), so the operator can fix them in one pass."""
    for index, entry in enumerate(drills):
        if not isinstance(entry, dict):
            reader.fail(DRILLS, f"drills[{index}]", f"must be an object, found {describe(entry)}")
        elif not isinstance(entry.get("id"), str):
            reader.fail(DRILLS, f"drills[{index}].id", "must be a string")
        elif entry.get("status") is not None and not isinstance(entry.get("status"), str):
            reader.fail(DRILLS, f"drills[{index}].status", "must be a string")


def _finding(drills: list[Any], drill_id: str, now: datetime) -> DrillFinding:
    """The newest entry with a valid past time; without one, the last entry listed, undated."""
    entries = [d for d in drills if isinstance(d, dict) and d.get("id") == drill_id]
    dated: list[tuple[datetime, dict[str, Any]]] = []
    invalid = False
    for entry in entries:
        stamp = parse_ts(entry.get("completedAt"))
        if stamp is None or stamp > now + CLOCK_SKEW:
            invalid = True
        else:
            dated.append((min(stamp, now), entry))
    newest: dict[str, Any] | None = entries[-1] if entries else None
    completed: datetime | None = None
    if dated:
        completed, newest = max(dated, key=lambda pair: pair[0])
    return DrillFinding(
        id=drill_id,
        entries=len(entries),
        newest=newest,
        completed_at=completed,
        timestamp_invalid=invalid,
    )
