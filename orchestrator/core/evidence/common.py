"""What every evidence reader shares: the gate names, typed error reporting and value rendering."""

from __future__ import annotations

from typing import Any

import orjson

from orchestrator.core.models import EvidenceError

GOVERNANCE = "governance"
RELIABILITY = "outcome_reliability"
BACKLOG = "manual_backlog"
SAFETY = "safety_suppression"
DRILLS = "drill_recency"

MAX_REPORTED_ERRORS = 20


def is_count(value: object) -> bool:
    return type(value) is int and value >= 0


def describe(value: object) -> str:
    """A short rendering of a rejected value for an error message."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


class Reader:
    """Walks a JSON document, recording a typed error instead of guessing at a wrong type."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[EvidenceError] = []

    def fail(self, gate: str, path: str, message: str) -> None:
        self.errors.append(EvidenceError(file=self.file, field=path, message=message, gate=gate))

    def obj(self, parent: dict[str, Any], key: str, path: str, gate: str) -> dict[str, Any]:
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(gate, path, f"must be an object, found {describe(value)}")
            return {}
        return value

    def flag(self, parent: dict[str, Any], key: str, path: str, gate: str) -> bool | None:
        value = parent.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.fail(gate, path, f"must be true or false, found {describe(value)}")
        return None
