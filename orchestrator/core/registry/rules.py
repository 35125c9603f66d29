"""The reference validator's cross-field rules, which the JSON Schema cannot express.

Two rule sets guard the registry and they disagree in both directions: the schema (for example,
``fleetId`` must be non-empty) and these rules (for example, unique ``loopId`` values). A registry
must satisfy both. Every violation of either is reported, in the reference's words followed by
what we found (``messages``); each rule family below returns its violations in the reference's order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from orchestrator.core.freeze import FreezeCalendarInvalid, parse_window
from orchestrator.core.jsonpath import dig, is_number
from orchestrator.core.registry.messages import Violation, found, listed, shown, unique_violations
from orchestrator.core.registry.schema import schema_violations
from orchestrator.core.timestamps import format_ts, parse_ts

_GOV = "policy.autonomous.governance"
_SCOPE = "policy.autonomous.rollout.scope.loopIds"
_FREEZE = "policy.autonomous.rollout.freeze"
_GUARDED = "when policy.mode is guarded_auto"


def validation_errors(doc: Any, now: datetime, *, require_future_review: bool = True) -> list[str]:
    """Every reason the registry is invalid under the schema or the validator rules, one line each."""
    if not isinstance(doc, dict):
        return [str(Violation("registry must be a JSON object", found(doc)))]
    rules = rule_violations(doc, now, require_future_review=require_future_review)
    return list(dict.fromkeys(str(violation) for violation in unique_violations(schema_violations(doc), rules)))


def rule_violations(doc: dict[str, Any], now: datetime, *, require_future_review: bool) -> list[Violation]:
    """The reference validator's rules, in its order: loops, governance, rollout scope, suppressions."""
    declared, violations = _loops_violations(doc.get("loops"))
    violations += _governance_violations(doc, now, require_future_review=require_future_review)
    violations += _scope_violations(dig(doc, "policy", "autonomous", "rollout", "scope", "loopIds"), declared)
    violations += _suppression_violations(dig(doc, "policy", "suppressions"), declared)
    violations += _freeze_violations(dig(doc, "policy", "autonomous", "rollout", "freeze"))
    return violations


def _loops_violations(loops: Any) -> tuple[set[str], list[Violation]]:
    """The declared loop ids (which later rules reference) and the loops' own violations."""
    if not isinstance(loops, list):
        return set(), []
    violations: list[Violation] = []
    ids = [loop.get("loopId") for loop in loops if isinstance(loop, dict)]
    string_ids = [i for i in ids if isinstance(i, str)]
    repeated = [i for i, count in Counter(string_ids).items() if count > 1]
    if repeated:
        violations.append(Violation("loopId values must be unique", f"repeated: {listed(repeated)}"))
    for index, loop in enumerate(loops):
        if isinstance(loop, dict):
            violations += [Violation(f"loops[{index}]: {message}", detail) for message, detail in loop_violations(loop)]
    return {i for i in string_ids if i}, violations


def loop_violations(loop: dict[str, Any]) -> list[tuple[str, str]]:
    """One loop's transport settings: checked only when present, except a service loop's base URL."""
    sprite = loop.get("sprite")
    service = loop.get("service")
    sprite = sprite if isinstance(sprite, dict) else {}
    service = service if isinstance(service, dict) else {}
    problems = [
        (message, found(value))
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
            detail = f"service.baseUrl {_state(service, 'baseUrl')}, sprite.serviceBaseUrl {_state(sprite, 'serviceBaseUrl')}"
            problems.append(("sprite_service loops require service.baseUrl or sprite.serviceBaseUrl", detail))
    return problems


def _state(values: dict[str, Any], key: str) -> str:
    """``missing`` or ``found <value>``: what the registry says for ``key``."""
    return "missing" if values.get(key) is None else found(values[key])


def _non_empty_string(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _at_least(bound: int) -> Callable[[Any], bool]:
    """A check for a JSON number (not a boolean) no smaller than ``bound``."""
    return lambda value: is_number(value) and value >= bound


def _governance_violations(doc: dict[str, Any], now: datetime, *, require_future_review: bool) -> list[Violation]:
    """Timestamps must parse and be ordered; guarded_auto additionally needs the whole authority."""
    raw = dig(doc, "policy", "autonomous", "governance")
    gov = raw if isinstance(raw, dict) else {}
    changed = parse_ts(gov.get("changedAt"))
    review = parse_ts(gov.get("reviewBy"))
    violations = [
        Violation(f"{_GOV}.{key} must be an ISO-8601 timestamp when present", found(gov[key]))
        for key, stamp in (("changedAt", changed), ("reviewBy", review))
        if gov.get(key) is not None and stamp is None
    ]
    if changed and review and review <= changed:
        detail = f"found reviewBy {shown(gov['reviewBy'])}, changedAt {shown(gov['changedAt'])}"
        violations.append(Violation(f"{_GOV}.reviewBy must be after {_GOV}.changedAt", detail))
    if dig(doc, "policy", "mode") == "guarded_auto":
        if not isinstance(raw, dict):
            violations.append(Violation(f"{_GOV} is required {_GUARDED}", "missing" if raw is None else found(raw)))
        violations += _guarded_auto_violations(gov, changed, review)
        if require_future_review and review is not None and review <= now:
            detail = f"{found(gov['reviewBy'])}, now is {format_ts(now)}"
            violations.append(Violation(f"{_GOV}.reviewBy must be in the future {_GUARDED}", detail))
    return violations


def _guarded_auto_violations(gov: dict[str, Any], changed: datetime | None, review: datetime | None) -> list[Violation]:
    """Who approved what and why, and when it changed and is reviewed: required to act alone."""
    violations = [
        Violation(f"{_GOV}.{key} is required {_GUARDED}", _state(gov, key))
        for key in ("actor", "approvalRef", "rationale")
        if not _non_empty_string(gov.get(key))
    ]
    violations += [
        Violation(f"{_GOV}.{key} must be an ISO-8601 timestamp {_GUARDED}", _state(gov, key))
        for key, stamp in (("changedAt", changed), ("reviewBy", review))
        if stamp is None
    ]
    return violations


def _scope_violations(scope_ids: Any, declared: set[str]) -> list[Violation]:
    """A rollout scope lists each declared loop at most once (checked only for a list of strings)."""
    if not (isinstance(scope_ids, list) and all(isinstance(i, str) for i in scope_ids)):
        return []
    repeated = [i for i, count in Counter(scope_ids).items() if count > 1]
    if repeated:
        return [Violation(f"{_SCOPE} entries must be unique", f"repeated: {listed(repeated)}")]
    unknown = [i for i in scope_ids if i and i not in declared]
    if unknown:
        return [Violation(f"{_SCOPE} entries must reference declared loopIds", f"not declared: {listed(unknown)}")]
    return []


def _freeze_violations(windows: Any) -> list[Violation]:
    """Each change-freeze window must be readable: bounds in order, a real time zone, days for a week."""
    if not isinstance(windows, list):
        return []
    violations: list[Violation] = []
    for index, window in enumerate(windows):
        try:
            parse_window(window, f"{_FREEZE}[{index}]")
        except FreezeCalendarInvalid as exc:
            violations.append(Violation(exc.message, found(window)))
    return violations


def _suppression_violations(suppressions: Any, declared: set[str]) -> list[Violation]:
    """Suppressions are keyed by a declared loop id or the ``*`` wildcard."""
    if not isinstance(suppressions, dict):
        return []
    known = f"declared loopIds: {listed(sorted(declared))}" if declared else "no loopIds are declared"
    return [
        Violation(f"policy.suppressions.{key} key must reference a declared loopId or *", known)
        for key in suppressions
        if key != "*" and key not in declared
    ]
