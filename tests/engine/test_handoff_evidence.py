"""Handoff evidence that used to fail open, through ``gates``: each case holds with an
``evidenceErrors`` entry naming the file, the line and the field (issue 9)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.engine.engine_support import Evidence, Fleet, Runner, handoff_line, iso, now_utc

INVALID = "promotion_handoff_telemetry_invalid"


def _gates(cli: Runner, repo: Fleet, evidence: Evidence) -> dict[str, Any]:
    result = cli("gates", "--repo", str(repo.repo), *evidence.args())
    assert result.code == 0, result.stderr
    payload: dict[str, Any] = result.json()
    return payload


def _run(**execution: Any) -> str:
    counts = {"requestedIntentCount": 1, "executedCount": 1, "ambiguousCount": 0, "failedCount": 0}
    return json.dumps(
        {"category": "fleet_handoff_execute", "execution": {"mode": "autonomous", **counts, **execution}},
        separators=(",", ":"),
    )


def _write(evidence: Evidence, last: str, clean: int = 19) -> None:
    evidence.handoff.write_text("".join(line + "\n" for line in [handoff_line()] * clean + [last]))


def _assert_holds_on(payload: dict[str, Any], evidence: Evidence, line: int, field: str) -> dict[str, Any]:
    assert payload["summary"]["decision"] == "hold"
    assert INVALID in payload["gates"]["outcomeReliability"]["reasons"]
    errors: list[dict[str, Any]] = [e for e in payload["evidenceErrors"] if e["file"] == str(evidence.handoff)]
    assert [(e["line"], e["field"]) for e in errors] == [(line, field)], errors
    return errors[0]


def test_clean_evidence_still_promotes(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    assert _gates(cli, empty_repo, evidence)["summary"]["decision"] == "promote"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (_run(failedCount=2).replace('"failedCount":2', '"failedCount":2,"failedCount":0'), "failedCount"),
        ('{"category":"fleet_handoff_execute","category":"fleet_handoff_execute",' + _run()[1:], "category"),
        (_run().replace('"mode":"autonomous"', '"mode":"autonomous","mode":"autonomous"'), "mode"),
        (_run()[:-1] + ',"execution":{"mode":"autonomous","requestedIntentCount":1,"executedCount":1}}', "execution"),
        (_run()[:-1] + ',"loopId":"a","loopId":"b"}', "loopId"),
    ],
)
def test_a_repeated_key_in_a_run_of_the_window_holds(
    cli: Runner, empty_repo: Fleet, evidence: Evidence, line: str, field: str
) -> None:
    _write(evidence, line)
    error = _assert_holds_on(_gates(cli, empty_repo, evidence), evidence, 20, field)
    assert "repeats the key" in error["message"]


def test_a_failing_run_hidden_behind_a_repeated_category_holds(
    cli: Runner, empty_repo: Fleet, evidence: Evidence
) -> None:
    """A first-value-wins reader sees a failed run in the window; the last value made it a plan."""
    hidden = _run(failedCount=1, executedCount=0)[:-1] + ',"category":"fleet_handoff_plan"}'
    evidence.handoff.write_text(
        "".join(line + "\n" for line in [handoff_line()] * 30 + [hidden] + [handoff_line()] * 19)
    )
    error = _assert_holds_on(_gates(cli, empty_repo, evidence), evidence, 31, "category")
    assert "makes the record a run" in error["message"]


@pytest.mark.parametrize(
    "stamp",
    ["2026-11-18", "2026-11-18T25:00:00Z", "2026-11-18T12:00:00", "not a time", 1763467200, None],
)
def test_a_run_with_an_unreadable_timestamp_holds(
    cli: Runner, empty_repo: Fleet, evidence: Evidence, stamp: object
) -> None:
    _write(evidence, _run()[:-1] + f',"timestamp":{json.dumps(stamp)}}}')
    error = _assert_holds_on(_gates(cli, empty_repo, evidence), evidence, 20, "timestamp")
    assert "RFC 3339" in error["message"]


def test_a_run_from_the_future_holds_and_the_clock_skew_allowance_promotes(
    cli: Runner, empty_repo: Fleet, evidence: Evidence
) -> None:
    _write(evidence, _run()[:-1] + f',"timestamp":"{iso(now_utc() + timedelta(hours=1))}"}}')
    error = _assert_holds_on(_gates(cli, empty_repo, evidence), evidence, 20, "timestamp")
    assert "in the future" in error["message"]
    _write(evidence, _run()[:-1] + f',"timestamp":"{iso(now_utc() + timedelta(minutes=4))}"}}')
    assert _gates(cli, empty_repo, evidence)["summary"]["decision"] == "promote"


@pytest.mark.parametrize(
    ("execution", "field"),
    [
        ({"requestedIntentCount": 2, "executedCount": 3}, "execution.executedCount"),
        ({"requestedIntentCount": 1, "ambiguousCount": 2}, "execution.ambiguousCount"),
        ({"requestedIntentCount": 0, "executedCount": 0, "failedCount": 1}, "execution.failedCount"),
        ({"requestedIntentCount": 1_000_001, "executedCount": 0}, "execution.requestedIntentCount"),
        ({"requestedIntentCount": 2**53, "executedCount": 0}, "execution.requestedIntentCount"),
    ],
)
def test_counts_that_do_not_add_up_or_exceed_the_bound_hold(
    cli: Runner, empty_repo: Fleet, evidence: Evidence, execution: dict[str, int], field: str
) -> None:
    _write(evidence, _run(**execution))
    _assert_holds_on(_gates(cli, empty_repo, evidence), evidence, 20, field)


def test_one_huge_clean_run_does_not_dilute_nineteen_failed_runs_into_a_promote(
    cli: Runner, empty_repo: Fleet, evidence: Evidence
) -> None:
    failed = handoff_line(attempted=1, executed=0, ambiguous=0, failed=1)
    huge = handoff_line(attempted=1_000_000, executed=1_000_000, ambiguous=0, failed=0)
    evidence.handoff.write_text("".join(line + "\n" for line in [failed] * 19 + [huge]))
    gate = _gates(cli, empty_repo, evidence)["gates"]["outcomeReliability"]
    assert gate["status"] == "fail"
    assert gate["reasons"] == ["promotion_autonomous_failure_rate_exceeded"]
    assert (gate["failed"], gate["attempted"]) == (19, 1_000_019)  # the plain sums are still reported
    assert gate["failureRate"] == pytest.approx(19 / 23)  # the huge run weighs four ordinary ones


def test_a_line_longer_than_the_limit_holds_without_being_parsed(
    cli: Runner, empty_repo: Fleet, evidence: Evidence
) -> None:
    long_line = _run()[:-1] + ',"padding":"' + "x" * (2 * 1024 * 1024) + '"}'
    _write(evidence, long_line)
    error = _assert_holds_on(_gates(cli, empty_repo, evidence), evidence, 20, "$")
    assert error["message"] == "line is longer than 1,048,576 bytes; not read"
