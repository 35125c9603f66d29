"""Reading the fleet registry from disk; its rules and edits are pure and live in the core."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.registry.document import RegistryInvalid, parse_registry_text
from orchestrator.store.files import read_bytes


def read_registry_text(path: Path) -> str:
    """The registry as text; it must be UTF-8 because it is edited in place and committed."""
    data = read_bytes(path, "fleet registry file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OrchestratorError(f"invalid fleet registry JSON: {path} is not UTF-8") from exc


def load_registry(path: Path, now: datetime, *, require_future_review: bool = True) -> dict[str, Any]:
    """The validated registry document, or a one-line error listing what is wrong."""
    from orchestrator.core.registry.rules import validation_errors  # the schema adapter is built on demand

    doc = parse_registry_text(read_registry_text(path), str(path))
    errors = validation_errors(doc, now, require_future_review=require_future_review)
    if errors:
        raise RegistryInvalid(str(path), errors)
    return doc
