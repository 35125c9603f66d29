"""Reading untrusted JSON documents by path: one helper for every module that walks nested objects."""

from __future__ import annotations

from typing import Any


def dig(doc: Any, *keys: str) -> Any:
    """The value at ``keys`` inside nested objects, or ``None`` where any step is missing or not an object."""
    for key in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def is_number(value: object) -> bool:
    """A JSON number: ``int`` or ``float``, never ``bool`` (which Python counts as an ``int``)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    """The object without its ``null`` members, as jq's ``with_entries(select(.value != null))``."""
    return {key: value for key, value in values.items() if value is not None}
