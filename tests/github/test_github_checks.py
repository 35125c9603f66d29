"""CI-gate chaining: required check runs on the commit, read across pages from a fake GitHub."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orchestrator.core.reasons import ReasonCode
from orchestrator.github import governance as gov
from orchestrator.github.checks import (
    CHECK_RUN,
    COMMIT_STATUS,
    CheckRunInfo,
    Observation,
    StatusInfo,
    classify,
    parse_check_names,
)
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
    assert verdict.pending == (("e2e", Observation(CHECK_RUN, "pending", "in_progress")),)
    assert verdict.missing == ("lint",)
    assert not verdict.ok


def test_classify_takes_the_worst_report_of_a_name_and_the_latest_status_of_a_context() -> None:
    runs = [CheckRunInfo("build", "completed", "success", 1), CheckRunInfo("deploy", "completed", "success", 2)]
    statuses = [
        StatusInfo("build", "failure"),
        StatusInfo("ext/ci", "success"),
        StatusInfo("ext/ci", "failure"),
        StatusInfo("deploy", "pending"),
    ]
    verdict = classify(["build", "ext/ci", "deploy"], runs, statuses)
    assert verdict.failed == (("build", Observation(COMMIT_STATUS, "failed", "failure")),)
    assert verdict.passed == ("ext/ci",)
    assert verdict.pending == (("deploy", Observation(COMMIT_STATUS, "pending", "pending")),)


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
    assert "failed: unit (check run: failure), docs (check run: skipped)" in error.message
    assert "missing: security (no check run or commit status)" in error.message
    assert "pending: e2e (check run: in_progress)" in error.message
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
    assert gh.seen("GET", r"/status") == []


def test_a_required_check_reported_as_a_commit_status_is_seen(gh: FakeGitHub) -> None:
    sha = gh.head()
    gh.repo().add_check_run(sha, "unit")
    gh.repo().add_status(sha, "ci/jenkins", "pending")
    gh.repo().add_status(sha, "ci/jenkins", "success")

    report = preflight(gh, "unit, ci/jenkins", GITHUB_SHA=sha)

    assert report.checks is not None
    assert report.checks.passed == ("unit", "ci/jenkins")
    assert gh.seen("GET", rf"^/repos/acme/fleet/commits/{sha}/status$")


@pytest.mark.parametrize(
    ("state", "code", "expected"),
    [
        ("failure", ReasonCode.CHECKS_FAILED, "failed: ci/jenkins (commit status: failure)"),
        ("error", ReasonCode.CHECKS_FAILED, "failed: ci/jenkins (commit status: error)"),
        ("pending", ReasonCode.CHECKS_PENDING, "pending: ci/jenkins (commit status: pending)"),
    ],
)
def test_the_error_names_the_kind_of_check(gh: FakeGitHub, state: str, code: str, expected: str) -> None:
    sha = gh.head()
    gh.repo().add_status(sha, "ci/jenkins", state)
    with pytest.raises(GovernanceRefused) as caught:
        preflight(gh, "ci/jenkins", GITHUB_SHA=sha)
    assert caught.value.reason_code == code
    assert expected in caught.value.message


def test_a_failed_commit_status_fails_a_name_whose_check_run_passed(gh: FakeGitHub) -> None:
    sha = gh.head()
    gh.repo().add_check_run(sha, "build")
    gh.repo().add_status(sha, "build", "failure")
    with pytest.raises(GovernanceRefused, match=r"failed: build \(commit status: failure\)"):
        preflight(gh, "build", GITHUB_SHA=sha)


def test_commit_statuses_are_read_across_pages(gh: FakeGitHub) -> None:
    sha = gh.head()
    for i in range(130):
        gh.repo().add_status(sha, f"matrix/{i:03d}", "success")
    gh.repo().add_status(sha, "zz-wanted", "success")

    report = preflight(gh, "matrix/000, zz-wanted", GITHUB_SHA=sha)

    assert report.checks is not None
    assert report.checks.passed == ("matrix/000", "zz-wanted")
    pages = gh.seen("GET", r"/commits/[0-9a-f]{40}/status$")
    assert [p.query.get("page") for p in pages] == [None, "2"]


def test_denied_status_read_names_statuses_read(gh: FakeGitHub) -> None:
    gh.repo().add_check_run(gh.head(), "unit")
    gh.deny("GET", r"/commits/[0-9a-f]{40}/status$", 403)
    with pytest.raises(GitHubPermissionError) as caught:
        preflight(gh, "unit", GITHUB_SHA=gh.head())
    assert "`statuses: read`" in caught.value.message
