"""GitHub's official OpenAPI description of api.github.com, and finding the operation a request calls.

The description comes from the npm package ``@octokit/openapi`` (pinned by version and integrity in
``tests/openapi/package-lock.json``; GitHub generates it from the same source as its REST docs). It
is installed on first use, never committed. Path templates match one segment per parameter; a
trailing parameter that is a path or a ref (``contents/{path}``, ``git/refs/{ref}``) may span
several segments, as GitHub allows. When several templates fit, the one with the most literal text
wins (``git/refs`` over ``git/{anything}``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.openapi.npm import PROJECTS, NpmUnavailable, ensure_installed, required
from tests.openapi.schema import SchemaRoot

Json = Any

PACKAGE = "@octokit/openapi"
DESCRIPTION = "generated/api.github.com.json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM = re.compile(r"\{([^}/]+)\}")
SPANNING = frozenset({"path", "ref", "branch"})
"""Trailing parameters that may hold slashes: file paths, refs (``heads/main``) and branch names."""


@dataclass(frozen=True)
class Operation:
    """One operation of the description and the path parameters a request gave it."""

    method: str
    template: str
    spec: Mapping[str, Json]
    path_item: Mapping[str, Json]
    path_params: Mapping[str, str]

    @property
    def operation_id(self) -> str:
        return str(self.spec.get("operationId", f"{self.method.upper()} {self.template}"))


@dataclass(frozen=True)
class _Template:
    template: str
    strict: re.Pattern[str]
    loose: re.Pattern[str]
    literal: int
    path_item: Mapping[str, Json]


def _compile(template: str, *, loose: bool) -> re.Pattern[str]:
    """One segment per parameter; with ``loose``, a parameter that ends the template may span several."""
    pattern = ""
    position = 0
    for match in _PARAM.finditer(template):
        pattern += re.escape(template[position : match.start()])
        spans = loose and match.end() == len(template) and match.group(1) in SPANNING
        pattern += f"(?P<{_group(match.group(1))}>{'.+' if spans else '[^/]+'})"
        position = match.end()
    pattern += re.escape(template[position:])
    return re.compile(pattern)


def _group(name: str) -> str:
    return "p_" + re.sub(r"\W", "_", name)


class Description:
    """The parsed description: operations by path template, schemas converted for ``jsonschema``."""

    def __init__(self, document: Mapping[str, Json]) -> None:
        self.document = document
        self.version = str(document.get("info", {}).get("version", "unknown"))
        self.schemas = SchemaRoot(document.get("components", {}))
        self._templates = sorted(
            (
                _Template(
                    template,
                    _compile(template, loose=False),
                    _compile(template, loose=True),
                    len(_PARAM.sub("", template)),
                    item,
                )
                for template, item in document.get("paths", {}).items()
            ),
            key=lambda t: -t.literal,
        )

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation ``method path`` calls (``path`` without the API prefix), or None."""
        verb = method.lower()
        for loose in (False, True):
            for candidate in self._templates:
                if verb not in candidate.path_item:
                    continue
                match = (candidate.loose if loose else candidate.strict).fullmatch(path)
                if match is None:
                    continue
                names = _PARAM.findall(candidate.template)
                params = {name: match.group(_group(name)) for name in names}
                return Operation(verb, candidate.template, candidate.path_item[verb], candidate.path_item, params)
        return None

    def resolve(self, node: Json) -> Json:
        """Follow a local ``$ref`` (``#/components/parameters/owner``) to the object it names."""
        seen = 0
        while isinstance(node, Mapping) and "$ref" in node and seen < 16:
            target: Json = self.document
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
            seen += 1
        return node


def description_path() -> Path:
    return ensure_installed(PROJECTS[1]) / PACKAGE / DESCRIPTION


@functools.cache
def load_description() -> Description | None:
    """The description, installed on first use; None when npm is missing and CI does not require it."""
    try:
        path = description_path()
    except NpmUnavailable:
        if required():
            raise
        return None
    return Description(json.loads(path.read_bytes()))
