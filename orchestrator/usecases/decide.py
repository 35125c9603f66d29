"""The decision phase as a service: gather evidence from files, ``decide``, record the state.

This is the adapter around the pure gates: it resolves paths, streams the handoff telemetry,
derives the fleet status when no file is given, and writes the promotion state and telemetry.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.evidence.common import DRILLS, RELIABILITY
from orchestrator.core.evidence.drills import read_drill_state
from orchestrator.core.evidence.fleet_status import read_fleet_status
from orchestrator.core.evidence.handoff import scan_handoff
from orchestrator.core.gates import Evidence, decide
from orchestrator.core.models import EvidenceError, PromotionSource, PromotionState, Thresholds
from orchestrator.core.reasons import REQUIRED_DRILLS
from orchestrator.store.files import append_line, atomic_write, dumps, read_bytes
from orchestrator.store.layout import artifact_path

READ_CHUNK = 1 << 20
MAX_COUNT = 1_000_000_000
_INT = re.compile(r"[0-9]+")
_RATE = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")


@dataclass(frozen=True)
class DecisionPaths:
    repo: Path
    fleet_status_file: Path | None
    handoff_telemetry_file: Path
    drill_state_file: Path
    promotion_state_file: Path
    promotion_telemetry_file: Path

    @classmethod
    def resolve(
        cls,
        repo: Path,
        *,
        fleet_status_file: str | None = None,
        handoff_telemetry_file: str | None = None,
        drill_state_file: str | None = None,
        promotion_state_file: str | None = None,
        promotion_telemetry_file: str | None = None,
    ) -> DecisionPaths:
        return cls(
            repo=repo,
            fleet_status_file=Path(fleet_status_file).absolute() if fleet_status_file else None,
            handoff_telemetry_file=artifact_path(repo, "handoff_telemetry", handoff_telemetry_file),
            drill_state_file=artifact_path(repo, "drill_state", drill_state_file),
            promotion_state_file=artifact_path(repo, "promotion_state", promotion_state_file),
            promotion_telemetry_file=artifact_path(repo, "promotion_telemetry", promotion_telemetry_file),
        )


def _int_option(flag: str, raw: str | None, default: int, minimum: int) -> int:
    if raw is None or raw == "":
        return default
    if not _INT.fullmatch(raw) or int(raw) < minimum or int(raw) > MAX_COUNT:
        raise OrchestratorError(f"{flag} must be an integer >= {minimum}")
    return int(raw)


def _rate_option(flag: str, raw: str | None, default: float) -> float:
    if raw is None or raw == "":
        return default
    if not _RATE.fullmatch(raw) or not 0 <= float(raw) <= 1:
        raise OrchestratorError(f"{flag} must be a number between 0 and 1")
    return float(raw)


def parse_thresholds(
    *,
    window_executions: str | None = None,
    min_sample_size: str | None = None,
    max_ambiguity_rate: str | None = None,
    max_failure_rate: str | None = None,
    max_manual_backlog: str | None = None,
    max_drill_age_hours: str | None = None,
) -> Thresholds:
    """Thresholds from their command-line text, with the reference's validation messages."""
    return Thresholds(
        window_executions=_int_option("--window-executions", window_executions, 20, 1),
        min_sample_size=_int_option("--min-sample-size", min_sample_size, 20, 1),
        max_ambiguity_rate=_rate_option("--max-ambiguity-rate", max_ambiguity_rate, 0.2),
        max_failure_rate=_rate_option("--max-failure-rate", max_failure_rate, 0.2),
        max_manual_backlog=_int_option("--max-manual-backlog", max_manual_backlog, 5, 0),
        max_drill_age_hours=_int_option("--max-drill-age-hours", max_drill_age_hours, 168, 1),
    )


def new_trace_id(explicit: str | None = None) -> str:
    """The caller's trace id, else ``OPS_MANAGER_TRACE_ID``, else a fresh UUID."""
    return explicit or os.environ.get("OPS_MANAGER_TRACE_ID") or str(uuid.uuid4())


def load_json(path: Path, what: str) -> Any:
    data = read_bytes(path, what)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise OrchestratorError(f"invalid {what} JSON: {path}") from exc


def _fleet_status(paths: DecisionPaths, now: datetime) -> tuple[Any, str]:
    if paths.fleet_status_file is not None:
        if not paths.fleet_status_file.exists():
            raise OrchestratorError(f"fleet status file not found: {paths.fleet_status_file}")
        return load_json(paths.fleet_status_file, "fleet status"), "file"
    from orchestrator.core.fleet_status import fleet_status_json
    from orchestrator.store.fleet_state import load_fleet_state

    return fleet_status_json(load_fleet_state(paths.repo), now), "generated"


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            yield chunk


def _unreadable(path: Path, gate: str, exc: OSError | OrchestratorError) -> EvidenceError:
    reason = exc.message if isinstance(exc, OrchestratorError) else (exc.strerror or str(exc))
    return EvidenceError(file=str(path), field="$", message=f"unreadable: {reason}", gate=gate)


def gather_evidence(paths: DecisionPaths, thresholds: Thresholds, now: datetime) -> tuple[Evidence, str]:
    status_doc, status_source = _fleet_status(paths, now)
    status = read_fleet_status(status_doc, str(paths.fleet_status_file or "fleet status (generated)"))

    handoff = None
    handoff_error = None
    handoff_path = paths.handoff_telemetry_file
    if handoff_path.is_dir():
        handoff_error = _unreadable(handoff_path, RELIABILITY, OrchestratorError("is a directory"))
    elif handoff_path.exists():
        try:
            handoff = scan_handoff(_chunks(handoff_path), thresholds.window_executions, str(handoff_path))
        except OSError as exc:
            handoff_error = _unreadable(handoff_path, RELIABILITY, exc)

    drills = None
    drill_error = None
    drill_path = paths.drill_state_file
    if drill_path.exists():
        try:
            doc = orjson.loads(read_bytes(drill_path, "drill state"))
            drills = read_drill_state(doc, str(drill_path), REQUIRED_DRILLS, now)
        except OrchestratorError as exc:
            drill_error = _unreadable(drill_path, DRILLS, exc)
        except orjson.JSONDecodeError as exc:
            drill_error = EvidenceError(
                file=str(drill_path), field="$", message=f"not valid JSON ({exc.args[0]})", gate=DRILLS
            )
    evidence = Evidence(
        status=status,
        handoff=handoff,
        drills=drills,
        handoff_unreadable=handoff_error,
        drill_state_unreadable=drill_error,
    )
    return evidence, status_source


def evaluate(paths: DecisionPaths, thresholds: Thresholds, *, now: datetime, trace_id: str) -> PromotionState:
    evidence, status_source = gather_evidence(paths, thresholds, now)
    source = PromotionSource(
        repo_path=str(paths.repo),
        fleet_status_source="file" if status_source == "file" else "generated",
        fleet_status_file=str(paths.fleet_status_file) if paths.fleet_status_file else None,
        handoff_telemetry_file=str(paths.handoff_telemetry_file),
        drill_state_file=str(paths.drill_state_file),
        promotion_state_file=str(paths.promotion_state_file),
        promotion_telemetry_file=str(paths.promotion_telemetry_file),
    )
    return decide(evidence, thresholds, now=now, trace_id=trace_id, source=source)


def record_decision(state: PromotionState, paths: DecisionPaths) -> dict[str, Any]:
    """Write the promotion state (atomically) and append it to the promotion telemetry."""
    payload = state.to_json()
    line = dumps(payload)
    atomic_write(paths.promotion_state_file, line + "\n")
    append_line(paths.promotion_telemetry_file, line)
    return payload
