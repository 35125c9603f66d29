"""CI-gate chaining: every required check run on the commit must have concluded ``success``."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from github.CheckRun import CheckRun
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from orchestrator.core.reasons import ReasonCode
from orchestrator.github.client import github_call
from orchestrator.github.errors import GovernanceRefused

CHECKS_READ = "checks: read"


@dataclass(frozen=True)
class CheckRunInfo:
    name: str
    status: str
    conclusion: str | None
    run_id: int


@dataclass(frozen=True)
class ChecksVerdict:
    passed: tuple[str, ...]
    missing: tuple[str, ...]
    pending: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]

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


def classify(required: Sequence[str], runs: Iterable[CheckRunInfo]) -> ChecksVerdict:
    """Judge each required name by its most recent run (highest id) on the commit."""
    latest: dict[str, CheckRunInfo] = {}
    for seen in runs:
        if seen.name not in latest or seen.run_id > latest[seen.name].run_id:
            latest[seen.name] = seen
    passed: list[str] = []
    missing: list[str] = []
    pending: list[str] = []
    failed: list[tuple[str, str]] = []
    for name in required:
        run = latest.get(name)
        if run is None:
            missing.append(name)
        elif run.status != "completed":
            pending.append(name)
        elif run.conclusion != "success":
            failed.append((name, run.conclusion or "none"))
        else:
            passed.append(name)
    return ChecksVerdict(tuple(passed), tuple(missing), tuple(pending), tuple(failed))


def refusal(verdict: ChecksVerdict, sha: str) -> GovernanceRefused:
    """The refusal listing every problem; the code names the most serious one."""
    parts: list[str] = []
    if verdict.failed:
        parts.append("failed: " + ", ".join(f"{n} ({c})" for n, c in verdict.failed))
    if verdict.missing:
        parts.append("missing: " + ", ".join(verdict.missing))
    if verdict.pending:
        parts.append("pending: " + ", ".join(verdict.pending))
    if verdict.failed:
        code = ReasonCode.CHECKS_FAILED
    elif verdict.missing:
        code = ReasonCode.CHECKS_MISSING
    else:
        code = ReasonCode.CHECKS_PENDING
    return GovernanceRefused(code, f"required checks are not green on {sha[:12]}: {'; '.join(parts)}")


def fetch_check_runs(repo: Repository, sha: str) -> list[CheckRunInfo]:
    """Every check run on ``sha``, all pages."""
    with github_call(f"reading check runs of {sha[:12]}", CHECKS_READ):
        pages: PaginatedList[CheckRun] = PaginatedList(
            CheckRun,
            repo.requester,
            f"{repo.url}/commits/{urllib.parse.quote(sha, safe='')}/check-runs",
            {"filter": "latest"},
            list_item="check_runs",
        )
        return [CheckRunInfo(r.name, r.status, r.conclusion, r.id) for r in pages]


def require_checks(repo: Repository, sha: str, names: Sequence[str]) -> ChecksVerdict:
    """Refuse unless every name in ``names`` concluded success on ``sha``."""
    if not names:
        return ChecksVerdict((), (), (), ())
    verdict = classify(names, fetch_check_runs(repo, sha))
    if not verdict.ok:
        raise refusal(verdict, sha)
    return verdict
