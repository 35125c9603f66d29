"""The two calls the engine makes: ``preflight`` before any mutation, ``persist_and_record`` to apply it.

Nothing here knows how an apply computes its files; the engine passes a ``build`` callback that maps
the current texts at the branch head to a ``Mutation``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from github import Github
from github.Repository import Repository

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.models import GitHubDeployment, GitHubReport
from orchestrator.github import approvals, checks, deployments, gitdata
from orchestrator.github.client import Sleep, connect, github_call
from orchestrator.github.context import GitHubContext
from orchestrator.github.errors import GitHubError
from orchestrator.github.options import PERSIST_MODES, PersistSetting, parse_persist
from orchestrator.github.persist import Build, Mutation, PersistMode, PullRequestBody, persist_mutation

__all__ = ["PERSIST_MODES", "PersistSetting", "parse_persist"]


@dataclass(frozen=True)
class GitHubSession:
    context: GitHubContext
    github: Github
    repo: Repository


@dataclass(frozen=True)
class PreflightReport:
    sha: str | None
    approval: approvals.ApprovalResult | None
    checks: checks.ChecksVerdict | None


@dataclass(frozen=True)
class GovernanceOutputs:
    commit_sha: str | None
    pull_request_url: str | None
    branch: str
    attempts: int
    rebuilt: int
    mutation: Mutation
    deployment: deployments.DeploymentRecord | None

    @property
    def replayed(self) -> bool:
        """True when nothing needed committing (an idempotent replay or an unchanged tree)."""
        return self.commit_sha is None

    def report(self) -> GitHubReport:
        """A token-free account for the result file."""
        deployment = self.deployment
        return GitHubReport(
            commit_sha=self.commit_sha,
            pull_request_url=self.pull_request_url,
            branch=self.branch,
            attempts=self.attempts,
            rebuilt=self.rebuilt,
            deployment=GitHubDeployment(
                id=deployment.deployment_id,
                environment=deployment.environment,
                sha=deployment.sha,
                states=list(deployment.states),
            )
            if deployment
            else None,
        )


def workspace_path(path: Path, workspace: Path) -> str:
    """``path`` as the repository-relative POSIX path GitHub expects; refuses paths outside it."""
    try:
        relative = path.resolve().relative_to(workspace.resolve())
    except ValueError:
        raise OrchestratorError(f"{path} is outside the repository checkout {workspace}") from None
    return relative.as_posix()


def open_session(context: GitHubContext, *, sleep: Sleep = time.sleep, throttle: bool = True) -> GitHubSession:
    """Connect and confirm the repository is visible to the token."""
    gh = connect(context.api_url, context.token, sleep=sleep, throttle=throttle)
    with github_call(f"reading repository {context.repository}", gitdata.READ):
        repo = gh.get_repo(context.repository)
    return GitHubSession(context, gh, repo)


def preflight(
    session: GitHubSession,
    *,
    require_approval: bool,
    approval_ref: str,
    by: str | None = None,
    approval_team: str | None = None,
    require_checks: str | Sequence[str] = (),
    sha: str | None = None,
    branch: str | None = None,
) -> PreflightReport:
    """Approval and CI gate; raises ``GovernanceRefused`` before anything is mutated.

    Checks are read on ``sha``, else the run's ``GITHUB_SHA``, else the head of ``branch``.
    """
    ctx = session.context
    names = checks.parse_check_names(require_checks)
    approval = None
    if require_approval:
        approval = approvals.check_approval(
            session.github,
            approval_ref=approval_ref,
            by=(by or ctx.actor or ""),
            default_repository=ctx.repository,
            server_url=ctx.server_url,
            team=approval_team,
        )
    verdict = None
    target = sha or ctx.sha
    if names:
        if not target:
            target = gitdata.get_branch_ref(session.repo, branch or ctx.default_branch()).object.sha
        verdict = checks.require_checks(session.repo, target, names)
    return PreflightReport(target, approval, verdict)


def persist_and_record(
    session: GitHubSession,
    *,
    mode: PersistMode,
    paths: Sequence[str],
    build: Build,
    branch: str | None = None,
    environment: str | None = None,
    pr_body: PullRequestBody = "",
    max_attempts: int = 5,
    sleep: Sleep = time.sleep,
) -> GovernanceOutputs:
    """Persist the mutation, then record a deployment for the commit that holds it."""
    ctx = session.context
    target = branch or ctx.default_branch()
    built: list[Mutation] = []

    def tracked(texts: Mapping[str, str | None]) -> Mutation:
        mutation = build(texts)
        built.append(mutation)
        return mutation

    try:
        result = persist_mutation(
            session.repo,
            branch=target,
            paths=paths,
            build=tracked,
            mode=mode,
            max_attempts=max_attempts,
            pr_body=pr_body,
            sleep=sleep,
        )
    except GitHubError as exc:
        if built and ctx.sha:
            _record_failure(session, built[-1], environment, ctx.sha, exc.message)
        raise
    record = None
    if result.commit_sha:
        mutation = result.mutation
        recorder = deployments.DeploymentRecorder(
            session.repo,
            environment=environment or deployments.default_environment(mutation.fleet_id),
            log_url=ctx.run_url,
            environment_url=result.pull_request_url or f"{ctx.server_url}/{ctx.repository}/commit/{result.commit_sha}",
        )
        subject = mutation.message.splitlines()[0] if mutation.message else "promotion-rollout apply"
        if mode == "commit":
            record = deployments.record(
                recorder,
                sha=result.commit_sha,
                payload=mutation.payload,
                description=subject,
                outcome="success",
                outcome_description=f"committed {result.commit_sha[:12]} to {target}",
            )
        else:
            record = deployments.record(
                recorder,
                sha=result.commit_sha,
                payload=mutation.payload,
                description=subject,
                outcome="queued",
                outcome_description=f"awaiting merge of {result.pull_request_url}",
            )
    return GovernanceOutputs(
        commit_sha=result.commit_sha,
        pull_request_url=result.pull_request_url,
        branch=result.branch,
        attempts=result.attempts,
        rebuilt=result.rebuilt,
        mutation=result.mutation,
        deployment=record,
    )


def _record_failure(session: GitHubSession, mutation: Mutation, environment: str | None, sha: str, reason: str) -> None:
    """Best effort: the persist error is what the operator must see, so a failing record is dropped."""
    recorder = deployments.DeploymentRecorder(
        session.repo,
        environment=environment or deployments.default_environment(mutation.fleet_id),
        log_url=session.context.run_url,
    )
    with contextlib.suppress(OrchestratorError):
        deployments.record(
            recorder,
            sha=sha,
            payload=mutation.payload,
            description="promotion-rollout apply could not be persisted",
            outcome="failure",
            outcome_description=reason,
        )
