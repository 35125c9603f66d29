"""The confidence rule (``core.confidence``) and the bake helpers (``core.bake``) as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.core.bake import (
    LastExpansion,
    assess_bake,
    format_duration,
    fresh_runs,
    last_expansion,
    parse_duration,
    with_policy,
)
from orchestrator.core.confidence import more_clean_attempts, weighed_attempts, wilson_upper
from orchestrator.core.errors import InvalidInput
from orchestrator.core.evidence.fleet_status import FleetStatusEvidence
from orchestrator.core.evidence.handoff import HandoffWindow, RunCounts
from orchestrator.core.gates import Evidence, judged_rates, reliability_gate
from orchestrator.core.models import Thresholds
from orchestrator.core.reasons import ReasonCode

LEVELS = st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@settings(max_examples=300)
@given(attempts=st.integers(1, 10**7), data=st.data(), level=LEVELS)
def test_the_upper_bound_is_never_below_the_point_rate(attempts: int, data: st.DataObject, level: float) -> None:
    bad = data.draw(st.integers(0, attempts))
    rate = bad / attempts
    upper = wilson_upper(rate, attempts, level)
    assert rate <= upper <= 1.0


@settings(max_examples=300)
@given(attempts=st.integers(1, 10**6), more=st.integers(1, 10**6), data=st.data(), level=LEVELS)
def test_more_clean_attempts_never_raise_the_bound(attempts: int, more: int, data: st.DataObject, level: float) -> None:
    bad = data.draw(st.integers(0, attempts))
    before = wilson_upper(bad / attempts, attempts, level)
    after = wilson_upper(bad / (attempts + more), attempts + more, level)
    assert after <= before + 1e-12


@settings(max_examples=200)
@given(
    attempts=st.integers(1, 5000),
    data=st.data(),
    threshold=st.floats(0.01, 0.99),
    level=LEVELS,
)
def test_the_number_of_more_clean_attempts_is_the_least_that_concludes(
    attempts: int, data: st.DataObject, threshold: float, level: float
) -> None:
    bad = data.draw(st.integers(0, attempts))
    more = more_clean_attempts(bad, attempts, threshold, level)
    assert more is not None
    total = attempts + more
    assert wilson_upper(bad / total, total, level) <= threshold
    if more > 0:
        assert wilson_upper(bad / (total - 1), total - 1, level) > threshold


def test_no_sample_proves_nothing_and_a_zero_limit_is_never_reached() -> None:
    assert wilson_upper(0.0, 0, 0.95) == 1.0
    assert more_clean_attempts(0, 20, 0.0, 0.95) is None
    assert more_clean_attempts(0, 20, 1.0, 0.95) == 0


def test_twenty_clean_attempts_bound_the_rate_near_twelve_percent() -> None:
    assert wilson_upper(0.0, 20, 0.95) == pytest.approx(0.1192, abs=1e-4)
    assert more_clean_attempts(0, 20, 0.05, 0.95) == 32  # 52 clean attempts bound it at 0.05


def _runs(specs: list[tuple[int, int, int]]) -> list[RunCounts]:
    return [
        RunCounts(line=i + 1, requested=r, executed=r - f - a, ambiguous=a, failed=f)
        for i, (r, a, f) in enumerate(specs)
    ]


def _gate(runs: list[RunCounts], times: dict[int, datetime] | None = None, **thresholds: Any) -> Any:
    window = HandoffWindow(runs=runs, records=len(runs), run_times=times or {})
    expansion = thresholds.pop("expansion", None)
    evidence = Evidence(status=FleetStatusEvidence(), handoff=window, drills=None, last_expansion=expansion)
    return reliability_gate(evidence, Thresholds(**thresholds), NOW)


RUN_SPECS = st.lists(
    st.integers(0, 50).flatmap(
        lambda r: st.tuples(st.just(r), st.integers(0, r)).flatmap(
            lambda ra: st.tuples(st.just(ra[0]), st.just(ra[1]), st.integers(0, ra[0] - ra[1]))
        )
    ),
    min_size=0,
    max_size=30,
)


@settings(max_examples=200)
@given(specs=RUN_SPECS, min_sample=st.integers(1, 25), limit=st.sampled_from([0.0, 0.05, 0.2, 0.5, 1.0]))
def test_with_confidence_off_the_gate_is_the_reference_gate(
    specs: list[tuple[int, int, int]], min_sample: int, limit: float
) -> None:
    runs = _runs(specs)
    plain = _gate(runs, min_sample_size=min_sample, max_failure_rate=limit, max_ambiguity_rate=limit)
    assert plain.confidence is None
    assert plain.bake is None
    # The decision before these options, written out: with them off nothing is added.
    attempted = sum(r.requested for r in runs)
    rates = judged_rates(runs)
    expected = [
        *([ReasonCode.AUTONOMOUS_SAMPLE_INSUFFICIENT] if len(runs) < min_sample else []),
        *([ReasonCode.AUTONOMOUS_ATTEMPTS_ZERO] if len(runs) >= min_sample and attempted == 0 else []),
        *([ReasonCode.AUTONOMOUS_AMBIGUITY_RATE_EXCEEDED] if attempted and rates.ambiguity > limit else []),
        *([ReasonCode.AUTONOMOUS_FAILURE_RATE_EXCEEDED] if attempted and rates.failure > limit else []),
    ]
    assert plain.reasons == expected
    assert plain.status == ("fail" if expected else "pass")


@settings(max_examples=200)
@given(specs=RUN_SPECS, level=LEVELS)
def test_confidence_only_ever_holds_more(specs: list[tuple[int, int, int]], level: float) -> None:
    runs = _runs(specs)
    plain = _gate(runs, min_sample_size=1)
    confident = _gate(runs, min_sample_size=1, confidence=level)
    assert set(plain.reasons) <= set(confident.reasons)
    assert confident.confidence is not None
    assert confident.confidence.failure_upper_bound >= confident.failure_rate
    assert confident.confidence.ambiguity_upper_bound >= confident.ambiguity_rate


def test_four_failures_in_twenty_attempts_at_the_limit_hold_with_confidence() -> None:
    runs = _runs([(1, 0, 1)] * 4 + [(1, 0, 0)] * 16)
    assert _gate(runs).status == "pass"  # the reference: 0.20 against 0.20 promotes
    gate = _gate(runs, confidence=0.95)
    assert gate.status == "fail"
    assert gate.reasons == [ReasonCode.AUTONOMOUS_EVIDENCE_INCONCLUSIVE]
    assert gate.confidence is not None
    assert gate.confidence.failure_upper_bound > 0.2
    assert gate.confidence.more_clean_attempts is not None
    assert gate.confidence.more_clean_attempts > 0


def test_twenty_runs_of_one_clean_attempt_are_inconclusive_at_a_five_percent_limit() -> None:
    runs = _runs([(1, 0, 0)] * 20)
    assert _gate(runs, max_failure_rate=0.05, max_ambiguity_rate=0.05).status == "pass"
    gate = _gate(runs, max_failure_rate=0.05, max_ambiguity_rate=0.05, confidence=0.95)
    assert gate.reasons == [ReasonCode.AUTONOMOUS_EVIDENCE_INCONCLUSIVE]
    assert gate.confidence is not None
    assert gate.confidence.more_clean_attempts == 32


def test_min_attempts_counts_attempts_as_well_as_runs() -> None:
    runs = _runs([(1, 0, 0)] * 20)
    assert _gate(runs, min_attempts=30).reasons == [ReasonCode.AUTONOMOUS_SAMPLE_INSUFFICIENT]
    gate = _gate(runs, confidence=0.5, min_attempts=30)
    assert gate.reasons == [ReasonCode.AUTONOMOUS_EVIDENCE_INCONCLUSIVE]
    assert gate.confidence is not None
    assert gate.confidence.more_clean_attempts == 10


def test_a_huge_clean_run_buys_no_confidence() -> None:
    runs = _runs([(1, 0, 0)] * 19 + [(1_000_000, 0, 0)])
    assert weighed_attempts(runs) == 19 + 4
    assert _gate(runs, confidence=0.95, max_failure_rate=0.05).status == "fail"


@pytest.mark.parametrize(
    ("text", "seconds"), [("6h", 21600), ("90m", 5400), ("1d12h", 129600), ("45s", 45), ("1h30m", 5400)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration("min-bake", text) == seconds
    assert parse_duration("min-bake", format_duration(seconds)) == seconds


@pytest.mark.parametrize("text", ["0h", "h", "6", "6 h", "30m2h", "-1h", "1.5h", "367d", "6H"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_duration("min-bake", text)


def _apply(stamp: object, intent: str = "expand", before: int = 10, after: int = 25, **extra: Any) -> dict[str, Any]:
    return {
        "timestamp": stamp,
        "intent": intent,
        "rollout": {"before": {"canaryPercent": before}, "after": {"canaryPercent": after}},
        **extra,
    }


def test_the_last_expansion_is_the_newest_that_moved_the_canary() -> None:
    records = [
        _apply("2026-05-01T00:00:00Z"),
        _apply("2026-05-03T00:00:00Z"),
        _apply("2026-05-04T00:00:00Z", before=25, after=25),  # at the cap: nothing moved
        _apply("2026-05-05T00:00:00Z", intent="resume"),
        _apply("2026-05-06T00:00:00Z", intent="rollback"),
        _apply("2026-05-07T00:00:00Z", replayed=True),
    ]
    assert last_expansion(records) == LastExpansion(at=datetime(2026, 5, 3, tzinfo=UTC))
    assert last_expansion([]) == LastExpansion()
    assert last_expansion([_apply("yesterday")]) == LastExpansion(unreadable=True)


def test_fresh_runs_need_a_timestamp_after_the_expansion() -> None:
    runs = _runs([(1, 0, 0)] * 4)
    at = NOW - timedelta(hours=1)
    times = {1: at - timedelta(minutes=1), 2: at, 3: at + timedelta(seconds=1)}  # run 4 has no timestamp
    on = Thresholds(min_runs_since_expand=1)
    assert [r.line for r in fresh_runs(runs, times, LastExpansion(at=at), on)] == [3]
    assert fresh_runs(runs, times, LastExpansion(at=at), Thresholds()) == runs
    assert fresh_runs(runs, times, LastExpansion(), on) == runs
    assert fresh_runs(runs, times, LastExpansion(unreadable=True), on) == []


def test_the_bake_says_when_it_ends() -> None:
    at = NOW - timedelta(hours=2)
    block, reasons = assess_bake(3, LastExpansion(at=at), Thresholds(min_bake_seconds=6 * 3600), NOW)
    assert reasons == [ReasonCode.BAKE_NOT_ELAPSED]
    assert block is not None
    assert block.bake_ends_at == "2026-06-01T16:00:00Z"
    assert not block.bake_elapsed
    block, reasons = assess_bake(3, LastExpansion(at=at), Thresholds(min_bake_seconds=3600), NOW)
    assert reasons == []
    assert block is not None
    assert block.bake_elapsed
    block, reasons = assess_bake(3, LastExpansion(unreadable=True), Thresholds(min_bake_seconds=3600), NOW)
    assert reasons == [ReasonCode.BAKE_NOT_ELAPSED]
    block, reasons = assess_bake(3, LastExpansion(at=at), Thresholds(min_runs_since_expand=10), NOW)
    assert reasons == [ReasonCode.FRESH_SAMPLE_INSUFFICIENT]
    assert block is not None
    assert block.more_runs_needed == 7
    assert assess_bake(0, None, Thresholds(), NOW) == (None, [])


def test_the_flag_wins_over_the_registry_policy() -> None:
    registry = {"policy": {"autonomous": {"rollout": {"bake": {"minDuration": "6h", "minRunsSinceExpand": 10}}}}}
    assert with_policy(Thresholds(), registry) == Thresholds(min_bake_seconds=21600, min_runs_since_expand=10)
    given = Thresholds(min_bake_seconds=60, min_runs_since_expand=2)
    assert with_policy(given, registry) == given
    assert with_policy(Thresholds(), {"policy": {}}) == Thresholds()
    with pytest.raises(InvalidInput):
        with_policy(Thresholds(), {"policy": {"autonomous": {"rollout": {"bake": {"minDuration": 6}}}}})
