"""Handoff evidence that must not fail open (issue 9): repeated keys, timestamps, count bounds and
consistency, the weight of one run, and the longest line."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.core.evidence.fleet_status import read_fleet_status
from orchestrator.core.evidence.handoff import MAX_COUNT, HandoffWindow, RunCounts, scan_handoff
from orchestrator.core.gates import Evidence, capped_rates, judged_rates, reliability_gate
from orchestrator.core.models import Thresholds

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def run(requested: int = 1, executed: int | None = None, ambiguous: int = 0, failed: int = 0, **top: Any) -> bytes:
    execution = {
        "mode": "autonomous",
        "requestedIntentCount": requested,
        "executedCount": requested - failed if executed is None else executed,
        "ambiguousCount": ambiguous,
        "failedCount": failed,
    }
    return json.dumps({"category": "fleet_handoff_execute", **top, "execution": execution}).encode()


def scan(lines: list[bytes], window: int = 20, **options: Any) -> HandoffWindow:
    blob = b"".join(line + b"\n" for line in lines)
    return scan_handoff([blob], window, "handoff.jsonl", now=NOW, **options)


def where(result: HandoffWindow) -> list[tuple[int | None, str]]:
    return [(e.line, e.field) for e in result.errors]


# --- repeated keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (run(failed=2).replace(b'"failedCount": 2', b'"failedCount": 2, "failedCount": 0'), "failedCount"),
        (run().replace(b'"requestedIntentCount": 1', b'"requestedIntentCount": 9, "requestedIntentCount": 1'), None),
        (run().replace(b'"category"', b'"category": "fleet_handoff_plan", "category"'), "category"),
        (run().replace(b'"mode": "autonomous"', b'"mode": "manual", "mode": "autonomous"'), "mode"),
        (run().replace(b'{"category"', b'{"execution": null, "category"'), "execution"),
        (run(timestamp="2026-11-01T00:00:00Z").replace(b'{"category"', b'{"timestamp": "x", "category"'), "timestamp"),
        (run(extra={"a": 1}).replace(b'"a": 1', b'"a": 1, "a": 2'), "a"),
        (run(loopId="a").replace(b'"loopId": "a"', b'"loopId": "a", "loopId": "b"'), "loopId"),
    ],
)
def test_a_run_in_the_window_that_repeats_any_key_is_invalid(raw: bytes, key: str | None) -> None:
    for chunked in (False, True):
        lines = [run()] * 30 + [raw] + [run()] * 3
        result = scan(lines) if not chunked else _scan_in_chunks(lines, 97)
        assert where(result) == [(31, key or "requestedIntentCount")]
        assert "repeats the key" in result.errors[0].message
        assert 31 not in [r.line for r in result.runs]


def _scan_in_chunks(lines: list[bytes], size: int, window: int = 20) -> HandoffWindow:
    blob = b"".join(line + b"\n" for line in lines)
    return scan_handoff([blob[i : i + size] for i in range(0, len(blob), size)], window, "handoff.jsonl", now=NOW)


HIDDEN = [
    run(failed=1)[:-1] + b', "category": "fleet_handoff_plan"}',
    run(failed=1).replace(b'"mode": "autonomous"', b'"mode": "autonomous", "mode": "manual"'),
    run(failed=1)[:-1] + b', "execution": null}',
    run(failed=1).replace(b'"mode": "autonomous"', b'"mode": "auto\\u006eomous", "mode": "manual"'),
]


def test_a_repeated_key_that_hides_a_run_newer_than_the_windows_oldest_run_is_invalid() -> None:
    lines = [run()] * 1000 + HIDDEN + [run()] * 19
    for result in (scan(lines), _scan_in_chunks(lines, 4096)):
        assert where(result) == [
            (1001, "category"),
            (1002, "execution.mode"),
            (1003, "execution"),
            (1004, "execution.mode"),
        ]
        assert len(result.runs) == 20


def test_a_record_hiding_a_run_is_judged_until_window_runs_follow_it() -> None:
    """Followed by ``window`` runs it is older than the window: no reading of it changes the window."""
    assert where(scan(HIDDEN[:1] + [run()] * 19)) == [(1, "category")]
    assert scan(HIDDEN[:1] + [run()] * 20).error_count == 0
    assert where(scan(HIDDEN[:1] + [run()] * 5)) == [(1, "category")]  # the window is not full: all count
    for window in (1, 3, 7):
        lines = [run()] * 50 + HIDDEN + [run()] * (window - 1)
        for result in (scan(lines, window), _scan_in_chunks(lines, 331, window)):
            assert result.error_count == 4
        lines.append(run())
        assert scan(lines, window).error_count == 0
        assert _scan_in_chunks(lines, 331, window).error_count == 0


def test_a_repeated_key_outside_the_window_that_changes_nothing_is_not_judged() -> None:
    """Only the window's runs are read; elsewhere a repeat matters only when it could hide a run."""
    lines = [
        run(failed=2).replace(b'"failedCount": 2', b'"failedCount": 2, "failedCount": 0'),
        b'{"category": "fleet_handoff_plan", "category": "fleet_handoff_intake"}',
        b'{"category": "fleet_handoff_execute", "execution": {"mode": "manual", "mode": "manual"}}',
    ] + [run()] * 20
    assert scan(lines).error_count == 0


# --- timestamps -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamp", "valid"),
    [
        ("2026-11-28T12:00:00Z", True),
        ("2026-11-28T12:05:00Z", True),  # exactly at the clock-skew allowance
        ("2026-11-28T13:04:59+01:00", True),
        ("2026-11-28T12:05:01Z", False),
        ("2099-01-01T00:00:00Z", False),
        ("2026-11-28", False),
        ("2026-11-28T12:00:00", False),
        ("2026-02-30T00:00:00Z", False),
        ("", False),
        (None, False),
        (1764331200, False),
    ],
)
def test_a_runs_timestamp_when_present_is_a_real_instant_not_in_the_future(stamp: object, valid: bool) -> None:
    result = scan([run()] * 19 + [run(timestamp=stamp)])
    assert where(result) == ([] if valid else [(20, "timestamp")])
    assert len(result.runs) == (20 if valid else 19)


def test_a_missing_timestamp_is_accepted_and_without_a_clock_only_the_form_is_judged() -> None:
    assert scan([run()] * 20).error_count == 0
    future = [run(timestamp="2099-01-01T00:00:00Z")] * 20
    assert scan_handoff([b"\n".join(future)], 20, "handoff.jsonl").error_count == 0
    assert scan_handoff([b"\n".join(future)], 20, "handoff.jsonl", now=NOW).error_count == 20


def test_only_the_windows_timestamps_are_judged() -> None:
    assert scan([run(timestamp="garbage")] * 5 + [run()] * 20).error_count == 0


# --- counts -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "fields"),
    [
        ((2, 3, 0, 0), ["execution.executedCount"]),
        ((2, 2, 3, 0), ["execution.ambiguousCount"]),
        ((0, 0, 0, 1), ["execution.failedCount"]),
        ((1, 2, 2, 2), ["execution.executedCount", "execution.ambiguousCount", "execution.failedCount"]),
        ((MAX_COUNT + 1, 0, 0, 0), ["execution.requestedIntentCount"]),
        ((2**53, 2**53, 0, 0), ["execution.requestedIntentCount", "execution.executedCount"]),
    ],
)
def test_counts_must_add_up_and_stay_within_the_bound(counts: tuple[int, ...], fields: list[str]) -> None:
    result = scan([run()] * 19 + [run(*counts)])
    assert where(result) == [(20, field) for field in fields]
    assert len(result.runs) == 19


def test_counts_at_the_bound_are_valid() -> None:
    result = scan([run()] * 19 + [run(MAX_COUNT, MAX_COUNT, MAX_COUNT, MAX_COUNT)])
    assert result.error_count == 0
    assert result.runs[-1] == RunCounts(
        line=20, requested=MAX_COUNT, executed=MAX_COUNT, ambiguous=MAX_COUNT, failed=MAX_COUNT
    )


# --- the weight of one run --------------------------------------------------------------------------------

size = st.integers(1, 10_000)


def _runs(specs: list[tuple[int, int, int]]) -> list[RunCounts]:
    return [RunCounts(line=i, requested=r, executed=r - f, ambiguous=a, failed=f) for i, (r, a, f) in enumerate(specs)]


@st.composite
def equal_sized_window(draw: st.DrawFn) -> list[RunCounts]:
    requested = draw(size)
    outcome = st.tuples(st.integers(0, requested), st.integers(0, requested))
    pairs = draw(st.lists(outcome, min_size=1, max_size=30))
    return _runs([(requested, a, f) for a, f in pairs])


@PROPERTY
@given(runs=equal_sized_window())
def test_for_runs_of_equal_size_the_capped_rates_are_the_plain_rates(runs: list[RunCounts]) -> None:
    attempted = sum(r.requested for r in runs)
    plain = (sum(r.ambiguous for r in runs) / attempted, sum(r.failed for r in runs) / attempted)
    capped = capped_rates(runs)
    judged = judged_rates(runs)
    assert (capped.ambiguity, capped.failure) == plain
    assert (judged.ambiguity, judged.failure) == plain


def _gate(runs: list[RunCounts], **thresholds: Any) -> str:
    status = read_fleet_status({"autonomous": {}}, "status.json")
    evidence = Evidence(status=status, handoff=HandoffWindow(runs=runs), drills=None)
    return reliability_gate(evidence, Thresholds(**thresholds)).status


@PROPERTY
@given(
    others=st.integers(1, 40),
    requested=size,
    failed_share=st.fractions(0, 1),
    huge=st.integers(1, MAX_COUNT),
    threshold=st.floats(0, 1),
)
def test_one_clean_run_however_large_dilutes_the_others_no_more_than_four_of_them_would(
    others: int, requested: int, failed_share: Any, huge: int, threshold: float
) -> None:
    failed = int(failed_share * requested)
    window = _runs([(requested, 0, failed)] * others + [(huge, 0, 0)])
    own_rate = failed / requested
    judged = judged_rates(window).failure
    assert judged >= own_rate * others / (others + 4) * (1 - 1e-12)
    if own_rate * others / (others + 4) > threshold:
        assert _gate(window, max_failure_rate=threshold, min_sample_size=1) == "fail"


@PROPERTY
@given(
    others=st.lists(st.tuples(size, st.integers(0, 100)), min_size=2, max_size=25),
    huge=st.integers(1, MAX_COUNT),
    bigger=st.integers(0, MAX_COUNT),
)
def test_past_the_cap_a_clean_runs_size_changes_nothing(others: list[tuple[int, int]], huge: int, bigger: int) -> None:
    base = [(r, 0, min(f, r)) for r, f in others]
    sizes = sorted(r for r, _, _ in base)
    cap = 4 * sizes[len(base) // 2]  # the lower median once the largest run joins them
    huge = max(huge, cap + 1, sizes[-1] + 1)
    small = capped_rates(_runs([*base, (huge, 0, 0)]))
    large = capped_rates(_runs([*base, (huge + bigger, 0, 0)]))
    assert large == small


def test_nineteen_failed_runs_and_one_enormous_clean_run_hold() -> None:
    window = _runs([(1, 0, 1)] * 19 + [(MAX_COUNT, 0, 0)])
    assert judged_rates(window).failure == pytest.approx(19 / 23)
    assert _gate(window) == "fail"


def test_a_huge_failing_run_is_judged_at_its_face_value() -> None:
    """Capping only ever makes the gate stricter: the plain rate still counts every failure."""
    window = _runs([(2, 0, 0)] * 19 + [(MAX_COUNT, 0, MAX_COUNT // 2)])
    assert judged_rates(window).failure == pytest.approx((MAX_COUNT // 2) / (MAX_COUNT + 38))
    assert _gate(window) == "fail"


# --- the longest line -------------------------------------------------------------------------------------


def _long_line_chunks(length: int, piece: int = 1 << 16) -> Iterator[bytes]:
    yield run() + b"\n" + b'{"padding": "'
    for _ in range(length // piece):
        yield b"x" * piece
    yield b'"}\n' + run() + b"\n"


def test_a_line_longer_than_the_limit_is_invalid_and_never_parsed() -> None:
    result = scan_handoff(_long_line_chunks(3 << 20), 20, "handoff.jsonl", max_line_bytes=1 << 20)
    assert where(result) == [(2, "$")]
    assert result.errors[0].message == "line is longer than 1,048,576 bytes; not read"
    assert [r.line for r in result.runs] == [1, 3]


@pytest.mark.parametrize("limit", [10, 100, 1000])
def test_the_limit_is_exact_and_counts_the_bytes_before_the_newline(limit: int) -> None:
    exact = b'{"p":"' + b"x" * (limit - 8) + b'"}'
    assert len(exact) == limit
    over = exact[:-2] + b'x"}'
    for chunk in (1, 7, 4096):
        blob = exact + b"\n" + over + b"\n" + over
        result = scan_handoff([blob[i : i + chunk] for i in range(0, len(blob), chunk)], 5, "f", max_line_bytes=limit)
        assert where(result) == [(2, "$"), (3, "$")]
        assert result.records == 1


def test_an_overlong_line_is_never_held_whole() -> None:
    """The scan keeps at most about one chunk and one longest line, however long a line is."""
    tracemalloc.start()
    try:
        result = scan_handoff(_long_line_chunks(32 << 20), 20, "handoff.jsonl", max_line_bytes=1 << 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error_count == 1
    assert peak < 4 << 20, peak
