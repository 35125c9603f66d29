"""The governed apply end to end on a fake GitHub: preflight, persist, deployment record."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.reasons import ReasonCode
from orchestrator.github import governance as gov
from orchestrator.github.context import GitHubContext
from orchestrator.github.deployments import default_environment, deployment_payload
from orchestrator.github.errors import GitHubError, GitHubPermissionError, GovernanceRefused
from orchestrator.github.persist import Build, Mutation
from tests.fakes.github_server import FLEET_PATHS, REGISTRY_PATH, FakeGitHub, canary_texts, fleet_registry

RUN_URL = "https://github.example.test/acme/fleet/actions/runs/4242"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.seed_files({REGISTRY_PATH: fleet_registry(10)}, message="seed")
        yield server


def session(gh: FakeGitHub, **env: str) -> gov.GitHubSession:
    return gov.open_session(GitHubContext.from_env(gh.env(**env)), sleep=lambda _: None, throttle=False)


def build(trace_id: str = "t-1", decision: str = "promote") -> Build:
    def inner(texts: Mapping[str, str | None]) -> Mutation:
        files, before, after = canary_texts(texts, trace_id, 15)
        payload = deployment_payload(
            intent="expand", canary_before=before, canary_after=after, trace_id=trace_id, decision=decision
        )
        message = f"promotion-rollout: expand fleet-a canary {before}% -> {after}%\n\nTrace-Id: {trace_id}\n"
        return Mutation(files, message, "fleet-a", trace_id, changed=bool(files), payload=payload)

    return inner


def apply(gh: FakeGitHub, mode: str = "commit", trace_id: str = "t-1", **kwargs: object) -> gov.GovernanceOutputs:
    return gov.persist_and_record(
        session(gh),
        mode="commit" if mode == "commit" else "pull-request",
        paths=FLEET_PATHS,
        build=build(trace_id),
        sleep=lambda _: None,
        **kwargs,  # type: ignore[arg-type]
    )


def test_commit_mode_records_a_deployment_for_the_new_commit(gh: FakeGitHub) -> None:
    outputs = apply(gh)

    assert outputs.commit_sha == gh.head()
    (deployment,) = gh.deployments()
    assert deployment["sha"] == outputs.commit_sha
    assert deployment["environment"] == "promotion/fleet-a"
    assert deployment["payload"] == {
        "intent": "expand",
        "canary": {"before": 10, "after": 25},
        "traceId": "t-1",
        "decision": "promote",
    }
    assert deployment["_request"]["auto_merge"] is False
    assert deployment["_request"]["required_contexts"] == []
    statuses = gh.repo().deployment_statuses(deployment["id"])
    assert [s["state"] for s in statuses] == ["in_progress", "success"]
    assert {s["log_url"] for s in statuses} == {RUN_URL}
    assert statuses[1]["environment_url"].endswith(f"/acme/fleet/commit/{outputs.commit_sha}")
    report = outputs.report()
    assert report.commit_sha == outputs.commit_sha
    assert report.pull_request_url is None
    assert report.deployment is not None
    assert report.deployment.id == deployment["id"]
    assert outputs.deployment is not None
    assert outputs.deployment.states == ("in_progress", "success")


def test_every_call_names_the_api_version_and_the_documented_media_type(gh: FakeGitHub) -> None:
    apply(gh, mode="pull-request")

    assert gh.seen("POST", r"/deployments$")
    sent = {(r.headers.get("accept"), r.headers.get("x-github-api-version")) for r in gh.requests}
    assert sent == {("application/vnd.github+json", "2022-11-28")}


def test_the_environment_can_be_named(gh: FakeGitHub) -> None:
    apply(gh, environment="production/fleets")
    assert gh.deployments()[0]["environment"] == "production/fleets"


def test_pull_request_mode_queues_the_deployment_until_merge(gh: FakeGitHub) -> None:
    outputs = apply(gh, "pull-request", pr_body=lambda m: f"## Summary\n\n{m.payload['canary']}\n")

    assert outputs.pull_request_url == "https://github.example.test/acme/fleet/pull/1"
    assert outputs.branch == "promotion-rollout/fleet-a/t-1"
    (deployment,) = gh.deployments()
    assert deployment["sha"] == outputs.commit_sha
    assert [s["state"] for s in gh.repo().deployment_statuses(deployment["id"])] == ["queued"]
    assert gh.repo().pulls[1]["body"] == "## Summary\n\n{'before': 10, 'after': 25}\n"
    assert outputs.report().pull_request_url == outputs.pull_request_url


def test_a_replay_records_no_deployment(gh: FakeGitHub) -> None:
    apply(gh)
    again = apply(gh)

    assert again.replayed
    assert again.commit_sha is None
    assert len(gh.deployments()) == 1
    assert again.report().commit_sha is None


def test_a_failed_persist_records_a_failed_deployment_and_raises(gh: FakeGitHub) -> None:
    seed = gh.head()
    gh.repo().protect("main")

    with pytest.raises(GitHubError, match="protected"):
        gov.persist_and_record(
            session(gh, GITHUB_SHA=seed), mode="commit", paths=FLEET_PATHS, build=build(), sleep=lambda _: None
        )

    (deployment,) = gh.deployments()
    assert deployment["sha"] == seed
    statuses = gh.repo().deployment_statuses(deployment["id"])
    assert [s["state"] for s in statuses] == ["in_progress", "failure"]
    assert "protected" in statuses[1]["description"]
    assert len(statuses[1]["description"]) <= 140
    assert gh.head() == seed


def test_a_denied_deployment_names_deployments_write(gh: FakeGitHub) -> None:
    gh.deny("POST", r"/deployments$", 403)
    with pytest.raises(GitHubPermissionError) as caught:
        apply(gh)
    assert "`deployments: write`" in caught.value.message


def test_a_refused_preflight_changes_nothing(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="operator")
    gh.repo().add_review(number, "operator", "APPROVED")
    head = gh.head()
    s = session(gh)

    with pytest.raises(GovernanceRefused) as caught:
        gov.preflight(s, require_approval=True, approval_ref=f"#{number}", require_checks="unit")

    assert caught.value.reason_code == ReasonCode.APPROVAL_SELF_APPROVED
    assert caught.value.message.endswith(f"({ReasonCode.APPROVAL_SELF_APPROVED})")
    assert gh.head() == head
    assert [r for r in gh.requests if r.method != "GET"] == []
    assert isinstance(caught.value, OrchestratorError)


def test_context_reads_the_actions_environment(gh: FakeGitHub) -> None:
    ctx = GitHubContext.from_env(gh.env(GITHUB_REF="refs/heads/release/1", GITHUB_SHA="abc"))
    assert ctx.default_branch() == "release/1"
    assert ctx.run_url == RUN_URL
    assert ctx.sha == "abc"
    assert gh.token not in repr(ctx)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GITHUB_REPOSITORY": "nope"}, "GITHUB_REPOSITORY must name"),
        ({"GITHUB_TOKEN": ""}, "a GitHub token is required"),
        ({"GITHUB_API_URL": "file:///etc"}, "GITHUB_API_URL must be"),
    ],
)
def test_context_refuses_bad_environment(gh: FakeGitHub, env: dict[str, str], message: str) -> None:
    with pytest.raises(GitHubError, match=message):
        GitHubContext.from_env(gh.env(**env))


def test_an_explicit_token_wins_over_the_environment(gh: FakeGitHub) -> None:
    env = gh.env(GITHUB_TOKEN="", GH_TOKEN="")
    ctx = GitHubContext.from_env(env, token=gh.token)
    assert gov.open_session(ctx, throttle=False).repo.full_name == "acme/fleet"


def test_tag_refs_need_an_explicit_target_branch(gh: FakeGitHub) -> None:
    ctx = GitHubContext.from_env(gh.env(GITHUB_REF="refs/tags/v1"))
    with pytest.raises(GitHubError, match="set target-branch"):
        ctx.default_branch()


def test_an_explicit_target_branch_wins(gh: FakeGitHub) -> None:
    gh.commit_files({REGISTRY_PATH: fleet_registry(50)}, branch="fleet-state")
    outputs = gov.persist_and_record(
        session(gh, GITHUB_REF="refs/tags/v1"),
        mode="commit",
        paths=FLEET_PATHS,
        build=build(),
        branch="fleet-state",
        sleep=lambda _: None,
    )
    assert outputs.branch == "fleet-state"
    assert json.loads(gh.read_file(REGISTRY_PATH, "fleet-state") or "")["policy"]["autonomous"]["rollout"] == {
        "canaryPercent": 65,
        "pause": {"manual": False},
    }


@pytest.mark.parametrize(
    ("value", "mode"), [("none", "none"), (" Commit ", "commit"), ("pull-request", "pull-request")]
)
def test_parse_persist(value: str, mode: str) -> None:
    assert gov.parse_persist(value) == mode


def test_parse_persist_refuses_unknown_modes() -> None:
    with pytest.raises(OrchestratorError, match="persist must be one of none, commit, pull-request"):
        gov.parse_persist("push")


def test_workspace_path(tmp_path: Path) -> None:
    target = tmp_path / "examples" / "fleet" / REGISTRY_PATH
    assert gov.workspace_path(target, tmp_path) == f"examples/fleet/{REGISTRY_PATH}"
    with pytest.raises(OrchestratorError, match="outside the repository checkout"):
        gov.workspace_path(Path("/etc/passwd"), tmp_path)


def test_default_environment() -> None:
    assert default_environment("fleet-a") == "promotion/fleet-a"
