"""Approval check: the pull request named by ``approval-ref`` must carry a valid approval.

A reviewer's standing is their latest APPROVED, CHANGES_REQUESTED or DISMISSED review (comments do
not change it). Valid means: standing APPROVED, not the actor applying the change and, when a team
is required, a member of it. An outstanding change request from anyone refuses, as branch
protection would.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from github import Github
from github.GithubException import UnknownObjectException
from github.Repository import Repository

from orchestrator.core.reasons import ReasonCode
from orchestrator.github.client import github_call
from orchestrator.github.errors import GitHubError, GovernanceRefused

PULLS_READ = "pull-requests: read"
MEMBERS_READ = "members: read"
STANDING_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})

_NAME = r"[A-Za-z0-9_.-]+"
_SHORT = re.compile(r"^#(\d+)$")
_QUALIFIED = re.compile(rf"^({_NAME})/({_NAME})#(\d+)$")
_URL = re.compile(rf"^https?://([^/\s]+)/({_NAME})/({_NAME})/pulls?/(\d+)(?:[/?#]\S*)?$")


@dataclass(frozen=True)
class PullRef:
    repository: str
    number: int

    def __str__(self) -> str:
        return f"{self.repository}#{self.number}"


@dataclass(frozen=True)
class Review:
    reviewer: str
    state: str
    submitted_at: datetime | None
    review_id: int


@dataclass(frozen=True)
class ApprovalResult:
    pull: PullRef
    approvers: tuple[str, ...]


def parse_pull_ref(text: str, *, default_repository: str, server_url: str) -> PullRef | None:
    """The pull request ``text`` names (``#12``, ``owner/repo#12`` or its URL), else None.

    A URL on another host than ``server_url`` is refused outright: it cannot be checked here.
    """
    value = text.strip()
    if match := _SHORT.match(value):
        return PullRef(default_repository, int(match.group(1)))
    if match := _QUALIFIED.match(value):
        return PullRef(f"{match.group(1)}/{match.group(2)}", int(match.group(3)))
    if match := _URL.match(value):
        expected = urllib.parse.urlsplit(server_url).netloc.lower()
        if match.group(1).lower() != expected:
            raise GovernanceRefused(
                ReasonCode.APPROVAL_REF_NOT_PULL_REQUEST,
                f"approval-ref {value} points at {match.group(1)}, not this GitHub ({expected})",
            )
        return PullRef(f"{match.group(2)}/{match.group(3)}", int(match.group(4)))
    return None


def standings(reviews: Iterable[Review]) -> dict[str, Review]:
    """Each reviewer's latest review that sets a standing, keyed by lower-cased login."""
    ordered = sorted(
        (r for r in reviews if r.state in STANDING_STATES),
        key=lambda r: (r.submitted_at is None, r.submitted_at or datetime.min, r.review_id),
    )
    latest: dict[str, Review] = {}
    for review in ordered:
        latest[review.reviewer.lower()] = review
    return latest


def evaluate(
    pull: PullRef,
    reviews: Iterable[Review],
    *,
    by: str,
    team: str | None = None,
    is_member: Callable[[str], bool] | None = None,
) -> ApprovalResult:
    """Decide from the reviews alone; raises ``GovernanceRefused`` with the most specific reason."""
    latest = standings(reviews)
    actor = by.lower()
    blocking = sorted(r.reviewer for r in latest.values() if r.state == "CHANGES_REQUESTED")
    if blocking:
        raise GovernanceRefused(
            ReasonCode.APPROVAL_CHANGES_REQUESTED, f"{pull} has changes requested by {', '.join(blocking)}"
        )
    approvers = sorted(r.reviewer for k, r in latest.items() if r.state == "APPROVED" and k != actor)
    if not approvers:
        if actor in latest and latest[actor].state == "APPROVED":
            raise GovernanceRefused(
                ReasonCode.APPROVAL_SELF_APPROVED,
                f"{pull} is approved only by {by}, who is applying the change; another reviewer must approve",
            )
        dismissed = sorted(r.reviewer for r in latest.values() if r.state == "DISMISSED")
        if dismissed:
            raise GovernanceRefused(
                ReasonCode.APPROVAL_DISMISSED, f"{pull}: the approval by {', '.join(dismissed)} was dismissed"
            )
        raise GovernanceRefused(ReasonCode.APPROVAL_MISSING, f"{pull} has no approving review")
    if team is not None and is_member is not None:
        members = [login for login in approvers if is_member(login)]
        if not members:
            raise GovernanceRefused(
                ReasonCode.APPROVAL_NOT_TEAM_MEMBER,
                f"{pull} is approved by {', '.join(approvers)}, none of whom is in team {team}",
            )
        approvers = members
    return ApprovalResult(pull, tuple(approvers))


def parse_team(team: str, *, default_org: str) -> tuple[str, str]:
    """``org/slug`` or ``slug`` (in the repository owner's organization)."""
    value = team.strip().lstrip("@")
    org, _, slug = value.rpartition("/")
    org = org or default_org
    if not re.fullmatch(_NAME, org) or not re.fullmatch(_NAME, slug):
        raise GitHubError(f"approval-team must be a team slug or org/slug, got {team!r}")
    return org, slug


def team_membership(gh: Github, org: str, slug: str) -> Callable[[str], bool]:
    """A membership test for ``org/slug``; the team itself must be visible to the token."""
    with github_call(f"reading team {org}/{slug}", MEMBERS_READ):
        gh.requester.requestJsonAndCheck("GET", f"/orgs/{org}/teams/{slug}")

    def is_member(login: str) -> bool:
        with github_call(f"reading the membership of {login} in team {org}/{slug}", MEMBERS_READ):
            try:
                _, data = gh.requester.requestJsonAndCheck(
                    "GET", f"/orgs/{org}/teams/{slug}/memberships/{urllib.parse.quote(login)}"
                )
            except UnknownObjectException:
                return False
        return isinstance(data, dict) and data.get("state") == "active"

    return is_member


def pull_repository(gh: Github, pull: PullRef) -> Repository:
    """The pull request's repository as a lazy object.

    Reading the reviews needs nothing of the repository or the pull request but their URLs, so
    neither ``GET /repos/{owner}/{repo}`` (the session has already read it) nor the pull request is
    requested; a number that is not a readable pull request answers 404 on its reviews.
    """
    return Repository(gh.requester.withLazy(True), url=f"/repos/{pull.repository}")


def fetch_reviews(gh: Github, pull: PullRef) -> list[Review]:
    """All reviews of ``pull``; a missing pull request is a refusal, not a permission error."""
    with github_call(f"reading reviews of {pull}", PULLS_READ):
        try:
            reviews = list(pull_repository(gh, pull).get_pull(pull.number).get_reviews())
        except UnknownObjectException:
            raise GovernanceRefused(
                ReasonCode.APPROVAL_REF_NOT_PULL_REQUEST,
                f"{pull} is not a pull request the token can read (it needs `{PULLS_READ}`)",
            ) from None
    return [
        Review(
            reviewer=r.user.login,
            state=(r.state or "").upper(),
            submitted_at=r.submitted_at,
            review_id=r.id,
        )
        for r in reviews
        if r.user is not None
    ]


def check_approval(
    gh: Github,
    *,
    approval_ref: str,
    by: str,
    default_repository: str,
    server_url: str,
    team: str | None = None,
) -> ApprovalResult:
    """Fetch and evaluate; any failure to establish a valid approval refuses before a mutation."""
    if not by.strip():
        raise GitHubError("the approving actor is unknown: set by (GITHUB_ACTOR is unset)")
    pull = parse_pull_ref(approval_ref, default_repository=default_repository, server_url=server_url)
    if pull is None:
        raise GovernanceRefused(
            ReasonCode.APPROVAL_REF_NOT_PULL_REQUEST,
            f"approval-ref {approval_ref.strip() or '(empty)'} does not name a pull request "
            "(#123, owner/repo#123 or its URL) but require-approval is true",
        )
    reviews = fetch_reviews(gh, pull)
    is_member = None
    team_name = None
    if team and team.strip():
        org, slug = parse_team(team, default_org=default_repository.split("/", 1)[0])
        team_name = f"{org}/{slug}"
        is_member = team_membership(gh, org, slug)
    return evaluate(pull, reviews, by=by.strip(), team=team_name, is_member=is_member)
