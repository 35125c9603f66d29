"""Tolerant reading of the loose JSON that other tools write, and the v1 fallback and ordering rules.

Fleet inputs are not validated up front: a missing or mistyped value must fall back the way the
v1 contract defines instead of failing the whole status, so every accessor here accepts anything.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any

from orchestrator.core.jsonpath import is_number


def obj(value: Any) -> dict[str, Any]:
    """``value`` if it is an object, else an empty one (so ``.get`` chains never raise)."""
    return value if isinstance(value, dict) else {}


def arr(value: Any) -> list[Any]:
    """``value`` if it is an array, else an empty one."""
    return value if isinstance(value, list) else []


def objects(value: Any) -> Iterator[dict[str, Any]]:
    """The object members of an array; other members are ignored, as the v1 rules skip them."""
    return (item for item in arr(value) if isinstance(item, dict))


def fallback(value: Any, default: Any) -> Any:
    """The contract's fallback rule (jq's ``//``): an absent, null or false value yields the default."""
    return default if value is None or value is False else value


def clone(value: Any) -> Any:
    """A private deep copy of an input value, so the status never aliases its input."""
    return copy.deepcopy(value)


def echo(value: Any, default: Any = None) -> Any:
    """A private copy of an operator value, or ``default`` where the fallback rule applies."""
    return copy.deepcopy(fallback(value, default))


def order_key(value: Any) -> tuple[Any, ...]:
    """Total order over JSON values (null < false < true < numbers < strings < arrays < objects).

    Mixed-type reason lists must sort the same way on every run, as jq's ``sort``/``unique`` do.
    """
    if value is None or isinstance(value, bool):
        return ({None: 0, False: 1, True: 2}[value],)
    if is_number(value):
        return (3, value)
    if isinstance(value, str):
        return (4, value)
    if isinstance(value, list):
        return (5, [order_key(item) for item in value])
    if isinstance(value, dict):
        keys = sorted(value)
        return (6, keys, [order_key(value[key]) for key in keys])
    return (7, repr(value))


def positive(value: Any) -> bool:
    """jq's ``> 0`` over any JSON value (strings, arrays and objects all compare above numbers)."""
    return order_key(value) > order_key(0)


def unique(values: Iterable[Any]) -> list[Any]:
    """Sorted and de-duplicated, so reason-code lists compare equal regardless of input order."""
    result: list[Any] = []
    last: tuple[Any, ...] | None = None
    for value in sorted(values, key=order_key):
        key = order_key(value)
        if key != last:
            result.append(value)
            last = key
    return result


def numbers(values: Iterable[Any]) -> list[int | float]:
    """Only the numeric values: counts written as strings or booleans are not counted."""
    return [value for value in values if is_number(value)]


def total(counts: dict[str, Any]) -> int | float:
    """Sum of the numeric members of a count map."""
    return sum(numbers(counts.values()))


def tally(keys: Iterable[str]) -> dict[str, int]:
    """Occurrences of each key, in first-seen order (the order the status reports them)."""
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts
