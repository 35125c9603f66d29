"""The reference validator's cross-field rules, which the JSON Schema cannot express.

Two rule sets guard the registry and they disagree in both directions: the schema (for example,
``fleetId`` must be non-empty) and these rules (for example, unique ``loopId`` values). A registry
must satisfy both. Each rule family below returns its messages in the reference's order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from orchestrator.core.jsonpath import dig, is_number
from orchestrator.core.registry.schema import schema_errors
from orchestrator.core.timestamps import parse_ts

_GOV = "policy.autonomous.governance"
_SCOPE = "policy.autonomous.rollout.scope.loopIds"


def validation_errors(doc: Any, now: datetime, *, require_future_review: bool = True) -> list[str]:
    """Every reason the registry is invalid under the schema or the validator rules."""
    if not isinstance(doc, dict):
        return ["registry must be a JSON object"]
    errors = schema_errors(doc) + rule_errors(doc, now, require_future_review=require_future_review)
    return list(dict.fromkeys(errors))


def rule_errors(doc: dict[str, Any], now: datetime, *, require_future_review: bool) -> list[str]:
    """The reference validator's rules, in its order: loops, governance, rollout scope, suppressions."""
    declared, errors = _loops_errors(doc.get("loops"))
    errors += _governance_errors(doc, now, require_future_review=require_future_review)
    errors += _scope_errors(dig(doc, "policy", "autonomous", "rollout", "scope", "loopIds"), declared)
    errors += _suppression_errors(dig(doc, "policy", "suppressions"), declared)
    return errors


def _loops_errors(loops: Any) -> tuple[set[str], list[str]]:
    """The declared loop ids (which later rules reference) and the loops' own errors."""
    if not isinstance(loops, list):
        return set(), []
    errors: list[str] = []
    ids = [loop.get("loopId") for loop in loops if isinstance(loop, dict)]
    string_ids = [i for i in ids if isinstance(i, str)]
    if len(string_ids) != len(set(string_ids)):
        errors.append("loopId values must be unique")
    for index, loop in enumerate(loops):
        if isinstance(loop, dict):
            errors.extend(f"loops[{index}]: {message}" for message in loop_errors(loop))
    return {i for i in string_ids if i}, errors


def loop_errors(loop: dict[str, Any]) -> list[str]:
    """One loop's transport settings: checked only when present, except a service loop's base URL."""
    sprite = loop.get("sprite")
    service = loop.get("service")
    sprite = sprite if isinstance(sprite, dict) else {}
    service = service if isinstance(service, dict) else {}
    errors = [
        message
        for value, valid, message in (
            (sprite.get("id"), _non_empty_string, "sprite.id must be a non-empty string when present"),
            (service.get("tokenEnv"), _non_empty_string, "service.tokenEnv must be a non-empty string when present"),
            (service.get("retryAttempts"), _at_least(1), "service.retryAttempts must be >= 1 when present"),
            (service.get("retryBackoffSeconds"), _at_least(0), "service.retryBackoffSeconds must be >= 0 when present"),
        )
        if value is not None and not valid(value)
    ]
    if loop.get("transport") == "sprite_service":
        base_url = service.get("baseUrl") or sprite.get("serviceBaseUrl")
        if not _non_empty_string(base_url):
            errors.append("sprite_service loops require service.baseUrl or sprite.serviceBaseUrl")
    return errors


def _non_empty_string(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _at_least(bound: int) -> Callable[[Any], bool]:
    """A check for a JSON number (not a boolean) no smaller than ``bound``."""
    return lambda value: is_number(value) and value >= bound


def _governance_errors(doc: dict[str, Any], now: datetime, *, require_future_review: bool) -> list[str]:
    """Timestamps must parse and be ordered; guarded_auto additionally needs the whole authority."""
    gov = dig(doc, "policy", "autonomous", "governance")
    gov = gov if isinstance(gov, dict) else {}
    changed = parse_ts(gov.get("changedAt"))
    review = parse_ts(gov.get("reviewBy"))
    errors = [
        f"{_GOV}.{key} must be an ISO-8601 timestamp when present"
        for key, stamp in (("changedAt", changed), ("reviewBy", review))
        if gov.get(key) is not None and stamp is None
    ]
    if changed and review and review <= changed:
        errors.append(f"{_GOV}.reviewBy must be after {_GOV}.changedAt")
    if dig(doc, "policy", "mode") == "guarded_auto":
        errors += _guarded_auto_errors(gov, changed, review)
        if require_future_review and review is not None and review <= now:
            errors.append(f"{_GOV}.reviewBy must be in the future when policy.mode is guarded_auto")
    return errors


def _guarded_auto_errors(gov: dict[str, Any], changed: datetime | None, review: datetime | None) -> list[str]:
    """Who approved what and why, and when it changed and is reviewed: required to act alone."""
    errors = [
        f"{_GOV}.{key} is required when policy.mode is guarded_auto"
        for key in ("actor", "approvalRef", "rationale")
        if not _non_empty_string(gov.get(key))
    ]
    errors += [
        f"{_GOV}.{key} must be an ISO-8601 timestamp when policy.mode is guarded_auto"
        for key, stamp in (("changedAt", changed), ("reviewBy", review))
        if stamp is None
    ]
    return errors


def _scope_errors(scope_ids: Any, declared: set[str]) -> list[str]:
    """A rollout scope lists each declared loop at most once (checked only for a list of strings)."""
    if not (isinstance(scope_ids, list) and all(isinstance(i, str) for i in scope_ids)):
        return []
    if len(scope_ids) != len(set(scope_ids)):
        return [f"{_SCOPE} entries must be unique"]
    if any(i and i not in declared for i in scope_ids):
        return [f"{_SCOPE} entries must reference declared loopIds"]
    return []


def _suppression_errors(suppressions: Any, declared: set[str]) -> list[str]:
    """Suppressions are keyed by a declared loop id or the ``*`` wildcard."""
    if not isinstance(suppressions, dict):
        return []
    return [
        f"policy.suppressions.{key} key must reference a declared loopId or *"
        for key in suppressions
        if key != "*" and key not in declared
    ]
