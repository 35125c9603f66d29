"""Make a mutation durable as exactly one commit, directly on a branch or through a pull request.

The caller supplies ``build``: given the current text of each path at the branch head it returns the
new texts. On a non-fast-forward conflict the files are re-read at the new head; if any of them
changed the mutation is rebuilt from the fresh state (the caller's idempotency key keeps a replay
from applying twice), otherwise the same texts are committed again on the new parent.
"""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from github.GithubException import GithubException
from github.Repository import Repository

from orchestrator.github import gitdata
from orchestrator.github.client import Sleep, github_call, github_message
from orchestrator.github.errors import GitHubError, PersistConflictError

PersistMode = Literal["commit", "pull-request"]
PR_BODY_LIMIT = 60000
BRANCH_PREFIX = "promotion-rollout"


@dataclass(frozen=True)
class Mutation:
    """What one apply wants to write: full new texts per path plus what describes it.

    ``payload`` is the deployment payload (intent, canary before/after, trace id, decision).
    """

    files: dict[str, str]
    message: str
    fleet_id: str
    trace_id: str
    changed: bool = True
    payload: Mapping[str, object] = field(default_factory=dict)


Build = Callable[[Mapping[str, str | None]], Mutation]
PullRequestBody = str | Callable[[Mutation], str]


@dataclass(frozen=True)
class PersistResult:
    commit_sha: str | None
    pull_request_url: str | None
    branch: str
    attempts: int
    rebuilt: int
    mutation: Mutation
    base_sha: str


def commit_message(
    *,
    fleet_id: str,
    intent: str,
    canary_before: int | float,
    canary_after: int | float,
    actor: str,
    approval_ref: str,
    trace_id: str,
    record_hash: str | None = None,
) -> str:
    """The commit message: a subject for the log, then one ``Key: value`` line per fact.

    ``Record-Hash`` is the apply record's ``hash`` (``core.audit``), so the commit names the record it wrote.

    Values were refused at input if they held a line break; they are flattened here as well, so no
    value can ever start a trailer of its own.
    """
    actor, approval_ref, trace_id, fleet_id = (_one_line(v) for v in (actor, approval_ref, trace_id, fleet_id))
    subject = f"promotion-rollout: {intent} {fleet_id} canary {canary_before}% -> {canary_after}%"
    return (
        f"{subject}\n\n"
        f"Intent: {intent}\n"
        f"Canary: {canary_before} -> {canary_after}\n"
        f"Actor: {actor}\n"
        f"Approval-Ref: {approval_ref}\n"
        f"Trace-Id: {trace_id}\n" + (f"Record-Hash: {_one_line(record_hash)}\n" if record_hash else "")
    )


def _one_line(value: str) -> str:
    return " ".join("".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in value).split())


def pull_request_branch(fleet_id: str, trace_id: str) -> str:
    return f"{BRANCH_PREFIX}/{gitdata.ref_component(fleet_id)}/{gitdata.ref_component(trace_id)}"


def _texts(states: Mapping[str, gitdata.FileState]) -> dict[str, str | None]:
    return {path: state.text for path, state in states.items()}


def _checked(mutation: Mutation, paths: Sequence[str]) -> Mutation:
    unknown = sorted(set(mutation.files) - set(paths))
    if unknown:
        raise GitHubError(f"the mutation writes paths it did not read: {', '.join(unknown)}")
    return mutation


def persist_mutation(
    repo: Repository,
    *,
    branch: str,
    paths: Sequence[str],
    build: Build,
    mode: PersistMode,
    max_attempts: int = 5,
    pr_body: PullRequestBody = "",
    sleep: Sleep = time.sleep,
) -> PersistResult:
    """Persist ``build``'s output on ``branch`` (``commit``) or on a new branch with a PR.

    ``pr_body`` may be a function of the final mutation, for a body that describes what was built.
    """
    if max_attempts < 1:
        raise GitHubError("max_attempts must be at least 1")
    if mode == "pull-request":
        return _via_pull_request(repo, branch=branch, paths=paths, build=build, body=pr_body)
    return _direct(repo, branch=branch, paths=paths, build=build, max_attempts=max_attempts, sleep=sleep)


def _direct(
    repo: Repository,
    *,
    branch: str,
    paths: Sequence[str],
    build: Build,
    max_attempts: int,
    sleep: Sleep,
) -> PersistResult:
    ref = gitdata.get_branch_ref(repo, branch)
    head = ref.object.sha
    states = gitdata.read_files(repo, head, paths)
    mutation = _checked(build(_texts(states)), paths)
    blobs: dict[str, str] = {}
    rebuilt = 0
    for attempt in range(1, max_attempts + 1):
        if not mutation.changed:
            return PersistResult(None, None, branch, attempt, rebuilt, mutation, head)
        commit = gitdata.create_commit(
            repo, parent_sha=head, files=mutation.files, message=mutation.message, blob_cache=blobs
        )
        if commit is None:
            return PersistResult(None, None, branch, attempt, rebuilt, mutation, head)
        try:
            gitdata.fast_forward(ref, branch, commit)
        except gitdata.RefConflict:
            ref = gitdata.get_branch_ref(repo, branch)
            if ref.object.sha == commit:
                return PersistResult(commit, None, branch, attempt, rebuilt, mutation, head)
            head = ref.object.sha
            fresh = gitdata.read_files(repo, head, paths)
            if any(fresh[p].blob_sha != states[p].blob_sha for p in paths):
                mutation = _checked(build(_texts(fresh)), paths)
                rebuilt += 1
            states = fresh
            if attempt < max_attempts:
                sleep(random.uniform(0.0, 0.2 * attempt))
            continue
        return PersistResult(commit, None, branch, attempt, rebuilt, mutation, head)
    raise PersistConflictError(
        f"gave up persisting to branch {branch} after {max_attempts} attempts: it kept moving "
        "(nothing was forced or overwritten; re-run the apply)"
    )


def _via_pull_request(
    repo: Repository,
    *,
    branch: str,
    paths: Sequence[str],
    build: Build,
    body: PullRequestBody,
) -> PersistResult:
    head = gitdata.get_branch_ref(repo, branch).object.sha
    mutation = _checked(build(_texts(gitdata.read_files(repo, head, paths))), paths)
    new_branch = pull_request_branch(mutation.fleet_id, mutation.trace_id)
    if not mutation.changed:
        return PersistResult(None, None, new_branch, 1, 0, mutation, head)
    commit = gitdata.create_commit(repo, parent_sha=head, files=mutation.files, message=mutation.message, blob_cache={})
    if commit is None:
        return PersistResult(None, None, new_branch, 1, 0, mutation, head)
    commit = gitdata.create_branch(repo, new_branch, commit)
    title = next(iter(mutation.message.splitlines()), f"promotion-rollout: {mutation.fleet_id}")
    text = body(mutation) if callable(body) else body
    url = _open_pull_request(repo, base=branch, head=new_branch, title=title, body=text[:PR_BODY_LIMIT])
    return PersistResult(commit, url, new_branch, 1, 0, mutation, head)


def _open_pull_request(repo: Repository, *, base: str, head: str, title: str, body: str) -> str:
    with github_call(f"opening a pull request from {head} into {base}", "pull-requests: write"):
        try:
            return repo.create_pull(base=base, head=head, title=title, body=body).html_url
        except GithubException as exc:
            if exc.status != 422 or "already exists" not in _all_messages(exc):
                raise
        owner = repo.full_name.split("/", 1)[0]
        for pull in repo.get_pulls(state="open", head=f"{owner}:{head}", base=base):
            return pull.html_url
    raise GitHubError(f"GitHub reported a pull request for {head} that cannot be found")


def _all_messages(exc: GithubException) -> str:
    parts = [github_message(exc)]
    if isinstance(exc.data, dict):
        for item in exc.data.get("errors") or []:
            if isinstance(item, dict) and isinstance(item.get("message"), str):
                parts.append(item["message"])
    return " ".join(parts).lower()
