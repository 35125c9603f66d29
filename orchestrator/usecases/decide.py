"""The decision use case: gather the evidence through the store, ``decide`` in the core, record the state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orchestrator.core.bake import LastExpansion, bake_enabled, last_expansion, with_policy
from orchestrator.core.digest import DEFAULT_DECISION_TTL_HOURS, evidence_digest, expires_at
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.evidence.common import DRILLS, RELIABILITY
from orchestrator.core.evidence.drills import DrillEvidence, read_drill_state
from orchestrator.core.evidence.fleet_status import FleetStatusEvidence, fleet_status_evidence, read_fleet_status
from orchestrator.core.evidence.handoff import HandoffWindow, scan_handoff
from orchestrator.core.evidence.handoff_rules import RunCounts
from orchestrator.core.gates import Evidence, decide
from orchestrator.core.jsontext import dumps
from orchestrator.core.models import EvidenceError, PromotionSource, PromotionState, RolloutPoint, Thresholds
from orchestrator.core.reasons import REQUIRED_DRILLS
from orchestrator.core.registry.document import parse_registry_text
from orchestrator.core.replay import parse_apply_log
from orchestrator.store.evidence import handoff_blocks, read_drill_document, read_status_document, unreadable
from orchestrator.store.files import append_line, atomic_write, exists, read_text_if_exists
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


def policy_thresholds(layout: FleetLayout, thresholds: Thresholds) -> Thresholds:
    """The thresholds with the registry's bake policy where no flag set one. A missing or unreadable
    registry has no policy: no apply can expand a fleet whose registry does not validate."""
    try:
        if not exists(layout.registry):
            return thresholds
        doc = parse_registry_text(read_text_if_exists(layout.registry, "fleet registry file"), str(layout.registry))
    except OrchestratorError:
        return thresholds
    return with_policy(thresholds, doc)


def _last_expansion(layout: FleetLayout, thresholds: Thresholds) -> LastExpansion | None:
    """The newest expansion in the apply telemetry, read only when a bake option is on."""
    if not bake_enabled(thresholds):
        return None
    try:
        text = read_text_if_exists(layout.apply_telemetry, "apply telemetry file")
    except OrchestratorError:
        return LastExpansion(unreadable=True)
    return last_expansion(parse_apply_log(text).records)


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
        last_expansion=_last_expansion(layout, thresholds),
    )
    return evidence, status_source


def evaluate(
    layout: FleetLayout,
    thresholds: Thresholds,
    *,
    now: datetime,
    trace_id: str,
    status: FleetStatusEvidence | None = None,
    decision_ttl_hours: float = DEFAULT_DECISION_TTL_HOURS,
) -> PromotionState:
    """The decision over the fleet's current evidence; reads only, writes nothing."""
    return evaluate_with_window(
        layout, thresholds, now=now, trace_id=trace_id, status=status, decision_ttl_hours=decision_ttl_hours
    )[0]


def evaluate_with_window(
    layout: FleetLayout,
    thresholds: Thresholds,
    *,
    now: datetime,
    trace_id: str,
    status: FleetStatusEvidence | None = None,
    decision_ttl_hours: float = DEFAULT_DECISION_TTL_HOURS,
) -> tuple[PromotionState, list[RunCounts]]:
    """``evaluate``, and the handoff runs the reliability gate judged (oldest first) for the summary's chart."""
    thresholds = policy_thresholds(layout, thresholds)
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
    state = state.model_copy(
        update={
            "evidence_digest": evidence_digest(evidence, thresholds, rollout_state(layout)),
            "expires_at": expires_at(now, decision_ttl_hours),
        }
    )
    return state, list(evidence.handoff.runs) if evidence.handoff is not None else []


def rollout_state(layout: FleetLayout) -> RolloutPoint | None:
    """The registry's rollout (canary percent, manual pause) for the evidence digest; ``None`` when unreadable."""
    from orchestrator.core.registry.document import parse_registry_text, rollout_point
    from orchestrator.store.registry import read_registry_text

    try:
        canary, manual = rollout_point(parse_registry_text(read_registry_text(layout.registry), str(layout.registry)))
    except (OrchestratorError, TypeError, ValueError):
        return None
    return RolloutPoint(canary_percent=canary, manual_pause=manual)


def record_decision(state: PromotionState, layout: FleetLayout) -> dict[str, Any]:
    """Write the promotion state (atomically) and append it to the promotion telemetry."""
    payload = state.to_json()
    line = dumps(payload)
    atomic_write(layout.promotion_state, line + "\n")
    append_line(layout.promotion_telemetry, line)
    return payload
