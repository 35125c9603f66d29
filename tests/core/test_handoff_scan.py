"""The handoff scan: the typed block decoder agrees with the line by line rule, and both with the
generic reading (orjson on every line, every rule written out again here) of every line."""

from __future__ import annotations

import gc
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.core import strictjson
from orchestrator.core.evidence import handoff
from orchestrator.core.evidence.common import MAX_REPORTED_ERRORS, RELIABILITY, describe, is_count
from orchestrator.core.evidence.handoff import HandoffWindow, scan_handoff
from orchestrator.core.models import EvidenceError
from orchestrator.core.timestamps import format_ts, parse_ts

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXECUTE = "fleet_handoff_execute"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
Error = tuple[int, str, str]


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


def scan(
    lines: list[bytes],
    window: int = 20,
    chunk: int = 1 << 20,
    *,
    final_newline: bool = True,
    max_line: int = handoff.MAX_LINE_BYTES,
) -> HandoffWindow:
    blob = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    chunks = [blob[i : i + chunk] for i in range(0, len(blob), chunk)]
    return scan_handoff(chunks, window, "handoff.jsonl", now=NOW, max_line_bytes=max_line)


def line_by_line(lines: list[bytes], window: int = 20, max_line: int = handoff.MAX_LINE_BYTES) -> HandoffWindow:
    """The scanner's own rule applied to one line at a time: no block is ever decoded at once."""
    scanner = handoff.HandoffScanner("handoff.jsonl", window, NOW, max_line)
    scanner.take_lines(lines, 1)
    return scanner.finish()


def generic(lines: list[bytes], window: int = 20, max_line: int = handoff.MAX_LINE_BYTES) -> HandoffWindow:
    """The reading written out without the typed decoder: orjson on every line, every rule by hand.

    Errors come in this order: each line's own (file order), then the records that hide a run and
    are followed by fewer than ``window`` runs (file order), then those of the window's runs."""
    result = HandoffWindow()
    runs: list[tuple[int, dict[str, Any], bytes]] = []
    hidden: list[tuple[int, str, int]] = []  # line, key, runs before it
    errors: list[Error] = []
    for line, raw in enumerate(lines, 1):
        if len(raw) > max_line:
            errors.append((line, "$", f"line is longer than {max_line:,} bytes; not read"))
            continue
        if not raw.strip():
            continue
        try:
            rec = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            errors.append((line, "$", f"not valid JSON ({exc.args[0].split(':')[0]})"))
            continue
        result.records += 1
        _generic_record(rec, line, raw, runs, hidden, errors)
    for line, key, before in hidden:
        if len(runs) - before < window:
            errors.append((line, key, f"repeats the key {key!r}: another of its values makes the record a run"))
    for line, rec, raw in runs[-window:]:
        run = _generic_run(line, rec, raw, errors)
        if run is not None:
            result.runs.append(run)
    result.error_count = len(errors)
    result.errors = [_error(*e) for e in errors[:MAX_REPORTED_ERRORS]]
    return result


def _is_run(rec: dict[str, Any]) -> bool:
    execution = rec.get("execution")
    return rec.get("category") == EXECUTE and type(execution) is dict and execution.get("mode") == "autonomous"


def _generic_record(
    rec: Any,
    line: int,
    raw: bytes,
    runs: list[tuple[int, dict[str, Any], bytes]],
    hidden: list[tuple[int, str, int]],
    errors: list[Error],
) -> None:
    if type(rec) is not dict:
        errors.append((line, "$", f"record must be a JSON object, found {describe(rec)}"))
        return
    category, execution = rec.get("category"), rec.get("execution")
    if category == EXECUTE and execution is not None and type(execution) is not dict:
        errors.append((line, "execution", "must be an object"))
    elif category is not None and type(category) is not str:
        errors.append((line, "category", "must be a string"))
    elif _is_run(rec):
        runs.append((line, rec, raw))
    else:
        key = _key_hiding_a_run(raw)
        if key is not None:
            hidden.append((line, key, len(runs)))


def _key_hiding_a_run(raw: bytes) -> str | None:
    """Every choice among repeated values, tried: the first repeated key of a choice that is a run."""
    try:
        top = json.loads(raw, object_pairs_hook=lambda pairs: ("object", pairs))
    except (ValueError, RecursionError):
        return None
    if not (isinstance(top, tuple) and top[0] == "object"):
        return None
    pairs = top[1]
    categories = [v for k, v in pairs if k == "category"]
    executions = [v for k, v in pairs if k == "execution"]
    for category in categories:
        for execution in executions:
            if not (isinstance(execution, tuple) and execution[0] == "object"):
                continue
            modes = [v for k, v in execution[1] if k == "mode"]
            if category == EXECUTE and "autonomous" in modes:
                if len(categories) > 1:
                    return "category"
                return "execution" if len(executions) > 1 else "execution.mode"
    return None


def _generic_run(line: int, rec: dict[str, Any], raw: bytes, errors: list[Error]) -> handoff.RunCounts | None:
    try:
        repeated = strictjson.duplicate_keys(raw)
    except ValueError as exc:
        errors.append((line, "$", f"cannot be checked for repeated keys: {exc}"))
        return None
    if repeated:
        errors.append((line, repeated[0], f"repeats the key {repeated[0]!r}: the record says two things"))
        return None
    problems = _generic_timestamp(line, rec)
    values: dict[str, int] = {}
    for key, name in handoff.COUNT_FIELDS:
        value = rec["execution"].get(key)
        if value is None or (is_count(value) and value <= 1_000_000):
            values[name] = value or 0
        elif is_count(value):
            problems.append((line, f"execution.{key}", f"must be at most 1,000,000, found {describe(value)}"))
        else:
            problems.append((line, f"execution.{key}", f"must be a non-negative integer, found {describe(value)}"))
    if len(values) == len(handoff.COUNT_FIELDS):
        for key, name in handoff.COUNT_FIELDS[1:]:
            if values[name] > values["requested"]:
                message = f"must not exceed requestedIntentCount ({values['requested']}), found {values[name]}"
                problems.append((line, f"execution.{key}", message))
    errors.extend(problems)
    return handoff.RunCounts(line=line, **values) if not problems else None


def _generic_timestamp(line: int, rec: dict[str, Any]) -> list[Error]:
    if "timestamp" not in rec:
        return []
    moment = parse_ts(rec["timestamp"])
    if moment is None:
        return [(line, "timestamp", f"must be an RFC 3339 date-time, found {describe(rec['timestamp'])}")]
    limit = NOW + timedelta(minutes=5)
    if moment > limit:
        return [(line, "timestamp", f"is in the future: {format_ts(moment)} is after {format_ts(limit)}")]
    return []


def _error(line: int, path: str, message: str) -> EvidenceError:
    return EvidenceError(file="handoff.jsonl", line=line, field=path, message=message, gate=RELIABILITY)


def assert_same(a: HandoffWindow, b: HandoffWindow) -> None:
    """Same runs, same record count, same errors in the same order (line errors in file order,
    then the errors of the window's runs), the same first ``MAX_REPORTED_ERRORS`` of them reported."""
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
        record(counts=(1_000_000, 0, 0, 0)),
        record(counts=(1, 2, 3, 4)),
        record(timestamp="yesterday"),
        record(timestamp="2099-01-01T00:00:00Z"),
        b' \t{"category":"fleet_handoff_execute","execution":{"mode":"autonomous"}}\r',
        b'{"c\\u0061tegory":"fleet_handoff_execute","execution":{"mode":"auto\\u006eomous","failedCount":-0}}',
        b'{"category":"plan","category":"fleet_handoff_execute","execution":{"mode":"autonomous"}}',
        '{"category":"fleet_handoff_execute","note":"d\u00e9j\u00e0 \u2603","execution":{"mode":"autonomous"}}'.encode(),
        b'{"category":"fleet_handoff_execute","execution":null}',
        b"{}",
    ],
)
def test_typed_lines_are_read_like_the_generic_reading(raw: bytes) -> None:
    assert handoff.decode_line(raw) is not None
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
        record(counts=(1_000_001, 0, 0, 0)),
        record(timestamp=None),
        record(timestamp=20261101),
        record(counts=(2**63 - 1, 0, 0, 0)),
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
    assert handoff.decode_line(raw) is None
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


def _block(lines: list[bytes]) -> tuple[handoff.HandoffScanner, bool]:
    scanner = handoff.HandoffScanner("handoff.jsonl", 20, NOW, handoff.MAX_LINE_BYTES)
    chunk = b"head\n" + b"\n".join(lines) + b"\ntail"
    first, last = chunk.find(b"\n"), chunk.rfind(b"\n")
    return scanner, scanner.take_block(chunk, first, last, chunk.replace(b"\n", b"]\n["), len(lines), 1)


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
    typed = handoff.decode_line(record())
    assert typed is not None
    assert not gc.is_tracked(typed)
    assert not gc.is_tracked(typed.execution)


# --- properties -------------------------------------------------------------------------------------------

count_value = st.one_of(
    st.none(),
    st.integers(0, 5),
    st.integers(-3, -1),
    st.sampled_from([1_000_000, 1_000_001, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 10**30, 1.0, 0.5, True, "1", [1]]),
)
timestamp_value = st.sampled_from(
    [
        *("2026-11-01T00:00:00Z", "2026-11-28T12:05:00Z", "2026-11-28T12:05:01Z", "2099-01-01T00:00:00+01:00"),
        *("2026-11-01", "2026-02-30T00:00:00Z", "", None, 5),
    ]
)
valid_record = st.builds(
    record,
    category=st.sampled_from([EXECUTE, EXECUTE, "fleet_handoff_plan", None, 7, ["x"]]),
    mode=st.sampled_from(["autonomous", "autonomous", "manual", None, 3]),
    counts=st.tuples(count_value, count_value, count_value, count_value),
    timestamp=timestamp_value,
)
# Records with a repeated key: visible to the window or hiding a run, spelled plainly or with escapes.
repeated = st.sampled_from(
    [
        b'{"category":"fleet_handoff_execute","execution":{"mode":"autonomous","failedCount":2,"failedCount":0}}',
        b'{"category":"fleet_handoff_execute","category":"fleet_handoff_plan","execution":{"mode":"autonomous"}}',
        b'{"category":"fleet_handoff_plan","category":"fleet_handoff_execute","execution":{"mode":"autonomous"}}',
        b'{"category":"fleet_handoff_execute","execution":{"mode":"autonomous","mode":"manual"}}',
        b'{"category":"fleet_handoff_execute","execution":{"mode":"autonomous"},"execution":null}',
        b'{"category":"fleet_handoff_execute","execution":{"mode":"manual"},"execution":{"mode":"autonomous"}}',
        b'{"category":"fleet_handoff_execute","execution":{"mode":"autonomous"},"loopId":"a","loopId":"b"}',
        b'{"category":"fleet_handoff_plan","execution":{"mode":"autonomous","n":{"a":1,"a":2}}}',
        b'{"category":"fleet_handoff_execute","execution":{"mode":"manual","mode":"autonomous"}}',
        b'{"category":"fleet_handoff_execute","execution":{"mode":"auto\\u006eomous","mode":"manual"}}',
        b'{"categ\\u006fry":"fleet_handoff_execute","category":"x","execution":{"mode":"autonomous"}}',
        b'{"category":"x","note":"fleet_handoff_execute","execution":{"mode":"autonomous"}}',
        b'{"category":"fleet_handoff_execute","timestamp":"2026-11-01T00:00:00Z","timestamp":"2099-01-01T00:00:00Z",'
        b'"execution":{"mode":"autonomous"}}',
    ]
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
line = st.one_of(
    valid_record, valid_record, repeated, fragments, st.binary(max_size=12).filter(lambda b: b"\n" not in b)
)
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


@PROPERTY
@given(lines=lines_strategy, window=st.integers(1, 25), chunk=st.integers(1, 400), max_line=st.integers(1, 200))
def test_blocks_single_lines_and_the_generic_reading_agree_on_the_longest_line(
    lines: list[bytes], window: int, chunk: int, max_line: int
) -> None:
    expected = generic(lines, window, max_line)
    assert_same(line_by_line(lines, window, max_line), expected)
    assert_same(scan(lines, window, chunk=chunk, max_line=max_line), expected)
