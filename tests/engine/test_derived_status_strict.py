"""``gates`` on a derived fleet status: one mistyped state block holds and names its file and field;
where two state files disagree, the safe one wins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine.engine_support import Fleet, Runner

STATUS_GATES = {"governance", "manual_backlog", "safety_suppression"}


def decision(cli: Runner, fleet: Fleet) -> dict[str, Any]:
    result = cli("gates", "--repo", str(fleet.repo))
    assert result.code == 0, result.stderr
    state: dict[str, Any] = result.json()
    return state


def edit(path: Path, keys: tuple[str | int, ...], value: Any) -> None:
    doc = json.loads(path.read_text())
    target = doc
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    path.write_text(json.dumps(doc, indent=2) + "\n")


def test_the_untouched_example_fleet_promotes(cli: Runner, fleet: Fleet) -> None:
    state = decision(cli, fleet)
    assert state["summary"]["decision"] == "promote", state["summary"]
    assert state["evidenceErrors"] == []


CORRUPTIONS: list[tuple[str, tuple[str | int, ...], Any, str, set[str]]] = [
    ("policy-state.json", ("autonomous",), "yes", "autonomous", {"governance", "safety_suppression"}),
    ("policy-state.json", ("autonomous", "governance"), [], "autonomous.governance", {"governance"}),
    ("policy-state.json", ("autonomous", "rollout"), 5, "autonomous.rollout", {"safety_suppression"}),
    ("policy-state.json", ("summary",), "x", "summary", {"safety_suppression"}),
    ("policy-state.json", ("autonomous", "enabled"), "yes", "autonomous.enabled", {"governance"}),
    ("handoff-state.json", ("execution",), "done", "execution", {"manual_backlog", "safety_suppression"}),
    ("handoff-state.json", ("intents",), {"a": 1}, "intents", {"manual_backlog", "safety_suppression"}),
    ("handoff-state.json", ("intents", 0, "autonomous", "manualOnly"), "true", "intents[0].autonomous.manualOnly",
     {"manual_backlog", "safety_suppression"}),
    ("state.json", ("results",), {"loopId": "loop-api"}, "results", STATUS_GATES),
    ("state.json", ("results", 0, "files"), "/srv", "results[0].files", STATUS_GATES),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "keys", "value", "field", "gates"), CORRUPTIONS, ids=[f"{c[0]}:{c[3]}" for c in CORRUPTIONS]
)
def test_a_mistyped_state_block_holds_naming_its_file_and_field(
    cli: Runner, fleet: Fleet, file: str, keys: tuple[str | int, ...], value: Any, field: str, gates: set[str]
) -> None:
    edit(fleet.dir / file, keys, value)

    state = decision(cli, fleet)

    assert state["summary"]["decision"] == "hold"
    assert gates <= set(state["summary"]["failedGates"])
    assert "promotion_fleet_status_invalid" in state["summary"]["reasonCodes"]
    named = [error for error in state["evidenceErrors"] if error["field"] == field]
    assert len(named) == len(gates)  # one error per gate it fails (the gate is not printed)
    assert {Path(error["file"]) for error in named} == {(fleet.dir / file).resolve()}
    assert all(error["message"].startswith("must be ") for error in named)


def test_a_mistyped_last_telemetry_line_holds(cli: Runner, fleet: Fleet) -> None:
    log = fleet.dir / "telemetry" / "reconcile.jsonl"
    log.write_text(log.read_text() + json.dumps({"timestamp": "2026-11-20T10:00:00Z", "reasonCodes": "none"}) + "\n")

    state = decision(cli, fleet)

    assert state["summary"]["decision"] == "hold"
    assert set(state["summary"]["failedGates"]) >= STATUS_GATES
    errors = [error for error in state["evidenceErrors"] if error["field"] == "reasonCodes"]
    assert {Path(error["file"]) for error in errors} == {log.resolve()}


def test_status_still_prints_a_mistyped_fleet_without_problems_in_it(cli: Runner, fleet: Fleet) -> None:
    edit(fleet.dir / "policy-state.json", ("autonomous", "rollout"), 5)
    result = cli("status", "--repo", str(fleet.repo))
    assert (result.code, result.stderr) == (0, "")
    status = result.json()
    assert "problems" not in status
    assert "canaryPercent" not in status["autonomous"]["rollout"]  # read as empty, printed as before


def test_a_registry_switched_to_advisory_holds_while_the_policy_state_is_stale(cli: Runner, fleet: Fleet) -> None:
    edit(fleet.registry, ("policy", "mode"), "advisory")

    state = decision(cli, fleet)

    assert state["summary"]["decision"] == "hold"
    assert "governance" in state["summary"]["failedGates"]
    assert "promotion_policy_mode_not_guarded_auto" in state["gates"]["governance"]["reasons"]


def test_an_autopause_named_in_the_pause_reasons_holds_although_its_flag_is_off(cli: Runner, fleet: Fleet) -> None:
    edit(
        fleet.dir / "policy-state.json",
        ("autonomous", "rollout", "pause", "reasons"),
        ["autonomous_rollout_paused_auto"],
    )

    state = decision(cli, fleet)

    assert state["summary"]["decision"] == "hold"
    assert "promotion_autopause_active" in state["gates"]["safetySuppression"]["reasons"]


def test_a_registry_deadline_earlier_than_the_policy_states_holds(cli: Runner, fleet: Fleet) -> None:
    edit(fleet.registry, ("policy", "autonomous", "governance", "reviewBy"), "2026-01-06T00:00:00Z")

    state = decision(cli, fleet)

    assert state["summary"]["decision"] == "hold"
    assert state["gates"]["governance"]["posture"] == "review_expired"
