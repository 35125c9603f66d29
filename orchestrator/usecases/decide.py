"""The decision use case: gather the evidence through the store, ``decide`` in the core, record the state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orchestrator.core.evidence.common import DRILLS, RELIABILITY
from orchestrator.core.evidence.drills import DrillEvidence, read_drill_state
from orchestrator.core.evidence.fleet_status import FleetStatusEvidence, fleet_status_evidence, read_fleet_status
from orchestrator.core.evidence.handoff import HandoffWindow, scan_handoff
from orchestrator.core.evidence.handoff_rules import RunCounts
from orchestrator.core.gates import Evidence, decide
from orchestrator.core.jsontext import dumps
from orchestrator.core.models import EvidenceError, PromotionSource, PromotionState, Thresholds
from orchestrator.core.reasons import REQUIRED_DRILLS
from orchestrator.store.evidence import handoff_blocks, read_drill_document, read_status_document, unreadable
from orchestrator.store.files import append_line, atomic_write
from orchestrator.store.layout import FleetLayout


def _fleet_status(layout: FleetLayout, now: datetime) -> tuple[FleetStatusEvidence, str]:
    if layout.fleet_status is not None:
        doc, repeated = read_status_document(layout.fleet_status)
        return read_fleet_status(doc, str(layout.fleet_status), repeated), "file"
    from orchestrator.core.fleet_status import derive_fleet_status
    from orchestrator.store.fleet_state import load_fleet_state

    return fleet_status_evidence(derive_fleet_status(load_fleet_state(layout, now), now)), "generated"


def _handoff(
    layout: FleetLayout, thresholds: Thresholds, now: datetime
) -> tuple[HandoffWindow | None, EvidenceError | None]:
    """The handoff window; ``now`` judges how far in the future a run's timestamp may be."""
    blocks, error = handoff_blocks(layout.handoff_telemetry, RELIABILITY)
    if blocks is None:
        return None, error
    try:
        return scan_handoff(blocks, thresholds.window_executions, str(layout.handoff_telemetry), now=now), None
    except OSError as exc:
        return None, unreadable(layout.handoff_telemetry, RELIABILITY, exc)


def _drills(layout: FleetLayout, now: datetime) -> tuple[DrillEvidence | None, EvidenceError | None]:
    doc, error = read_drill_document(layout.drill_state, DRILLS)
    if doc is None or error is not None:
        return None, error
    return read_drill_state(doc, str(layout.drill_state), REQUIRED_DRILLS, now), None


def gather_evidence(
    layout: FleetLayout, thresholds: Thresholds, now: datetime, status: FleetStatusEvidence | None = None
) -> tuple[Evidence, str]:
    """Every piece of evidence; ``status`` stands in for the fleet status when a hook printed it."""
    status, status_source = (status, "generated") if status is not None else _fleet_status(layout, now)
    handoff, handoff_error = _handoff(layout, thresholds, now)
    drills, drill_error = _drills(layout, now)
    evidence = Evidence(
        status=status,
        handoff=handoff,
        drills=drills,
        handoff_unreadable=handoff_error,
        drill_state_unreadable=drill_error,
    )
    return evidence, status_source


def evaluate(
    layout: FleetLayout,
    thresholds: Thresholds,
    *,
    now: datetime,
    trace_id: str,
    status: FleetStatusEvidence | None = None,
) -> PromotionState:
    """The decision over the fleet's current evidence; reads only, writes nothing."""
    return evaluate_with_window(layout, thresholds, now=now, trace_id=trace_id, status=status)[0]


def evaluate_with_window(
    layout: FleetLayout,
    thresholds: Thresholds,
    *,
    now: datetime,
    trace_id: str,
    status: FleetStatusEvidence | None = None,
) -> tuple[PromotionState, list[RunCounts]]:
    """``evaluate``, and the handoff runs the reliability gate judged (oldest first) for the summary's chart."""
    evidence, status_source = gather_evidence(layout, thresholds, now, status)
    source = PromotionSource(
        repo_path=str(layout.repo),
        fleet_status_source="file" if status_source == "file" else "generated",
        fleet_status_file=str(layout.fleet_status) if layout.fleet_status else None,
        handoff_telemetry_file=str(layout.handoff_telemetry),
        drill_state_file=str(layout.drill_state),
        promotion_state_file=str(layout.promotion_state),
        promotion_telemetry_file=str(layout.promotion_telemetry),
    )
    state = decide(evidence, thresholds, now=now, trace_id=trace_id, source=source)
    return state, list(evidence.handoff.runs) if evidence.handoff is not None else []


def record_decision(state: PromotionState, layout: FleetLayout) -> dict[str, Any]:
    """Write the promotion state (atomically) and append it to the promotion telemetry."""
    payload = state.to_json()
    line = dumps(payload)
    atomic_write(layout.promotion_state, line + "\n")
    append_line(layout.promotion_telemetry, line)
    return payload
