"""Text-preserving JSON edits: only the changed values differ, in the document's own layout."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.core.json_edit import JsonEditError, set_values

REGISTRY = """{
  "schemaVersion": "v1",
  "fleetId": "f",
  "x-unknown": {"keep": "me", "list": [3, 1, 2]},
  "policy": {
    "mode": "guarded_auto",
    "autonomous": {
      "rollout": {
        "canaryPercent": 10,
        "pause": { "manual": false }
      }
    }
  }
}
"""


def test_replacing_a_value_changes_only_that_span() -> None:
    out = set_values(REGISTRY, [(("policy", "autonomous", "rollout", "canaryPercent"), 35)])
    assert out == REGISTRY.replace('"canaryPercent": 10', '"canaryPercent": 35')


def test_inline_object_keeps_its_inline_layout() -> None:
    out = set_values(REGISTRY, [(("policy", "autonomous", "rollout", "pause", "manual"), True)])
    assert out == REGISTRY.replace('"manual": false', '"manual": true')


def test_missing_member_is_inserted_in_the_parents_layout() -> None:
    out = set_values(REGISTRY, [(("policy", "autonomous", "governance", "actor"), "ops")])
    doc = json.loads(out)
    assert doc["policy"]["autonomous"]["governance"] == {"actor": "ops"}
    assert list(doc["policy"]["autonomous"]) == ["rollout", "governance"]
    assert '\n      "governance": {\n        "actor": "ops"\n      }\n' in out
    assert out.startswith(REGISTRY.split('"rollout"')[0])


def test_compact_document_stays_on_one_line() -> None:
    text = '{"a":{"b":1},"c":[1,2]}'
    out = set_values(text, [(("a", "d"), {"e": None}), (("a", "b"), 2)])
    assert "\n" not in out
    assert json.loads(out) == {"a": {"b": 2, "d": {"e": None}}, "c": [1, 2]}


def test_insert_into_empty_object() -> None:
    text = '{\n  "a": {},\n  "b": 1\n}\n'
    out = set_values(text, [(("a", "k"), "v")])
    assert json.loads(out) == {"a": {"k": "v"}, "b": 1}
    assert out.endswith('  "b": 1\n}\n')


def test_unicode_and_escapes_are_untouched() -> None:
    text = '{\n  "naïve \\"key\\"": "line\\nbreak \\u00e9",\n  "n": 1\n}\n'
    out = set_values(text, [(("n",), 2), (("new",), "ünï")])
    assert out.startswith('{\n  "naïve \\"key\\"": "line\\nbreak \\u00e9",\n  "n": 2')
    assert json.loads(out)["new"] == "ünï"


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"a": [1, 2]}', ("a", "b")),
        ('{"a": "text"}', ("a", "b")),
        ("[1, 2]", ("a",)),
        ('{"a": 1}', ()),
    ],
)
def test_paths_through_non_objects_are_refused(text: str, path: tuple[str, ...]) -> None:
    with pytest.raises(JsonEditError):
        set_values(text, [(path, 1)])


@pytest.mark.parametrize("text", ['{"a": 1', '{"a": ', "{", '{"a" 1}', '{"a": tru}', ""])
def test_malformed_text_raises_json_edit_error(text: str) -> None:
    """Only ``JsonEditError`` is translated into a one-line error by the registry adapter."""
    with pytest.raises(JsonEditError):
        set_values(text, [(("a",), 2)])


keys = st.text(min_size=1, max_size=6)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
documents = st.recursive(
    st.dictionaries(keys, scalars, max_size=4),
    lambda inner: st.dictionaries(keys, st.one_of(scalars, inner, st.lists(scalars, max_size=3)), max_size=4),
    max_leaves=12,
)


def _object_paths(doc: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for key, value in doc.items():
        if isinstance(value, dict):
            paths.extend(_object_paths(value, (*prefix, key)))
    return paths


def _set(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc.setdefault(key, {})
    doc[path[-1]] = value


@settings(max_examples=200, deadline=None)
@given(
    doc=documents,
    indent=st.sampled_from([None, 2, 4, "\t"]),
    key=keys,
    value=st.one_of(scalars, st.dictionaries(keys, scalars, max_size=2)),
    data=st.data(),
)
def test_any_edit_parses_to_the_expected_document(
    doc: dict[str, Any], indent: int | str | None, key: str, value: Any, data: st.DataObject
) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=data.draw(st.booleans()))
    parent = data.draw(st.sampled_from(_object_paths(doc)))
    path = (*parent, key)
    expected = json.loads(text)
    _set(expected, path, value)
    out = set_values(text, [(path, value)])
    assert json.loads(out) == expected
    if indent is None:
        assert "\n" not in out
    else:
        assert json.loads(set_values(out, [(path, value)])) == expected
