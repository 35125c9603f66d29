"""Registry violations in the reference validator's words, each followed by our precise detail.

The reference (``ops-manager-fleet-registry.sh``) names a field and what it must be
(``policy.autonomous.rollout.canaryPercent must be an integer between 0 and 100 when present``);
operators and their scripts search for those sentences. A violation keeps that sentence and adds
in parentheses what we found: the schema's message, the offending value, the list index. The
schema's errors are mapped to the sentence the reference prints for the same field and kind of
problem (a wrong type or a wrong value); the cross-field rules build theirs directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson

if TYPE_CHECKING:  # reading a registry's rollout point never loads pydantic
    from pydantic_core import ErrorDetails

_SHOWN_MAX = 60
_STRINGS = "entries must be strings"
# Problems with the JSON type of a value (or its absence); the rest are problems with the value.
_TYPE_ERRORS = frozenset(
    {"missing", "dict_type", "list_type", "string_type", "int_type", "float_type", "bool_type", "int_from_float"}
)


class Violation(NamedTuple):
    """One problem: the reference's sentence and what exactly we found."""

    message: str
    detail: str

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


def shown(value: Any) -> str:
    """A value as compact JSON, cut short so one huge value cannot swamp the error line."""
    try:
        text = orjson.dumps(value).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError: integers beyond 64 bits
        text = str(value)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 3] + "..."


def found(value: Any) -> str:
    return f"found {shown(value)}"


def listed(values: Sequence[Any], *, most: int = 5) -> str:
    """The first few values, and how many more there are: a long list must not swamp the error line."""
    text = ", ".join(shown(value) for value in values[:most])
    return f"{text} and {len(values) - most} more" if len(values) > most else text


def _tails() -> dict[tuple[str, ...], tuple[str, str]]:
    """Field pattern → (sentence for a wrong type, sentence for a wrong value), after the field's name.

    In a pattern ``#`` stands for a list index and ``*`` for a suppression key.
    """
    obj = "must be an object when present"
    boolean = "must be boolean when present"
    count = "must be an integer >= 0 when present"
    positive = "must be an integer >= 1 when present"
    rate = "must be a number between 0 and 1 when present"
    text = "must be a non-empty string when present"
    stamp = "must be an ISO-8601 timestamp when present"
    same = {
        ("schemaVersion",): 'must be "v1"',
        ("loops", "#"): "must be an object",
        ("loops", "#", "loopId"): "must be a non-empty string",
        ("loops", "#", "enabled"): boolean,
        ("loops", "#", "transport"): "must be local or sprite_service",
        ("policy", "mode"): "must be advisory or guarded_auto",
        ("policy", "suppressions"): "must be an object mapping loopId to category arrays",
        ("policy", "suppressions", "*"): "must be an array",
        ("policy", "noiseControls", "dedupeWindowSeconds"): count,
        ("policy", "autonomous", "allow", "categories"): "must be an array when present",
        ("policy", "autonomous", "allow", "intents"): "must be an array when present",
        ("policy", "autonomous", "rollout", "canaryPercent"): "must be an integer between 0 and 100 when present",
        ("policy", "autonomous", "rollout", "scope", "loopIds"): "must be an array when present",
        ("policy", "autonomous", "rollout", "pause", "manual"): boolean,
    }
    same |= {("loops", "#", key): obj for key in ("sprite", "service", "metadata")}
    auto = ("policy", "autonomous")
    objects = ("", "allow", "thresholds", "safety", "governance", "rollout")
    same |= {("policy",): obj, ("policy", "noiseControls"): obj}
    same |= {(*auto, key) if key else auto: obj for key in objects}
    same |= {(*auto, "rollout", key): obj for key in ("scope", "selector", "pause", "autoPause")}
    same |= {(*auto, "safety", key): count for key in ("maxActionsPerRun", "maxActionsPerLoop", "cooldownSeconds")}
    same |= {(*auto, "safety", "killSwitch"): boolean, (*auto, "rollout", "autoPause", "enabled"): boolean}
    same |= {(*auto, "governance", key): text for key in ("actor", "approvalRef", "rationale")}
    same |= {(*auto, "governance", key): stamp for key in ("changedAt", "reviewBy")}
    same |= {(*auto, "rollout", "autoPause", key): positive for key in ("lookbackExecutions", "minSampleSize")}
    same |= {(*auto, "rollout", "autoPause", key): rate for key in ("ambiguityRateThreshold", "failureRateThreshold")}
    freeze = (*auto, "rollout", "freeze")
    same |= {freeze: "must be an array when present", (*freeze, "#"): "must be an object"}
    same |= {(*freeze, "#", key): "must be a time of day HH:MM" for key in ("from", "to")}
    same |= {(*freeze, "#", key): "must be a non-empty string" for key in ("reason", "start", "end", "timeZone")}
    same |= {(*freeze, "#", "every"): 'must be "day" or "week"', (*freeze, "#", "days"): "must be an array of days"}
    same |= {(*freeze, "#", "days", "#"): "entries must be mon, tue, wed, thu, fri, sat or sun"}
    tails = {pattern: (tail, tail) for pattern, tail in same.items()}
    strings = _STRINGS
    tails |= {
        ("fleetId",): ("must be a string when present", "must be a non-empty string when present"),
        ("loops",): ("must be an array", "must include at least one loop entry"),
        ("policy", "suppressions", "*", "#"): (strings, "contains unknown categories"),
        (*auto, "allow", "categories", "#"): (strings, "contains unsupported categories"),
        (*auto, "allow", "intents", "#"): (strings, "contains unsupported intents"),
        (*auto, "thresholds", "minSeverity"): (
            "must be a string when present",
            "must be one of critical, warning, info",
        ),
        (*auto, "thresholds", "minConfidence"): ("must be a string when present", "must be one of high, medium, low"),
        (*auto, "rollout", "scope", "loopIds", "#"): (strings, "entries must be non-empty strings"),
        (*auto, "rollout", "selector", "salt"): ("must be a string when present", "must be non-empty when present"),
    }
    return tails


_TAILS = _tails()


def path_text(loc: Sequence[str | int]) -> str:
    """``("policy", "suppressions", "*", 1)`` as ``policy.suppressions.*[1]``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def subject(loc: Sequence[str | int]) -> str:
    """The field as the reference names it; a loop's fields read ``loops[2]: loopId``."""
    if len(loc) >= 2 and loc[0] == "loops" and isinstance(loc[1], int):
        return f"loops[{loc[1]}]: {path_text(loc[2:]) or 'entry'}"
    return path_text(loc)


def _pattern(loc: Sequence[str | int]) -> tuple[str, ...]:
    parts = ["#" if isinstance(part, int) else part for part in loc]
    if len(parts) > 2 and parts[:2] == ["policy", "suppressions"]:
        parts[2] = "*"
    return tuple(parts)


def _is_type_error(error: ErrorDetails) -> bool:
    """A wrong JSON type or a missing field; an enumeration offered a non-string is a type error too."""
    if error["type"] == "literal_error":
        return not isinstance(error.get("input"), str)
    return error["type"] in _TYPE_ERRORS


def schema_violation(error: ErrorDetails) -> Violation:
    """One pydantic error in the reference's sentence for its field, with pydantic's message and the value."""
    loc = error["loc"]
    if error["type"] == "extra_forbidden":
        return Violation(f"{path_text(loc)} is not a field of the registry schema", error["msg"])
    tails = _TAILS.get(_pattern(loc))
    entry = tails is not None and tails[0] == _STRINGS  # a list entry: named by its list and index
    name = subject(loc[:-1]) if entry else subject(loc) or "registry"
    if tails is None:
        message = f"{name} does not match the registry schema"
    else:
        message = f"{name} {tails[0] if _is_type_error(error) else tails[1]}"
    detail = error["msg"] if error["type"] == "missing" else f"{error['msg']}, {found(error.get('input'))}"
    return Violation(message, f"[{loc[-1]}]: {detail}" if entry else detail)


def unique_violations(first: Iterable[Violation], then: Iterable[Violation]) -> list[Violation]:
    """``first`` then those of ``then`` whose sentence ``first`` has not already said (about the same field)."""
    kept = list(first)
    said = {violation.message for violation in kept}
    return kept + [violation for violation in then if violation.message not in said]
