"""CI-gate chaining: required check runs on the commit, read across pages from a fake GitHub."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orchestrator.core.reasons import ReasonCode
from orchestrator.github import governance as gov
from orchestrator.github.checks import CheckRunInfo, classify, parse_check_names
from orchestrator.github.context import GitHubContext
from orchestrator.github.errors import GitHubPermissionError, GovernanceRefused
from tests.fakes.github_server import FakeGitHub


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.seed_files({"README.md": "x\n"})
        yield server


def preflight(gh: FakeGitHub, names: str, **env: str) -> gov.PreflightReport:
    ctx = GitHubContext.from_env(gh.env(**env))
    session = gov.open_session(ctx, sleep=lambda _: None, throttle=False)
    return gov.preflight(session, require_approval=False, approval_ref="", require_checks=names)


def test_parse_check_names() -> None:
    assert parse_check_names("lint, unit\n e2e \n\nlint,") == ("lint", "unit", "e2e")
    assert parse_check_names(["a,b", "c"]) == ("a", "b", "c")
    assert parse_check_names("") == ()


def test_classify_uses_the_most_recent_run_of_each_name() -> None:
    runs = [
        CheckRunInfo("unit", "completed", "failure", 1),
        CheckRunInfo("unit", "completed", "success", 2),
        CheckRunInfo("e2e", "completed", "success", 3),
        CheckRunInfo("e2e", "in_progress", None, 4),
    ]
    verdict = classify(["unit", "e2e", "lint"], runs)
    assert verdict.passed == ("unit",)
    assert verdict.pending == ("e2e",)
    assert verdict.missing == ("lint",)
    assert not verdict.ok


def test_all_green_passes(gh: FakeGitHub) -> None:
    sha = gh.head()
    gh.repo().add_check_run(sha, "lint")
    gh.repo().add_check_run(sha, "unit")

    report = preflight(gh, "lint, unit", GITHUB_SHA=sha)

    assert report.checks is not None
    assert report.checks.passed == ("lint", "unit")
    assert report.sha == sha


def test_missing_pending_and_failed_are_all_listed(gh: FakeGitHub) -> None:
    sha = gh.head()
    gh.repo().add_check_run(sha, "lint")
    gh.repo().add_check_run(sha, "unit", conclusion="failure")
    gh.repo().add_check_run(sha, "docs", conclusion="skipped")
    gh.repo().add_check_run(sha, "e2e", status="in_progress")

    with pytest.raises(GovernanceRefused) as caught:
        preflight(gh, "lint\nunit\ndocs\ne2e\nsecurity", GITHUB_SHA=sha)

    error = caught.value
    assert error.reason_code == ReasonCode.CHECKS_FAILED
    assert "failed: unit (failure), docs (skipped)" in error.message
    assert "missing: security" in error.message
    assert "pending: e2e" in error.message
    assert sha[:12] in error.message
    assert "\n" not in error.message


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ({"status": "queued"}, ReasonCode.CHECKS_PENDING),
        (None, ReasonCode.CHECKS_MISSING),
        ({"conclusion": "cancelled"}, ReasonCode.CHECKS_FAILED),
    ],
)
def test_reason_code_names_the_most_serious_problem(gh: FakeGitHub, setup: dict[str, str] | None, code: str) -> None:
    sha = gh.head()
    if setup is not None:
        gh.repo().add_check_run(sha, "unit", **setup)
    with pytest.raises(GovernanceRefused) as caught:
        preflight(gh, "unit", GITHUB_SHA=sha)
    assert caught.value.reason_code == code


def test_check_runs_are_read_across_pages(gh: FakeGitHub) -> None:
    sha = gh.head()
    gh.repo().add_check_run(sha, "wanted")
    for i in range(130):
        gh.repo().add_check_run(sha, f"matrix-{i:03d}")

    report = preflight(gh, "wanted", GITHUB_SHA=sha)

    assert report.checks is not None
    assert report.checks.passed == ("wanted",)
    pages = gh.seen("GET", r"/commits/[0-9a-f]{40}/check-runs$")
    assert len(pages) == 2
    assert pages[1].query["page"] == "2"


def test_checks_default_to_the_target_branch_head_without_github_sha(gh: FakeGitHub) -> None:
    sha = gh.head()
    gh.repo().add_check_run(sha, "unit")
    report = preflight(gh, "unit")
    assert report.sha == sha


def test_only_the_named_commit_counts(gh: FakeGitHub) -> None:
    old = gh.head()
    gh.repo().add_check_run(old, "unit")
    new = gh.commit_files({"b": "c"})
    with pytest.raises(GovernanceRefused, match="missing: unit"):
        preflight(gh, "unit", GITHUB_SHA=new)


def test_denied_check_read_names_checks_read(gh: FakeGitHub) -> None:
    gh.deny("GET", r"/check-runs$", 403)
    with pytest.raises(GitHubPermissionError) as caught:
        preflight(gh, "unit", GITHUB_SHA=gh.head())
    assert "`checks: read`" in caught.value.message
    assert caught.value.permission == "checks: read"


def test_no_required_checks_reads_nothing(gh: FakeGitHub) -> None:
    report = preflight(gh, " , \n")
    assert report.checks is None
    assert gh.seen("GET", r"/check-runs") == []
