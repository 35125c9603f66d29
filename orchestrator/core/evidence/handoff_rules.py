"""What makes one handoff record valid evidence, beyond its JSON types.

Judged for the runs in the window (the records the decision reads): no key repeated anywhere in
the record, a real and not future ``timestamp`` when present, counts within ``MAX_COUNT`` and
executed, ambiguous and failed each at most requested. Judged for every record newer than the
window's oldest run (``HiddenRuns``): a repeated ``category``, ``execution`` or ``mode`` must not
hide a run (``hidden_run_key``). The scan (``handoff_scanner``) decides which records these rules
see; they are the same for the block and the line by line reading.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from orchestrator.core import strictjson
from orchestrator.core.evidence.common import MAX_REPORTED_ERRORS, describe, is_count
from orchestrator.core.models import EvidenceError
from orchestrator.core.timestamps import format_ts, parse_ts

EXECUTE: Final = "fleet_handoff_execute"
AUTONOMOUS: Final = "autonomous"
MAX_COUNT: Final = 1_000_000
"""The largest count one run may report (requested, executed, ambiguous or failed intents)."""
CLOCK_SKEW: Final = timedelta(minutes=5)
"""How far a record's ``timestamp`` may lie after the evaluation time (the writer's clock may run ahead)."""
MAX_LINE_BYTES: Final = 1024 * 1024
"""The default longest telemetry line (without its newline); a longer one is invalid and never parsed."""

COUNT_FIELDS: Final = (
    ("requestedIntentCount", "requested"),
    ("executedCount", "executed"),
    ("ambiguousCount", "ambiguous"),
    ("failedCount", "failed"),
)


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
    run_times: dict[int, datetime] = field(default_factory=dict)
    """When each run of ``runs`` was recorded (its ``timestamp``), by line; a run without one is absent."""


Problem = tuple[str, str]
"""(field, message) of one thing wrong with a record."""


def repeated_key(raw: bytes) -> Problem | None:
    """Any key repeated inside one object of the record, at any depth (the strict parse)."""
    try:
        repeated = strictjson.duplicate_keys(raw)
    except ValueError as exc:
        return "$", f"cannot be checked for repeated keys: {exc}"
    if not repeated:
        return None
    return repeated[0], f"repeats the key {repeated[0]!r}: the record says two things"


def timestamp_problem(value: Any, now: datetime | None) -> Problem | None:
    """A present ``timestamp`` must be an RFC 3339 instant, at most ``CLOCK_SKEW`` after ``now``."""
    moment = parse_ts(value)
    if moment is None:
        return "timestamp", f"must be an RFC 3339 date-time, found {describe(value)}"
    if now is not None and moment > now + CLOCK_SKEW:
        return "timestamp", f"is in the future: {format_ts(moment)} is after {format_ts(now + CLOCK_SKEW)}"
    return None


def count_problems(execution: dict[str, Any]) -> tuple[list[Problem], dict[str, int]]:
    """The counts of a generic (not typed) execution object: each one checked on its own."""
    problems: list[Problem] = []
    values: dict[str, int] = {}
    for key, name in COUNT_FIELDS:
        value = execution.get(key)
        if value is None:
            values[name] = 0
        elif not is_count(value):
            problems.append((f"execution.{key}", f"must be a non-negative integer, found {describe(value)}"))
        elif value > MAX_COUNT:
            problems.append((f"execution.{key}", f"must be at most {MAX_COUNT:,}, found {describe(value)}"))
        else:
            values[name] = value
    return problems, values


def consistency_problems(counts: RunCounts) -> list[Problem]:
    """Executed, ambiguous and failed intents are each part of the requested ones."""
    return [
        (f"execution.{key}", f"must not exceed requestedIntentCount ({counts.requested}), found {value}")
        for key, value in (
            ("executedCount", counts.executed),
            ("ambiguousCount", counts.ambiguous),
            ("failedCount", counts.failed),
        )
        if value > counts.requested
    ]


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as its (key, value) pairs, repeats included."""


def _values(pairs: _Pairs, key: str) -> list[Any]:
    return [value for name, value in pairs if name == key]


def could_hide_a_run(raw: bytes) -> bool:
    """Whether ``raw`` could be a run under some reading: the cheap test before ``hidden_run_key``.
    Without a backslash (no escape can spell a key or a value differently) a reading that makes
    the record a run needs the strings ``"fleet_handoff_execute"`` and ``"autonomous"`` in it."""
    return b"\\" in raw or (b'"fleet_handoff_execute"' in raw and b'"autonomous"' in raw)


def could_hide_a_run_in(data: bytes, start: int, end: int) -> bool:
    """``could_hide_a_run(data[start:end])`` without copying the line."""
    if data.find(b"\\", start, end) >= 0:
        return True
    return data.find(b'"fleet_handoff_execute"', start, end) >= 0 and data.find(b'"autonomous"', start, end) >= 0


def hidden_run_key(raw: bytes) -> str | None:
    """For a record that is not a run as read (the last of repeated values wins): the repeated key
    (``category``, ``execution`` or ``execution.mode``) one of whose other values would make it
    an autonomous execute run, else ``None``. ``raw`` must be valid JSON."""
    try:
        top = json.loads(raw, object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):
        return None  # the typed or generic reading already judged the line; deep nesting has no run
    if not isinstance(top, _Pairs):
        return None
    categories, executions = _values(top, "category"), _values(top, "execution")
    objects = [e for e in executions if isinstance(e, _Pairs)]
    modes = [mode for e in objects for mode in _values(e, "mode")]
    if EXECUTE not in categories or AUTONOMOUS not in modes:
        return None
    if len(categories) > 1:
        return "category"
    if len(executions) > 1:
        return "execution"
    return "execution.mode" if any(len(_values(e, "mode")) > 1 for e in objects) else None


@dataclass
class _Gap:
    """The records that hide a run between two runs: how many, and the first of them."""

    runs_before: int
    count: int = 0
    first: list[tuple[int, str]] = field(default_factory=list)


class HiddenRuns:
    """Records that hide a run, kept while fewer than ``window`` runs follow them.

    Once ``window`` runs follow such a record it is older than every run of the window, and no
    reading of it could change the window; until then it is invalid evidence. Memory is bounded:
    one gap per run of the window, each holding a count and its first ``MAX_REPORTED_ERRORS`` lines.
    """

    def __init__(self, window: int) -> None:
        self.window = window
        self.runs = 0  # runs read so far (a block adds at most ``window``)
        self.gaps: deque[_Gap] = deque()

    def add(self, runs_before: int, line: int, key: str) -> None:
        self._forget()
        if not self.gaps or self.gaps[-1].runs_before != runs_before:
            self.gaps.append(_Gap(runs_before))
        gap = self.gaps[-1]
        gap.count += 1
        if len(gap.first) < MAX_REPORTED_ERRORS:
            gap.first.append((line, key))

    def _forget(self) -> None:
        """Drop the gaps that ``window`` runs follow (``runs`` is counted by the scanner)."""
        while self.gaps and self.runs - self.gaps[0].runs_before >= self.window:
            self.gaps.popleft()

    def survivors(self) -> Iterator[tuple[int, list[tuple[int, str]]]]:
        self._forget()
        for gap in self.gaps:
            yield gap.count, gap.first
