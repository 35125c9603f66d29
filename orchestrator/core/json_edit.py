"""Edit values inside a JSON document's text without reformatting the rest.

The registry is a file operators review in pull requests: an apply must show up in ``git diff`` as
the few values it changed. This module finds the text span of a member by its key path and splices
in the new value; missing members are inserted in the parent's own layout.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")


@dataclass
class _Node:
    start: int
    end: int
    members: dict[str, tuple[int, _Node]] = field(default_factory=dict)
    is_object: bool = False


class JsonEditError(ValueError):
    pass


def _skip_ws(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


def _parse(text: str, pos: int) -> _Node:
    """The value starting at ``pos`` (after whitespace), with the spans of every nested member."""
    pos = _skip_ws(text, pos)
    if pos >= len(text):
        raise JsonEditError("unexpected end of JSON")
    char = text[pos]
    if char == "{":
        return _parse_object(text, pos)
    if char == "[":
        return _parse_array(text, pos)
    if char == '"':
        _, end = _DECODER.raw_decode(text, pos)
        return _Node(start=pos, end=end)
    match = _SCALAR.match(text, pos)
    if not match:
        raise JsonEditError(f"unexpected character at offset {pos}")
    return _Node(start=pos, end=match.end())


def _parse_object(text: str, start: int) -> _Node:
    """An object and its members by key, each with the offset of its key (where its line starts)."""
    node = _Node(start=start, end=start, is_object=True)
    pos = _skip_ws(text, start + 1)
    if text[pos] == "}":
        node.end = pos + 1
        return node
    while True:
        key_start, key, child = _parse_member(text, pos)
        node.members[key] = (key_start, child)
        pos, closed = _after_item(text, child.end, "}")
        if closed:
            node.end = pos
            return node


def _parse_member(text: str, pos: int) -> tuple[int, str, _Node]:
    """One ``"key": value`` member: where its key starts, the key, and the value's node."""
    pos = _skip_ws(text, pos)
    if text[pos] != '"':
        raise JsonEditError(f"expected a key at offset {pos}")
    key_start = pos
    key, pos = _DECODER.raw_decode(text, pos)
    pos = _skip_ws(text, pos)
    if text[pos] != ":":
        raise JsonEditError(f"expected ':' at offset {pos}")
    return key_start, key, _parse(text, pos + 1)


def _parse_array(text: str, start: int) -> _Node:
    """An array: only its span matters, since edits address object members by key."""
    node = _Node(start=start, end=start)
    pos = _skip_ws(text, start + 1)
    if text[pos] == "]":
        node.end = pos + 1
        return node
    while True:
        child = _parse(text, pos)
        pos, closed = _after_item(text, child.end, "]")
        if closed:
            node.end = pos
            return node


def _after_item(text: str, pos: int, close: str) -> tuple[int, bool]:
    """After a member or element: the offset past ``,`` (not closed) or past ``close`` (closed)."""
    pos = _skip_ws(text, pos)
    if text[pos] == ",":
        return pos + 1, False
    if text[pos] == close:
        return pos + 1, True
    raise JsonEditError(f"expected ',' or '{close}' at offset {pos}")


def _indent_unit(text: str) -> str | None:
    """The document's indentation step, or None for a single-line document."""
    match = re.search(r"\n([ \t]+)\S", text)
    return match.group(1) if match else None


def _line_indent(text: str, pos: int) -> str:
    line_start = text.rfind("\n", 0, pos) + 1
    return re.match(r"[ \t]*", text[line_start:]).group(0)  # type: ignore[union-attr]


def _render(value: Any, unit: str | None, base: str) -> str:
    if unit is None:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    rendered = json.dumps(value, ensure_ascii=False, indent=len(unit) if unit.strip(" ") == "" else unit)
    return rendered.replace("\n", "\n" + base)


def set_values(text: str, updates: list[tuple[tuple[str, ...], Any]]) -> str:
    """Apply ``(path, value)`` updates in order, each on the text the previous one produced."""
    for path, value in updates:
        text = _set_value(text, path, value)
    return text


def _set_value(text: str, path: tuple[str, ...], value: Any) -> str:
    try:
        root = _parse(text, 0)
    except (IndexError, json.JSONDecodeError) as exc:
        raise JsonEditError("the document is not valid JSON") from exc
    unit = _indent_unit(text)
    node = root
    for depth, key in enumerate(path):
        if not node.is_object:
            raise JsonEditError(f"{'.'.join(path[:depth]) or '$'} is not an object")
        if key in node.members:
            _, child = node.members[key]
            if depth == len(path) - 1:
                base = _line_indent(text, node.members[key][0])
                return text[: child.start] + _render(value, unit, base) + text[child.end :]
            node = child
            continue
        nested: Any = value
        for inner in reversed(path[depth + 1 :]):
            nested = {inner: nested}
        return _insert_member(text, node, key, nested, unit)
    raise JsonEditError("empty path")


def _insert_member(text: str, parent: _Node, key: str, value: Any, unit: str | None) -> str:
    close = parent.end - 1
    key_text = json.dumps(key, ensure_ascii=False)
    if not parent.members:
        if unit is None:
            return text[:close] + f"{key_text}: {_render(value, None, '')}" + text[close:]
        outer = _line_indent(text, parent.start)
        inner = outer + (unit or "")
        member = f"\n{inner}{key_text}: {_render(value, unit, inner)}\n{outer}"
        return text[: parent.start + 1] + member + text[parent.end - 1 :]
    last_key_pos, last_child = max(parent.members.values(), key=lambda item: item[1].end)
    multiline = "\n" in text[parent.start : parent.end]
    if multiline and unit is not None:
        base = _line_indent(text, last_key_pos)
        member = f",\n{base}{key_text}: {_render(value, unit, base)}"
    else:
        member = f", {key_text}: {_render(value, None, '')}"
    return text[: last_child.end] + member + text[last_child.end :]
