"""The registry document: parsing its text and reading the rollout, the mode and the fleet id from it."""

from __future__ import annotations

from typing import Any

import orjson

from orchestrator.core import strictjson
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.jsonpath import dig
from orchestrator.core.registry.messages import Violation, found


class RegistryInvalid(OrchestratorError):
    """The registry breaks the schema or the rules: every violation, on one line.

    The reference prints ``error: invalid fleet registry: <file>`` and then one `` - <violation>``
    line each; the contract here is one ``error:`` line, so the violations follow the file,
    separated by ``; `` and counted when there are several.
    """

    def __init__(self, path: str, errors: list[str]) -> None:
        count = f"{len(errors)} problems: " if len(errors) > 1 else ""
        super().__init__(f"invalid fleet registry: {path}: {count}{'; '.join(errors)}")
        self.errors = errors


def parse_registry_text(text: str, path: str) -> dict[str, Any]:
    """The registry object from its text; unreadable JSON and non-objects are refused by name."""
    try:
        doc = strictjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise OrchestratorError(f"invalid fleet registry JSON: {path}") from exc
    except ValueError as exc:
        raise RegistryInvalid(path, [f"registry {exc}"]) from exc
    if not isinstance(doc, dict):
        raise RegistryInvalid(path, [str(Violation("registry must be a JSON object", found(doc)))])
    return doc


def rollout_point(doc: dict[str, Any]) -> tuple[int, bool]:
    """Current canary percent (default 100) and manual pause (default false)."""
    rollout = dig(doc, "policy", "autonomous", "rollout") or {}
    canary = rollout.get("canaryPercent", 100)
    manual = (rollout.get("pause") or {}).get("manual", False)
    return int(canary), bool(manual)


def policy_mode(doc: dict[str, Any]) -> str:
    """The policy mode, advisory unless the registry says otherwise (as the reference defaults it)."""
    mode = dig(doc, "policy", "mode")
    return mode if isinstance(mode, str) else "advisory"


def fleet_id(doc: dict[str, Any]) -> str:
    """The fleet's id, ``default`` when absent or empty (as the reference names an unnamed fleet)."""
    value = doc.get("fleetId")
    return value if isinstance(value, str) and value else "default"
