"""Git data primitives over the REST API: read a branch head and files, write blobs/tree/commit, move refs.

Writes never pass ``force=true``: a ref only moves fast-forward, so a concurrent writer is detected as a
conflict instead of being overwritten.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from github import InputGitTreeElement
from github.GithubException import GithubException, UnknownObjectException
from github.GitRef import GitRef
from github.Repository import Repository

from orchestrator.github.client import github_call, github_message, translate
from orchestrator.github.errors import GitHubError

READ = "contents: read"
WRITE = "contents: write"
FILE_MODE = "100644"

_BAD_REF_CHARS = re.compile(r"[^A-Za-z0-9._/-]+")


@dataclass(frozen=True)
class FileState:
    """A path at a commit: its text and blob SHA, both None when the file is absent."""

    text: str | None
    blob_sha: str | None


class RefConflict(Exception):
    """The ref moved since we read it (HTTP 422 "not a fast forward")."""


def blob_sha(text: str) -> str:
    """The git object id of ``text`` as a blob, as GitHub computes it."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def ref_component(value: str) -> str:
    """``value`` made safe for one component of a branch name."""
    cleaned = _BAD_REF_CHARS.sub("-", value).strip("./-")
    cleaned = re.sub(r"\.{2,}", ".", cleaned).replace("/", "-")
    cleaned = cleaned.removesuffix(".lock")
    return cleaned or "unnamed"


def get_branch_ref(repo: Repository, branch: str) -> GitRef:
    """The ref of ``branch``; the repository was already readable, so a 404 means no such branch."""
    with github_call(f"reading branch {branch}", READ):
        try:
            ref = repo.get_git_ref(f"heads/{branch}")
            _ = ref.object.sha
        except UnknownObjectException:
            raise GitHubError(f"branch {branch} does not exist in {repo.full_name}") from None
    return ref


def read_files(repo: Repository, commit_sha: str, paths: Sequence[str]) -> dict[str, FileState]:
    """The text of each path at ``commit_sha``; files over the contents API size limit come via blobs."""
    states: dict[str, FileState] = {}
    for path in paths:
        with github_call(f"reading {path} at {commit_sha[:12]}", READ):
            try:
                content = repo.get_contents(path, ref=commit_sha)
            except UnknownObjectException:
                states[path] = FileState(None, None)
                continue
            if isinstance(content, list) or content.type != "file":
                raise GitHubError(f"{path} is not a regular file at {commit_sha[:12]}")
            if content.encoding == "base64" and (content.content or content.size == 0):
                data = base64.b64decode(content.content or "")
            else:
                blob = repo.get_git_blob(content.sha)
                data = base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content.encode()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise GitHubError(f"{path} at {commit_sha[:12]} is not UTF-8 text") from None
        states[path] = FileState(text, content.sha)
    return states


def create_commit(
    repo: Repository,
    *,
    parent_sha: str,
    files: Mapping[str, str],
    message: str,
    blob_cache: dict[str, str],
) -> str | None:
    """One commit on ``parent_sha`` replacing ``files``; None when the tree would not change.

    ``blob_cache`` maps local blob ids to created blobs so a retry on a new parent re-sends nothing.
    """
    with github_call("creating the commit", WRITE):
        parent = repo.get_git_commit(parent_sha)
        elements: list[InputGitTreeElement] = []
        for path, text in sorted(files.items()):
            local = blob_sha(text)
            if local not in blob_cache:
                blob_cache[local] = repo.create_git_blob(text, "utf-8").sha
            elements.append(InputGitTreeElement(path, FILE_MODE, "blob", sha=blob_cache[local]))
        tree = repo.create_git_tree(elements, base_tree=parent.tree)
        if tree.sha == parent.tree.sha:
            return None
        return repo.create_git_commit(message, tree, [parent]).sha


def _ref_rejection(exc: GithubException, branch: str) -> BaseException:
    message = github_message(exc).lower()
    if exc.status in (409, 422) and "fast forward" in message:
        return RefConflict(branch)
    if exc.status in (409, 422) and ("protected" in message or "rule" in message):
        return GitHubError(
            f"branch {branch} is protected against direct updates; use persist: pull-request "
            f"(GitHub said: {github_message(exc)})"
        )
    return translate(exc, action=f"updating branch {branch}", permission=WRITE)


def fast_forward(ref: GitRef, branch: str, commit_sha: str) -> None:
    """Move ``ref`` to ``commit_sha`` without force; raises ``RefConflict`` when the branch moved."""
    with github_call(f"updating branch {branch}", WRITE):
        try:
            ref.edit(commit_sha, force=False)
        except GithubException as exc:
            raise _ref_rejection(exc, branch) from None


def create_branch(repo: Repository, branch: str, commit_sha: str) -> str:
    """Create ``branch`` at ``commit_sha`` and return the commit it points at.

    A branch left by an earlier try of the same apply (same tree, same parent) is reused as is;
    any other existing branch is refused rather than overwritten.
    """
    with github_call(f"creating branch {branch}", WRITE):
        try:
            repo.create_git_ref(f"refs/heads/{branch}", commit_sha)
        except GithubException as exc:
            if exc.status != 422 or "already exists" not in github_message(exc).lower():
                raise
            existing = get_branch_ref(repo, branch).object.sha
            if existing != commit_sha and not _same_change(repo, existing, commit_sha):
                raise GitHubError(
                    f"branch {branch} already exists at {existing[:12]} with other content; refusing to overwrite it"
                ) from None
            return existing
    return commit_sha


def _same_change(repo: Repository, left: str, right: str) -> bool:
    a, b = repo.get_git_commit(left), repo.get_git_commit(right)
    return a.tree.sha == b.tree.sha and [p.sha for p in a.parents] == [p.sha for p in b.parents]
