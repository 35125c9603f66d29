"""A mistyped state block makes the derived status invalid (hold), never empty; conflicting signals
resolve to the safe one."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.core.evidence.common import BACKLOG, GOVERNANCE, SAFETY
from orchestrator.core.evidence.fleet_status import FleetStatusEvidence, fleet_status_evidence
from orchestrator.core.fleet_status import FleetFiles, FleetState, FleetStatus, derive_fleet_status
from orchestrator.core.fleet_status.problems import MAX_PROBLEMS
from orchestrator.core.gates import governance_gate, manual_backlog_gate, safety_gate
from orchestrator.core.models import Thresholds
from orchestrator.core.reasons import ReasonCode
from orchestrator.store.fleet_state import load_fleet_state
from orchestrator.store.layout import FleetLayout

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "fleets"
EXAMPLE = ROOT / "examples" / "fleet"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
STATUS_GATES = {GOVERNANCE, BACKLOG, SAFETY}
FILES = FleetFiles(
    registry_file="/fleet/registry.v1.json",
    fleet_state_file="/fleet/state.json",
    policy_state_file="/fleet/policy-state.json",
    fleet_telemetry_file="/fleet/telemetry/reconcile.jsonl",
    handoff_state_file="/fleet/handoff-state.json",
    handoff_telemetry_file="/fleet/telemetry/handoff.jsonl",
)
DOCUMENT_FILES = {
    "policy": FILES.policy_state_file,
    "handoff": FILES.handoff_state_file,
    "fleet": FILES.fleet_state_file,
    "latest_reconcile_telemetry": FILES.fleet_telemetry_file,
    "latest_handoff_telemetry": FILES.handoff_telemetry_file,
}


def example_state() -> FleetState:
    """The example fleet's state, with paths that name each document."""
    loaded = load_fleet_state(FleetLayout.resolve(str(EXAMPLE), {}), NOW)
    return loaded.model_copy(update={"files": FILES})


def documents(state: FleetState) -> dict[str, Any]:
    return {name: copy.deepcopy(getattr(state, name)) for name in DOCUMENT_FILES}


def with_documents(state: FleetState, docs: dict[str, Any]) -> FleetState:
    return state.model_copy(update=docs)


def set_at(doc: Any, path: tuple[str | int, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def evidence(state: FleetState) -> FleetStatusEvidence:
    return fleet_status_evidence(derive_fleet_status(state, NOW))


def evidence_at(state: FleetState, now: datetime) -> FleetStatusEvidence:
    return fleet_status_evidence(derive_fleet_status(state, now))


def failed_status_gates(found: FleetStatusEvidence) -> set[str]:
    gates = {
        GOVERNANCE: governance_gate(found),
        BACKLOG: manual_backlog_gate(found, Thresholds()),
        SAFETY: safety_gate(found),
    }
    return {name for name, gate in gates.items() if gate.status == "fail"}


def test_the_example_fleet_passes_every_status_gate_without_problems() -> None:
    status = derive_fleet_status(example_state(), NOW)
    assert status.problems == ()
    assert failed_status_gates(fleet_status_evidence(status)) == set()


# --- each mistyped block holds, naming its file and field ----------------------------------------

MISTYPED: list[tuple[str, tuple[str | int, ...], Any, set[str]]] = [
    ("policy", ("autonomous",), "yes", {GOVERNANCE, SAFETY}),
    ("policy", ("autonomous", "enabled"), "yes", {GOVERNANCE}),
    ("policy", ("autonomous", "governance"), [], {GOVERNANCE}),
    ("policy", ("autonomous", "governance", "authorityContextPresent"), "true", {GOVERNANCE}),
    ("policy", ("autonomous", "controls"), 7, {SAFETY}),
    ("policy", ("autonomous", "controls", "safety", "killSwitch"), "on", {SAFETY}),
    ("policy", ("autonomous", "rollout"), 5, {SAFETY}),
    ("policy", ("autonomous", "rollout", "pause"), "paused", {SAFETY}),
    ("policy", ("autonomous", "rollout", "pause", "auto"), ["active"], {SAFETY}),
    ("policy", ("autonomous", "rollout", "pause", "manual"), 1, {SAFETY}),
    ("policy", ("summary",), "x", {SAFETY}),
    ("policy", ("summary", "byAutonomyReason"), ["category_not_allowlisted"], {SAFETY}),
    ("policy", ("summary", "byAutonomyReason", "category_not_allowlisted"), "1", {SAFETY}),
    ("policy", ("mode",), ["guarded_auto"], {GOVERNANCE}),
    ("policy", ("manualOnlyCount",), -1, {BACKLOG}),
    ("policy", ("unsuppressedCount",), "1", {SAFETY}),
    ("policy", ("candidates",), {"candidateId": "x"}, STATUS_GATES),
    ("handoff", ("execution",), "done", {BACKLOG, SAFETY}),
    ("handoff", ("execution", "results"), {"intentId": "x"}, {SAFETY}),
    ("handoff", ("execution", "executedCount"), 2.5, {BACKLOG, SAFETY}),
    ("handoff", ("intents",), {"intentId": "x"}, {BACKLOG, SAFETY}),
    ("handoff", ("intents", 0), "loop-web:health_degraded:cancel", {BACKLOG, SAFETY}),
    ("handoff", ("intents", 0, "autonomous"), True, {BACKLOG, SAFETY}),
    ("handoff", ("intents", 0, "autonomous", "manualOnly"), "true", {BACKLOG, SAFETY}),
    ("handoff", ("summary",), 3, {BACKLOG}),
    ("handoff", ("mode",), 1, {GOVERNANCE}),
    ("fleet", ("results",), {"loopId": "loop-api"}, STATUS_GATES),
    ("fleet", ("results", 1), None, STATUS_GATES),
    ("fleet", ("results", 0, "files"), "/srv", STATUS_GATES),
    ("fleet", ("failedCount",), "0", STATUS_GATES),
    ("latest_reconcile_telemetry", ("reasonCodes",), "none", STATUS_GATES),
    ("latest_handoff_telemetry", ("execution",), [], STATUS_GATES),
]


def field_name(path: tuple[str | int, ...]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


@pytest.mark.parametrize(
    ("document", "path", "value", "gates"),
    MISTYPED,
    ids=[f"{case[0]}:{field_name(case[1])}" for case in MISTYPED],
)
def test_a_mistyped_block_fails_the_gates_that_read_it(
    document: str, path: tuple[str | int, ...], value: Any, gates: set[str]
) -> None:
    state = example_state()
    docs = documents(state)
    set_at(docs[document], path, value)

    found = evidence(with_documents(state, docs))

    named = {(error.file, error.field) for error in found.errors}
    assert (DOCUMENT_FILES[document], field_name(path)) in named
    problem_gates = {error.gate for error in found.errors if error.field == field_name(path)}
    assert problem_gates == gates
    assert gates <= failed_status_gates(found)


def test_null_and_absent_blocks_stay_absent_not_problems() -> None:
    state = example_state()
    docs = documents(state)
    docs["policy"]["summary"] = None
    del docs["policy"]["autonomous"]["controls"]
    docs["handoff"]["execution"]["results"] = None
    docs["fleet"]["results"][0]["sprite"] = None
    assert derive_fleet_status(with_documents(state, docs), NOW).problems == ()


def test_many_problems_are_capped_and_the_summary_keeps_every_gate() -> None:
    state = example_state()
    docs = documents(state)
    docs["fleet"]["results"] = ["bad"] * (MAX_PROBLEMS + 5)
    docs["handoff"]["intents"] = "late"
    problems = derive_fleet_status(with_documents(state, docs), NOW).problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].message == "and 6 more wrongly typed fields from here on"
    assert set(problems[-1].gates) == STATUS_GATES


def test_problems_are_not_part_of_the_printed_status() -> None:
    state = example_state()
    docs = documents(state)
    docs["policy"]["autonomous"]["rollout"] = 5
    status = derive_fleet_status(with_documents(state, docs), NOW)
    assert status.problems
    assert "problems" not in status.to_json()
    clean = status.model_copy(update={"problems": ()})
    assert clean.to_json() == status.to_json()


@pytest.mark.parametrize("fleet", sorted(path.name for path in FIXTURES.iterdir() if path.is_dir()))
def test_valid_fixture_fleets_have_no_problems(fleet: str) -> None:
    state = load_fleet_state(FleetLayout.resolve(str(FIXTURES / fleet), {}), NOW)
    status = derive_fleet_status(state, NOW)
    assert status.problems == ()
    assert list(status.to_json()) == [
        "schemaVersion",
        "generatedAt",
        "source",
        "fleet",
        "healthRollup",
        "exceptions",
        "policy",
        "handoff",
        "autonomous",
        "loops",
        "traceLinkage",
        "latestTelemetry",
        "latestHandoffTelemetry",
        "files",
    ]


# --- property: no object or array block the derivation reads can be swapped for another type -----

ECHOED = {"candidates", "sprite", "metrics"}
"""Values the status prints back verbatim: their own type is checked, what is inside them is not read."""


def blocks(doc: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every object and array inside ``doc``, except inside values the status echoes verbatim."""
    members: list[tuple[str | int, Any]] = []
    if isinstance(doc, dict):
        members = list(doc.items())
    elif isinstance(doc, list):
        members = list(enumerate(doc))
    for key, value in members:
        if isinstance(value, dict | list):
            yield (*path, key), value
            if key not in ECHOED:
                yield from blocks(value, (*path, key))


def block_paths(state: FleetState) -> list[tuple[str, tuple[str | int, ...], bool]]:
    return [
        (name, path, isinstance(value, dict))
        for name, doc in documents(state).items()
        if doc is not None
        for path, value in blocks(doc)
    ]


BASES = {
    "example": (example_state, NOW),
    "guarded-active": (
        lambda: load_fleet_state(FleetLayout.resolve(str(FIXTURES / "guarded-active"), {}), NOW),
        datetime(2098, 11, 1, tzinfo=UTC),
    ),
}
scalars = st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=4)
not_objects = scalars | st.lists(scalars, max_size=2)
not_arrays = scalars | st.dictionaries(st.text(max_size=2), scalars, max_size=2)


@settings(max_examples=300, deadline=None)
@given(base=st.sampled_from(sorted(BASES)), data=st.data())
def test_replacing_any_block_with_another_type_never_promotes(base: str, data: st.DataObject) -> None:
    load, now = BASES[base]
    state = load()
    assert failed_status_gates(evidence_at(state, now)) == set()
    name, path, is_object = data.draw(st.sampled_from(block_paths(state)))
    docs = documents(state)
    set_at(docs[name], path, data.draw(not_objects if is_object else not_arrays))

    found = evidence_at(with_documents(state, docs), now)

    assert failed_status_gates(found), (name, path)
    assert any(error.field == field_name(path) for error in found.errors), (name, path, found.errors)


# --- conflicting signals: the safe one wins --------------------------------------------------------


def conflict(document: str, path: tuple[str | int, ...], value: Any) -> FleetStatus:
    state = example_state()
    docs = {**documents(state), "registry": copy.deepcopy(state.registry)}
    set_at(docs[document], path, value)
    return derive_fleet_status(with_documents(state, docs), NOW)


def autonomous(status: FleetStatus) -> Any:
    assert status.autonomous is not None
    return status.autonomous


@pytest.mark.parametrize(
    ("document", "path", "value"),
    [
        ("registry", ("policy", "mode"), "advisory"),
        ("policy", ("autonomous", "enabled"), False),
        ("handoff", ("mode",), "advisory"),
        ("policy", ("mode",), "advisory"),
    ],
)
def test_autonomy_is_on_only_when_every_recorded_mode_says_guarded(
    document: str, path: tuple[str | int, ...], value: Any
) -> None:
    status = conflict(document, path, value)
    assert autonomous(status).enabled is False
    assert ReasonCode.POLICY_MODE_NOT_GUARDED_AUTO in governance_gate(fleet_status_evidence(status)).reasons


def test_a_registry_deadline_earlier_than_the_policy_states_is_judged() -> None:
    status = conflict("registry", ("policy", "autonomous", "governance", "reviewBy"), "2026-11-01T00:00:00Z")
    governance = autonomous(status).governance
    assert governance.posture == "review_expired"
    assert governance.until == "2099-01-01T00:00:00Z"
    later = conflict("registry", ("policy", "autonomous", "governance", "reviewBy"), "2100-01-01T00:00:00Z")
    assert autonomous(later).governance.posture == "active"


@pytest.mark.parametrize(
    ("document", "path", "value"),
    [
        ("registry", ("policy", "autonomous", "safety", "killSwitch"), True),
        ("policy", ("autonomous", "controls", "safety", "killSwitch"), True),
        ("policy", ("summary", "byAutonomyReason", "autonomous_kill_switch_enabled"), 1),
    ],
)
def test_the_kill_switch_is_on_when_any_source_says_so(document: str, path: tuple[str | int, ...], value: Any) -> None:
    assert autonomous(conflict(document, path, value)).safety_gate_decisions.kill_switch_active is True


def test_a_registry_pause_wins_over_a_policy_state_that_has_not_seen_it() -> None:
    state = autonomous(conflict("registry", ("policy", "autonomous", "rollout", "pause", "manual"), True)).rollout.state
    assert (state.active, state.manual_pause_active, state.auto_pause_active) == (True, True, False)
    reasons = ("policy", ("autonomous", "rollout", "pause", "reasons"), ["autonomous_rollout_paused_manual"])
    state = autonomous(conflict(*reasons)).rollout.state
    assert (state.active, state.manual_pause_active) == (True, True)


@pytest.mark.parametrize(
    "reason",
    ["autonomous_rollout_paused_auto", "autonomous_autopause_ambiguous_spike", "autonomous_autopause_failure_spike"],
)
def test_an_autopause_in_the_pause_reasons_holds_although_its_flag_is_off(reason: str) -> None:
    status = conflict("policy", ("autonomous", "rollout", "pause", "reasons"), [reason])
    rollout = autonomous(status).rollout
    assert rollout.autopause.active is False
    assert (rollout.state.auto_pause_active, rollout.state.active) == (True, True)
    found = fleet_status_evidence(status)
    assert found.autopause_active is True
    assert ReasonCode.AUTOPAUSE_ACTIVE in safety_gate(found).reasons


def test_an_active_autopause_holds_even_when_recorded_as_disabled() -> None:
    status = conflict("policy", ("autonomous", "rollout", "pause", "auto"), {"enabled": False, "active": True})
    assert fleet_status_evidence(status).autopause_active is True


def test_the_autopause_counts_as_enabled_when_the_registry_enables_it() -> None:
    status = conflict("policy", ("autonomous", "rollout", "pause", "auto", "enabled"), False)
    assert autonomous(status).rollout.autopause.enabled is True  # the registry says enabled: true
    state = example_state()
    registry = copy.deepcopy(state.registry)
    registry["policy"]["autonomous"]["rollout"]["autoPause"]["enabled"] = False
    docs = documents(state)
    docs["policy"]["autonomous"]["rollout"]["pause"]["auto"]["enabled"] = False
    both = derive_fleet_status(with_documents(state, {**docs, "registry": registry}), NOW)
    assert autonomous(both).rollout.autopause.enabled is False


def test_consistent_signals_print_what_they_record() -> None:
    status = autonomous(derive_fleet_status(example_state(), NOW))
    assert status.enabled is True
    assert status.safety_gate_decisions.kill_switch_active is False
    state = status.rollout.state
    assert (state.active, state.manual_pause_active, state.auto_pause_active) == (False, False, False)


@pytest.mark.parametrize("base", sorted(BASES))
def test_every_block_replaced_by_a_string_holds(base: str) -> None:
    """The exhaustive companion of the property above: every block, one wrong value each."""
    load, now = BASES[base]
    state = load()
    paths = block_paths(state)
    assert len(paths) > 20
    for name, path, _ in paths:
        docs = documents(state)
        set_at(docs[name], path, "x")
        found = evidence_at(with_documents(state, docs), now)
        assert failed_status_gates(found), (name, path)
        assert any(error.field == field_name(path) for error in found.errors), (name, path)
