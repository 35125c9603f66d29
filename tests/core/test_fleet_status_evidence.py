"""The gates' evidence from a derived ``FleetStatus`` equals the evidence read back from its JSON,
apart from the errors for wrongly typed state files, which only the derivation can see."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.core.evidence.fleet_status import GENERATED_STATUS, fleet_status_evidence, read_fleet_status
from orchestrator.core.fleet_status import FleetFiles, FleetState, derive_fleet_status

NOW = datetime(2030, 1, 1, tzinfo=UTC)
FILES = FleetFiles(
    registry_file="r",
    fleet_state_file="s",
    policy_state_file="p",
    fleet_telemetry_file="t",
    handoff_state_file="h",
    handoff_telemetry_file="ht",
)


REGISTRY = {"policy": {"mode": "guarded_auto"}}
STATE_FILES = {"r", "s", "p", "t", "h", "ht"}


def state(policy: dict[str, Any] | None = None, handoff: dict[str, Any] | None = None) -> FleetState:
    return FleetState(repo_path="/r", registry=REGISTRY, fleet={}, policy=policy, handoff=handoff, files=FILES)


def evidence_both_ways(fleet_state: FleetState) -> tuple[Any, Any]:
    """The derived evidence without its state-file errors, and the evidence read from the JSON."""
    status = derive_fleet_status(fleet_state, NOW)
    direct = fleet_status_evidence(status)
    echoed = [error for error in direct.errors if error.file == GENERATED_STATUS]
    assert [error for error in direct.errors if error.file != GENERATED_STATUS] == direct.errors[
        : len(direct.errors) - len(echoed)
    ], "state-file errors come first"
    assert {error.file for error in direct.errors} <= STATE_FILES | {GENERATED_STATUS}
    return replace(direct, errors=echoed), read_fleet_status(status.to_json(), GENERATED_STATUS)


def test_no_policy_and_no_handoff_is_no_autonomous_block() -> None:
    direct, read = evidence_both_ways(state())
    assert direct == read
    assert direct.missing_paths == ["policyGated", "rolloutGated", "governanceGated", "transportGated"]
    assert direct.errors == []


def test_wrongly_typed_echoed_values_are_the_same_errors() -> None:
    policy = {
        "mode": "guarded_auto",
        "manualOnlyCount": "many",
        "unsuppressedCount": -3,
        "autonomous": {"rollout": {"pause": {"auto": {"active": "yes"}}}},
        "summary": {"byAutonomyReason": {"autonomous_kill_switch_enabled": 1.5}},
    }
    direct, read = evidence_both_ways(state(policy))
    assert direct == read
    fields = [error.field for error in direct.errors]
    assert fields == [
        "autonomous.outcomeRollup.manual_backlog",
        "autonomous.rollout.autopause.active",
        "autonomous.rollout.state.autoPauseActive",
        "autonomous.safetyGateDecisions.byPath.policyGated.blockedCount",
        "autonomous.safetyGateDecisions.byPath.governanceGated.blockedCount",
    ]
    assert {error.file for error in direct.errors} == {GENERATED_STATUS}


def test_wrongly_typed_state_fields_are_errors_on_the_policy_state_file() -> None:
    policy = {
        "mode": "guarded_auto",
        "manualOnlyCount": "many",
        "unsuppressedCount": -3,
        "autonomous": {"rollout": {"pause": {"auto": {"active": "yes"}}}},
    }
    errors = fleet_status_evidence(derive_fleet_status(state(policy), NOW)).errors
    from_state = [(error.file, error.field, error.gate) for error in errors if error.file != GENERATED_STATUS]
    assert from_state == [
        ("p", "autonomous.rollout.pause.auto.active", "safety_suppression"),
        ("p", "manualOnlyCount", "manual_backlog"),
        ("p", "unsuppressedCount", "safety_suppression"),
    ]


def test_a_clean_guarded_policy_is_read_field_by_field() -> None:
    policy = {
        "mode": "guarded_auto",
        "manualOnlyCount": 2,
        "autonomous": {"rollout": {"pause": {"auto": {"active": True}}}},
    }
    direct, read = evidence_both_ways(state(policy))
    assert direct == read
    assert (direct.enabled, direct.posture, direct.blocks_autonomous) == (True, "authority_missing", True)
    assert direct.manual_backlog == 2
    assert direct.autopause_active is True
    assert direct.missing_paths == []
    assert direct.by_path is not None
    assert set(direct.by_path) == {"policyGated", "rolloutGated", "governanceGated", "transportGated"}


values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=2), inner, max_size=2),
    max_leaves=6,
)
keys = st.sampled_from(
    [
        "mode",
        "autonomous",
        "governance",
        "rollout",
        "pause",
        "auto",
        "active",
        "manual",
        "summary",
        "byAutonomyReason",
        "autonomous_kill_switch_enabled",
        "autonomous_rollout_scope_excluded",
        "unsuppressedCount",
        "manualOnlyCount",
        "intents",
        "status",
        "execution",
        "results",
    ]
)
documents = st.recursive(
    st.dictionaries(keys, values | st.just("guarded_auto"), max_size=4),
    lambda inner: st.dictionaries(keys, inner | st.lists(inner, max_size=2) | values, max_size=4),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(policy=st.none() | documents, handoff=st.none() | documents)
def test_direct_evidence_matches_the_rendered_document(
    policy: dict[str, Any] | None, handoff: dict[str, Any] | None
) -> None:
    direct, read = evidence_both_ways(state(policy, handoff))
    assert direct == read
