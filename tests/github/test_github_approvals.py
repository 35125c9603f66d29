"""Approval check against pull-request reviews and team membership on a fake GitHub."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from orchestrator.core.reasons import ReasonCode
from orchestrator.github import approvals
from orchestrator.github import governance as gov
from orchestrator.github.approvals import PullRef, Review, evaluate, parse_pull_ref, parse_team
from orchestrator.github.context import GitHubContext
from orchestrator.github.errors import GitHubError, GitHubPermissionError, GovernanceRefused
from tests.fakes.github_server import FakeGitHub

SERVER = "https://github.example.test"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.seed_files({"README.md": "x\n"})
        yield server


def session(gh: FakeGitHub) -> gov.GitHubSession:
    return gov.open_session(GitHubContext.from_env(gh.env()), sleep=lambda _: None, throttle=False)


def check(gh: FakeGitHub, ref: str, *, by: str = "alice", team: str | None = None) -> approvals.ApprovalResult:
    report = gov.preflight(session(gh), require_approval=True, approval_ref=ref, by=by, approval_team=team)
    assert report.approval is not None
    return report.approval


def refused(gh: FakeGitHub, ref: str, *, by: str = "alice", team: str | None = None) -> GovernanceRefused:
    with pytest.raises(GovernanceRefused) as caught:
        check(gh, ref, by=by, team=team)
    return caught.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#123", PullRef("acme/fleet", 123)),
        ("  #7 ", PullRef("acme/fleet", 7)),
        ("other-org/infra.repo#45", PullRef("other-org/infra.repo", 45)),
        (f"{SERVER}/acme/fleet/pull/9", PullRef("acme/fleet", 9)),
        (f"{SERVER}/acme/fleet/pull/9/files?w=1", PullRef("acme/fleet", 9)),
        ("CHG-1234", None),
        ("#12a", None),
        ("https://example.test/acme/fleet/issues/9", None),
    ],
)
def test_parse_pull_ref(text: str, expected: PullRef | None) -> None:
    assert parse_pull_ref(text, default_repository="acme/fleet", server_url=SERVER) == expected


def test_a_pull_request_url_on_another_host_is_refused() -> None:
    with pytest.raises(GovernanceRefused) as caught:
        parse_pull_ref("https://github.com/acme/fleet/pull/9", default_repository="acme/fleet", server_url=SERVER)
    assert caught.value.reason_code == ReasonCode.APPROVAL_REF_NOT_PULL_REQUEST
    assert "github.com" in caught.value.message


def test_latest_standing_per_reviewer_ignores_comments() -> None:
    t = [datetime(2025, 1, d, tzinfo=UTC) for d in range(1, 5)]
    reviews = [
        Review("bob", "APPROVED", t[0], 1),
        Review("bob", "COMMENTED", t[1], 2),
        Review("Carol", "CHANGES_REQUESTED", t[0], 3),
        Review("carol", "APPROVED", t[2], 4),
        Review("dave", "PENDING", None, 5),
    ]
    result = evaluate(PullRef("acme/fleet", 1), reviews, by="alice")
    assert result.approvers == ("bob", "carol")


def test_approved_by_someone_else(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="alice")
    gh.repo().add_review(number, "bob", "APPROVED")

    result = check(gh, f"#{number}")

    assert result.approvers == ("bob",)
    assert result.pull == PullRef("acme/fleet", number)


def test_owner_repo_reference_reads_the_other_repository(gh: FakeGitHub) -> None:
    other = gh.add_repo("acme/change-records")
    other.commit_files({"x": "y"})
    number = other.add_pull(author="alice")
    other.add_review(number, "bob", "APPROVED")

    assert check(gh, f"acme/change-records#{number}").pull == PullRef("acme/change-records", number)
    assert gh.seen("GET", rf"^/repos/acme/change-records/pulls/{number}/reviews$")
    assert gh.seen("GET", r"^/repos/acme/change-records$") == []


def test_url_reference(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="alice")
    gh.repo().add_review(number, "bob", "APPROVED")
    assert check(gh, f"{SERVER}/acme/fleet/pull/{number}").approvers == ("bob",)


def test_self_approval_is_refused(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="bob")
    gh.repo().add_review(number, "Alice", "APPROVED")

    error = refused(gh, f"#{number}", by="alice")

    assert error.reason_code == ReasonCode.APPROVAL_SELF_APPROVED
    assert "alice" in error.message


def test_dismissed_approval_is_refused(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="alice")
    review = gh.repo().add_review(number, "bob", "APPROVED")
    gh.repo().dismiss_review(number, review)

    error = refused(gh, f"#{number}")

    assert error.reason_code == ReasonCode.APPROVAL_DISMISSED
    assert "bob was dismissed" in error.message


def test_changes_requested_after_approval_by_the_same_reviewer_is_refused(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="alice")
    gh.repo().add_review(number, "bob", "APPROVED")
    gh.repo().add_review(number, "bob", "CHANGES_REQUESTED")

    error = refused(gh, f"#{number}")

    assert error.reason_code == ReasonCode.APPROVAL_CHANGES_REQUESTED
    assert "changes requested by bob" in error.message


def test_approval_after_changes_requested_counts(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="alice")
    gh.repo().add_review(number, "bob", "CHANGES_REQUESTED")
    gh.repo().add_review(number, "bob", "COMMENTED")
    gh.repo().add_review(number, "bob", "APPROVED")
    assert check(gh, f"#{number}").approvers == ("bob",)


def test_no_reviews_is_refused(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="alice")
    gh.repo().add_review(number, "bob", "COMMENTED")
    assert refused(gh, f"#{number}").reason_code == ReasonCode.APPROVAL_MISSING


def test_a_reference_that_is_not_a_pull_request_is_refused(gh: FakeGitHub) -> None:
    error = refused(gh, "CHG-1234")
    assert error.reason_code == ReasonCode.APPROVAL_REF_NOT_PULL_REQUEST
    assert "CHG-1234" in error.message


def test_a_missing_pull_request_is_refused(gh: FakeGitHub) -> None:
    error = refused(gh, "#999")
    assert error.reason_code == ReasonCode.APPROVAL_REF_NOT_PULL_REQUEST
    assert "acme/fleet#999" in error.message


def test_team_member_approval_passes(gh: FakeGitHub) -> None:
    gh.add_team("acme", "fleet-approvers", ["carol"])
    number = gh.repo().add_pull(author="alice")
    gh.repo().add_review(number, "bob", "APPROVED")
    gh.repo().add_review(number, "carol", "APPROVED")

    assert check(gh, f"#{number}", team="fleet-approvers").approvers == ("carol",)
    assert gh.seen("GET", r"^/orgs/acme/teams/fleet-approvers/memberships/carol$")


def test_approval_outside_the_team_is_refused(gh: FakeGitHub) -> None:
    gh.add_team("platform", "sre", ["carol"], pending=["bob"])
    number = gh.repo().add_pull(author="alice")
    gh.repo().add_review(number, "bob", "APPROVED")

    error = refused(gh, f"#{number}", team="platform/sre")

    assert error.reason_code == ReasonCode.APPROVAL_NOT_TEAM_MEMBER
    assert "bob" in error.message
    assert "platform/sre" in error.message


def test_an_invisible_team_names_the_permission(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="alice")
    gh.repo().add_review(number, "bob", "APPROVED")
    with pytest.raises(GitHubPermissionError, match=r"`members: read`"):
        check(gh, f"#{number}", team="ghost-team")


def test_reviews_are_read_across_pages(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="alice")
    for i in range(120):
        gh.repo().add_review(number, f"commenter{i}", "COMMENTED")
    gh.repo().add_review(number, "bob", "APPROVED")

    assert check(gh, f"#{number}").approvers == ("bob",)
    assert len(gh.seen("GET", rf"/pulls/{number}/reviews")) == 2


def test_denied_review_read_names_pull_requests_read(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="alice")
    gh.deny("GET", rf"/pulls/{number}/reviews", 403)
    with pytest.raises(GitHubPermissionError) as caught:
        check(gh, f"#{number}")
    assert "`pull-requests: read`" in caught.value.message


def test_by_defaults_to_the_run_actor(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="bob")
    gh.repo().add_review(number, "operator", "APPROVED")
    with pytest.raises(GovernanceRefused) as caught:
        gov.preflight(session(gh), require_approval=True, approval_ref=f"#{number}")
    assert caught.value.reason_code == ReasonCode.APPROVAL_SELF_APPROVED


def test_approval_is_not_checked_unless_required(gh: FakeGitHub) -> None:
    report = gov.preflight(session(gh), require_approval=False, approval_ref="CHG-1")
    assert report.approval is None
    assert gh.seen("GET", r"/pulls") == []


@pytest.mark.parametrize(("value", "expected"), [("sre", ("acme", "sre")), ("@platform/sre", ("platform", "sre"))])
def test_parse_team(value: str, expected: tuple[str, str]) -> None:
    assert parse_team(value, default_org="acme") == expected


def test_parse_team_refuses_garbage() -> None:
    with pytest.raises(GitHubError, match="approval-team must be"):
        parse_team("a b/c d", default_org="acme")


def test_the_approval_flow_requests_nothing_twice(gh: FakeGitHub) -> None:
    number = gh.repo().add_pull(author="alice")
    gh.repo().add_review(number, "bob", "APPROVED")

    check(gh, f"#{number}")

    calls = [(r.method, r.path, tuple(sorted(r.query.items()))) for r in gh.requests]
    assert len(calls) == len(set(calls)), calls
    assert len(gh.seen("GET", r"^/repos/acme/fleet$")) == 1
