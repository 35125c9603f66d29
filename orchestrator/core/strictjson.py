"""JSON where a repeated key is an error, not a silent "last one wins".

Two values for one key (``failedCount`` 2 then 0, a drill's ``status`` fail then pass) let a
document say one thing to a reviewer and another to a parser. ``orjson`` checks the syntax fast;
a second pass with the standard library's pair hook finds repeated keys in the documents that
are read whole (registry, state, drills, a status file).
"""

from __future__ import annotations

import json
from typing import Any

import orjson


class DuplicateKeys(ValueError):
    """The document repeats at least one key inside one object; ``keys`` lists them in order."""

    def __init__(self, keys: list[str]) -> None:
        keys = list(dict.fromkeys(keys))
        shown = ", ".join(repr(key) for key in keys[:5])
        super().__init__(f"repeats the key {shown}" if len(keys) == 1 else f"repeats the keys {shown}")
        self.keys = keys


def duplicate_keys(data: bytes | str) -> list[str]:
    """Every key that appears twice in one object of a document already known to be valid JSON."""
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                found.append(key)
            seen.add(key)
        return {}

    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        json.loads(text, object_pairs_hook=pairs)
    except RecursionError:
        raise ValueError("is nested too deeply to be checked") from None
    return found


def loads(data: bytes | str) -> Any:
    """The document, refusing malformed JSON (``orjson.JSONDecodeError``) and repeated keys."""
    value = orjson.loads(data)
    if isinstance(value, dict | list):
        repeated = duplicate_keys(data)
        if repeated:
            raise DuplicateKeys(repeated)
    return value
