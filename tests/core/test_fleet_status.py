"""Fleet status derivation: parity on fixture fleets, review-deadline boundaries, and the loader."""

from __future__ import annotations

import copy
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.fleet_status import (
    FleetFiles,
    FleetState,
    FleetStatus,
    derive_fleet_status,
    evaluate_governance,
)
from orchestrator.store.fleet_state import load_fleet_state as load_from_layout
from orchestrator.store.fleet_state import read_last_line
from orchestrator.store.layout import DEFAULTS, FleetLayout

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fleets"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fleet"
FLEET_DIR = Path(".superloop/ops-manager/fleet")

DUE_SOON = ["autonomous_governance_review_due_soon"]
EXPIRED = ["autonomous_governance_review_expired"]
AUTHORITY = ["autonomous_governance_authority_missing"]
DEADLINE = ["autonomous_governance_review_deadline_missing"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


LOADED_AT = at("2030-01-01T00:00:00Z")


def load_fleet_state(repo: Path, **overrides: Path) -> FleetState:
    """The store's loader over the default layout of ``repo`` (``overrides`` replace single files)."""
    layout = FleetLayout.resolve(str(repo), {key: str(path) for key, path in overrides.items()})
    return load_from_layout(layout, LOADED_AT)


def files_for(repo_path: str) -> FleetFiles:
    """Where the store's default layout puts each input under ``repo_path``."""

    def place(key: str) -> str:
        return f"{repo_path}/{DEFAULTS[key].as_posix()}"

    return FleetFiles(
        registry_file=place("registry"),
        fleet_state_file=place("fleet_state"),
        policy_state_file=place("policy_state"),
        fleet_telemetry_file=place("reconcile_telemetry"),
        handoff_state_file=place("handoff_state"),
        handoff_telemetry_file=place("handoff_telemetry"),
    )


def status_json(state: FleetState, now: datetime) -> dict[str, Any]:
    return derive_fleet_status(state, now).to_json()


def fixture_status(name: str, now: str) -> dict[str, Any]:
    return status_json(load_fleet_state(FIXTURES / name), at(now))


def gate_view(status: dict[str, Any]) -> dict[str, Any]:
    """Exactly the status fields the promotion gates read."""
    autonomous = status["autonomous"]
    governance = autonomous.get("governance", {})
    rollout = autonomous.get("rollout", {})
    by_path = autonomous["safetyGateDecisions"]["byPath"]
    return {
        "enabled": autonomous["enabled"],
        "posture": governance.get("posture"),
        "blocksAutonomous": governance.get("blocksAutonomous"),
        "reasonCodes": governance.get("reasonCodes"),
        "manual_backlog": autonomous["outcomeRollup"]["manual_backlog"],
        "autopause": rollout.get("autopause", {}).get("active"),
        "autoPauseActive": rollout.get("state", {}).get("autoPauseActive"),
        "blocked": {path: by_path[path]["blockedCount"] for path in sorted(by_path)},
    }


def expected(
    enabled: bool,
    posture: str | None,
    blocks: bool | None,
    codes: list[str] | None,
    backlog: int,
    autopause: bool | None,
    blocked: tuple[int, int, int, int],
) -> dict[str, Any]:
    policy, rollout, governance, transport = blocked
    return {
        "enabled": enabled,
        "posture": posture,
        "blocksAutonomous": blocks,
        "reasonCodes": codes,
        "manual_backlog": backlog,
        "autopause": autopause,
        "autoPauseActive": autopause,
        "blocked": {
            "governanceGated": governance,
            "policyGated": policy,
            "rolloutGated": rollout,
            "transportGated": transport,
        },
    }


# Worked out from the v1 rules and confirmed against the reference script at the same instants.
PARITY_CASES: list[tuple[str, str, dict[str, Any]]] = [
    # guarded-active: review deadline 2099-01-01T00:00:00Z, one unsuppressed candidate.
    ("guarded-active", "2098-11-01T00:00:00Z", expected(True, "active", False, [], 1, False, (2, 0, 0, 0))),
    ("guarded-active", "2098-12-24T23:59:59Z", expected(True, "active", False, [], 1, False, (2, 0, 0, 0))),
    (
        "guarded-active",
        "2098-12-25T00:00:00Z",
        expected(True, "review_due_soon", True, DUE_SOON, 1, False, (2, 0, 1, 0)),
    ),
    (
        "guarded-active",
        "2098-12-31T23:59:59Z",
        expected(True, "review_due_soon", True, DUE_SOON, 1, False, (2, 0, 1, 0)),
    ),
    (
        "guarded-active",
        "2099-01-01T00:00:00Z",
        expected(True, "review_expired", True, EXPIRED, 1, False, (2, 0, 1, 0)),
    ),
    (
        "guarded-active",
        "2099-01-01T00:00:01Z",
        expected(True, "review_expired", True, EXPIRED, 1, False, (2, 0, 1, 0)),
    ),
    # review-expired: recorded deadline 2026-03-01T00:00:00Z, two unsuppressed candidates.
    ("review-expired", "2026-02-21T23:59:59Z", expected(True, "active", False, [], 1, False, (1, 0, 0, 0))),
    (
        "review-expired",
        "2026-02-22T00:00:00Z",
        expected(True, "review_due_soon", True, DUE_SOON, 1, False, (1, 0, 2, 0)),
    ),
    (
        "review-expired",
        "2026-02-28T23:59:59Z",
        expected(True, "review_due_soon", True, DUE_SOON, 1, False, (1, 0, 2, 0)),
    ),
    (
        "review-expired",
        "2026-03-01T00:00:00Z",
        expected(True, "review_expired", True, EXPIRED, 1, False, (1, 0, 2, 0)),
    ),
    (
        "review-expired",
        "2026-03-01T00:00:01Z",
        expected(True, "review_expired", True, EXPIRED, 1, False, (1, 0, 2, 0)),
    ),
    (
        "authority-missing",
        "2098-11-01T00:00:00Z",
        expected(True, "authority_missing", True, AUTHORITY, 1, False, (1, 0, 2, 0)),
    ),
    (
        "authority-missing",
        "2099-01-01T00:00:00Z",
        expected(True, "authority_missing", True, AUTHORITY + EXPIRED, 1, False, (1, 0, 2, 0)),
    ),
    (
        "review-deadline-missing",
        "2098-11-01T00:00:00Z",
        expected(True, "review_deadline_missing", True, DEADLINE, 0, False, (0, 0, 1, 0)),
    ),
    ("advisory", "2098-11-01T00:00:00Z", expected(False, "not_required", False, [], 2, False, (3, 0, 0, 0))),
    ("advisory", "2099-06-01T00:00:00Z", expected(False, "not_required", False, [], 2, False, (3, 0, 0, 0))),
    ("manual-pause", "2098-11-01T00:00:00Z", expected(True, "active", False, [], 2, False, (0, 2, 0, 0))),
    ("auto-pause", "2098-11-01T00:00:00Z", expected(True, "active", False, [], 1, True, (0, 2, 0, 0))),
    ("policy-gated", "2098-11-01T00:00:00Z", expected(True, "active", False, [], 2, False, (3, 0, 0, 0))),
    ("rollout-gated", "2098-11-01T00:00:00Z", expected(True, "active", False, [], 2, False, (0, 2, 0, 0))),
    ("sprite-service", "2098-11-01T00:00:00Z", expected(True, "active", False, [], 0, False, (0, 0, 0, 2))),
    ("handoff-only", "2098-11-01T00:00:00Z", expected(True, None, None, None, 1, None, (0, 0, 0, 0))),
]


@pytest.mark.parametrize(("fleet", "now", "gates"), PARITY_CASES, ids=[f"{c[0]}@{c[1]}" for c in PARITY_CASES])
def test_gate_fields_match_reference_rules(fleet: str, now: str, gates: dict[str, Any]) -> None:
    assert gate_view(fixture_status(fleet, now)) == gates


def test_every_fixture_fleet_has_a_parity_case() -> None:
    covered = {case[0] for case in PARITY_CASES} | {"minimal"}
    assert covered == {path.name for path in FIXTURES.iterdir() if path.is_dir()}


def test_manual_pause_is_reported_apart_from_autopause() -> None:
    rollout = fixture_status("manual-pause", "2098-11-01T00:00:00Z")["autonomous"]["rollout"]
    assert rollout["state"] == {
        "active": True,
        "manualPauseActive": True,
        "autoPauseActive": False,
        "reasonCodes": ["autonomous_rollout_paused_manual"],
    }
    assert rollout["pause"]["manual"] is True
    assert rollout["autopause"]["enabled"] is True


def test_autopause_carries_its_spike_metrics() -> None:
    autopause = fixture_status("auto-pause", "2098-11-01T00:00:00Z")["autonomous"]["rollout"]["autopause"]
    assert autopause["reasons"] == ["autonomous_autopause_ambiguous_spike"]
    assert autopause["metrics"]["ambiguityRate"] == 0.6
    assert (autopause["lookbackExecutions"], autopause["minSampleSize"]) == (5, 3)


def test_suppression_paths_name_their_reasons() -> None:
    policy = fixture_status("policy-gated", "2098-11-01T00:00:00Z")["autonomous"]["safetyGateDecisions"]
    assert policy["byPath"]["policyGated"]["byReason"] == {
        "autonomous_kill_switch_enabled": 2,
        "autonomous_cooldown_active": 1,
    }
    assert policy["killSwitchActive"] is True
    assert policy["blockedCount"] == 3
    assert policy["suppressionReasonCodes"] == ["autonomous_suppression_policy_gated"]

    rollout = fixture_status("rollout-gated", "2098-11-01T00:00:00Z")["autonomous"]
    assert rollout["safetyGateDecisions"]["byPath"]["rolloutGated"]["byReason"] == {
        "autonomous_rollout_canary_excluded": 1,
        "autonomous_rollout_scope_excluded": 1,
    }
    assert rollout["rollout"]["canaryPercent"] == 50
    assert rollout["rollout"]["candidateBuckets"] == {"inScopeCount": 2, "inCohortCount": 1, "outOfCohortCount": 1}

    governance = fixture_status("authority-missing", "2098-11-01T00:00:00Z")["autonomous"]
    assert governance["safetyGateDecisions"]["byPath"]["governanceGated"] == {
        "blockedCount": 2,
        "reasonCodes": AUTHORITY,
    }
    assert governance["safetyGateDecisions"]["suppressionReasonCodes"] == [
        "autonomous_suppression_governance_gated",
        "autonomous_suppression_policy_gated",
    ]


def test_sprite_service_failures_are_transport_gated_and_local_ones_are_not() -> None:
    status = fixture_status("sprite-service", "2098-11-01T00:00:00Z")
    transport = status["autonomous"]["safetyGateDecisions"]["byPath"]["transportGated"]
    assert transport == {
        "blockedCount": 2,
        "byReason": {"transport_unreachable": 1, "transport_execution_blocked": 1},
    }
    assert status["autonomous"]["safetyGateDecisions"]["suppressionReasonCodes"] == [
        "autonomous_suppression_transport_gated"
    ]
    loops = {loop["loopId"]: loop for loop in status["loops"]}
    assert loops["loop-alpha"]["transport"] == "sprite_service"
    assert loops["loop-alpha"]["sprite"]["id"] == "sprite-loop-alpha"
    assert loops["loop-delta"]["transport"] == "local"
    assert status["handoff"]["execution"]["byReasonCode"] == {
        "transport_unreachable": 1,
        "control_confirmed": 1,
        "control_failed_command": 1,
    }


def test_outcome_rollup_counts_only_autonomous_runs() -> None:
    autonomous = fixture_status("guarded-active", "2098-11-01T00:00:00Z")["autonomous"]["outcomeRollup"]
    manual = fixture_status("authority-missing", "2098-11-01T00:00:00Z")["autonomous"]["outcomeRollup"]
    assert autonomous == {"attempted": 1, "executed": 1, "ambiguous": 0, "failed": 0, "manual_backlog": 1}
    assert manual == {"attempted": 0, "executed": 0, "ambiguous": 0, "failed": 0, "manual_backlog": 1}


def test_latest_telemetry_is_the_last_line_of_each_log() -> None:
    status = fixture_status("guarded-active", "2098-11-01T00:00:00Z")
    assert status["latestTelemetry"] == {
        "timestamp": "2098-11-01T08:00:00Z",
        "status": "success",
        "reasonCodes": [],
    }
    handoff = status["latestHandoffTelemetry"]
    assert handoff["timestamp"] == "2098-11-01T08:00:06Z"
    assert handoff["autonomousOutcomeRollup"]["manual_backlog"] == 1
    assert handoff["execution"] == {
        "mode": "autonomous",
        "requestedIntentCount": 1,
        "executedCount": 1,
        "ambiguousCount": 0,
        "failedCount": 0,
    }


def test_missing_policy_and_handoff_give_no_autonomous_block() -> None:
    status = fixture_status("minimal", "2098-11-01T00:00:00Z")
    assert status["autonomous"] is None
    assert status["policy"] is None
    assert status["handoff"] is None
    assert status["latestTelemetry"] is None
    assert status["latestHandoffTelemetry"] is None
    assert status["source"]["fleetId"] == "fx-minimal"
    fleet = status["fleet"]
    assert (fleet["loopCount"], fleet["successCount"], fleet["failedCount"], fleet["skippedCount"]) == (3, 1, 1, 1)
    assert fleet["partialFailure"] is False
    assert fleet["reasonCodes"] == ["fleet_health_degraded", "fleet_partial_failure"]
    assert status["traceLinkage"]["sharedTraceId"] == "trace-fx-minimal-shared"
    assert status["healthRollup"] == {"healthy": 1, "degraded": 1, "critical": 0, "unknown": 1}
    assert status["exceptions"]["skippedLoops"] == ["loop-gamma"]


def test_policy_without_handoff_takes_backlog_from_policy() -> None:
    status = fixture_status("policy-gated", "2098-11-01T00:00:00Z")
    assert status["handoff"] is None
    assert "handoff" not in status["autonomous"]
    assert status["autonomous"]["outcomeRollup"]["manual_backlog"] == 2
    assert status["policy"]["suppressedCount"] == 1


def test_handoff_without_policy_enables_from_handoff_mode() -> None:
    status = fixture_status("handoff-only", "2098-11-01T00:00:00Z")
    autonomous = status["autonomous"]
    assert autonomous["mode"] == "guarded_auto"
    assert "governance" not in autonomous
    assert "rollout" not in autonomous
    assert autonomous["safetyGateDecisions"]["killSwitchActive"] is False
    assert status["latestTelemetry"] is None
    assert status["latestHandoffTelemetry"] is None


def test_fleet_reason_codes_add_partial_failure_and_worst_health() -> None:
    fleet = fixture_status("review-expired", "2026-01-15T00:00:00Z")["fleet"]
    assert fleet["partialFailure"] is True
    assert fleet["reasonCodes"] == ["fleet_health_critical", "fleet_partial_failure"]


def test_example_fleet_evaluates_from_raw_state() -> None:
    status = status_json(load_fleet_state(EXAMPLE), at("2026-11-26T12:00:00Z"))
    view = gate_view(status)
    assert view["enabled"] is True
    assert view["posture"] == "active"
    assert view["blocksAutonomous"] is False
    assert view["reasonCodes"] == []
    assert 0 <= view["manual_backlog"] <= 5
    assert view["autopause"] is False
    assert set(view["blocked"]) == {"policyGated", "rolloutGated", "governanceGated", "transportGated"}
    assert status["autonomous"]["rollout"]["canaryPercent"] == 10
    assert status["source"]["fleetId"] == "example-fleet"


# --- pure function ------------------------------------------------------------------------------


def guarded_policy(**governance: Any) -> dict[str, Any]:
    return {
        "mode": "guarded_auto",
        "unsuppressedCount": 3,
        "autonomous": {"governance": governance},
    }


def state_with(policy: dict[str, Any] | None = None, handoff: dict[str, Any] | None = None) -> FleetState:
    return FleetState(
        repo_path="/srv/fleet",
        registry={"fleetId": "reg"},
        fleet={},
        policy=policy,
        handoff=handoff,
        files=files_for("/srv/fleet"),
    )


FULL_GOVERNANCE = {
    "actor": "a",
    "approvalRef": "r",
    "rationale": "w",
    "changedAt": "2030-01-01T00:00:00Z",
    "reviewBy": "2030-06-01T00:00:00Z",
}


@pytest.mark.parametrize(
    ("now", "posture"),
    [
        ("2030-05-25T00:00:00Z", "review_due_soon"),
        ("2030-05-24T23:59:59Z", "active"),
        ("2030-05-31T23:59:59.999999Z", "review_due_soon"),
        ("2030-06-01T00:00:00.5Z", "review_expired"),
        ("2030-06-01T02:00:00+02:00", "review_expired"),
        ("2030-06-01T01:59:59+02:00", "review_due_soon"),
    ],
)
def test_review_deadline_boundaries_use_whole_seconds_in_utc(now: str, posture: str) -> None:
    evaluation = evaluate_governance(guarded_policy(**FULL_GOVERNANCE), at(now))
    assert evaluation.posture == posture
    assert evaluation.blocks_autonomous is (posture != "active")


def test_generated_at_is_the_evaluation_time_in_seconds() -> None:
    status = status_json(state_with(), datetime(2030, 1, 2, 3, 4, 5, 999999, tzinfo=UTC))
    assert status["generatedAt"] == "2030-01-02T03:04:05Z"


def test_naive_evaluation_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        derive_fleet_status(state_with(), datetime(2030, 1, 1))


def test_explicit_authority_flag_wins_over_field_presence() -> None:
    now = at("2030-01-02T00:00:00Z")
    denied = evaluate_governance(guarded_policy(**FULL_GOVERNANCE, authorityContextPresent=False), now)
    assert (denied.posture, denied.reason_codes) == ("authority_missing", AUTHORITY)
    partial = dict(FULL_GOVERNANCE)
    del partial["actor"]
    assert evaluate_governance(guarded_policy(**partial), now).posture == "authority_missing"
    asserted = evaluate_governance(guarded_policy(**partial, authorityContextPresent=True), now)
    assert asserted.posture == "active"


def test_unreadable_review_deadline_blocks_as_missing() -> None:
    governance = dict(FULL_GOVERNANCE, reviewBy="next spring", authorityContextPresent=True)
    evaluation = evaluate_governance(guarded_policy(**governance), at("2030-01-02T00:00:00Z"))
    assert evaluation.posture == "review_deadline_missing"
    assert evaluation.reason_codes == DEADLINE
    assert evaluation.blocks_autonomous is True


def test_governance_count_is_the_unsuppressed_candidates_only_when_blocking() -> None:
    blocking = status_json(state_with(guarded_policy()), at("2030-01-02T00:00:00Z"))
    gated = blocking["autonomous"]["safetyGateDecisions"]["byPath"]["governanceGated"]
    assert gated == {"blockedCount": 3, "reasonCodes": sorted(AUTHORITY + DEADLINE)}
    passing = status_json(state_with(guarded_policy(**FULL_GOVERNANCE)), at("2030-01-02T00:00:00Z"))
    assert passing["autonomous"]["safetyGateDecisions"]["byPath"]["governanceGated"]["blockedCount"] == 0


def test_autopause_disabled_is_reported_as_disabled() -> None:
    policy = {"mode": "guarded_auto", "autonomous": {"rollout": {"pause": {"auto": {"enabled": False}}}}}
    rollout = status_json(state_with(policy), at("2030-01-02T00:00:00Z"))["autonomous"]["rollout"]
    assert rollout["autopause"]["enabled"] is False
    assert rollout["pause"]["auto"]["enabled"] is False
    assert rollout["autopause"]["lookbackExecutions"] is None


def test_to_json_is_the_same_document_every_time() -> None:
    state = state_with(guarded_policy(**FULL_GOVERNANCE))
    now = at("2030-01-02T00:00:00Z")
    status = derive_fleet_status(state, now)
    assert isinstance(status, FleetStatus)
    assert status.to_json() == derive_fleet_status(state, now).to_json()
    assert status.to_json() is not status.to_json()


def test_derivation_neither_mutates_nor_aliases_its_input() -> None:
    state = load_fleet_state(FIXTURES / "auto-pause")
    before = state.model_dump()
    model = derive_fleet_status(state, at("2098-11-01T00:00:00Z"))
    status = model.to_json()
    status["autonomous"]["rollout"]["autopause"]["metrics"]["ambiguityRate"] = 99
    status["policy"]["topCandidates"][0]["loopId"] = "changed"
    status["loops"][0]["artifacts"]["stateFile"] = "changed"
    assert state.model_dump() == before
    assert status_json(state, at("2098-11-01T00:00:00Z")) != status
    assert model.to_json() != status


def test_files_default_to_the_repository_layout() -> None:
    files = status_json(state_with(), at("2030-01-02T00:00:00Z"))["files"]
    assert files["registryFile"] == "/srv/fleet/.superloop/ops-manager/fleet/registry.v1.json"
    assert files["handoffTelemetryFile"] == "/srv/fleet/.superloop/ops-manager/fleet/telemetry/handoff.jsonl"
    assert files_for("/srv/fleet").policy_state_file.endswith("/policy-state.json")


json_scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | st.text(max_size=4)
json_values = st.recursive(
    json_scalars | st.sampled_from(["guarded_auto", "sprite_service", "failed", "autonomous", "2030-01-01T00:00:00Z"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)
key_names = st.sampled_from(
    [
        "mode",
        "autonomous",
        "governance",
        "rollout",
        "pause",
        "auto",
        "summary",
        "byAutonomyReason",
        "intents",
        "execution",
        "results",
        "reasonCode",
        "status",
        "intentId",
        "transport",
        "candidates",
        "reviewBy",
        "loopId",
        "traceId",
        "reasonCodes",
        "failedCount",
    ]
)
documents = st.recursive(
    st.dictionaries(key_names, json_values, max_size=4),
    lambda inner: st.dictionaries(key_names, inner | st.lists(inner, max_size=2) | json_values, max_size=4),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(fleet=documents, policy=st.none() | documents, handoff=st.none() | documents, telemetry=st.none() | documents)
def test_derivation_is_total_over_loose_json(
    fleet: dict[str, Any], policy: dict[str, Any] | None, handoff: dict[str, Any] | None, telemetry: Any
) -> None:
    state = FleetState(
        repo_path="/r",
        registry={},
        fleet=fleet,
        policy=policy,
        handoff=handoff,
        latest_reconcile_telemetry=telemetry,
        latest_handoff_telemetry=telemetry,
        files=files_for("/r"),
    )
    snapshot = copy.deepcopy(state.model_dump())
    status = status_json(state, at("2030-01-01T00:00:00Z"))
    assert json.loads(json.dumps(status)) == status
    assert state.model_dump() == snapshot
    assert (status["autonomous"] is None) == (policy is None and handoff is None)


# --- loader -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "last"),
    [
        (b"", ""),
        (b"only", "only"),
        (b"only\n", "only"),
        (b"a\nb\n", "b"),
        (b"a\nb", "b"),
        (b"a\n\n", ""),
        (b"a\r\nb\r\n", "b\r"),
    ],
)
def test_read_last_line(tmp_path: Path, content: bytes, last: str) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(content)
    assert read_last_line(path) == last


def test_read_last_line_spans_blocks_in_a_large_log(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    long_last = json.dumps({"timestamp": "2030-01-01T00:00:00Z", "pad": "x" * 20000})
    path.write_text("".join(json.dumps({"n": n}) + "\n" for n in range(20000)) + long_last + "\n")
    assert read_last_line(path) == long_last
    assert read_last_line(tmp_path / "absent.jsonl") is None


def copy_fleet(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def test_loader_reads_every_default_file() -> None:
    state = load_fleet_state(FIXTURES / "guarded-active")
    assert state.policy is not None
    assert state.handoff is not None
    assert state.latest_reconcile_telemetry is not None
    assert state.latest_reconcile_telemetry["traceId"] == "trace-fx-guarded-active-reconcile-2"
    assert state.files is not None
    assert state.files.fleet_state_file == str((FIXTURES / "guarded-active" / FLEET_DIR / "state.json").resolve())


def test_missing_fleet_state_is_reported_before_the_registry(tmp_path: Path) -> None:
    with pytest.raises(OrchestratorError, match=r"^fleet state file not found: .*state\.json$"):
        load_fleet_state(tmp_path)


def test_missing_registry_is_an_error(tmp_path: Path) -> None:
    repo = copy_fleet(tmp_path, "minimal")
    (repo / FLEET_DIR / "registry.v1.json").unlink()
    with pytest.raises(OrchestratorError, match=r"^fleet registry file not found: "):
        load_fleet_state(repo)


def test_invalid_registry_is_an_error(tmp_path: Path) -> None:
    repo = copy_fleet(tmp_path, "minimal")
    (repo / FLEET_DIR / "registry.v1.json").write_text('{"schemaVersion":"v1","loops":[]}')
    with pytest.raises(OrchestratorError, match=r"^invalid fleet registry: "):
        load_fleet_state(repo)


def test_registry_past_its_review_deadline_still_loads(tmp_path: Path) -> None:
    repo = copy_fleet(tmp_path, "review-expired")
    registry_path = repo / FLEET_DIR / "registry.v1.json"
    registry = json.loads(registry_path.read_text())
    registry["policy"]["autonomous"]["governance"]["reviewBy"] = "2026-03-01T00:00:00Z"
    registry["policy"]["autonomous"]["governance"]["changedAt"] = "2026-01-01T00:00:00Z"
    registry_path.write_text(json.dumps(registry))
    status = status_json(load_fleet_state(repo), at("2026-03-02T00:00:00Z"))
    assert status["autonomous"]["governance"]["posture"] == "review_expired"


@pytest.mark.parametrize(
    ("file_name", "message"),
    [
        ("state.json", "invalid fleet state JSON"),
        ("policy-state.json", "invalid policy state JSON"),
        ("handoff-state.json", "invalid handoff state JSON"),
    ],
)
@pytest.mark.parametrize("content", ["{broken", "", "[1, 2]", '{"a": 1} {"b": 2}'])
def test_invalid_state_documents_are_errors(tmp_path: Path, file_name: str, message: str, content: str) -> None:
    repo = copy_fleet(tmp_path, "guarded-active")
    (repo / FLEET_DIR / file_name).write_text(content)
    with pytest.raises(OrchestratorError) as caught:
        load_fleet_state(repo)
    assert caught.value.message == f"{message}: {repo.resolve() / FLEET_DIR / file_name}"


def test_null_optional_documents_count_as_absent(tmp_path: Path) -> None:
    repo = copy_fleet(tmp_path, "guarded-active")
    (repo / FLEET_DIR / "policy-state.json").write_text("null")
    (repo / FLEET_DIR / "handoff-state.json").unlink()
    state = load_fleet_state(repo)
    assert state.policy is None
    assert state.handoff is None
    assert status_json(state, at("2098-11-01T00:00:00Z"))["autonomous"] is None


def test_malformed_last_telemetry_line_is_no_record(tmp_path: Path) -> None:
    repo = copy_fleet(tmp_path, "guarded-active")
    with (repo / FLEET_DIR / "telemetry/reconcile.jsonl").open("a") as log:
        log.write('{"timestamp": "cut off\n')
    (repo / FLEET_DIR / "telemetry/handoff.jsonl").write_text('"a string record"\n')
    state = load_fleet_state(repo)
    assert state.latest_reconcile_telemetry is None
    assert state.latest_handoff_telemetry is None


def test_overrides_replace_default_paths(tmp_path: Path) -> None:
    repo = copy_fleet(tmp_path, "minimal")
    policy = FIXTURES / "auto-pause" / FLEET_DIR / "policy-state.json"
    state = load_fleet_state(repo, policy_state=policy)
    assert state.files is not None
    assert state.files.policy_state_file == str(policy.absolute())
    assert status_json(state, at("2098-11-01T00:00:00Z"))["autonomous"]["rollout"]["autopause"]["active"]


def test_repository_must_be_a_directory(tmp_path: Path) -> None:
    with pytest.raises(OrchestratorError, match="not a directory"):
        load_fleet_state(tmp_path / "nowhere")
