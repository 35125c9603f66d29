"""The entry point: the whole v1 fleet status of a ``FleetState`` at one evaluation instant.

A pure function of its arguments (no files, no clock), so a status can be reproduced exactly
from the same inputs and ``--now``.
"""

from __future__ import annotations

from datetime import datetime

from orchestrator.core.fleet_status.autonomous import autonomous_status
from orchestrator.core.fleet_status.governance import evaluate_governance, evaluation_instant
from orchestrator.core.fleet_status.inputs import FleetState
from orchestrator.core.fleet_status.loose import echo, fallback, objects
from orchestrator.core.fleet_status.model import FleetStatus
from orchestrator.core.fleet_status.outcomes import handoff_section, latest_handoff_telemetry, outcome_rollup
from orchestrator.core.fleet_status.sections import (
    exceptions_section,
    fleet_section,
    health_rollup,
    latest_reconcile_telemetry,
    loop_view,
    policy_section,
    trace_linkage,
)
from orchestrator.core.fleet_status.shapes import find_problems
from orchestrator.core.fleet_status.signals import registry_review_by
from orchestrator.core.timestamps import format_ts


def derive_fleet_status(state: FleetState, now: datetime) -> FleetStatus:
    """The v1 fleet status of ``state`` evaluated at ``now`` (timezone-aware; whole seconds are kept).

    Raises ``ValueError`` for a naive ``now``. The result shares no objects with ``state``.
    Every wrongly typed block or field read on the way is in ``problems`` (``shapes.py``); where
    two inputs record the same fact differently, the safe one wins (``signals.py``).
    """
    instant = evaluation_instant(now)
    fleet, policy, handoff = state.fleet, state.policy, state.handoff
    results = list(objects(fallback(fleet.get("results"), [])))
    evaluation = evaluate_governance(policy, instant, registry_review_by(state.registry))
    rollup = outcome_rollup(policy, handoff)
    health = health_rollup(results)
    return FleetStatus(
        generated_at=format_ts(instant),
        source={
            "repoPath": state.repo_path,
            "fleetId": echo(fleet.get("fleetId"), fallback(state.registry.get("fleetId"), "default")),
        },
        fleet=fleet_section(fleet, results, health),
        health_rollup=health,
        exceptions=exceptions_section(results),
        policy=policy_section(policy),
        handoff=handoff_section(handoff, rollup),
        autonomous=autonomous_status(state.registry, policy, handoff, rollup, evaluation),
        loops=[loop_view(result) for result in results],
        trace_linkage=trace_linkage(fleet, policy, results),
        latest_telemetry=latest_reconcile_telemetry(state.latest_reconcile_telemetry),
        latest_handoff_telemetry=latest_handoff_telemetry(state.latest_handoff_telemetry, rollup),
        files=state.files,
        problems=find_problems(state),
    )
