"""Reading a fleet's raw state files into a ``FleetState`` for the pure status derivation.

Required state (the registry and ``state.json``) must exist and parse; optional state may be
absent. Telemetry logs only contribute their newest line, read from the end of the file so a
long-lived log costs the same as a fresh one.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.fleet_status import FleetFiles, FleetState
from orchestrator.core.registry import load_registry
from orchestrator.store.layout import artifact_path, resolve_repo

_TAIL_BLOCK = 8192


def read_last_line(path: Path) -> str | None:
    """The file's last line without its terminator, or ``None`` when unreadable or not a file.

    A final newline ends the last line rather than starting an empty one, so ``a\\nb\\n`` gives
    ``b`` while ``a\\n\\n`` gives an empty line.
    """
    try:
        with path.open("rb") as handle:
            end = handle.seek(0, os.SEEK_END)
            if end == 0:
                return ""
            handle.seek(end - 1)
            if handle.read(1) == b"\n":
                end -= 1
            chunks: list[bytes] = []
            position = end
            while position > 0:
                step = min(_TAIL_BLOCK, position)
                position -= step
                handle.seek(position)
                block = handle.read(step)
                newline = block.rfind(b"\n")
                if newline >= 0:
                    chunks.append(block[newline + 1 :])
                    break
                chunks.append(block)
    except OSError:
        return None
    return b"".join(reversed(chunks)).decode("utf-8", errors="replace")


def _latest_record(path: Path) -> dict[str, Any] | None:
    """Newest telemetry record; an unreadable, blank or malformed last line counts as no record."""
    if not path.is_file():
        return None
    line = read_last_line(path)
    if not line or not line.strip():
        return None
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None


def _read_json(path: Path, invalid: str) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        raise OrchestratorError(f"{invalid}: {path}") from None


def _read_document(path: Path, invalid: str) -> dict[str, Any] | None:
    """A JSON object, or ``None`` for a literal ``null`` (treated like an absent document)."""
    document = _read_json(path, invalid)
    if document is None or isinstance(document, dict):
        return document
    raise OrchestratorError(f"{invalid}: {path}")


def load_fleet_state(
    repo: Path,
    *,
    registry_file: Path | None = None,
    fleet_state_file: Path | None = None,
    policy_state_file: Path | None = None,
    fleet_telemetry_file: Path | None = None,
    handoff_state_file: Path | None = None,
    handoff_telemetry_file: Path | None = None,
) -> FleetState:
    """Read the fleet under ``repo``; each ``*_file`` overrides its default location.

    Raises ``OrchestratorError`` when the registry or fleet state is missing or invalid, or when
    a present policy or handoff state is not valid JSON. A passed review deadline does not make
    the registry invalid here: the status reports it as governance posture at its evaluation time.
    """
    root = resolve_repo(str(repo))

    def locate(key: str, override: Path | None) -> Path:
        return artifact_path(root, key, None if override is None else str(override))

    files = {
        "registry": locate("registry", registry_file),
        "fleet_state": locate("fleet_state", fleet_state_file),
        "policy_state": locate("policy_state", policy_state_file),
        "reconcile_telemetry": locate("reconcile_telemetry", fleet_telemetry_file),
        "handoff_state": locate("handoff_state", handoff_state_file),
        "handoff_telemetry": locate("handoff_telemetry", handoff_telemetry_file),
    }

    if not files["fleet_state"].is_file():
        raise OrchestratorError(f"fleet state file not found: {files['fleet_state']}")
    registry = load_registry(files["registry"], datetime.now(UTC), require_future_review=False)
    fleet = _read_document(files["fleet_state"], "invalid fleet state JSON")

    policy = None
    if files["policy_state"].is_file():
        policy = _read_document(files["policy_state"], "invalid policy state JSON")
    latest_reconcile = _latest_record(files["reconcile_telemetry"])
    handoff = None
    if files["handoff_state"].is_file():
        handoff = _read_document(files["handoff_state"], "invalid handoff state JSON")
    latest_handoff = _latest_record(files["handoff_telemetry"])

    return FleetState(
        repo_path=str(root),
        registry=registry,
        fleet=fleet or {},
        policy=policy,
        handoff=handoff,
        latest_reconcile_telemetry=latest_reconcile,
        latest_handoff_telemetry=latest_handoff,
        files=FleetFiles(
            registry_file=str(files["registry"]),
            fleet_state_file=str(files["fleet_state"]),
            policy_state_file=str(files["policy_state"]),
            fleet_telemetry_file=str(files["reconcile_telemetry"]),
            handoff_state_file=str(files["handoff_state"]),
            handoff_telemetry_file=str(files["handoff_telemetry"]),
        ),
    )
