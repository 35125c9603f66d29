"""CI-gate chaining: every required check on the commit must be green, whichever way it was reported.

GitHub knows two kinds of check, and a required status check in branch protection matches either:
check runs (the Checks API: GitHub Actions and GitHub Apps) and commit statuses (the Statuses API,
which many external CI systems use; the combined status keeps the latest state per context). A
name counts as green when every kind that reported it is green; a kind that never reported it does
not count against it, but a name nobody reported is missing.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from github.CheckRun import CheckRun
from github.CommitStatus import CommitStatus
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from orchestrator.core.reasons import ReasonCode
from orchestrator.github.client import github_call
from orchestrator.github.errors import GovernanceRefused

CHECKS_READ = "checks: read"
STATUSES_READ = "statuses: read"
CHECK_RUN = "check run"
COMMIT_STATUS = "commit status"
Outcome = Literal["passed", "pending", "failed"]


@dataclass(frozen=True)
class CheckRunInfo:
    name: str
    status: str
    conclusion: str | None
    run_id: int


@dataclass(frozen=True)
class StatusInfo:
    """The latest commit status of one context, as the combined status reports it."""

    context: str
    state: str


@dataclass(frozen=True)
class Observation:
    """How one kind of check reported one name: ``detail`` is the conclusion, status or state."""

    kind: str
    outcome: Outcome
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


@dataclass(frozen=True)
class ChecksVerdict:
    passed: tuple[str, ...]
    missing: tuple[str, ...]
    pending: tuple[tuple[str, Observation], ...]
    failed: tuple[tuple[str, Observation], ...]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.pending or self.failed)


def parse_check_names(text: str | Sequence[str]) -> tuple[str, ...]:
    """Names separated by commas or newlines, blanks dropped, first occurrence kept."""
    raw = [text] if isinstance(text, str) else list(text)
    names: list[str] = []
    for chunk in raw:
        for part in re.split(r"[,\n]", chunk):
            name = part.strip()
            if name and name not in names:
                names.append(name)
    return tuple(names)


def observe_run(run: CheckRunInfo) -> Observation:
    if run.status != "completed":
        return Observation(CHECK_RUN, "pending", run.status)
    if run.conclusion != "success":
        return Observation(CHECK_RUN, "failed", run.conclusion or "none")
    return Observation(CHECK_RUN, "passed", "success")


def observe_status(status: StatusInfo) -> Observation:
    """``success`` passes, ``pending`` waits, ``failure`` and ``error`` (and anything else) fail."""
    if status.state == "success":
        return Observation(COMMIT_STATUS, "passed", "success")
    if status.state == "pending":
        return Observation(COMMIT_STATUS, "pending", "pending")
    return Observation(COMMIT_STATUS, "failed", status.state)


def observations(runs: Iterable[CheckRunInfo], statuses: Iterable[StatusInfo]) -> dict[str, list[Observation]]:
    """Per name: the most recent check run (highest id) and the latest commit status."""
    latest: dict[str, CheckRunInfo] = {}
    for seen in runs:
        if seen.name not in latest or seen.run_id > latest[seen.name].run_id:
            latest[seen.name] = seen
    found: dict[str, list[Observation]] = {name: [observe_run(run)] for name, run in latest.items()}
    contexts: dict[str, StatusInfo] = {}
    for status in statuses:
        contexts.setdefault(status.context, status)
    for context, status in contexts.items():
        found.setdefault(context, []).append(observe_status(status))
    return found


def classify(
    required: Sequence[str], runs: Iterable[CheckRunInfo], statuses: Iterable[StatusInfo] = ()
) -> ChecksVerdict:
    """Judge each required name by the worst of its reports: failed, then pending, else passed."""
    found = observations(runs, statuses)
    passed: list[str] = []
    missing: list[str] = []
    pending: list[tuple[str, Observation]] = []
    failed: list[tuple[str, Observation]] = []
    for name in required:
        seen = found.get(name, [])
        if not seen:
            missing.append(name)
            continue
        failed.extend((name, o) for o in seen if o.outcome == "failed")
        if any(o.outcome == "failed" for o in seen):
            continue
        waiting = [(name, o) for o in seen if o.outcome == "pending"]
        pending.extend(waiting)
        if not waiting:
            passed.append(name)
    return ChecksVerdict(tuple(passed), tuple(missing), tuple(pending), tuple(failed))


def refusal(verdict: ChecksVerdict, sha: str) -> GovernanceRefused:
    """The refusal listing every problem and the kind of check behind it; the code names the worst."""
    parts: list[str] = []
    if verdict.failed:
        parts.append("failed: " + ", ".join(f"{n} ({o})" for n, o in verdict.failed))
    if verdict.missing:
        parts.append("missing: " + ", ".join(f"{n} (no {CHECK_RUN} or {COMMIT_STATUS})" for n in verdict.missing))
    if verdict.pending:
        parts.append("pending: " + ", ".join(f"{n} ({o})" for n, o in verdict.pending))
    if verdict.failed:
        code = ReasonCode.CHECKS_FAILED
    elif verdict.missing:
        code = ReasonCode.CHECKS_MISSING
    else:
        code = ReasonCode.CHECKS_PENDING
    return GovernanceRefused(code, f"required checks are not green on {sha[:12]}: {'; '.join(parts)}")


def _commit_url(repo: Repository, sha: str) -> str:
    return f"{repo.url}/commits/{urllib.parse.quote(sha, safe='')}"


def fetch_check_runs(repo: Repository, sha: str) -> list[CheckRunInfo]:
    """Every check run on ``sha``, all pages."""
    with github_call(f"reading check runs of {sha[:12]}", CHECKS_READ):
        pages: PaginatedList[CheckRun] = PaginatedList(
            CheckRun,
            repo.requester,
            f"{_commit_url(repo, sha)}/check-runs",
            {"filter": "latest"},
            list_item="check_runs",
        )
        return [CheckRunInfo(r.name, r.status, r.conclusion, r.id) for r in pages]


def fetch_statuses(repo: Repository, sha: str) -> list[StatusInfo]:
    """The latest commit status of every context on ``sha`` (the combined status), all pages."""
    with github_call(f"reading commit statuses of {sha[:12]}", STATUSES_READ):
        pages: PaginatedList[CommitStatus] = PaginatedList(
            CommitStatus,
            repo.requester,
            f"{_commit_url(repo, sha)}/status",
            None,
            list_item="statuses",
        )
        return [StatusInfo(s.context, s.state) for s in pages]


def require_checks(repo: Repository, sha: str, names: Sequence[str]) -> ChecksVerdict:
    """Refuse unless every name in ``names`` is green on ``sha`` as a check run or commit status."""
    if not names:
        return ChecksVerdict((), (), (), ())
    verdict = classify(names, fetch_check_runs(repo, sha), fetch_statuses(repo, sha))
    if not verdict.ok:
        raise refusal(verdict, sha)
    return verdict
