"""Streaming scan of the handoff telemetry: the last ``window`` autonomous execute runs.

Every line is judged on its own; the rule for one line is ``_decode_line`` followed, when that
gives up, by ``orjson`` (which also words the error for a malformed line). A block of whole lines
is decoded in one typed ``msgspec`` call instead, and that call only ever accepts a block when
judging its lines one by one would have given the same records, so the fast path and the line by
line path cannot disagree (``tests/core/test_handoff_scan.py`` checks this as a property).

The typed rule differs from orjson alone in one way only, inside keys it skips: msgspec does not
evaluate their numbers (orjson refuses ``1e400``) and its depth limit follows the interpreter's
recursion limit (orjson stops at 1024 levels), so such a line is read as valid.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Final

import msgspec
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


_EXECUTE: Final = "fleet_handoff_execute"
_AUTONOMOUS: Final = "autonomous"

_COUNT_FIELDS = (
    ("requestedIntentCount", "requested"),
    ("executedCount", "executed"),
    ("ambiguousCount", "ambiguous"),
    ("failedCount", "failed"),
)

# A count the typed decoder takes is one the generic rule accepts too: orjson reads every integer up
# to 2**64 - 1 as an int, and ``is_count`` wants a non-negative int (msgspec bounds must fit an int64,
# so 2**63 and above go to the generic rule). Anything else (a float, a bool, a negative or a huge
# number) makes the typed decode give up, and the generic rule decides and words the error.
_Count = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]


class _Execution(msgspec.Struct, gc=False, rename="camel"):
    """``execution`` of a record that needs no check beyond its types (untracked by the collector)."""

    mode: str | None = None
    requested_intent_count: _Count | None = None
    executed_count: _Count | None = None
    ambiguous_count: _Count | None = None
    failed_count: _Count | None = None

    def counts(self, line: int) -> RunCounts:
        return RunCounts(
            line=line,
            requested=self.requested_intent_count or 0,
            executed=self.executed_count or 0,
            ambiguous=self.ambiguous_count or 0,
            failed=self.failed_count or 0,
        )


class _Record(msgspec.Struct, gc=False):
    """A record that cannot carry an error: an object whose ``category`` is a string or null and
    whose ``execution`` is null or an ``_Execution``. Other keys are skipped without being built."""

    category: str | None = None
    execution: _Execution | None = None


class _Line(msgspec.Struct, gc=False, array_like=True, forbid_unknown_fields=True):
    """One line wrapped as ``[line]``: exactly one record (no more, no less), or the typed decode gives up."""

    record: _Record


_LINES: Final = msgspec.json.Decoder(_Line)
_GIVE_UP = (msgspec.DecodeError, ValueError, RecursionError)
"""A ``msgspec`` failure: malformed, wrong type or bound, bad UTF-8 in a decoded string, too deep."""


def _is_utf8(data: bytes | memoryview) -> bool:
    """msgspec skips the strings it does not build without checking their UTF-8; orjson checks."""
    try:
        str(data, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_line(raw: bytes) -> _Record | None:
    """The typed rule for one line, exactly as the block decoder applies it to that line."""
    if not raw.isascii() and not _is_utf8(raw):
        return None
    try:
        lines = _LINES.decode_lines(b"[" + raw + b"]")
    except _GIVE_UP:
        return None
    return lines[0].record if len(lines) == 1 else None


class _HandoffScanner:
    def __init__(self, file: str, window: int) -> None:
        self.file = file
        self.window: deque[tuple[int, _Execution | dict[str, Any]]] = deque(maxlen=window)
        self.result = HandoffWindow()

    def error(self, line: int, path: str, message: str) -> None:
        self.result.error_count += 1
        if len(self.result.errors) < MAX_REPORTED_ERRORS:
            self.result.errors.append(
                EvidenceError(file=self.file, line=line, field=path, message=message, gate=RELIABILITY)
            )

    def take_block(self, replaced: bytes, start: int, end: int, count: int, first_line: int) -> bool:
        """Take ``count`` lines at once from ``replaced[start:end]`` (``[line]\\n[line]...``).

        Each line was wrapped in brackets, and ``]`` whitespace ``[`` is valid JSON only between two
        top-level values, never inside one; so when the block decodes to exactly ``count`` values,
        value ``i`` is line ``i`` and no line ran into another. Returns False (nothing taken) when
        the block must be judged line by line instead.
        """
        view = memoryview(replaced)[start:end]
        if not replaced.isascii() and not _is_utf8(view):
            return False
        try:
            lines = _LINES.decode_lines(view)
        except _GIVE_UP:
            return False
        if len(lines) != count:
            return False
        self.result.records += count
        # Typed records carry no errors, so only the newest ``window`` autonomous runs matter: walk
        # back from the end of the block and stop once the window would be refilled.
        need = self.window.maxlen or 0
        picked: list[tuple[int, _Execution | dict[str, Any]]] = []
        offset = count
        while len(picked) < need and offset:
            offset -= 1
            record = lines[offset].record
            execution = record.execution
            if record.category == _EXECUTE and execution is not None and execution.mode == _AUTONOMOUS:
                picked.append((first_line + offset, execution))
        picked.reverse()
        self.window.extend(picked)
        return True

    def take_lines(self, lines: Iterable[bytes], first_line: int) -> None:
        """The line by line rule: typed when possible, else orjson's value checked field by field."""
        for line, raw in enumerate(lines, first_line):
            if not raw.strip():
                continue
            typed = _decode_line(raw)
            if typed is not None:
                self.result.records += 1
                execution = typed.execution
                if typed.category == _EXECUTE and execution is not None and execution.mode == _AUTONOMOUS:
                    self.window.append((line, execution))
                continue
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                self.error(line, "$", f"not valid JSON ({exc.args[0].split(':')[0]})")
                continue
            self.result.records += 1
            self._take_value(record, line)

    def _take_value(self, rec: Any, line: int) -> None:
        if type(rec) is not dict:
            self.error(line, "$", f"record must be a JSON object, found {describe(rec)}")
            return
        category = rec.get("category")
        if category == _EXECUTE:
            execution = rec.get("execution")
            if type(execution) is dict:
                if execution.get("mode") == _AUTONOMOUS:
                    self.window.append((line, execution))
            elif execution is not None:
                self.error(line, "execution", "must be an object")
        elif category is not None and type(category) is not str:
            self.error(line, "category", "must be a string")

    def finish(self) -> HandoffWindow:
        for line, execution in self.window:
            if isinstance(execution, _Execution):
                self.result.runs.append(execution.counts(line))
                continue
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

    Chunks may be cut anywhere. The whole lines of a chunk are decoded as one block (see
    ``_HandoffScanner.take_block``); the line the previous chunks left open is finished and judged
    on its own. A block the typed decoder refuses is judged line by line, so a malformed line is
    reported with its number. Nothing here touches process-wide state: the typed records are
    untracked by the cyclic collector, which is therefore never paused.
    """
    scanner = _HandoffScanner(file, window)
    pending: list[bytes] = []  # the start of a line that no chunk has finished yet
    next_line = 1
    for chunk in chunks:
        first = chunk.find(b"\n")
        if first < 0:
            pending.append(chunk)
            continue
        pending.append(chunk[:first])
        scanner.take_lines([b"".join(pending)], next_line)
        next_line += 1
        last = chunk.rfind(b"\n")
        pending = [chunk[last + 1 :]] if last + 1 < len(chunk) else []
        if last > first:
            next_line = _take_whole_lines(scanner, chunk, first, last, next_line)
    if pending:
        scanner.take_lines([b"".join(pending)], next_line)
    return scanner.finish()


def _take_whole_lines(scanner: _HandoffScanner, chunk: bytes, first: int, last: int, first_line: int) -> int:
    """Take the lines between the first and the last newline of ``chunk``; return the next line number.

    One ``replace`` wraps them all: ``head\\nA\\nB\\ntail`` becomes ``head]\\n[A]\\n[B]\\n[tail``,
    whose slice from the first ``[`` to the last ``]`` is ``[A]\\n[B]``.
    """
    replaced = chunk.replace(b"\n", b"]\n[")
    count = (len(replaced) - len(chunk)) // 2 - 1
    end = replaced.rfind(b"\n")
    if not scanner.take_block(replaced, first + 2, end, count, first_line):
        scanner.take_lines(chunk[first + 1 : last].split(b"\n"), first_line)
    return first_line + count
