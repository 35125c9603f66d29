"""The apply journal: the whole effect of one apply, written before any of it.

An apply changes three files (registry, audit line, apply state). The journal is written
atomically first, so after a crash it is either absent or whole, and the next apply completes it
before planning: a retry with the same idempotency key then replays instead of applying twice.
Callers hold the fleet lock (``files.exclusive_lock``) around every function here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.jsontext import dumps
from orchestrator.store.files import append_line, atomic_write, exists, read_bytes, read_text_if_exists, remove


@dataclass(frozen=True)
class JournalEntry:
    """The three writes of one apply; ``telemetry_line`` is ``None`` for a replay (nothing to append)."""

    registry_file: Path
    registry_text: str
    telemetry_file: Path
    telemetry_line: str | None
    state_file: Path
    state_text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "registryFile": str(self.registry_file),
            "registryText": self.registry_text,
            "applyTelemetryFile": str(self.telemetry_file),
            "telemetryLine": self.telemetry_line,
            "applyStateFile": str(self.state_file),
            "applyStateText": self.state_text,
        }

    @classmethod
    def read(cls, journal: Path) -> JournalEntry:
        try:
            data = orjson.loads(read_bytes(journal, "apply journal"))
            return cls(
                registry_file=Path(data["registryFile"]),
                registry_text=data["registryText"],
                telemetry_file=Path(data["applyTelemetryFile"]),
                telemetry_line=data["telemetryLine"],
                state_file=Path(data["applyStateFile"]),
                state_text=data["applyStateText"],
            )
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise OrchestratorError(f"cannot recover the interrupted apply recorded in {journal}: {exc}") from exc


def _finish(journal: Path, entry: JournalEntry, *, registry_now: str, line_recorded: bool) -> None:
    """Make the journaled writes that are not yet on disk, then drop the journal."""
    if registry_now != entry.registry_text:
        atomic_write(entry.registry_file, entry.registry_text)
    if entry.telemetry_line is not None and not line_recorded:
        append_line(entry.telemetry_file, entry.telemetry_line)
    atomic_write(entry.state_file, entry.state_text)
    remove(journal)


def recover(journal: Path) -> bool:
    """Complete an interrupted apply; True when there was one. Each write is skipped if it already landed."""
    if not exists(journal):
        return False
    entry = JournalEntry.read(journal)
    telemetry = read_text_if_exists(entry.telemetry_file, "apply telemetry file")
    _finish(
        journal,
        entry,
        registry_now=read_text_if_exists(entry.registry_file, "fleet registry file"),
        line_recorded=entry.telemetry_line in telemetry.split("\n"),
    )
    return True


def commit(journal: Path, entry: JournalEntry, *, registry_now: str) -> None:
    """Journal the three writes, then make them; a crash after the journal is completed by ``recover``."""
    atomic_write(journal, dumps(entry.to_json()) + "\n")
    _finish(journal, entry, registry_now=registry_now, line_recorded=False)
