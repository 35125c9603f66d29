"""The fake GitHub's state: git objects hashed as git does, refs, pulls, reviews, checks and deployments.

``FakeRepo`` is one repository; its methods are the test helpers (seed commits, add pulls, reviews,
check runs and commit statuses) and are safe to call from test code while the server runs.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.github_server import FakeGitHub

Json = Any

DOCS = "https://docs.github.com/rest"
BOT = {"name": "github-actions[bot]", "email": "41898282+github-actions[bot]@users.noreply.github.com"}
TREE_MODES = {"100644", "100755", "040000", "160000", "120000"}
COMMIT_STATES = {"error", "failure", "pending", "success"}
STATUS_STATES = {"error", "failure", "inactive", "in_progress", "queued", "pending", "success"}
REASONS = {
    200: "OK",
    400: "Bad Request",
    201: "Created",
    204: "No Content",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def git_sha(kind: str, data: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data, usedforsecurity=False).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def b64_lines(data: bytes) -> str:
    """Base64 wrapped at 60 columns with a trailing newline, as the contents and blobs APIs send it."""
    text = base64.b64encode(data).decode()
    return "".join(text[i : i + 60] + "\n" for i in range(0, len(text), 60))


class HttpError(Exception):
    def __init__(self, status: int, message: str, *, errors: list[Json] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Json] = {"message": message, "documentation_url": DOCS}
        if errors is not None:
            self.body["errors"] = errors
        self.headers: dict[str, str] = {}


@dataclass(frozen=True)
class TreeEntry:
    name: str
    mode: str
    kind: str
    sha: str


@dataclass
class Commit:
    sha: str
    tree: str
    parents: list[str]
    message: str
    author: dict[str, str]
    committer: dict[str, str]


@dataclass
class Team:
    team_id: int
    org: str
    slug: str
    name: str
    members: dict[str, str] = field(default_factory=dict)


class FakeRepo:
    """One repository's objects and records; all methods are safe to call from test code."""

    def __init__(self, hub: FakeGitHub, full_name: str, default_branch: str) -> None:
        self.hub = hub
        self.owner, self.name = full_name.split("/", 1)
        self.full_name = full_name
        self.repo_id = next(hub.ids)
        self.default_branch = default_branch
        self.blobs: dict[str, bytes] = {}
        self.trees: dict[str, list[TreeEntry]] = {}
        self.commit_objects: dict[str, Commit] = {}
        self.refs: dict[str, str] = {}
        self.protected: set[str] = set()
        self.pulls: dict[int, dict[str, Json]] = {}
        self.reviews: dict[int, list[dict[str, Json]]] = {}
        self.check_runs: list[dict[str, Json]] = []
        self.commit_statuses: list[dict[str, Json]] = []
        self.deployment_list: list[dict[str, Json]] = []
        self.statuses: dict[int, list[dict[str, Json]]] = {}
        self.ref_updates: list[dict[str, Json]] = []
        self.issue_numbers = itertools.count(1)
        self.clock = itertools.count(int(time.time()))
        self.empty_tree = self.write_tree({})

    # --- git objects -------------------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        sha = git_sha("blob", data)
        self.blobs[sha] = data
        return sha

    def write_tree(self, flat: Mapping[str, tuple[str, str]]) -> str:
        """Store nested trees for ``flat`` (path -> (mode, blob sha)) and return the root's id."""
        children: dict[str, dict[str, tuple[str, str]]] = {}
        entries: list[TreeEntry] = []
        for path, (mode, sha) in flat.items():
            head, sep, rest = path.partition("/")
            if sep:
                children.setdefault(head, {})[rest] = (mode, sha)
            else:
                entries.append(TreeEntry(head, mode, "commit" if mode == "160000" else "blob", sha))
        for name, sub in children.items():
            entries.append(TreeEntry(name, "040000", "tree", self.write_tree(sub)))
        entries.sort(key=lambda e: e.name + ("/" if e.kind == "tree" else ""))
        raw = b"".join(
            f"{e.mode.lstrip('0') if e.kind == 'tree' else e.mode} {e.name}\0".encode() + bytes.fromhex(e.sha)
            for e in entries
        )
        sha = git_sha("tree", raw)
        self.trees[sha] = entries
        return sha

    def flatten(self, tree_sha: str, prefix: str = "") -> dict[str, tuple[str, str]]:
        flat: dict[str, tuple[str, str]] = {}
        for entry in self.trees[tree_sha]:
            path = f"{prefix}{entry.name}"
            if entry.kind == "tree":
                flat.update(self.flatten(entry.sha, f"{path}/"))
            else:
                flat[path] = (entry.mode, entry.sha)
        return flat

    def put_commit(
        self,
        tree: str,
        parents: list[str],
        message: str,
        author: Mapping[str, str] | None = None,
        committer: Mapping[str, str] | None = None,
    ) -> str:
        stamp = next(self.clock)
        date = datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        who = {"name": BOT["name"], "email": BOT["email"], "date": date, **(author or {})}
        by = {"name": BOT["name"], "email": BOT["email"], "date": date, **(committer or author or {})}
        lines = [f"tree {tree}", *(f"parent {p}" for p in parents)]
        for role, person in (("author", who), ("committer", by)):
            lines.append(f"{role} {person['name']} <{person['email']}> {stamp} +0000")
        sha = git_sha("commit", ("\n".join(lines) + "\n\n" + message).encode())
        self.commit_objects[sha] = Commit(sha, tree, list(parents), message, who, by)
        return sha

    def is_ancestor(self, ancestor: str, sha: str) -> bool:
        seen: set[str] = set()
        stack = [sha]
        while stack:
            current = stack.pop()
            if current == ancestor:
                return True
            if current in seen or current not in self.commit_objects:
                continue
            seen.add(current)
            stack.extend(self.commit_objects[current].parents)
        return False

    def resolve(self, ref: str | None) -> str | None:
        """A commit id for a branch name, ``refs/...`` name or (abbreviated) commit id."""
        name = ref or self.default_branch
        for candidate in (name, f"refs/heads/{name}", f"refs/{name}"):
            if candidate in self.refs:
                return self.refs[candidate]
        if re.fullmatch(r"[0-9a-f]{7,40}", name):
            found = [sha for sha in self.commit_objects if sha.startswith(name)]
            if len(found) == 1:
                return found[0]
        return None

    # --- test helpers ------------------------------------------------------------------------

    def commit_files(
        self,
        files: Mapping[str, str | None],
        *,
        branch: str | None = None,
        message: str = "fixture commit",
        author: str = "fixture",
    ) -> str:
        """Commit ``files`` (None deletes) on top of ``branch``, creating it when absent."""
        with self.hub.lock:
            ref = f"refs/heads/{branch or self.default_branch}"
            parent = self.refs.get(ref)
            flat = self.flatten(self.commit_objects[parent].tree) if parent else {}
            for path, text in files.items():
                if text is None:
                    flat.pop(path, None)
                else:
                    flat[path] = ("100644", self.put_blob(text.encode()))
            person = {"name": author, "email": f"{author}@example.test"}
            sha = self.put_commit(self.write_tree(flat), [parent] if parent else [], message, person)
            self.refs[ref] = sha
            return sha

    seed_files = commit_files

    def head(self, branch: str | None = None) -> str:
        with self.hub.lock:
            return self.refs[f"refs/heads/{branch or self.default_branch}"]

    def files_at(self, ref: str | None = None) -> dict[str, str]:
        with self.hub.lock:
            sha = self.resolve(ref)
            if sha is None:
                raise KeyError(ref)
            flat = self.flatten(self.commit_objects[sha].tree)
            return {path: self.blobs[blob].decode() for path, (_, blob) in flat.items()}

    def read_file(self, path: str, ref: str | None = None) -> str | None:
        return self.files_at(ref).get(path)

    def commits(self, branch: str | None = None) -> list[Commit]:
        """The first-parent history of ``branch``, newest first."""
        with self.hub.lock:
            out: list[Commit] = []
            sha: str | None = self.refs.get(f"refs/heads/{branch or self.default_branch}")
            while sha:
                commit = self.commit_objects[sha]
                out.append(commit)
                sha = commit.parents[0] if commit.parents else None
            return out

    def changed_paths(self, sha: str) -> set[str]:
        with self.hub.lock:
            commit = self.commit_objects[sha]
            after = self.flatten(commit.tree)
            before = self.flatten(self.commit_objects[commit.parents[0]].tree) if commit.parents else {}
            return {p for p in set(before) | set(after) if before.get(p) != after.get(p)}

    def protect(self, branch: str) -> None:
        self.protected.add(f"refs/heads/{branch}")

    def add_pull(self, *, author: str, head: str = "change", base: str | None = None, title: str = "change") -> int:
        with self.hub.lock:
            base = base or self.default_branch
            if f"refs/heads/{head}" not in self.refs:
                self.refs[f"refs/heads/{head}"] = self.refs[f"refs/heads/{base}"]
            number = next(self.issue_numbers)
            self.pulls[number] = {
                "number": number,
                "title": title,
                "body": "",
                "user": author,
                "head": head,
                "base": base,
                "state": "open",
                "created_at": now_iso(),
            }
            self.reviews[number] = []
            return number

    def add_review(self, number: int, user: str, state: str, *, submitted_at: str | None = None) -> int:
        with self.hub.lock:
            review_id = next(self.hub.ids)
            self.reviews[number].append(
                {
                    "id": review_id,
                    "user": user,
                    "state": state,
                    "body": "",
                    "submitted_at": None if state == "PENDING" else (submitted_at or self._tick()),
                }
            )
            return review_id

    def dismiss_review(self, number: int, review_id: int) -> None:
        with self.hub.lock:
            for review in self.reviews[number]:
                if review["id"] == review_id:
                    review["state"] = "DISMISSED"

    def add_check_run(
        self, sha: str, name: str, *, status: str = "completed", conclusion: str | None = "success"
    ) -> int:
        with self.hub.lock:
            run_id = next(self.hub.ids)
            self.check_runs.append(
                {
                    "id": run_id,
                    "head_sha": sha,
                    "name": name,
                    "status": status,
                    "conclusion": conclusion if status == "completed" else None,
                    "started_at": now_iso(),
                    "completed_at": now_iso() if status == "completed" else None,
                }
            )
            return run_id

    def add_status(
        self,
        sha: str,
        context: str,
        state: str = "success",
        *,
        description: str | None = None,
        target_url: str | None = None,
        creator: str = "external-ci[bot]",
    ) -> int:
        """A commit status, as an external CI system reports one (``POST /repos/{o}/{r}/statuses/{sha}``)."""
        if state not in COMMIT_STATES:
            raise ValueError(f"a commit status state is one of {sorted(COMMIT_STATES)}, not {state!r}")
        with self.hub.lock:
            status_id = next(self.hub.ids)
            self.commit_statuses.append(
                {
                    "id": status_id,
                    "sha": sha,
                    "context": context,
                    "state": state,
                    "description": description,
                    "target_url": target_url,
                    "creator": creator,
                    "created_at": self._tick(),
                }
            )
            return status_id

    def deployments(self) -> list[dict[str, Json]]:
        with self.hub.lock:
            return [dict(d) for d in self.deployment_list]

    def deployment_statuses(self, deployment_id: int) -> list[dict[str, Json]]:
        with self.hub.lock:
            return [dict(s) for s in self.statuses.get(deployment_id, [])]

    def _tick(self) -> str:
        return datetime.fromtimestamp(next(self.clock), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
