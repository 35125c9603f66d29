"""Retries, rate limits and one-line permission errors of the GitHub client, against the fake server."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping

import pytest

from orchestrator.core.errors import OrchestratorError
from orchestrator.github import governance
from orchestrator.github.client import connect, validate_api_url
from orchestrator.github.context import GitHubContext
from orchestrator.github.errors import (
    GitHubError,
    GitHubPermissionError,
    GitHubRateLimitError,
    GitHubUnavailableError,
)
from orchestrator.github.persist import Build, Mutation, persist_mutation
from tests.fakes.github_server import FLEET_PATHS, REGISTRY_PATH, FakeGitHub, canary_texts, fleet_registry


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.seed_files({REGISTRY_PATH: fleet_registry(10)}, message="seed")
        yield server


def open_session(gh: FakeGitHub, sleeps: list[float], **env: str) -> governance.GitHubSession:
    ctx = GitHubContext.from_env(gh.env(**env))
    return governance.open_session(ctx, sleep=sleeps.append, throttle=False)


def build(trace_id: str = "t-1") -> Build:
    def inner(texts: Mapping[str, str | None]) -> Mutation:
        files, before, after = canary_texts(texts, trace_id, 5)
        return Mutation(files, f"apply {before}->{after}", "fleet-a", trace_id, changed=bool(files))

    return inner


def persist(session: governance.GitHubSession, mode: str = "commit") -> object:
    return persist_mutation(
        session.repo,
        branch="main",
        paths=FLEET_PATHS,
        build=build(),
        mode="commit" if mode == "commit" else "pull-request",
    )


def canary(gh: FakeGitHub) -> int:
    return int(json.loads(gh.read_file(REGISTRY_PATH) or "")["policy"]["autonomous"]["rollout"]["canaryPercent"])


def test_server_errors_are_retried_with_backoff_then_succeed(gh: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh.fail("POST", r"/git/blobs$", 502, times=2)
    gh.fail("GET", r"/contents/", 503, times=1)

    persist(open_session(gh, sleeps))

    assert canary(gh) == 15
    assert [r.status for r in gh.seen("POST", r"/git/blobs$")][:3] == [502, 502, 201]
    assert [r.status for r in gh.seen("GET", r"/contents/")][:2] == [503, 200]
    assert sleeps
    assert max(sleeps) <= 30


def test_a_failed_ref_update_is_retried_and_never_forced(gh: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh.fail("PATCH", r"/git/refs/heads/main$", 500, times=1)

    persist(open_session(gh, sleeps))

    assert canary(gh) == 15
    assert [r.body["force"] for r in gh.seen("PATCH", r"/git/refs/")] == [False, False]


def test_secondary_rate_limit_honours_retry_after(gh: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh.secondary_rate_limit("POST", r"/git/trees$", retry_after=1)

    persist(open_session(gh, sleeps))

    assert canary(gh) == 15
    assert 1 in sleeps
    assert [r.status for r in gh.seen("POST", r"/git/trees$")] == [403, 201]


def test_secondary_rate_limit_without_retry_after_waits_the_secondary_pause(gh: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh.fail(
        "POST",
        r"/git/commits$",
        403,
        message="You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    )

    persist(open_session(gh, sleeps))

    assert canary(gh) == 15
    assert 60 in sleeps


def test_too_many_requests_with_retry_after_is_retried(gh: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh.fail("GET", r"/git/ref/heads/main$", 429, headers={"Retry-After": "2"}, message="slow down")

    persist(open_session(gh, sleeps))

    assert 2 in sleeps
    assert canary(gh) == 15


def test_primary_rate_limit_resetting_soon_is_waited_out(gh: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh.primary_rate_limit("POST", r"/git/blobs$", reset_in=2)

    persist(open_session(gh, sleeps))

    assert canary(gh) == 15
    assert any(1 < s <= 4 for s in sleeps)


def test_exhausted_primary_rate_limit_is_one_clear_line(gh: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh.primary_rate_limit("POST", r"/git/blobs$", reset_in=3600)

    with pytest.raises(GitHubRateLimitError) as caught:
        persist(open_session(gh, sleeps))

    message = caught.value.message
    assert message.startswith("GitHub API rate limit exhausted while creating the commit; it resets at 20")
    assert "\n" not in message
    assert canary(gh) == 10
    assert not any(s > 120 for s in sleeps)


def test_persistent_server_errors_give_up_after_the_retry_budget(gh: FakeGitHub) -> None:
    sleeps: list[float] = []
    gh.fail("GET", r"/git/ref/heads/main$", 502, times=None)

    with pytest.raises(GitHubUnavailableError, match=r"HTTP 502\) after retries"):
        persist(open_session(gh, sleeps))

    assert len(gh.seen("GET", r"/git/ref/heads/main$")) == 6
    assert canary(gh) == 10


@pytest.mark.parametrize(
    ("method", "path", "status", "permission", "mode"),
    [
        ("POST", r"/git/blobs$", 403, "contents: write", "commit"),
        ("PATCH", r"/git/refs/", 403, "contents: write", "commit"),
        ("GET", r"/git/ref/heads/main$", 401, "contents: read", "commit"),
        ("POST", r"/pulls$", 403, "pull-requests: write", "pull-request"),
        ("POST", r"/git/refs$", 404, "contents: write", "pull-request"),
    ],
)
def test_denied_operations_name_the_missing_permission(
    gh: FakeGitHub, method: str, path: str, status: int, permission: str, mode: str
) -> None:
    gh.deny(method, path, status)
    with pytest.raises(GitHubPermissionError) as caught:
        persist(open_session(gh, []), mode)

    error = caught.value
    assert f"`{permission}`" in error.message
    assert f"HTTP {status}" in error.message
    assert "\n" not in error.message
    assert (error.permission, error.status) == (permission, status)
    assert canary(gh) == 10


def test_a_wrong_token_is_rejected_in_one_line_without_echoing_it(gh: FakeGitHub) -> None:
    bad = "ghs_wrongTokenValueThatMustNeverBeShown42"
    with pytest.raises(GitHubPermissionError) as caught:
        open_session(gh, [], GITHUB_TOKEN=bad)

    assert caught.value.message == (
        "GitHub rejected the token while reading repository acme/fleet (HTTP 401: Bad credentials); "
        "use a valid token with `contents: read`"
    )
    assert bad not in caught.value.message


def test_the_token_never_reaches_errors_logs_or_results(gh: FakeGitHub, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    session = open_session(gh, [])
    outputs = governance.persist_and_record(
        session, mode="commit", paths=FLEET_PATHS, build=build(), sleep=lambda _: None
    )
    gh.deny("POST", r"/git/blobs$", 403)
    with pytest.raises(OrchestratorError) as caught:
        governance.persist_and_record(
            session, mode="commit", paths=FLEET_PATHS, build=build("t-2"), sleep=lambda _: None
        )

    assert gh.token not in caught.value.message
    assert gh.token not in json.dumps(outputs.report().to_json())
    assert gh.token not in repr(session.context)
    assert gh.token not in caplog.text
    assert "Authorization" not in caplog.text or "removed" in caplog.text
    assert all(gh.token not in json.dumps(r.body) for r in gh.requests)


def test_the_client_targets_the_configured_api_url(gh: FakeGitHub) -> None:
    client = connect(gh.api_url + "/", gh.token, throttle=False)
    assert client.get_repo("acme/fleet").default_branch == "main"
    assert gh.seen("GET", r"^/repos/acme/fleet$")


@pytest.mark.parametrize("url", ["ftp://example.test", "not a url", ""])
def test_a_bad_api_url_is_refused(url: str) -> None:
    with pytest.raises(GitHubError, match="GITHUB_API_URL must be an http"):
        validate_api_url(url)


def test_an_empty_token_is_refused() -> None:
    with pytest.raises(GitHubError, match="a GitHub token is required"):
        connect("http://127.0.0.1:9", "  ")
