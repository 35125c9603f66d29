"""The apply journal: the whole effect of one apply, written before any of it.

An apply changes three files (registry, audit line, apply state). The journal is written
atomically first, so after a crash it is either absent or whole, and the next apply completes it
before planning: a retry with the same idempotency key then replays instead of applying twice.

The journal is repository content too, so it is trusted only when it proves itself: it carries a
digest over its own content, the fleet it belongs to (id and root) and the registry's digest
before the apply. Its writes always go to this layout's files, never to paths it names. A journal
that does not match is not applied; an expand or resume stops and says how to discard it, while a
rollback, the safety action, goes on and replaces it. Callers hold the fleet lock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.jsontext import dumps
from orchestrator.store.files import append_line, atomic_write, exists, read_bytes, read_text_if_exists, remove
from orchestrator.store.layout import FleetLayout

VERSION = "v2"
MAX_JOURNAL_BYTES = 16 << 20


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class JournalEntry:
    """The three writes of one apply and what binds them to their fleet and starting point."""

    fleet_id: str
    fleet_root: str
    registry_digest_before: str
    registry_text: str
    telemetry_line: str | None
    state_text: str

    def body(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "fleetId": self.fleet_id,
            "fleetRoot": self.fleet_root,
            "registryDigestBefore": self.registry_digest_before,
            "registryText": self.registry_text,
            "telemetryLine": self.telemetry_line,
            "applyStateText": self.state_text,
        }

    def to_text(self) -> str:
        body = self.body()
        return dumps({**body, "digest": digest(dumps(body))}) + "\n"


class UnusableJournal(OrchestratorError):
    """A journal that cannot be trusted to complete an apply; it is never applied."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"the apply journal {path} is not usable ({why}); nothing was changed;"
            f" after checking the registry by hand, discard it with: rm -- '{path}'"
        )


def _parse(text: bytes, path: Path) -> JournalEntry:
    try:
        data = orjson.loads(text)
        body = {key: data[key] for key in ("version", "fleetId", "fleetRoot", "registryDigestBefore")}
        body |= {key: data[key] for key in ("registryText", "telemetryLine", "applyStateText")}
        claimed = data["digest"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        raise UnusableJournal(path, "it is malformed or truncated") from None
    if body["version"] != VERSION or claimed != digest(dumps(body)):
        raise UnusableJournal(path, "its digest does not match its content")
    fields = (body["fleetId"], body["fleetRoot"], body["registryDigestBefore"], body["registryText"])
    if not all(isinstance(value, str) for value in (*fields, body["applyStateText"])):
        raise UnusableJournal(path, "it is malformed")
    if body["telemetryLine"] is not None and not isinstance(body["telemetryLine"], str):
        raise UnusableJournal(path, "it is malformed")
    return JournalEntry(*fields, telemetry_line=body["telemetryLine"], state_text=body["applyStateText"])


def _check_binding(entry: JournalEntry, layout: FleetLayout, fleet_id: str, registry_now: str) -> None:
    path = layout.journal
    if entry.fleet_root != str(layout.repo) or entry.fleet_id != fleet_id:
        raise UnusableJournal(path, f"it belongs to fleet {entry.fleet_id!r} at {entry.fleet_root}")
    if registry_now != entry.registry_text and digest(registry_now) != entry.registry_digest_before:
        raise UnusableJournal(path, "the registry changed after the interrupted apply")


def _finish(layout: FleetLayout, entry: JournalEntry, *, registry_now: str, line_recorded: bool) -> None:
    """Make the journaled writes that are not yet on disk, then drop the journal."""
    if registry_now != entry.registry_text:
        atomic_write(layout.registry, entry.registry_text)
    if entry.telemetry_line is not None and not line_recorded:
        append_line(layout.apply_telemetry, entry.telemetry_line)
    atomic_write(layout.apply_state, entry.state_text)
    remove(layout.journal)


def recover(layout: FleetLayout, *, fleet_id: str, registry_now: str) -> bool:
    """Complete an interrupted apply of this fleet; True when there was one.

    Raises ``UnusableJournal`` when a journal is present but not provably this fleet's, from this
    registry; each write is skipped when it already landed.
    """
    if not exists(layout.journal):
        return False
    try:
        raw = read_bytes(layout.journal, "apply journal", limit=MAX_JOURNAL_BYTES)
    except OrchestratorError as exc:
        raise UnusableJournal(layout.journal, exc.message) from None
    entry = _parse(raw, layout.journal)
    _check_binding(entry, layout, fleet_id, registry_now)
    telemetry = read_text_if_exists(layout.apply_telemetry, "apply telemetry file")
    line_recorded = entry.telemetry_line in telemetry.split("\n")
    _finish(layout, entry, registry_now=registry_now, line_recorded=line_recorded)
    return True


def commit(layout: FleetLayout, entry: JournalEntry, *, registry_now: str) -> None:
    """Journal the three writes, then make them; a crash after the journal is completed by ``recover``."""
    atomic_write(layout.journal, entry.to_text())
    _finish(layout, entry, registry_now=registry_now, line_recorded=False)
