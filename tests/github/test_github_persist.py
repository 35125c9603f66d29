"""Persisting an apply as one commit (or a pull request) through the git data API of a fake GitHub."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping

import pytest

from orchestrator.core.errors import OrchestratorError
from orchestrator.github import governance
from orchestrator.github.context import GitHubContext
from orchestrator.github.errors import PersistConflictError
from orchestrator.github.persist import Build, Mutation, commit_message, persist_mutation, pull_request_branch
from tests.fakes.github_server import (
    APPLY_STATE_PATH,
    APPLY_TELEMETRY_PATH,
    FLEET_PATHS,
    REGISTRY_PATH,
    FakeGitHub,
    canary_texts,
    fleet_registry,
)


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.seed_files({REGISTRY_PATH: fleet_registry(10), "README.md": "fleet\n"}, message="seed")
        yield server


def session(gh: FakeGitHub) -> governance.GitHubSession:
    ctx = GitHubContext.from_env(gh.env())
    return governance.open_session(ctx, sleep=lambda _: None, throttle=False)


def apply_build(trace_id: str, *, step: int = 5, calls: list[dict[str, str | None]] | None = None) -> Build:
    def build(texts: Mapping[str, str | None]) -> Mutation:
        if calls is not None:
            calls.append(dict(texts))
        files, before, after = canary_texts(texts, trace_id, step)
        message = commit_message(
            fleet_id="fleet-a",
            intent="expand",
            canary_before=before,
            canary_after=after,
            actor="alice",
            approval_ref="#7",
            trace_id=trace_id,
        )
        payload = {"intent": "expand", "canaryBefore": before, "canaryAfter": after, "traceId": trace_id}
        return Mutation(files, message, "fleet-a", trace_id, changed=bool(files), payload=payload)

    return build


def canary_at(gh: FakeGitHub, ref: str | None = None) -> int:
    text = gh.read_file(REGISTRY_PATH, ref)
    assert text is not None
    return int(json.loads(text)["policy"]["autonomous"]["rollout"]["canaryPercent"])


def telemetry_chain(gh: FakeGitHub) -> list[tuple[int, int]]:
    text = gh.read_file(APPLY_TELEMETRY_PATH) or ""
    return [(json.loads(x)["canaryBefore"], json.loads(x)["canaryAfter"]) for x in text.splitlines()]


def test_commit_mode_writes_one_commit_with_the_three_files(gh: FakeGitHub) -> None:
    base = gh.head()
    result = persist_mutation(
        session(gh).repo, branch="main", paths=FLEET_PATHS, build=apply_build("t-1"), mode="commit"
    )

    commits = gh.commits()
    assert [c.sha for c in commits[:2]] == [result.commit_sha, base]
    assert gh.repo().changed_paths(commits[0].sha) == set(FLEET_PATHS)
    assert gh.read_file("README.md") == "fleet\n"
    assert canary_at(gh) == 15
    assert telemetry_chain(gh) == [(10, 15)]
    assert json.loads(gh.read_file(APPLY_STATE_PATH) or "")["traceId"] == "t-1"
    message = commits[0].message
    for fact in ("expand", "10 -> 15", "Actor: alice", "Approval-Ref: #7", "Trace-Id: t-1"):
        assert fact in message
    assert (result.attempts, result.rebuilt, result.base_sha) == (1, 0, base)
    assert all(update["force"] is False for update in gh.repo().ref_updates)


def test_commit_uses_blobs_tree_commit_then_a_non_forced_ref_update(gh: FakeGitHub) -> None:
    persist_mutation(session(gh).repo, branch="main", paths=FLEET_PATHS, build=apply_build("t-1"), mode="commit")

    writes = [(r.method, r.path.split("/git/")[-1].split("/")[0]) for r in gh.requests if r.method != "GET"]
    assert writes == [("POST", "blobs")] * 3 + [("POST", "trees"), ("POST", "commits"), ("PATCH", "refs")]
    tree_request = gh.seen("POST", r"/git/trees$")[0].body
    assert tree_request["base_tree"]
    assert {e["path"] for e in tree_request["tree"]} == set(FLEET_PATHS)
    assert gh.seen("PATCH", r"/git/refs/heads/main$")[0].body == {"sha": gh.head(), "force": False}


def test_a_replay_makes_no_commit(gh: FakeGitHub) -> None:
    repo = session(gh).repo
    persist_mutation(repo, branch="main", paths=FLEET_PATHS, build=apply_build("t-1"), mode="commit")
    head = gh.head()

    again = persist_mutation(repo, branch="main", paths=FLEET_PATHS, build=apply_build("t-1"), mode="commit")

    assert again.commit_sha is None
    assert not again.mutation.changed
    assert gh.head() == head
    assert telemetry_chain(gh) == [(10, 15)]


def test_branch_moved_with_unrelated_files_retries_without_rebuilding(gh: FakeGitHub) -> None:
    calls: list[dict[str, str | None]] = []
    gh.on_request(
        "PATCH", r"/git/refs/heads/main$", lambda hub: hub.commit_files({"docs/other.md": "x\n"}, message="other")
    )

    result = persist_mutation(
        session(gh).repo, branch="main", paths=FLEET_PATHS, build=apply_build("t-1", calls=calls), mode="commit"
    )

    assert (result.attempts, result.rebuilt) == (2, 0)
    assert len(calls) == 1
    commits = gh.commits()
    assert commits[0].sha == result.commit_sha
    assert commits[1].message == "other"
    assert gh.read_file("docs/other.md") == "x\n"
    assert canary_at(gh) == 15
    assert [u["force"] for u in gh.repo().ref_updates] == [False, False]


def test_branch_moved_with_a_registry_change_rebuilds_on_fresh_content(gh: FakeGitHub) -> None:
    calls: list[dict[str, str | None]] = []
    gh.on_request(
        "PATCH",
        r"/git/refs/heads/main$",
        lambda hub: hub.commit_files({REGISTRY_PATH: fleet_registry(40)}, message="operator set 40"),
    )

    result = persist_mutation(
        session(gh).repo, branch="main", paths=FLEET_PATHS, build=apply_build("t-1", calls=calls), mode="commit"
    )

    assert (result.attempts, result.rebuilt) == (2, 1)
    assert len(calls) == 2
    assert json.loads(calls[1][REGISTRY_PATH] or "")["policy"]["autonomous"]["rollout"]["canaryPercent"] == 40
    assert canary_at(gh) == 45
    assert telemetry_chain(gh) == [(40, 45)]
    assert gh.commits()[1].message == "operator set 40"


def test_rebuild_after_a_concurrent_identical_apply_is_a_replay(gh: FakeGitHub) -> None:
    def same_trace_lands_first(hub: FakeGitHub) -> None:
        files, _, _ = canary_texts({p: hub.read_file(p) for p in FLEET_PATHS}, "t-1", 5)
        hub.commit_files(files, message="the other runner")

    gh.on_request("PATCH", r"/git/refs/heads/main$", same_trace_lands_first)

    result = persist_mutation(
        session(gh).repo, branch="main", paths=FLEET_PATHS, build=apply_build("t-1"), mode="commit"
    )

    assert result.commit_sha is None
    assert result.rebuilt == 1
    assert telemetry_chain(gh) == [(10, 15)]
    assert gh.commits()[0].message == "the other runner"


def test_gives_up_after_the_bound_without_forcing(gh: FakeGitHub) -> None:
    counter = iter(range(100))
    gh.on_request(
        "PATCH",
        r"/git/refs/heads/main$",
        lambda hub: hub.commit_files({"noise.txt": f"{next(counter)}\n"}),
        times=None,
    )

    with pytest.raises(PersistConflictError) as caught:
        persist_mutation(
            session(gh).repo,
            branch="main",
            paths=FLEET_PATHS,
            build=apply_build("t-1"),
            mode="commit",
            max_attempts=3,
            sleep=lambda _: None,
        )

    assert "after 3 attempts" in caught.value.message
    assert "\n" not in caught.value.message
    assert [u["force"] for u in gh.repo().ref_updates] == [False, False, False]
    assert canary_at(gh) == 10
    assert all("Trace-Id" not in c.message for c in gh.commits())


def test_protected_branch_is_a_clear_error(gh: FakeGitHub) -> None:
    gh.repo().protect("main")
    with pytest.raises(OrchestratorError, match=r"protected.*persist: pull-request"):
        persist_mutation(session(gh).repo, branch="main", paths=FLEET_PATHS, build=apply_build("t"), mode="commit")
    assert canary_at(gh) == 10


def test_missing_branch_is_a_clear_error(gh: FakeGitHub) -> None:
    with pytest.raises(OrchestratorError, match="branch release does not exist in acme/fleet"):
        persist_mutation(session(gh).repo, branch="release", paths=FLEET_PATHS, build=apply_build("t"), mode="commit")


def test_a_build_that_writes_unread_paths_is_refused(gh: FakeGitHub) -> None:
    def sneaky(texts: Mapping[str, str | None]) -> Mutation:
        return Mutation({"elsewhere.txt": "x"}, "m", "fleet-a", "t")

    with pytest.raises(OrchestratorError, match=r"did not read: elsewhere\.txt"):
        persist_mutation(session(gh).repo, branch="main", paths=FLEET_PATHS, build=sneaky, mode="commit")
    assert gh.seen("POST", "/git/") == []


def test_pull_request_mode_commits_on_a_new_branch_and_opens_a_pull_request(gh: FakeGitHub) -> None:
    base = gh.head()
    result = persist_mutation(
        session(gh).repo,
        branch="main",
        paths=FLEET_PATHS,
        build=apply_build("trace/42 x"),
        mode="pull-request",
        pr_body="## Orchestration summary\n\ndecision: promote\n",
    )

    assert result.branch == "promotion-rollout/fleet-a/trace-42-x"
    assert gh.head() == base
    assert gh.head(result.branch) == result.commit_sha
    assert canary_at(gh, result.branch) == 15
    pull = gh.repo().pulls[1]
    assert (pull["head"], pull["base"]) == (result.branch, "main")
    assert pull["body"] == "## Orchestration summary\n\ndecision: promote\n"
    assert pull["title"].startswith("promotion-rollout: expand fleet-a canary 10% -> 15%")
    assert result.pull_request_url == "https://github.example.test/acme/fleet/pull/1"
    assert gh.seen("PATCH", "/git/refs") == []


def test_pull_request_mode_reuses_a_pull_request_left_by_a_retried_call(gh: FakeGitHub) -> None:
    repo = session(gh).repo
    first = persist_mutation(repo, branch="main", paths=FLEET_PATHS, build=apply_build("t-9"), mode="pull-request")
    second = persist_mutation(repo, branch="main", paths=FLEET_PATHS, build=apply_build("t-9"), mode="pull-request")

    assert second.commit_sha == first.commit_sha
    assert second.pull_request_url == first.pull_request_url
    assert len(gh.repo().pulls) == 1


def test_pull_request_branch_names_are_valid_refs() -> None:
    assert pull_request_branch("fleet a", "..trace~1^:x.lock") == "promotion-rollout/fleet-a/trace-1-x"
    assert pull_request_branch("", "") == "promotion-rollout/unnamed/unnamed"


def test_files_above_the_contents_size_limit_are_read_through_blobs() -> None:
    with FakeGitHub(contents_limit=64) as gh:
        long_line = json.dumps({"traceId": "old", "canaryBefore": 0, "canaryAfter": 10, "pad": "x" * 100})
        gh.seed_files({REGISTRY_PATH: fleet_registry(10), APPLY_TELEMETRY_PATH: long_line + "\n"})

        persist_mutation(session(gh).repo, branch="main", paths=FLEET_PATHS, build=apply_build("t"), mode="commit")

        lines = (gh.read_file(APPLY_TELEMETRY_PATH) or "").splitlines()
        assert lines[0] == long_line
        assert json.loads(lines[1])["canaryAfter"] == 15
        assert gh.seen("GET", r"/git/blobs/")


def test_enterprise_style_api_prefix_is_honoured() -> None:
    with FakeGitHub(prefix="/api/v3") as gh:
        gh.seed_files({REGISTRY_PATH: fleet_registry(0)})
        assert gh.api_url.endswith("/api/v3")

        persist_mutation(session(gh).repo, branch="main", paths=FLEET_PATHS, build=apply_build("t"), mode="commit")

        assert canary_at(gh) == 5


def test_two_concurrent_appliers_both_land_in_sequence(gh: FakeGitHub) -> None:
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def racing_build(trace_id: str) -> Build:
        inner = apply_build(trace_id, step=1)
        first = [True]

        def build(texts: Mapping[str, str | None]) -> Mutation:
            mutation = inner(texts)
            if first[0]:
                first[0] = False
                barrier.wait(timeout=10)
            return mutation

        return build

    def run(trace_id: str) -> None:
        try:
            results[trace_id] = persist_mutation(
                session(gh).repo, branch="main", paths=FLEET_PATHS, build=racing_build(trace_id), mode="commit"
            )
        except Exception as exc:  # surfaced through the assertion below
            results[trace_id] = exc

    threads = [threading.Thread(target=run, args=(t,)) for t in ("race-a", "race-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    outcomes = sorted(results.values(), key=lambda r: getattr(r, "attempts", 0))
    assert all(not isinstance(r, Exception) for r in outcomes), outcomes
    assert canary_at(gh) == 12
    assert telemetry_chain(gh) == [(10, 11), (11, 12)]
    traces = [json.loads(x)["traceId"] for x in (gh.read_file(APPLY_TELEMETRY_PATH) or "").splitlines()]
    assert sorted(traces) == ["race-a", "race-b"]
    history = gh.commits()
    assert "Trace-Id: race-" in history[0].message
    assert "Trace-Id: race-" in history[1].message
    assert history[2].message == "seed"
    assert sum(getattr(r, "rebuilt", 0) for r in outcomes) >= 1
    assert all(u["force"] is False for u in gh.repo().ref_updates)
