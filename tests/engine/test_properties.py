"""Property tests of the pure gate core: ``decide`` over the evidence readers, no files, no clock."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.evidence.drills import read_drill_state
from orchestrator.core.evidence.fleet_status import read_fleet_status
from orchestrator.core.evidence.handoff import scan_handoff
from orchestrator.core.gates import Evidence, decide
from orchestrator.core.models import PromotionSource, PromotionState, Thresholds
from orchestrator.core.reasons import REQUIRED_DRILLS, REQUIRED_SUPPRESSION_PATHS
from orchestrator.core.thresholds import parse_thresholds

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SOURCE = PromotionSource(
    repo_path="/repo",
    fleet_status_source="file",
    fleet_status_file="status.json",
    handoff_telemetry_file="handoff.jsonl",
    drill_state_file="drills.json",
    promotion_state_file="state.json",
    promotion_telemetry_file="promotion.jsonl",
)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Run = tuple[int, int, int, int]


def status_doc(
    *,
    enabled: object = True,
    posture: object = "active",
    blocks: object = False,
    codes: Iterable[object] = (),
    backlog: object = 0,
    autopause: object = False,
    paths: tuple[str, ...] = REQUIRED_SUPPRESSION_PATHS,
) -> dict[str, Any]:
    return {
        "autonomous": {
            "enabled": enabled,
            "governance": {"posture": posture, "blocksAutonomous": blocks, "reasonCodes": list(codes)},
            "outcomeRollup": {"manual_backlog": backlog},
            "rollout": {"autopause": {"active": autopause}},
            "safetyGateDecisions": {"byPath": {p: {"blockedCount": 0} for p in paths}},
        }
    }


def handoff_bytes(runs: list[Run], extra_lines: tuple[str, ...] = ()) -> bytes:
    lines = [
        json.dumps(
            {
                "category": "fleet_handoff_execute",
                "execution": {
                    "mode": "autonomous",
                    "requestedIntentCount": req,
                    "executedCount": exe,
                    "ambiguousCount": amb,
                    "failedCount": fail,
                },
            }
        )
        for req, exe, amb, fail in runs
    ]
    return ("\n".join([*lines, *extra_lines]) + "\n").encode() if lines or extra_lines else b""


def drills_doc(ages: dict[str, list[tuple[str, float]]]) -> dict[str, Any]:
    drills = []
    for drill_id, entries in ages.items():
        for status, hours in entries:
            stamp = (NOW - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
            drills.append({"id": drill_id, "status": status, "completedAt": stamp})
    return {"schemaVersion": "v1", "drills": drills}


def fresh_drills() -> dict[str, Any]:
    return drills_doc({d: [("pass", 1.0)] for d in REQUIRED_DRILLS})


def evaluate(
    status: object,
    runs_blob: bytes | None,
    drills: object,
    thresholds: Thresholds,
    *,
    chunk: int = 1 << 20,
) -> PromotionState:
    handoff = None
    if runs_blob is not None:
        chunks = [runs_blob[i : i + chunk] for i in range(0, len(runs_blob), chunk)]
        handoff = scan_handoff(chunks, thresholds.window_executions, "handoff.jsonl")
    drill_evidence = read_drill_state(drills, "drills.json", REQUIRED_DRILLS, NOW) if drills is not None else None
    evidence = Evidence(
        status=read_fleet_status(status, "status.json"),
        handoff=handoff,
        drills=drill_evidence,
    )
    return decide(evidence, thresholds, now=NOW, trace_id="trace-prop", source=SOURCE)


run_strategy = st.integers(0, 6).flatmap(
    lambda req: st.tuples(st.just(req), st.integers(0, req), st.integers(0, req), st.integers(0, req))
)
odd_value = st.one_of(st.none(), st.booleans(), st.integers(-5, 50), st.text(max_size=5), st.just([1]))
status_strategy = st.builds(
    status_doc,
    enabled=st.one_of(st.booleans(), odd_value),
    posture=st.sampled_from(["active", "authority_missing", "review_expired", None, 3]),
    blocks=st.one_of(st.booleans(), odd_value),
    codes=st.lists(
        st.sampled_from(
            [
                "autonomous_governance_authority_missing",
                "autonomous_governance_review_deadline_missing",
                "autonomous_governance_review_expired",
                "something_else",
            ]
        ),
        max_size=3,
    ),
    backlog=st.one_of(st.integers(0, 12), odd_value),
    autopause=st.one_of(st.booleans(), odd_value),
    paths=st.lists(st.sampled_from(REQUIRED_SUPPRESSION_PATHS), unique=True).map(tuple),
)
drill_entry = st.tuples(st.sampled_from(["pass", "fail"]), st.floats(-5, 400, allow_nan=False))
drills_strategy = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(REQUIRED_DRILLS), st.lists(drill_entry, min_size=1, max_size=3)).map(drills_doc),
)
thresholds_strategy = st.builds(
    Thresholds,
    window_executions=st.integers(1, 30),
    min_sample_size=st.integers(1, 30),
    max_ambiguity_rate=st.floats(0, 1),
    max_failure_rate=st.floats(0, 1),
    max_manual_backlog=st.integers(0, 10),
    max_drill_age_hours=st.integers(1, 300),
)
garbage_lines = st.lists(st.sampled_from(['"stray"', "{not json", "[]", '{"category": 7}', ""]), max_size=2)


@PROPERTY_SETTINGS
@given(
    status=status_strategy,
    runs=st.one_of(st.none(), st.lists(run_strategy, max_size=30)),
    garbage=garbage_lines,
    drills=drills_strategy,
    thresholds=thresholds_strategy,
)
def test_promote_iff_no_gate_fails_and_reason_codes_sorted_unique(
    status: dict[str, Any],
    runs: list[Run] | None,
    garbage: list[str],
    drills: dict[str, Any] | None,
    thresholds: Thresholds,
) -> None:
    blob = None if runs is None else handoff_bytes(runs, tuple(garbage))
    state = evaluate(status, blob, drills, thresholds)
    summary = state.summary
    gates = state.gates.to_json()
    failing = [name for name, gate in gates.items() if gate["status"] == "fail"]
    assert summary.promote == (not failing) == (summary.decision == "promote")
    assert summary.gate_fail_count == len(failing) == len(summary.failed_gates)
    assert summary.gate_pass_count + summary.gate_fail_count == 5
    assert summary.reason_codes == sorted(set(summary.reason_codes))
    assert (not summary.reason_codes) == summary.promote
    every_gate_reason = {code for gate in gates.values() for code in gate["reasons"]}
    assert set(summary.reason_codes) == every_gate_reason
    for gate in gates.values():
        assert (gate["status"] == "pass") == (not gate["reasons"])
    if state.evidence_errors:
        assert summary.decision == "hold"


@PROPERTY_SETTINGS
@given(
    runs=st.lists(run_strategy, min_size=1, max_size=25),
    added=st.integers(1, 6),
    status=status_strategy,
    drills=drills_strategy,
    thresholds=thresholds_strategy,
)
def test_adding_a_failing_autonomous_run_never_turns_hold_into_promote(
    runs: list[Run],
    added: int,
    status: dict[str, Any],
    drills: dict[str, Any] | None,
    thresholds: Thresholds,
) -> None:
    """A run whose every attempt failed and was ambiguous raises both rates. The window holds every
    run (no eviction) and the sample is already sufficient, since a larger sample may rightly turn
    a sample-size hold into a promote."""
    window = Thresholds(**{**thresholds.model_dump(), "window_executions": len(runs) + 1})
    assume(len(runs) >= window.min_sample_size)
    before = evaluate(status, handoff_bytes(runs), drills, window)
    assume(before.summary.decision == "hold")
    after = evaluate(status, handoff_bytes([*runs, (added, 0, added, added)]), drills, window)
    assert after.summary.decision == "hold"
    assert set(before.summary.failed_gates) <= set(after.summary.failed_gates)


@PROPERTY_SETTINGS
@given(runs=st.lists(run_strategy, max_size=40), garbage=garbage_lines, chunk=st.integers(1, 300))
def test_handoff_scan_is_independent_of_chunk_boundaries(runs: list[Run], garbage: list[str], chunk: int) -> None:
    blob = handoff_bytes(runs, tuple(garbage))
    thresholds = Thresholds(window_executions=10)
    whole = evaluate(status_doc(), blob, fresh_drills(), thresholds)
    pieces = evaluate(status_doc(), blob, fresh_drills(), thresholds, chunk=chunk)
    assert pieces.gates == whole.gates
    assert pieces.summary == whole.summary
    assert pieces.evidence_errors == whole.evidence_errors


@PROPERTY_SETTINGS
@given(attempted=st.integers(1, 200), data=st.data())
def test_failure_and_ambiguity_rates_at_their_bounds_pass_and_just_above_fail(
    attempted: int, data: st.DataObject
) -> None:
    failed = data.draw(st.integers(0, attempted))
    ambiguous = data.draw(st.integers(0, attempted))
    runs: list[Run] = [(attempted, attempted - failed, ambiguous, failed)] + [(0, 0, 0, 0)] * 19
    at_bound = Thresholds(max_failure_rate=failed / attempted, max_ambiguity_rate=ambiguous / attempted)
    state = evaluate(status_doc(), handoff_bytes(runs), fresh_drills(), at_bound)
    assert state.gates.outcome_reliability.status == "pass", state.gates.outcome_reliability.reasons
    assert state.summary.decision == "promote"
    if failed:
        below = Thresholds(max_failure_rate=(failed - 0.5) / attempted, max_ambiguity_rate=1)
        tight = evaluate(status_doc(), handoff_bytes(runs), fresh_drills(), below)
        assert "promotion_autonomous_failure_rate_exceeded" in tight.summary.reason_codes
    if ambiguous:
        below = Thresholds(max_failure_rate=1, max_ambiguity_rate=(ambiguous - 0.5) / attempted)
        tight = evaluate(status_doc(), handoff_bytes(runs), fresh_drills(), below)
        assert "promotion_autonomous_ambiguity_rate_exceeded" in tight.summary.reason_codes


@PROPERTY_SETTINGS
@given(limit=st.integers(0, 1000))
def test_manual_backlog_at_its_bound_passes_and_one_more_holds(limit: int) -> None:
    thresholds = Thresholds(max_manual_backlog=limit)
    runs = [(1, 1, 0, 0)] * 20
    at = evaluate(status_doc(backlog=limit), handoff_bytes(runs), fresh_drills(), thresholds)
    over = evaluate(status_doc(backlog=limit + 1), handoff_bytes(runs), fresh_drills(), thresholds)
    assert at.gates.manual_backlog.status == "pass"
    assert over.gates.manual_backlog.reasons == ["promotion_manual_backlog_exceeded"]


@PROPERTY_SETTINGS
@given(minimum=st.integers(1, 40), window=st.integers(1, 40))
def test_sample_size_at_its_bound_passes_and_one_less_holds(minimum: int, window: int) -> None:
    thresholds = Thresholds(min_sample_size=minimum, window_executions=window)
    enough = evaluate(status_doc(), handoff_bytes([(1, 1, 0, 0)] * minimum), fresh_drills(), thresholds)
    short = evaluate(status_doc(), handoff_bytes([(1, 1, 0, 0)] * (minimum - 1)), fresh_drills(), thresholds)
    insufficient = "promotion_autonomous_sample_insufficient"
    assert enough.gates.outcome_reliability.sample_runs == min(minimum, window)
    assert (insufficient in enough.summary.reason_codes) == (window < minimum)
    assert insufficient in short.summary.reason_codes


@PROPERTY_SETTINGS
@given(max_hours=st.integers(1, 2000))
def test_drill_age_at_its_bound_passes_and_one_second_older_is_stale(max_hours: int) -> None:
    thresholds = Thresholds(max_drill_age_hours=max_hours)
    runs = handoff_bytes([(1, 1, 0, 0)] * 20)
    at = evaluate(status_doc(), runs, drills_doc({d: [("pass", max_hours)] for d in REQUIRED_DRILLS}), thresholds)
    older = drills_doc({d: [("pass", max_hours + 1 / 3600)] for d in REQUIRED_DRILLS})
    stale = evaluate(status_doc(), runs, older, thresholds)
    assert at.gates.drill_recency.status == "pass", at.gates.drill_recency.reasons
    assert stale.gates.drill_recency.reasons == [f"promotion_drill_stale_{d}" for d in REQUIRED_DRILLS]


def test_all_gates_pass_on_clean_evidence() -> None:
    state = evaluate(status_doc(), handoff_bytes([(1, 1, 0, 0)] * 20), fresh_drills(), Thresholds())
    assert state.summary.decision == "promote"
    assert state.summary.reason_codes == []


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("max_ambiguity_rate", "0", 0.0),
        ("max_ambiguity_rate", "1", 1.0),
        ("max_failure_rate", "1.0", 1.0),
        ("max_failure_rate", ".5", 0.5),
        ("max_manual_backlog", "0", 0),
        ("min_sample_size", "1", 1),
        ("window_executions", "1000000000", 1_000_000_000),
        ("max_drill_age_hours", "1", 1),
    ],
)
def test_threshold_text_at_its_bounds_is_accepted(flag: str, value: str, expected: float) -> None:
    assert getattr(parse_thresholds(**{flag: value}), flag) == expected


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("max_ambiguity_rate", "1.0001"),
        ("max_ambiguity_rate", "-0.1"),
        ("max_failure_rate", "NaN"),
        ("max_failure_rate", "inf"),
        ("max_failure_rate", "1e-1"),
        ("max_manual_backlog", "-1"),
        ("min_sample_size", "0"),
        ("window_executions", "1000000001"),
        ("max_drill_age_hours", "0"),
        ("max_drill_age_hours", "1.5"),
        ("window_executions", " 5"),
    ],
)
def test_threshold_text_out_of_range_is_refused(flag: str, value: str) -> None:
    with pytest.raises(OrchestratorError) as caught:
        parse_thresholds(**{flag: value})
    assert caught.value.message.startswith("--" + flag.replace("_", "-"))
    assert "\n" not in caught.value.message
