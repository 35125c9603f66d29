"""The handoff scan: the typed block decoder agrees with the line by line rule, and both with the
generic (orjson) reading of every line that the scan judged before the typed decoder existed."""

from __future__ import annotations

import gc
import json
from collections import deque
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.core.evidence import handoff
from orchestrator.core.evidence.common import MAX_REPORTED_ERRORS, RELIABILITY, describe, is_count
from orchestrator.core.evidence.handoff import HandoffWindow, scan_handoff
from orchestrator.core.models import EvidenceError

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXECUTE = "fleet_handoff_execute"


def record(
    *,
    category: Any = EXECUTE,
    mode: Any = "autonomous",
    counts: tuple[Any, ...] = (2, 2, 0, 0),
    **extra: Any,
) -> bytes:
    keys = ("requestedIntentCount", "executedCount", "ambiguousCount", "failedCount")
    execution = {"mode": mode, **dict(zip(keys, counts, strict=True))}
    return json.dumps(
        {"timestamp": "2026-11-01T00:00:00Z", "category": category, "execution": execution, **extra}
    ).encode()


def scan(lines: list[bytes], window: int = 20, chunk: int = 1 << 20, *, final_newline: bool = True) -> HandoffWindow:
    blob = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    return scan_handoff([blob[i : i + chunk] for i in range(0, len(blob), chunk)], window, "handoff.jsonl")


def line_by_line(lines: list[bytes], window: int = 20) -> HandoffWindow:
    """The scanner's own rule applied to one line at a time: no block is ever decoded at once."""
    scanner = handoff._HandoffScanner("handoff.jsonl", window)
    scanner.take_lines(lines, 1)
    return scanner.finish()


def generic(lines: list[bytes], window: int = 20) -> HandoffWindow:
    """The reading before the typed decoder: orjson on every line, every field checked by hand."""
    result = HandoffWindow()
    kept: deque[tuple[int, dict[str, Any]]] = deque(maxlen=window)
    errors: list[tuple[int, str, str]] = []
    for line, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            rec = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            errors.append((line, "$", f"not valid JSON ({exc.args[0].split(':')[0]})"))
            continue
        result.records += 1
        _generic_record(rec, line, kept, errors)
    for line, execution in kept:
        values: dict[str, int] = {}
        for key, name in handoff._COUNT_FIELDS:
            value = execution.get(key)
            if value is None or is_count(value):
                values[name] = value or 0
            else:
                errors.append((line, f"execution.{key}", f"must be a non-negative integer, found {describe(value)}"))
        if len(values) == len(handoff._COUNT_FIELDS):
            result.runs.append(handoff.RunCounts(line=line, **values))
    result.error_count = len(errors)
    result.errors = [_error(*e) for e in errors[:MAX_REPORTED_ERRORS]]
    return result


def _generic_record(
    rec: Any, line: int, kept: deque[tuple[int, dict[str, Any]]], errors: list[tuple[int, str, str]]
) -> None:
    if type(rec) is not dict:
        errors.append((line, "$", f"record must be a JSON object, found {describe(rec)}"))
        return
    category, execution = rec.get("category"), rec.get("execution")
    if category == EXECUTE:
        if type(execution) is dict:
            if execution.get("mode") == "autonomous":
                kept.append((line, execution))
        elif execution is not None:
            errors.append((line, "execution", "must be an object"))
    elif category is not None and type(category) is not str:
        errors.append((line, "category", "must be a string"))


def _error(line: int, path: str, message: str) -> EvidenceError:
    return EvidenceError(file="handoff.jsonl", line=line, field=path, message=message, gate=RELIABILITY)


def assert_same(a: HandoffWindow, b: HandoffWindow) -> None:
    """Same runs, same record count, same errors in the same order (line errors in file order,
    then count errors of the window), the same first ``MAX_REPORTED_ERRORS`` of them reported."""
    assert (a.runs, a.records, a.error_count, a.errors) == (b.runs, b.records, b.error_count, b.errors)


# --- the typed rule against the generic one, line by line -------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        record(),
        record(mode="manual"),
        record(category="fleet_handoff_plan"),
        record(category=None),
        record(counts=(None, 0, 0, 0)),
        record(counts=(2**63 - 1, 0, 0, 0)),
        b' \t{"category":"fleet_handoff_execute","execution":{"mode":"autonomous"}}\r',
        b'{"c\\u0061tegory":"fleet_handoff_execute","execution":{"mode":"auto\\u006eomous","failedCount":-0}}',
        b'{"category":"plan","category":"fleet_handoff_execute","execution":{"mode":"autonomous"}}',
        '{"category":"fleet_handoff_execute","note":"d\u00e9j\u00e0 \u2603","execution":{"mode":"autonomous"}}'.encode(),
        b'{"category":"fleet_handoff_execute","execution":null}',
        b"{}",
    ],
)
def test_typed_lines_are_read_like_the_generic_reading(raw: bytes) -> None:
    assert handoff._decode_line(raw) is not None
    assert_same(line_by_line([raw]), generic([raw]))


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   ",
        b"\x0c",
        b"{not json",
        b"[]",
        b'"stray"',
        b"null",
        b"{},{}",
        b"{} {}",
        b'{"a":1}] [{"b":2}',
        b'{"category":7}',
        b'{"category":"fleet_handoff_execute","execution":[1]}',
        b'{"category":"fleet_handoff_plan","execution":[1]}',
        record(mode=5),
        record(counts=(-1, 0, 0, 0)),
        record(counts=("1", 0, 0, 0)),
        record(counts=(True, 0, 0, 0)),
        record(counts=(1.0, 0, 0, 0)),
        record(counts=(2**63, 0, 0, 0)),
        record(counts=(2**64, 0, 0, 0)),
        record(counts=(10**30, 0, 0, 0)),
        record(category="fleet_handoff_plan", counts=(-1, 0, 0, 0)),
        b'{"category":"fleet_handoff_execute","execution":{"mode":"autonomous","failedCount":NaN}}',
        b'{"category":"fleet_handoff_execute","x":"\xff","execution":{"mode":"autonomous"}}',
        b'{"category":"fleet_handoff_execute","x":"\xed\xa0\x80","execution":{"mode":"autonomous"}}',
        b'{"category":"\\ud800"}',
        b"\xef\xbb\xbf{}",
    ],
)
def test_lines_the_typed_rule_refuses_are_left_to_the_generic_reading(raw: bytes) -> None:
    assert handoff._decode_line(raw) is None
    assert_same(line_by_line([raw]), generic([raw]))


def test_the_one_difference_from_the_generic_reading_is_a_number_no_double_can_hold_in_an_unread_field() -> None:
    """orjson refuses 1e400 anywhere; the typed decoder skips fields it does not read without
    evaluating their numbers. Where the scan reads a number, it must still be a count."""
    unread = b'{"category":"fleet_handoff_plan","sizeBytes":1e400}'
    assert generic([unread]).error_count == 1
    assert line_by_line([unread]).error_count == 0
    assert scan([unread]).error_count == 0
    read = record(counts=(1, 1, 0, "x")).replace(b'"x"', b"1e400")
    assert scan([read] * 3).errors[0].message == "not valid JSON (number is infinity when parsed as double)"


@pytest.mark.parametrize("depth", [10, 900, 990, 995, 1000, 1023, 1024, 1100, 1490, 1500, 3000])
def test_deep_nesting_in_an_unread_field_is_read_alike_by_blocks_and_single_lines(depth: int) -> None:
    """Where msgspec gives up on depth depends on the interpreter (its recursion limit), so only
    the agreement is universal; below orjson's limit of 1024 levels both readings accept the line."""
    lines = [record(), b'{"x":' + b"[" * depth + b"]" * depth + b"}", record()]
    assert_same(scan(lines), line_by_line(lines))
    if depth <= 900:
        assert_same(scan(lines), generic(lines))


# --- the block decoder ------------------------------------------------------------------------------------


def _block(lines: list[bytes]) -> tuple[handoff._HandoffScanner, bool]:
    scanner = handoff._HandoffScanner("handoff.jsonl", 20)
    chunk = b"head\n" + b"\n".join(lines) + b"\ntail"
    first = chunk.find(b"\n")
    replaced = chunk.replace(b"\n", b"]\n[")
    return scanner, scanner.take_block(replaced, first + 2, replaced.rfind(b"\n"), len(lines), 1)


def test_a_clean_block_is_taken_at_once() -> None:
    lines = [record(), record(mode="manual"), record(category="fleet_handoff_plan"), b"{}"]
    scanner, taken = _block(lines)
    assert taken
    result = scanner.finish()
    assert result.records == 4
    assert [r.line for r in result.runs] == [1]


@pytest.mark.parametrize(
    "lines",
    [
        [record(), b"", record()],  # a blank line
        [record(), b"{not json", record()],
        [record(), b"[1]", record()],
        [record(), b'{"category":7}', record()],
        [record(), record(counts=(-1, 0, 0, 0)), record()],
        [record(), b"{} {}", record()],
        [record(), b'{"a":1}] [{"b":2}', record()],
        # Lines that are not JSON alone but would pass as one array of objects once joined: the
        # first two make one object, the third makes two.
        [b'{"a":[{"b":1}', b'{"c":2}]}', b"{},{}"],
        [b'{"a":[[1', b"2]]}", b"{}],[{}"],
        [b'{"x":"\xff"}', record()],
    ],
)
def test_a_block_the_typed_decoder_cannot_vouch_for_line_by_line_is_refused(lines: list[bytes]) -> None:
    scanner, taken = _block(lines)
    assert not taken
    assert scanner.result == HandoffWindow()
    assert not scanner.window


def test_non_ascii_text_split_between_chunks_is_read_whole() -> None:
    lines = [
        '{"category":"fleet_handoff_execute","who":"\u00e9\u00e9\u00e9","execution":{"mode":"autonomous"}}'.encode()
    ]
    lines *= 50
    for chunk in (1, 7, 64, 1000):
        result = scan(lines, chunk=chunk)
        assert result.error_count == 0
        assert [r.line for r in result.runs] == list(range(31, 51))


def test_a_line_longer_than_many_chunks_and_a_last_line_without_newline() -> None:
    long_line = record(padding="x" * 5000)
    lines = [record(), long_line, b"{not json", record(counts=(3, 1, 1, 1))]
    for chunk in (3, 100, 4096, 1 << 20):
        result = scan(lines, chunk=chunk, final_newline=False)
        assert [(e.line, e.field) for e in result.errors] == [(3, "$")]
        assert [r.line for r in result.runs] == [1, 2, 4]
        assert result.runs[-1] == handoff.RunCounts(line=4, requested=3, executed=1, ambiguous=1, failed=1)


def test_only_runs_left_in_the_window_have_their_counts_checked() -> None:
    bad = record(counts=(1, 1, 0, -5))
    lines = [bad] * 3 + [record()] * 30
    assert scan(lines, window=30).error_count == 0
    result = scan(lines, window=31)
    assert [(e.line, e.field) for e in result.errors] == [(3, "execution.failedCount")]
    assert len(result.runs) == 30


def test_the_window_is_filled_from_the_end_across_blocks() -> None:
    lines = [record(counts=(i, 0, 0, 0)) if i % 3 else record(mode="manual") for i in range(1, 400)]
    for window in (1, 5, 20, 500):
        expected = generic(lines, window)
        for chunk in (50, 333, 1 << 20):
            assert_same(scan(lines, window=window, chunk=chunk), expected)


def test_the_scan_leaves_the_garbage_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("the scan must not switch the collector off")

    monkeypatch.setattr(gc, "disable", refuse)
    monkeypatch.setattr(gc, "freeze", refuse)
    threshold = gc.get_threshold()
    assert gc.isenabled()
    scan([record()] * 100 + [b"{not json"] + [record()] * 100)
    assert gc.isenabled()
    assert gc.get_threshold() == threshold


def test_typed_records_are_untracked_by_the_collector() -> None:
    typed = handoff._decode_line(record())
    assert typed is not None
    assert not gc.is_tracked(typed)
    assert not gc.is_tracked(typed.execution)


# --- properties -------------------------------------------------------------------------------------------

count_value = st.one_of(
    st.none(),
    st.integers(0, 5),
    st.integers(-3, -1),
    st.sampled_from([2**63 - 1, 2**63, 2**64 - 1, 2**64, 10**30, 1.0, 0.5, True, "1", [1]]),
)
valid_record = st.builds(
    record,
    category=st.sampled_from([EXECUTE, EXECUTE, "fleet_handoff_plan", None, 7, ["x"]]),
    mode=st.sampled_from(["autonomous", "autonomous", "manual", None, 3]),
    counts=st.tuples(count_value, count_value, count_value, count_value),
)
fragments = st.sampled_from(
    [
        b"",
        b" ",
        b"\t\r",
        b"\x0c",
        b"{",
        b"}",
        b"[",
        b"]",
        b"{}",
        b"[]",
        b"{},{}",
        b"{} {}",
        b"] [",
        b"}],[{",
        b'{"a":[',
        b'{"a":[{"b":1}',
        b'{"c":2}]}',
        b'"stray"',
        b"null",
        b"7",
        b"{not json",
        b'{"category":"fleet_handoff_execute","execution":{"mode":"autonomous"',
        b'"execution":{"mode":"autonomous"}}',
        b'{"x":"\xff"}',
        b'{"x":"\xc3"}',
        b"\xc3\xa9",
        b'{"category":"\\ud800"}',
        b'{"category":"fleet_handoff_execute","execution":{"mode":"autonomous","failedCount":NaN}}',
    ]
)
line = st.one_of(valid_record, valid_record, fragments, st.binary(max_size=12).filter(lambda b: b"\n" not in b))
lines_strategy = st.lists(line, max_size=40)


@PROPERTY
@given(lines=lines_strategy, window=st.integers(1, 25), chunk=st.integers(1, 400))
def test_blocks_and_single_lines_agree_on_any_mix_of_lines(lines: list[bytes], window: int, chunk: int) -> None:
    by_line = line_by_line(lines, window)
    assert_same(scan(lines, window), by_line)
    assert_same(scan(lines, window, chunk=chunk), by_line)


@PROPERTY
@given(lines=lines_strategy, window=st.integers(1, 25))
def test_the_scan_reads_any_mix_of_lines_like_the_generic_reading(lines: list[bytes], window: int) -> None:
    assert_same(scan(lines, window), generic(lines, window))


@PROPERTY
@given(
    lines=st.lists(st.one_of(valid_record, st.just(b"{not json"), st.just(b"[1]")), min_size=1, max_size=40),
    split=st.data(),
)
def test_every_way_of_cutting_the_file_gives_the_same_window(lines: list[bytes], split: st.DataObject) -> None:
    blob = b"\n".join(lines) + b"\n"
    cuts = sorted(split.draw(st.sets(st.integers(0, len(blob)), max_size=8)))
    chunks = [blob[a:b] for a, b in zip([0, *cuts], [*cuts, len(blob)], strict=True)]
    assert_same(scan_handoff(chunks, 7, "handoff.jsonl"), scan_handoff([blob], 7, "handoff.jsonl"))
