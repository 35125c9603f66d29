"""Streaming scan of the handoff telemetry: the last ``window`` autonomous execute runs, in C where possible."""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import orjson

from orchestrator.core.evidence.common import MAX_REPORTED_ERRORS, RELIABILITY, describe, is_count
from orchestrator.core.models import EvidenceError


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
                self.error(first_line + offset, "$", f"record must be a JSON object, found {describe(rec)}")
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
                elif is_count(value):
                    values[name] = value
                else:
                    ok = False
                    self.error(line, f"execution.{key}", f"must be a non-negative integer, found {describe(value)}")
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
