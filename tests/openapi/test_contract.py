"""The OpenAPI check itself: it finds operations, converts schemas, and catches what GitHub would not accept."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from tests.fakes.github_contract import ContractCheck, ContractViolation
from tests.fakes.github_server import FakeGitHub
from tests.openapi.contract import API_VERSION, MEDIA_TYPE, Exchange, check_exchange
from tests.openapi.schema import to_json_schema
from tests.openapi.spec import Description, load_description

HEADERS = {"accept": MEDIA_TYPE, "x-github-api-version": API_VERSION}


@pytest.fixture(scope="module")
def description() -> Description:
    loaded = load_description()
    if loaded is None:
        pytest.skip("npm is needed to install GitHub's OpenAPI description")
    return loaded


def test_nullable_one_of_and_refs_become_json_schema() -> None:
    assert to_json_schema({"type": "string", "nullable": True, "enum": ["a"]}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }
    assert to_json_schema({"allOf": [{"$ref": "#/x"}], "nullable": True}) == {
        "anyOf": [{"allOf": [{"$ref": "#/x"}]}, {"type": "null"}]
    }
    assert to_json_schema({"oneOf": [{"type": "string"}], "properties": {"type": {"type": "integer"}}}) == {
        "anyOf": [{"type": "string"}],
        "properties": {"type": {"type": "integer"}},
    }
    assert to_json_schema({"$ref": "#/components/schemas/a", "description": "ignored"}) == {
        "$ref": "#/components/schemas/a"
    }


@pytest.mark.parametrize(
    ("method", "path", "template", "params"),
    [
        ("GET", "/repos/a/b", "/repos/{owner}/{repo}", {"owner": "a", "repo": "b"}),
        ("GET", "/repos/a/b/git/ref/heads/x/y", "/repos/{owner}/{repo}/git/ref/{ref}", {"ref": "heads/x/y"}),
        ("GET", "/repos/a/b/contents/d/f.json", "/repos/{owner}/{repo}/contents/{path}", {"path": "d/f.json"}),
        ("GET", "/repos/a/b/commits/abc/status", "/repos/{owner}/{repo}/commits/{ref}/status", {"ref": "abc"}),
    ],
)
def test_paths_find_their_operation(
    description: Description, method: str, path: str, template: str, params: dict[str, str]
) -> None:
    operation = description.operation(method, path)
    assert operation is not None
    assert operation.template == template
    assert params.items() <= operation.path_params.items()


def test_a_fitting_exchange_has_no_problems(description: Description) -> None:
    exchange = Exchange("GET", "/repos/a/b/commits/abc/check-runs", {"per_page": "100"}, HEADERS, None, 200, _runs([]))
    assert check_exchange(description, exchange) == []


def _runs(items: list[Any]) -> Any:
    return {"total_count": len(items), "check_runs": items}


@pytest.mark.parametrize(
    ("exchange", "expected"),
    [
        (Exchange("GET", "/repos/a/b/nothing-here", {}, HEADERS, None, 200, {}), "no such operation"),
        (Exchange("GET", "/repos/a/b/git/refs/heads/main", {}, HEADERS, None, 200, {}), "no such operation"),
        (
            Exchange("GET", "/repos/a/b/commits/c/check-runs", {"perpage": "1"}, HEADERS, None, 200, _runs([])),
            "query parameter perpage is not documented",
        ),
        (
            Exchange("GET", "/repos/a/b/commits/c/check-runs", {"per_page": "x"}, HEADERS, None, 200, _runs([])),
            "query parameter per_page='x'",
        ),
        (
            Exchange(
                "POST",
                "/repos/a/b/deployments",
                {},
                {**HEADERS, "accept": "application/vnd.github.ant-man-preview+json"},
                {"ref": "main"},
                201,
                None,
            ),
            "not the documented media type",
        ),
        (
            Exchange("GET", "/repos/a/b", {}, {"accept": MEDIA_TYPE}, None, 404, {"message": "Not Found"}),
            "X-GitHub-Api-Version is None",
        ),
        (Exchange("POST", "/repos/a/b/git/blobs", {}, HEADERS, {"content": 7}, 201, {}), "body content: 7 is not"),
        (
            Exchange("GET", "/repos/a/b/commits/c/check-runs", {}, HEADERS, None, 200, _runs([{"id": 1}])),
            "check_runs/0: 'node_id' is a required property",
        ),
        (Exchange("GET", "/repos/a/b", {}, HEADERS, None, 204, None), "that status is not documented"),
        (Exchange("GET", "/repos/a/b", {}, HEADERS, None, 502, {"message": 5}), "message: 5 is not of type"),
    ],
)
def test_what_github_would_not_accept_is_a_problem(description: Description, exchange: Exchange, expected: str) -> None:
    problems = check_exchange(description, exchange)
    assert any(expected in problem for problem in problems), problems


def test_the_fake_fails_the_test_when_a_request_does_not_fit(description: Description) -> None:
    gh = FakeGitHub()
    gh.__enter__()
    request = urllib.request.Request(f"{gh.api_url}/repos/acme/fleet")
    request.add_header("Authorization", f"Bearer {gh.token}")
    request.add_header("X-GitHub-Api-Version", API_VERSION)
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["full_name"] == "acme/fleet"
    with pytest.raises(ContractViolation, match=r"Accept is None"):
        gh.__exit__(None, None, None)


def test_a_failing_test_keeps_its_own_error_with_the_violations_as_a_note(description: Description) -> None:
    check = ContractCheck(description)
    assert check.observe(Exchange("GET", "/nowhere", {}, HEADERS, None, 200, {}))
    error = KeyError("the test's own failure")
    check.settle(error)
    assert any("no such operation" in note for note in error.__notes__)
    with pytest.raises(ContractViolation):
        check.settle(None)
