"""Streaming scan of the handoff telemetry: the last ``window`` autonomous execute runs.

The chunks are cut into lines here; ``handoff_scanner`` reads them (a typed ``msgspec`` block
decode that provably agrees with the line by line rule) and ``handoff_rules`` says what makes a
record valid evidence. No line longer than ``max_line_bytes`` is ever assembled or parsed: it is
reported as invalid evidence, so the scan holds at most about one chunk and one longest line.

The typed rule differs from orjson alone in one way only, inside keys it skips: msgspec does not
evaluate their numbers (orjson refuses ``1e400``) and its depth limit follows the interpreter's
recursion limit (orjson stops at 1024 levels), so such a line is read as valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from orchestrator.core.evidence.handoff_rules import (
    CLOCK_SKEW,
    COUNT_FIELDS,
    MAX_COUNT,
    MAX_LINE_BYTES,
    HandoffWindow,
    RunCounts,
)
from orchestrator.core.evidence.handoff_scanner import HandoffScanner, decode_line

__all__ = [
    "CLOCK_SKEW",
    "COUNT_FIELDS",
    "MAX_COUNT",
    "MAX_LINE_BYTES",
    "HandoffScanner",
    "HandoffWindow",
    "RunCounts",
    "decode_line",
    "scan_handoff",
]


def scan_handoff(
    chunks: Iterable[bytes],
    window: int,
    file: str,
    *,
    now: datetime | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> HandoffWindow:
    """Stream JSONL chunks, keeping only the last ``window`` autonomous execute runs.

    Chunks may be cut anywhere. The whole lines of a chunk are decoded as one block (see
    ``HandoffScanner.take_block``); the line the previous chunks left open is finished and judged
    on its own, unless it grew past ``max_line_bytes``: then its bytes are dropped as they come
    and the line is reported as too long. ``now`` is the evaluation time: a run's timestamp may be
    at most ``CLOCK_SKEW`` after it (``None`` checks the timestamp's form only). Nothing here
    touches process-wide state: the typed records are untracked by the cyclic collector.
    """
    scanner = HandoffScanner(file, window, now, max_line_bytes)
    pending: list[bytes] = []  # the start of a line that no chunk has finished yet
    pending_size = 0
    too_long = False  # the open line is already longer than the limit; its bytes were dropped
    next_line = 1
    for chunk in _pieces(chunks, max(max_line_bytes, 1)):
        first = chunk.find(b"\n")
        if first < 0:
            pending_size += len(chunk)
            too_long = too_long or pending_size > max_line_bytes
            if too_long:
                pending.clear()
            else:
                pending.append(chunk)
            continue
        if too_long or pending_size + first > max_line_bytes:
            scanner.too_long(next_line)
        else:
            pending.append(chunk[:first])
            scanner.take_lines([b"".join(pending)], next_line)
        next_line += 1
        last = chunk.rfind(b"\n")
        pending = [chunk[last + 1 :]] if last + 1 < len(chunk) else []
        pending_size, too_long = len(chunk) - last - 1, False
        if last > first:
            next_line = _take_whole_lines(scanner, chunk, first, last, next_line)
    if too_long:
        scanner.too_long(next_line)
    elif pending:
        scanner.take_lines([b"".join(pending)], next_line)
    return scanner.finish()


def _pieces(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """The chunks, those longer than ``size`` cut into pieces of ``size``: a whole line inside one
    piece is then never longer than the limit, and no piece is larger than the caller's chunk."""
    for chunk in chunks:
        if len(chunk) <= size:
            yield chunk
        else:
            yield from (chunk[start : start + size] for start in range(0, len(chunk), size))


def _take_whole_lines(scanner: HandoffScanner, chunk: bytes, first: int, last: int, first_line: int) -> int:
    """Take the lines between the first and the last newline of ``chunk``; return the next line number.

    One ``replace`` wraps them all: ``head\\nA\\nB\\ntail`` becomes ``head]\\n[A]\\n[B]\\n[tail``,
    whose slice from the first ``[`` to the last ``]`` is ``[A]\\n[B]``.
    """
    replaced = chunk.replace(b"\n", b"]\n[")
    count = (len(replaced) - len(chunk)) // 2 - 1
    if not scanner.take_block(chunk, first, last, replaced, count, first_line):
        scanner.take_lines(chunk[first + 1 : last].split(b"\n"), first_line)
    return first_line + count
