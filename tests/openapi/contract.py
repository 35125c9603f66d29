"""Checking one HTTP exchange against GitHub's OpenAPI description: the request, then the response.

``check_request`` finds the operation, then checks the path parameters, the query (every parameter
must be documented, required ones present, each value of its type), the ``Accept`` and
``X-GitHub-Api-Version`` headers GitHub documents for the REST API, and the JSON body against the
request body schema. ``check_response`` checks the status is documented for the operation and the
JSON body fits its schema; an error status the operation does not list must still be GitHub's
basic error (``message``, ``documentation_url``). Each returns one-line problems; none means it fits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tests.openapi.spec import Description, Operation

Json = Any

API_VERSION = "2022-11-28"
MEDIA_TYPE = "application/vnd.github+json"
_INTEGER = re.compile(r"-?\d+")
BASIC_ERROR: Json = {"$ref": "#/components/schemas/basic-error"}


@dataclass(frozen=True)
class Exchange:
    """One request (``path`` without the API prefix, decoded query, lower-case headers) and its answer."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Json
    status: int = 0
    response: Json = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def check_request(description: Description, exchange: Exchange) -> tuple[Operation | None, list[str]]:
    """The operation the request calls and what is wrong with the request."""
    operation = description.operation(exchange.method, exchange.path)
    if operation is None:
        return None, [f"{exchange.label}: no such operation in GitHub's REST API {description.version}"]
    problems = _headers(exchange.headers)
    problems += _parameters(description, operation, exchange)
    problems += _body(description, operation, exchange.body)
    where = f"{exchange.label} ({operation.operation_id})"
    return operation, [f"{where}: {p}" for p in problems]


def check_response(description: Description, operation: Operation, exchange: Exchange) -> list[str]:
    """What is wrong with the answer ``exchange.status`` / ``exchange.response`` to ``operation``."""
    where = f"{exchange.label} ({operation.operation_id}) answered {exchange.status}"
    responses = operation.spec.get("responses", {})
    documented = responses.get(str(exchange.status), responses.get("default"))
    if documented is None and exchange.status < 400:
        return [f"{where}: that status is not documented (documented: {', '.join(sorted(responses))})"]
    schema = _json_schema(description.resolve(documented)) if documented is not None else None
    if schema is None and exchange.status >= 400:
        # An error the operation does not list, or lists without a body (a 404 "if the user is not a
        # member"): GitHub still answers its basic error object.
        schema = BASIC_ERROR
    if schema is None:
        if exchange.response not in (None, b"", ""):
            return [f"{where}: the operation answers without a body, but one was sent"]
        return []
    return [f"{where}: {p}" for p in description.schemas.errors(schema, exchange.response)]


def _headers(headers: Mapping[str, str]) -> list[str]:
    problems = []
    if headers.get("accept") != MEDIA_TYPE:
        problems.append(f"Accept is {headers.get('accept')!r}, not the documented media type {MEDIA_TYPE}")
    if headers.get("x-github-api-version") != API_VERSION:
        problems.append(f"X-GitHub-Api-Version is {headers.get('x-github-api-version')!r}, not {API_VERSION}")
    return problems


def _parameters(description: Description, operation: Operation, exchange: Exchange) -> list[str]:
    declared = [
        description.resolve(p)
        for p in (*operation.path_item.get("parameters", []), *operation.spec.get("parameters", []))
    ]
    problems = []
    query_names = set()
    for parameter in declared:
        where, name = parameter.get("in"), str(parameter.get("name"))
        if where == "path":
            value: str | None = operation.path_params.get(name)
        elif where == "query":
            query_names.add(name)
            value = exchange.query.get(name)
        else:
            continue
        if value is None:
            if parameter.get("required"):
                problems.append(f"the required {where} parameter {name} is missing")
            continue
        schema = parameter.get("schema", {})
        for reason in description.schemas.errors(schema, _typed(value, schema)):
            problems.append(f"{where} parameter {name}={value!r}: {reason}")
    for name in sorted(set(exchange.query) - query_names):
        problems.append(f"query parameter {name} is not documented for this operation")
    return problems


def _typed(value: str, schema: Mapping[str, Json]) -> Json:
    """A query or path value as the type its schema declares, when it reads as one."""
    kind = schema.get("type")
    if kind == "integer" and _INTEGER.fullmatch(value):
        return int(value)
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    if kind == "array":
        return value.split(",")
    return value


def _body(description: Description, operation: Operation, body: Json) -> list[str]:
    declared = operation.spec.get("requestBody")
    if declared is None:
        return [] if body is None else ["a request body was sent, but the operation takes none"]
    request_body = description.resolve(declared)
    schema = _json_schema(request_body)
    if body is None:
        return ["the required request body is missing"] if request_body.get("required") else []
    if schema is None:
        return ["a JSON body was sent, but the operation takes no JSON"]
    return [f"body {p}" for p in description.schemas.errors(schema, body)]


def _json_schema(declared: Mapping[str, Json]) -> Json | None:
    """The schema of the ``application/json`` content (else the first JSON-like one), if any."""
    content = declared.get("content") or {}
    if "application/json" in content:
        return content["application/json"].get("schema", {})
    for media, entry in content.items():
        if media.endswith("json"):
            return entry.get("schema", {})
    return None


def check_exchange(description: Description, exchange: Exchange) -> list[str]:
    """Everything wrong with the request and, when it names an operation, with its answer."""
    operation, problems = check_request(description, exchange)
    if operation is not None:
        problems += check_response(description, operation, exchange)
    return problems
