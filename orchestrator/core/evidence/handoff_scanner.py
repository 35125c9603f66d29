"""The handoff scanner: typed block decoding, the line by line rule, and the window's judgment.

Every line is judged on its own; the rule for one line is ``decode_line`` followed, when that
gives up, by ``orjson`` (which also words the error for a malformed line). A block of whole lines
is decoded in one typed ``msgspec`` call instead, and that call only ever accepts a block when
judging its lines one by one would have given the same records, so the fast path and the line by
line path cannot disagree (``tests/core/test_handoff_scan.py`` checks this as a property).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Final

import msgspec
import orjson

from orchestrator.core.evidence.common import MAX_REPORTED_ERRORS, RELIABILITY, describe
from orchestrator.core.evidence.handoff_rules import (
    AUTONOMOUS,
    EXECUTE,
    MAX_COUNT,
    HandoffWindow,
    HiddenRuns,
    Problem,
    RunCounts,
    consistency_problems,
    could_hide_a_run,
    could_hide_a_run_in,
    count_problems,
    hidden_run_key,
    repeated_key,
    timestamp_problem,
)
from orchestrator.core.models import EvidenceError
from orchestrator.core.timestamps import parse_ts

# A count the typed decoder takes is one the generic rule accepts too: ``is_count`` and at most
# ``MAX_COUNT``. Anything else (a float, a bool, a negative or too large number) makes the typed
# decode give up, and the generic rule decides and words the error.
_Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_COUNT)]
_UNSET: Final = msgspec.UNSET
_SUSPECT: Final = "not a run"


class _Execution(msgspec.Struct, gc=False, rename="camel"):
    """``execution`` of a record that needs no type check (untracked by the collector)."""

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
    """A record whose types need no check: an object whose ``category`` is a string or null, whose
    ``execution`` is null or an ``_Execution`` and whose ``timestamp``, if present, is a string
    (judged later, for the window's runs only). Other keys are skipped without being built."""

    timestamp: str | msgspec.UnsetType = _UNSET
    category: str | None = None
    execution: _Execution | None = None

    def is_run(self) -> bool:
        execution = self.execution
        return self.category == EXECUTE and execution is not None and execution.mode == AUTONOMOUS


_LINES: Final[msgspec.json.Decoder[tuple[_Record]]] = msgspec.json.Decoder(tuple[_Record])
"""One line wrapped as ``[line]``: exactly one record (no more, no less), or the typed decode gives up."""
_GIVE_UP = (msgspec.DecodeError, ValueError, RecursionError)
"""A ``msgspec`` failure: malformed, wrong type or bound, bad UTF-8 in a decoded string, too deep."""

Entry = tuple[int, _Execution | dict[str, Any], Any, bytes]
"""A run waiting in the window: line, execution, timestamp (``UNSET`` when absent), the raw line."""


def _is_utf8(data: bytes | memoryview) -> bool:
    """msgspec skips the strings it does not build without checking their UTF-8; orjson checks."""
    try:
        str(data, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_line(raw: bytes) -> _Record | None:
    """The typed rule for one line, exactly as the block decoder applies it to that line."""
    if not raw.isascii() and not _is_utf8(raw):
        return None
    try:
        lines = _LINES.decode_lines(b"[" + raw + b"]")
    except _GIVE_UP:
        return None
    return lines[0][0] if len(lines) == 1 else None


class HandoffScanner:
    def __init__(self, file: str, window: int, now: datetime | None, max_line_bytes: int) -> None:
        self.file = file
        self.now = now
        self.max_line_bytes = max_line_bytes
        self.window: deque[Entry] = deque(maxlen=window)
        self.hidden = HiddenRuns(window)
        self.result = HandoffWindow()

    def error(self, line: int, path: str, message: str) -> None:
        self.result.error_count += 1
        if len(self.result.errors) < MAX_REPORTED_ERRORS:
            self.result.errors.append(
                EvidenceError(file=self.file, line=line, field=path, message=message, gate=RELIABILITY)
            )

    def too_long(self, line: int) -> None:
        self.error(line, "$", f"line is longer than {self.max_line_bytes:,} bytes; not read")

    def take_block(self, chunk: bytes, first: int, last: int, replaced: bytes, count: int, first_line: int) -> bool:
        """Take the ``count`` lines of ``chunk[first + 1:last]`` at once; ``replaced`` is ``chunk``
        with every newline replaced by ``]\\n[``.

        Each line was wrapped in brackets, and ``]`` whitespace ``[`` is valid JSON only between two
        top-level values, never inside one; so when the block decodes to exactly ``count`` values,
        value ``i`` is line ``i`` and no line ran into another. Returns False (nothing taken) when
        the block must be judged line by line instead.
        """
        view = memoryview(replaced)[first + 2 : replaced.rfind(b"\n")]
        if not replaced.isascii() and not _is_utf8(view):
            return False
        try:
            lines = _LINES.decode_lines(view)
        except _GIVE_UP:
            return False
        if len(lines) != count:
            return False
        self.result.records += count
        self._take_newest(chunk, first, last, lines, first_line)
        return True

    def _take_newest(self, chunk: bytes, first: int, last: int, lines: list[tuple[_Record]], first_line: int) -> None:
        """Typed records carry no line error, so only the newest ``window`` runs matter, and the
        records after the oldest of them (which could hide a run): walk back from the end of the
        block and stop once the window would be refilled."""
        need = self.window.maxlen or 0
        picked: list[Entry] = []
        suspects: list[tuple[int, int, str]] = []  # (offset, runs after it in the block, key), newest first
        end = last
        for offset in range(len(lines) - 1, -1, -1):
            if len(picked) >= need:
                break
            start = chunk.rfind(b"\n", first, end)
            record = lines[offset][0]
            if record.is_run() and record.execution is not None:
                picked.append((first_line + offset, record.execution, record.timestamp, chunk[start + 1 : end]))
            elif could_hide_a_run_in(chunk, start + 1, end):
                key = hidden_run_key(chunk[start + 1 : end])
                if key is not None:
                    suspects.append((offset, len(picked), key))
            end = start
        found = [(first_line + offset, key, len(picked) - after) for offset, after, key in suspects]
        self._add_hidden(found, len(picked))
        picked.reverse()
        self.window.extend(picked)

    def take_lines(self, lines: Iterable[bytes], first_line: int) -> None:
        """The line by line rule: typed when possible, else orjson's value checked field by field.

        Records that are not runs are tested for a hidden run afterwards, from the last line back,
        only while fewer than ``window`` runs of these lines follow them (as ``take_block`` does).
        """
        suspects: list[tuple[int, bytes, int]] = []  # (line, raw, runs before it among these lines)
        runs = 0
        for line, raw in enumerate(lines, first_line):
            read = self._read_line(line, raw)
            if isinstance(read, tuple):
                self.window.append(read)
                runs += 1
            elif read is _SUSPECT:
                suspects.append((line, raw, runs))
        need = self.window.maxlen or 0
        hidden: list[tuple[int, str, int]] = []
        for line, raw, before in reversed(suspects):
            if runs - before >= need:
                break
            key = hidden_run_key(raw) if could_hide_a_run(raw) else None
            if key is not None:
                hidden.append((line, key, before))
        self._add_hidden(hidden, runs)

    def _read_line(self, line: int, raw: bytes) -> Entry | str | None:
        """One line: its run, ``_SUSPECT`` for a valid record that is not a run, else ``None``."""
        if len(raw) > self.max_line_bytes:
            self.too_long(line)
            return None
        if not raw.strip():
            return None
        typed = decode_line(raw)
        if typed is not None:
            self.result.records += 1
            execution = typed.execution
            if typed.category == EXECUTE and execution is not None and execution.mode == AUTONOMOUS:
                return line, execution, typed.timestamp, raw
            return _SUSPECT
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            self.error(line, "$", f"not valid JSON ({exc.args[0].split(':')[0]})")
            return None
        self.result.records += 1
        return self._take_value(record, line, raw)

    def _take_value(self, rec: Any, line: int, raw: bytes) -> Entry | str | None:
        if type(rec) is not dict:
            self.error(line, "$", f"record must be a JSON object, found {describe(rec)}")
            return None
        category = rec.get("category")
        execution = rec.get("execution")
        if category == EXECUTE and execution is not None and type(execution) is not dict:
            self.error(line, "execution", "must be an object")
        elif category is not None and type(category) is not str:
            self.error(line, "category", "must be a string")
        elif category == EXECUTE and type(execution) is dict and execution.get("mode") == AUTONOMOUS:
            return line, execution, rec.get("timestamp", _UNSET), raw
        else:
            return _SUSPECT
        return None

    def _add_hidden(self, newest_first: list[tuple[int, str, int]], runs: int) -> None:
        """Record the hidden runs found among lines that added ``runs`` runs; each comes with the
        number of those runs before it."""
        base = self.hidden.runs
        for line, key, before in reversed(newest_first):
            self.hidden.add(base + before, line, key)
        self.hidden.runs += runs

    def finish(self) -> HandoffWindow:
        for count, first in self.hidden.survivors():
            for line, key in first:
                self.error(line, key, f"repeats the key {key!r}: another of its values makes the record a run")
            self.result.error_count += count - len(first)
        for line, execution, timestamp, raw in self.window:
            counts, problems = self._judge(line, execution, timestamp, raw)
            for path, message in problems:
                self.error(line, path, message)
            if counts is not None and not problems:
                self.result.runs.append(counts)
        return self.result

    def _judge(
        self, line: int, execution: _Execution | dict[str, Any], timestamp: Any, raw: bytes
    ) -> tuple[RunCounts | None, list[Problem]]:
        repeated = repeated_key(raw)
        if repeated is not None:
            return None, [repeated]
        problems: list[Problem] = []
        if timestamp is not _UNSET:
            stamp = timestamp_problem(timestamp, self.now)
            if stamp is not None:
                problems.append(stamp)
        if isinstance(execution, _Execution):
            counts: RunCounts | None = execution.counts(line)
        else:
            count_errors, values = count_problems(execution)
            problems.extend(count_errors)
            counts = None if count_errors else RunCounts(line=line, **values)
        if counts is not None:
            problems.extend(consistency_problems(counts))
        moment = parse_ts(timestamp) if timestamp is not _UNSET and not problems else None
        if moment is not None:
            self.result.run_times[line] = moment
        return counts, problems
