"""Reading a fleet's raw state files into a ``FleetState`` for the pure status derivation.

Required state (the registry and ``state.json``) must exist and parse; optional state may be
absent. Telemetry logs only contribute their newest line, read from the end of the file so a
long-lived log costs the same as a fresh one.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from orchestrator.core import strictjson
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.fleet_status import FleetFiles, FleetState
from orchestrator.store.files import exists, is_file, read_bytes, read_tail
from orchestrator.store.layout import FleetLayout
from orchestrator.store.registry import load_registry


def read_last_line(path: Path) -> str | None:
    """The file's last line without its terminator, or ``None`` when unreadable or not a file.

    A final newline ends the last line rather than starting an empty one, so ``a\\nb\\n`` gives
    ``b`` while ``a\\n\\n`` gives an empty line.
    """
    line = read_tail(path)
    return None if line is None else line.decode("utf-8", errors="replace")


def _latest_record(path: Path) -> dict[str, Any] | None:
    """Newest telemetry record; an unreadable, blank or malformed last line counts as no record."""
    if not is_file(path):
        return None
    line = read_last_line(path)
    if not line or not line.strip():
        return None
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None


def _read_document(path: Path, invalid: str) -> dict[str, Any] | None:
    """A JSON object, or ``None`` for a literal ``null`` (treated like an absent document)."""
    try:
        document = strictjson.loads(read_bytes(path, invalid))
    except orjson.JSONDecodeError:
        raise OrchestratorError(f"{invalid}: {path}") from None
    except ValueError as exc:
        raise OrchestratorError(f"{invalid}: {path} {exc}") from None
    if document is None or isinstance(document, dict):
        return document
    raise OrchestratorError(f"{invalid}: {path}")


def load_fleet_state(layout: FleetLayout, now: datetime) -> FleetState:
    """Read the fleet's state files from ``layout``.

    Raises ``OrchestratorError`` when the registry or fleet state is missing or invalid, or when
    a present policy or handoff state is not valid JSON. A passed review deadline does not make
    the registry invalid here: the status reports it as governance posture at its evaluation time.
    """
    if not is_file(layout.fleet_state):
        raise OrchestratorError(f"fleet state file not found: {layout.fleet_state}")
    registry = load_registry(layout.registry, now, require_future_review=False)
    fleet = _read_document(layout.fleet_state, "invalid fleet state JSON")
    policy = None
    if exists(layout.policy_state):
        policy = _read_document(layout.policy_state, "invalid policy state JSON")
    handoff = None
    if exists(layout.handoff_state):
        handoff = _read_document(layout.handoff_state, "invalid handoff state JSON")
    return FleetState(
        repo_path=str(layout.repo),
        registry=registry,
        fleet=fleet or {},
        policy=policy,
        handoff=handoff,
        latest_reconcile_telemetry=_latest_record(layout.reconcile_telemetry),
        latest_handoff_telemetry=_latest_record(layout.handoff_telemetry),
        files=FleetFiles(
            registry_file=str(layout.registry),
            fleet_state_file=str(layout.fleet_state),
            policy_state_file=str(layout.policy_state),
            fleet_telemetry_file=str(layout.reconcile_telemetry),
            handoff_state_file=str(layout.handoff_state),
            handoff_telemetry_file=str(layout.handoff_telemetry),
        ),
    )
