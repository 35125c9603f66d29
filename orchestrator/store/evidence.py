"""Reading the evidence files the gates judge: whole documents, or the handoff log in blocks.

Absent optional evidence is ``None`` (the gates fail closed on it); an unreadable file becomes an
``EvidenceError`` for its gate rather than an exception, so the decision still gets written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from orchestrator.core import strictjson
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.models import EvidenceError
from orchestrator.store.confined import entry_kind
from orchestrator.store.files import exists, is_file, open_chunks, read_bytes


def unreadable(path: Path, gate: str, exc: OSError | OrchestratorError) -> EvidenceError:
    reason = exc.message if isinstance(exc, OrchestratorError) else (exc.strerror or str(exc))
    return EvidenceError(file=str(path), field="$", message=f"unreadable: {reason}", gate=gate)


def read_status_document(path: Path) -> tuple[Any, list[str]]:
    """A precomputed fleet status and the keys it repeats; unlike optional evidence it must exist."""
    if not exists(path):
        raise OrchestratorError(f"fleet status file not found: {path}")
    data = read_bytes(path, "fleet status")
    doc = _parse_or_refuse(data, path)
    try:
        return doc, strictjson.duplicate_keys(data)
    except ValueError as exc:
        raise OrchestratorError(f"invalid fleet status JSON: {path} {exc}") from None


def _parse_or_refuse(data: bytes, path: Path) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise OrchestratorError(f"invalid fleet status JSON: {path}") from exc


def handoff_blocks(path: Path, gate: str) -> tuple[Iterator[bytes] | None, EvidenceError | None]:
    """The handoff log as blocks to stream, ``None`` when absent, or why it cannot be read."""
    try:
        kind = entry_kind(path)
    except OrchestratorError as exc:
        return None, unreadable(path, gate, exc)
    if kind == "folder":
        return None, unreadable(path, gate, OrchestratorError("is a directory"))
    if kind == "missing":
        return None, None
    try:
        return open_chunks(path), None
    except (OSError, OrchestratorError) as exc:
        return None, unreadable(path, gate, exc)


def read_drill_document(path: Path, gate: str) -> tuple[Any, EvidenceError | None]:
    """The drill state document, ``None`` when absent, or why it cannot be read."""
    if not exists(path):
        return None, None
    try:
        return strictjson.loads(read_bytes(path, "drill state")), None
    except OrchestratorError as exc:
        return None, unreadable(path, gate, exc)
    except orjson.JSONDecodeError as exc:
        return None, EvidenceError(file=str(path), field="$", message=f"not valid JSON ({exc.args[0]})", gate=gate)
    except ValueError as exc:
        return None, EvidenceError(file=str(path), field="$", message=f"invalid: {exc}", gate=gate)


def missing_files(paths: Iterable[Path | None]) -> list[str]:
    """The given paths that are not regular files, as text (``None`` entries are not asked for)."""
    return [str(path) for path in paths if path is not None and not is_file(path)]
