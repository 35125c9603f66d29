"""The fake GitHub itself follows the documented behaviour the other tests rely on."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.fakes.github_server import FakeGitHub, git_sha


def call(gh: FakeGitHub, method: str, path: str, body: Any = None, *, token: str | None = None) -> tuple[int, Any, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(gh.api_url + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token or gh.token}")
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("X-GitHub-Api-Version", "2022-11-28")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None, response.headers
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null"), err.headers


def test_object_ids_are_real_git_ids() -> None:
    assert git_sha("blob", b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
    with FakeGitHub() as gh:
        assert gh.repo().empty_tree == "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        status, body, _ = call(gh, "POST", "/repos/acme/fleet/git/blobs", {"content": "hello\n", "encoding": "utf-8"})
        assert (status, body["sha"]) == (201, "ce013625030ba8dba906f756967f9e9ca394464a")


def test_ref_updates_must_fast_forward_unless_forced() -> None:
    with FakeGitHub() as gh:
        first = gh.seed_files({"a": "1"})
        second = gh.commit_files({"a": "2"})
        status, body, _ = call(gh, "PATCH", "/repos/acme/fleet/git/refs/heads/main", {"sha": first, "force": False})
        assert (status, body["message"]) == (422, "Update is not a fast forward")
        status, body, _ = call(gh, "PATCH", "/repos/acme/fleet/git/refs/heads/main", {"sha": second})
        assert (status, body["object"]["sha"]) == (200, second)
        assert [u["force"] for u in gh.repo().ref_updates] == [False, False]


def test_requests_without_the_token_get_401() -> None:
    with FakeGitHub() as gh:
        status, body, _ = call(gh, "GET", "/repos/acme/fleet", token="wrong")
        assert (status, body["message"]) == (401, "Bad credentials")


def test_lists_paginate_with_link_headers() -> None:
    with FakeGitHub() as gh:
        sha = gh.seed_files({"a": "1"})
        for i in range(5):
            gh.repo().add_check_run(sha, f"c{i}")
        status, body, headers = call(gh, "GET", f"/repos/acme/fleet/commits/{sha}/check-runs?per_page=2&page=2")
        assert status == 200
        assert body["total_count"] == 5
        assert len(body["check_runs"]) == 2
        link = headers["Link"]
        assert 'page=3>; rel="next"' in link
        assert 'rel="last"' in link
        assert 'page=1>; rel="first"' in link


def test_contents_are_base64_with_the_blob_sha() -> None:
    with FakeGitHub() as gh:
        gh.seed_files({"dir/a.txt": "hello\n"})
        status, body, _ = call(gh, "GET", "/repos/acme/fleet/contents/dir/a.txt?ref=main")
        assert (status, body["encoding"], body["sha"]) == (200, "base64", git_sha("blob", b"hello\n"))
        status, body, _ = call(gh, "GET", "/repos/acme/fleet/contents/missing.txt")
        assert status == 404


def test_injected_failures_are_served_then_cleared() -> None:
    with FakeGitHub() as gh:
        gh.secondary_rate_limit("GET", r"^/repos/acme/fleet$", retry_after=1)
        status, body, headers = call(gh, "GET", "/repos/acme/fleet")
        assert (status, headers["Retry-After"]) == (403, "1")
        assert "secondary rate limit" in body["message"]
        assert call(gh, "GET", "/repos/acme/fleet")[0] == 200


@pytest.mark.parametrize("bind", ["0.0.0.0", "127.0.0.1"])
def test_the_server_binds_where_asked_and_advertises_a_loopback_url(bind: str) -> None:
    with FakeGitHub(bind=bind, prefix="api/v3") as gh:
        assert gh.api_url == f"http://127.0.0.1:{gh.port}/api/v3"
        assert gh.api_url_for("172.17.0.1") == f"http://172.17.0.1:{gh.port}/api/v3"
        assert call(gh, "GET", "/repos/acme/fleet")[1]["full_name"] == "acme/fleet"
        assert gh.env(host="172.17.0.1")["GITHUB_API_URL"] == f"http://172.17.0.1:{gh.port}/api/v3"
