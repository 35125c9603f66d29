"""OpenAPI 3.0 schema objects as JSON Schema (draft 7), so ``jsonschema`` can validate against them.

OpenAPI 3.0's schema dialect is JSON Schema draft 5 with a few changes; the ones GitHub's
description uses are handled here:

* ``nullable: true`` becomes ``null`` among the allowed types (or an ``anyOf`` with ``null`` when
  the schema has no ``type``, as with a ``$ref`` or ``allOf``), and ``null`` joins an ``enum``;
* ``oneOf`` becomes ``anyOf``: GitHub's alternatives overlap (a file answer is also a valid
  symlink answer but for one field), so "exactly one" would refuse real responses. Any one must fit;
* ``$ref`` keeps its ``#/components/...`` pointer; every validation root carries the converted
  ``components`` next to the schema, so the pointers resolve there (draft 7 ignores ``$ref``
  siblings, as OpenAPI 3.0 does);
* the OpenAPI-only keywords (``discriminator``, ``readOnly``, ``example``, ``x-*``, ...) are
  annotations to JSON Schema and stay as they are. ``format`` is not asserted, as in OpenAPI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft7Validator

Json = Any

_SCHEMA_MAPS = ("properties", "patternProperties", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "additionalItems", "propertyNames", "contains")


def to_json_schema(node: Json) -> Json:
    """One OpenAPI schema object (and everything inside it) as a draft 7 schema."""
    if not isinstance(node, Mapping):
        return node
    if "$ref" in node:
        return {"$ref": node["$ref"]}
    out: dict[str, Json] = dict(node)
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf") + list(out.get("anyOf", []))
    for key, value in out.items():
        out[key] = _subschemas(key, value)
    if out.pop("nullable", False) is True:
        return _nullable(out)
    return out


def _subschemas(key: str, value: Json) -> Json:
    """``value`` of keyword ``key`` with the schemas inside it converted."""
    if key in _SCHEMA_MAPS and isinstance(value, Mapping):
        return {name: to_json_schema(sub) for name, sub in value.items()}
    if key in _SCHEMA_VALUES and isinstance(value, Mapping):
        return to_json_schema(value)
    if key in _SCHEMA_LISTS and isinstance(value, list):
        return [to_json_schema(sub) for sub in value]
    return value


def _nullable(schema: dict[str, Json]) -> Json:
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
        return schema
    if isinstance(kind, list):
        schema["type"] = [*kind, "null"] if "null" not in kind else kind
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def convert_components(components: Mapping[str, Json]) -> dict[str, Json]:
    """``components`` with every schema converted; parameters, bodies and responses are converted on use."""
    schemas = components.get("schemas", {})
    return {**components, "schemas": {name: to_json_schema(schema) for name, schema in schemas.items()}}


class SchemaRoot:
    """Validators for schemas of one description, ``$ref`` pointers resolved in its components."""

    def __init__(self, components: Mapping[str, Json]) -> None:
        self.components = convert_components(components)
        self._validators: dict[int, tuple[Json, Draft7Validator]] = {}

    def validator(self, schema: Json) -> Draft7Validator:
        """A validator for the OpenAPI ``schema`` (cached per schema object of the description)."""
        cached = self._validators.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        root = {**to_json_schema(schema), "components": self.components}
        validator = Draft7Validator(root)
        self._validators[id(schema)] = (schema, validator)
        return validator

    def errors(self, schema: Json, value: Json, *, limit: int = 3) -> list[str]:
        """Up to ``limit`` one-line reasons ``value`` does not fit ``schema``, where in it and why."""
        found = sorted(self.validator(schema).iter_errors(value), key=lambda e: list(e.absolute_path))
        return [_describe(error) for error in found[:limit]]


def _describe(error: Json) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
    message = " ".join(str(error.message).split())
    if len(message) > 240:
        message = message[:237] + "..."
    return f"{where}: {message}"
