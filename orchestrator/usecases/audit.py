"""The audit use case: verify the apply telemetry's hash chain, anchored by the apply state."""

from __future__ import annotations

from typing import Any

from orchestrator.core.audit import HASH, ChainReport, numbered_lines, verify_chain
from orchestrator.core.errors import OrchestratorError
from orchestrator.store.files import exists, load_json, read_text_if_exists
from orchestrator.store.layout import FleetLayout


def anchor_of(state: Any) -> str | None:
    """The hash the apply state says the log ends with; none for a replay (it names an older record)."""
    if not isinstance(state, dict) or state.get("replayed") is True:
        return None
    value = state.get(HASH)
    return value if isinstance(value, str) else None


def verify_audit(layout: FleetLayout) -> ChainReport:
    """Walk the apply telemetry (a missing one is an empty, valid log) against the apply state's last hash."""
    text = read_text_if_exists(layout.apply_telemetry, "apply telemetry file")
    anchor = None
    if exists(layout.apply_state):
        try:
            anchor = anchor_of(load_json(layout.apply_state, "apply state"))
        except OrchestratorError:
            anchor = None
    return verify_chain(numbered_lines(text), anchor=anchor)
