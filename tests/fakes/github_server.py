"""An in-memory GitHub REST API, close enough to the documented shapes for PyGithub to parse.

It keeps real git object ids (blobs, trees and commits hashed as git does), moves refs only
fast-forward unless ``force`` is sent (and records every ``force`` value it sees), and serves the
contents API, pulls and reviews, team memberships, check runs with ``Link`` pagination, and
deployments with statuses. Failures can be injected per method and path: 5xx bursts, secondary
rate limits with ``Retry-After``, exhausted primary limits, permission denials, or a callback that
runs just before a request (to move a branch under a writer's feet).

Usage::

    with FakeGitHub() as gh:
        gh.seed_files({"a.json": "{}"})
        ... point a client at gh.api_url with token gh.token ...
        gh.commits()
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIEnvironment

Json = Any

DOCS = "https://docs.github.com/rest"
BOT = {"name": "github-actions[bot]", "email": "41898282+github-actions[bot]@users.noreply.github.com"}
TREE_MODES = {"100644", "100755", "040000", "160000", "120000"}
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


@dataclass
class Rule:
    """An injected response for requests whose method and path match; ``times=None`` is forever."""

    method: str
    pattern: re.Pattern[str]
    status: int
    body: Json
    headers: dict[str, str]
    times: int | None

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and bool(self.pattern.search(path))


@dataclass
class Hook:
    method: str
    pattern: re.Pattern[str]
    callback: Callable[[FakeGitHub], object]
    times: int | None


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    body: Json
    status: int


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

    def deployments(self) -> list[dict[str, Json]]:
        with self.hub.lock:
            return [dict(d) for d in self.deployment_list]

    def deployment_statuses(self, deployment_id: int) -> list[dict[str, Json]]:
        with self.hub.lock:
            return [dict(s) for s in self.statuses.get(deployment_id, [])]

    def _tick(self) -> str:
        return datetime.fromtimestamp(next(self.clock), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeGitHub:
    """The fake API server; start it with ``with FakeGitHub() as gh:``."""

    def __init__(
        self,
        *,
        token: str = "ghs_fakeTokenValue0123456789abcdefABCDEF",
        bind: str = "127.0.0.1",
        port: int = 0,
        prefix: str = "",
        repository: str = "acme/fleet",
        default_branch: str = "main",
        server_url: str = "https://github.example.test",
        contents_limit: int = 1_000_000,
        login: str = "github-actions[bot]",
    ) -> None:
        self.token = token
        self.bind = bind
        self.port = port
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.server_url = server_url.rstrip("/")
        self.contents_limit = contents_limit
        self.login = login
        self.lock = threading.RLock()
        self.ids = itertools.count(1000)
        self.repos: dict[str, FakeRepo] = {}
        self.teams: dict[tuple[str, str], Team] = {}
        self.rules: list[Rule] = []
        self.hooks: list[Hook] = []
        self.requests: list[RecordedRequest] = []
        self.default_repository = repository
        self.add_repo(repository, default_branch=default_branch)
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> FakeGitHub:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        server = make_server(
            self.bind, self.port, self.wsgi_app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self._server = server
        self.port = server.server_port
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-github", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def api_url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "") else self.bind
        return self.api_url_for(host)

    def api_url_for(self, host: str) -> str:
        """The base URL as seen from ``host`` (e.g. a container reaching the bridge gateway)."""
        return f"http://{host}:{self.port}{self.prefix}"

    def env(self, *, host: str | None = None, **extra: str) -> dict[str, str]:
        """The ``GITHUB_*`` variables a run against this server would see."""
        repo = self.repo()
        values = {
            "GITHUB_API_URL": self.api_url_for(host) if host else self.api_url,
            "GITHUB_SERVER_URL": self.server_url,
            "GITHUB_REPOSITORY": repo.full_name,
            "GITHUB_TOKEN": self.token,
            "GITHUB_REF": f"refs/heads/{repo.default_branch}",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_ACTOR": "operator",
        }
        values.update(extra)
        return values

    # --- state and injection -----------------------------------------------------------------

    def add_repo(self, full_name: str, *, default_branch: str = "main") -> FakeRepo:
        with self.lock:
            repo = FakeRepo(self, full_name, default_branch)
            self.repos[full_name.lower()] = repo
            return repo

    def repo(self, full_name: str | None = None) -> FakeRepo:
        return self.repos[(full_name or self.default_repository).lower()]

    def add_team(self, org: str, slug: str, members: Iterable[str], *, pending: Iterable[str] = ()) -> Team:
        with self.lock:
            team = Team(next(self.ids), org, slug, slug.replace("-", " ").title())
            team.members.update({m.lower(): "active" for m in members})
            team.members.update({m.lower(): "pending" for m in pending})
            self.teams[(org.lower(), slug.lower())] = team
            return team

    def fail(
        self,
        method: str,
        path: str,
        status: int = 502,
        *,
        times: int | None = 1,
        message: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer matching requests with ``status`` (``path`` is a regex searched in the API path)."""
        body = {"message": message or REASONS.get(status, "Error"), "documentation_url": DOCS}
        with self.lock:
            self.rules.append(Rule(method.upper(), re.compile(path), status, body, dict(headers or {}), times))

    def deny(self, method: str, path: str, status: int = 403, *, times: int | None = None) -> None:
        messages = {401: "Bad credentials", 403: "Resource not accessible by integration", 404: "Not Found"}
        self.fail(method, path, status, times=times, message=messages.get(status, "Forbidden"))

    def secondary_rate_limit(self, method: str, path: str, *, times: int = 1, retry_after: int = 1) -> None:
        self.fail(
            method,
            path,
            403,
            times=times,
            message="You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            headers={"Retry-After": str(retry_after)},
        )

    def primary_rate_limit(self, method: str, path: str, *, times: int = 1, reset_in: int = 3600) -> None:
        self.fail(
            method,
            path,
            403,
            times=times,
            message="API rate limit exceeded for installation ID 1.",
            headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + reset_in)},
        )

    def on_request(
        self, method: str, path: str, callback: Callable[[FakeGitHub], object], *, times: int | None = 1
    ) -> None:
        """Run ``callback`` just before handling a matching request (under the server lock)."""
        with self.lock:
            self.hooks.append(Hook(method.upper(), re.compile(path), callback, times))

    def seen(self, method: str, path: str) -> list[RecordedRequest]:
        pattern = re.compile(path)
        with self.lock:
            return [r for r in self.requests if r.method == method.upper() and pattern.search(r.path)]

    # --- delegates to the default repository -------------------------------------------------

    def seed_files(self, files: Mapping[str, str | None], **kwargs: Any) -> str:
        return self.repo().commit_files(files, **kwargs)

    def commit_files(self, files: Mapping[str, str | None], **kwargs: Any) -> str:
        return self.repo().commit_files(files, **kwargs)

    def commits(self, branch: str | None = None) -> list[Commit]:
        return self.repo().commits(branch)

    def head(self, branch: str | None = None) -> str:
        return self.repo().head(branch)

    def read_file(self, path: str, ref: str | None = None) -> str | None:
        return self.repo().read_file(path, ref)

    def files_at(self, ref: str | None = None) -> dict[str, str]:
        return self.repo().files_at(ref)

    def deployments(self) -> list[dict[str, Json]]:
        return self.repo().deployments()

    # --- WSGI --------------------------------------------------------------------------------

    def wsgi_app(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        method = environ["REQUEST_METHOD"].upper()
        raw_path = environ.get("PATH_INFO", "")
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw_body = environ["wsgi.input"].read(length) if length else b""
        host = environ.get("HTTP_HOST") or f"127.0.0.1:{self.port}"
        base = f"http://{host}{self.prefix}"
        headers: dict[str, str] = {}
        try:
            body = json.loads(raw_body) if raw_body else None
        except ValueError:
            body = None
        with self.lock:
            try:
                if not raw_path.startswith(self.prefix):
                    raise HttpError(404, "Not Found")
                path = raw_path[len(self.prefix) :] or "/"
                if raw_body and body is None:
                    raise HttpError(400, "Problems parsing JSON")
                self._run_hooks(method, path)
                injected = self._injected(method, path)
                if injected is not None:
                    status, payload, headers = injected
                else:
                    self._authorize(environ)
                    status, payload, headers = self._route(method, path, query, body, base)
            except HttpError as err:
                path = raw_path[len(self.prefix) :]
                status, payload, headers = err.status, err.body, err.headers
            self.requests.append(RecordedRequest(method, path, query, body, status))
        out_headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("X-GitHub-Request-Id", f"FAKE:{next(self.ids)}"),
            ("X-RateLimit-Limit", "5000"),
            ("X-RateLimit-Reset", str(int(time.time()) + 3600)),
        ]
        if not any(k.lower() == "x-ratelimit-remaining" for k in headers):
            out_headers.append(("X-RateLimit-Remaining", "4999"))
        out_headers = [h for h in out_headers if h[0].lower() not in {k.lower() for k in headers}]
        out_headers.extend(headers.items())
        data = b"" if status == 204 else json.dumps(payload).encode()
        out_headers.append(("Content-Length", str(len(data))))
        start_response(f"{status} {REASONS.get(status, 'Error')}", out_headers)
        return [data]

    def _run_hooks(self, method: str, path: str) -> None:
        for hook in list(self.hooks):
            if hook.method in ("*", method) and hook.pattern.search(path):
                if hook.times is not None:
                    hook.times -= 1
                    if hook.times <= 0:
                        self.hooks.remove(hook)
                hook.callback(self)

    def _injected(self, method: str, path: str) -> tuple[int, Json, dict[str, str]] | None:
        for rule in self.rules:
            if rule.matches(method, path):
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self.rules.remove(rule)
                return rule.status, rule.body, dict(rule.headers)
        return None

    def _authorize(self, environ: Mapping[str, Any]) -> None:
        header = str(environ.get("HTTP_AUTHORIZATION", ""))
        scheme, _, value = header.partition(" ")
        if scheme.lower() not in ("token", "bearer") or value.strip() != self.token:
            raise HttpError(401, "Bad credentials")

    # --- routing -----------------------------------------------------------------------------

    def _route(
        self, method: str, path: str, query: dict[str, str], body: Json, base: str
    ) -> tuple[int, Json, dict[str, str]]:
        ctx = _Request(self, method, path, query, body or {}, base)
        for verb, pattern, handler in _ROUTES:
            if verb != method:
                continue
            match = pattern.fullmatch(path)
            if match:
                return handler(ctx, *[unquote(g) for g in match.groups()])
        raise HttpError(404, "Not Found")


class _Request:
    """One request's view of the hub plus the JSON renderers (URLs use the caller's host)."""

    def __init__(self, hub: FakeGitHub, method: str, path: str, query: dict[str, str], body: Json, base: str):
        self.hub = hub
        self.method = method
        self.path = path
        self.query = query
        self.body = body if isinstance(body, dict) else {}
        self.base = base

    def repo(self, owner: str, name: str) -> FakeRepo:
        repo = self.hub.repos.get(f"{owner}/{name}".lower())
        if repo is None:
            raise HttpError(404, "Not Found")
        return repo

    def repo_url(self, repo: FakeRepo) -> str:
        return f"{self.base}/repos/{repo.full_name}"

    def user(self, login: str) -> Json:
        return {
            "login": login,
            "id": abs(hash(login)) % 10_000_000,
            "node_id": f"U_{login}",
            "type": "Bot" if login.endswith("[bot]") else "User",
            "url": f"{self.base}/users/{quote(login)}",
            "html_url": f"{self.hub.server_url}/{quote(login)}",
            "site_admin": False,
        }

    def paginate(self, items: list[Json]) -> tuple[list[Json], dict[str, str]]:
        try:
            per_page = max(1, min(100, int(self.query.get("per_page", "30"))))
            page = max(1, int(self.query.get("page", "1")))
        except ValueError:
            raise HttpError(422, "Validation Failed") from None
        pages = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []

        def link(number: int, rel: str) -> str:
            params = {**self.query, "per_page": str(per_page), "page": str(number)}
            return f'<{self.base}{self.path}?{urlencode(params)}>; rel="{rel}"'

        if page < pages:
            links += [link(page + 1, "next"), link(pages, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        return chunk, ({"Link": ", ".join(links)} if links else {})

    def repository(self, repo: FakeRepo) -> Json:
        url = self.repo_url(repo)
        return {
            "id": repo.repo_id,
            "node_id": f"R_{repo.repo_id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": {**self.user(repo.owner), "type": "Organization"},
            "private": True,
            "html_url": f"{self.hub.server_url}/{repo.full_name}",
            "description": None,
            "fork": False,
            "url": url,
            "git_refs_url": f"{url}/git/refs{{/sha}}",
            "pulls_url": f"{url}/pulls{{/number}}",
            "deployments_url": f"{url}/deployments",
            "default_branch": repo.default_branch,
            "visibility": "private",
            "permissions": {"admin": False, "maintain": False, "push": True, "triage": False, "pull": True},
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": now_iso(),
            "pushed_at": now_iso(),
        }

    def commit_json(self, repo: FakeRepo, commit: Commit) -> Json:
        url = self.repo_url(repo)
        return {
            "sha": commit.sha,
            "node_id": f"C_{commit.sha}",
            "url": f"{url}/git/commits/{commit.sha}",
            "html_url": f"{self.hub.server_url}/{repo.full_name}/commit/{commit.sha}",
            "author": commit.author,
            "committer": commit.committer,
            "message": commit.message,
            "tree": {"sha": commit.tree, "url": f"{url}/git/trees/{commit.tree}"},
            "parents": [
                {
                    "sha": p,
                    "url": f"{url}/git/commits/{p}",
                    "html_url": f"{self.hub.server_url}/{repo.full_name}/commit/{p}",
                }
                for p in commit.parents
            ],
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        }

    def ref_json(self, repo: FakeRepo, name: str) -> Json:
        sha = repo.refs[name]
        url = self.repo_url(repo)
        return {
            "ref": name,
            "node_id": f"REF_{name}",
            "url": f"{url}/git/{quote(name)}",
            "object": {"sha": sha, "type": "commit", "url": f"{url}/git/commits/{sha}"},
        }

    def tree_json(self, repo: FakeRepo, sha: str, recursive: bool) -> Json:
        url = self.repo_url(repo)
        items: list[Json] = []

        def walk(tree_sha: str, prefix: str) -> None:
            for e in repo.trees[tree_sha]:
                item: dict[str, Json] = {"path": f"{prefix}{e.name}", "mode": e.mode, "type": e.kind, "sha": e.sha}
                if e.kind == "blob":
                    item.update(size=len(repo.blobs.get(e.sha, b"")), url=f"{url}/git/blobs/{e.sha}")
                elif e.kind == "tree":
                    item["url"] = f"{url}/git/trees/{e.sha}"
                items.append(item)
                if recursive and e.kind == "tree":
                    walk(e.sha, f"{prefix}{e.name}/")

        walk(sha, "")
        return {"sha": sha, "url": f"{url}/git/trees/{sha}", "tree": items, "truncated": False}

    def pull_json(self, repo: FakeRepo, pull: Mapping[str, Json]) -> Json:
        url = self.repo_url(repo)
        number = pull["number"]
        html = f"{self.hub.server_url}/{repo.full_name}/pull/{number}"

        def side(branch: str) -> Json:
            return {
                "label": f"{repo.owner}:{branch}",
                "ref": branch,
                "sha": repo.refs.get(f"refs/heads/{branch}", "0" * 40),
                "user": self.user(repo.owner),
                "repo": self.repository(repo),
            }

        return {
            "url": f"{url}/pulls/{number}",
            "id": 50000 + number,
            "node_id": f"PR_{number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": f"{url}/issues/{number}",
            "number": number,
            "state": pull["state"],
            "locked": False,
            "title": pull["title"],
            "user": self.user(pull["user"]),
            "body": pull["body"],
            "created_at": pull["created_at"],
            "updated_at": pull["created_at"],
            "closed_at": None,
            "merged_at": None,
            "merge_commit_sha": None,
            "draft": False,
            "head": side(pull["head"]),
            "base": side(pull["base"]),
            "merged": False,
            "mergeable": None,
            "comments": 0,
            "review_comments": 0,
            "commits": 1,
            "additions": 0,
            "deletions": 0,
            "changed_files": 0,
        }

    def review_json(self, repo: FakeRepo, number: int, review: Mapping[str, Json]) -> Json:
        url = self.repo_url(repo)
        out = {
            "id": review["id"],
            "node_id": f"PRR_{review['id']}",
            "user": self.user(review["user"]),
            "body": review["body"],
            "state": review["state"],
            "html_url": f"{self.hub.server_url}/{repo.full_name}/pull/{number}#pullrequestreview-{review['id']}",
            "pull_request_url": f"{url}/pulls/{number}",
            "commit_id": repo.refs.get(f"refs/heads/{repo.pulls[number]['head']}"),
            "author_association": "MEMBER",
        }
        if review["submitted_at"]:
            out["submitted_at"] = review["submitted_at"]
        return out

    def check_run_json(self, repo: FakeRepo, run: Mapping[str, Json]) -> Json:
        url = self.repo_url(repo)
        return {
            "id": run["id"],
            "node_id": f"CR_{run['id']}",
            "head_sha": run["head_sha"],
            "external_id": "",
            "url": f"{url}/check-runs/{run['id']}",
            "html_url": f"{self.hub.server_url}/{repo.full_name}/runs/{run['id']}",
            "details_url": f"{self.hub.server_url}/{repo.full_name}/runs/{run['id']}",
            "status": run["status"],
            "conclusion": run["conclusion"],
            "started_at": run["started_at"],
            "completed_at": run["completed_at"],
            "output": {
                "title": None,
                "summary": None,
                "text": None,
                "annotations_count": 0,
                "annotations_url": f"{url}/check-runs/{run['id']}/annotations",
            },
            "name": run["name"],
            "check_suite": {"id": 7},
            "app": {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"},
            "pull_requests": [],
        }

    def deployment_json(self, repo: FakeRepo, dep: Mapping[str, Json]) -> Json:
        url = self.repo_url(repo)
        return {
            **{k: v for k, v in dep.items() if not k.startswith("_")},
            "url": f"{url}/deployments/{dep['id']}",
            "node_id": f"DE_{dep['id']}",
            "creator": self.user(self.hub.login),
            "statuses_url": f"{url}/deployments/{dep['id']}/statuses",
            "repository_url": url,
        }

    def status_json(self, repo: FakeRepo, dep_id: int, status: Mapping[str, Json]) -> Json:
        url = self.repo_url(repo)
        return {
            **status,
            "url": f"{url}/deployments/{dep_id}/statuses/{status['id']}",
            "node_id": f"DES_{status['id']}",
            "creator": self.user(self.hub.login),
            "deployment_url": f"{url}/deployments/{dep_id}",
            "repository_url": url,
        }


Handler = Callable[..., tuple[int, Json, dict[str, str]]]
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []
_OWNER_REPO = r"/repos/([^/]+)/([^/]+)"


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _ROUTES.append((method, re.compile(pattern), handler))
        return handler

    return register


def _ok(payload: Json, status: int = 200, headers: dict[str, str] | None = None) -> tuple[int, Json, dict[str, str]]:
    return status, payload, headers or {}


def _invalid(message: str = "Validation Failed", **error: Json) -> HttpError:
    return HttpError(422, message, errors=[error] if error else None)


@route("GET", _OWNER_REPO)
def _get_repo(req: _Request, owner: str, name: str) -> tuple[int, Json, dict[str, str]]:
    return _ok(req.repository(req.repo(owner, name)))


@route("GET", _OWNER_REPO + r"/git/refs?/(.+)")
def _get_ref(req: _Request, owner: str, name: str, ref: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    full = f"refs/{ref}"
    if full in repo.refs:
        return _ok(req.ref_json(repo, full))
    if "/git/refs/" in req.path:
        matches = sorted(r for r in repo.refs if r.startswith(full + "/"))
        if matches:
            return _ok([req.ref_json(repo, r) for r in matches])
    raise HttpError(404, "Not Found")


@route("PATCH", _OWNER_REPO + r"/git/refs/(.+)")
def _update_ref(req: _Request, owner: str, name: str, ref: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    full = f"refs/{ref}"
    sha = req.body.get("sha")
    force = req.body.get("force", False)
    repo.ref_updates.append({"ref": full, "sha": sha, "force": force})
    if full not in repo.refs:
        raise _invalid("Reference does not exist")
    if not isinstance(sha, str) or sha not in repo.commit_objects:
        raise _invalid("Object does not exist")
    if full in repo.protected:
        raise _invalid(f"Protected branch update failed for {full}.")
    if force is not True and not repo.is_ancestor(repo.refs[full], sha):
        raise _invalid("Update is not a fast forward")
    repo.refs[full] = sha
    return _ok(req.ref_json(repo, full))


@route("POST", _OWNER_REPO + r"/git/refs")
def _create_ref(req: _Request, owner: str, name: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    ref, sha = req.body.get("ref"), req.body.get("sha")
    if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2 or ".." in ref:
        raise _invalid("Reference name is not well formed")
    if not isinstance(sha, str) or sha not in repo.commit_objects:
        raise _invalid("Object does not exist")
    if ref in repo.refs:
        raise _invalid("Reference already exists")
    repo.refs[ref] = sha
    return _ok(req.ref_json(repo, ref), 201)


@route("POST", _OWNER_REPO + r"/git/blobs")
def _create_blob(req: _Request, owner: str, name: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    content = req.body.get("content")
    encoding = req.body.get("encoding", "utf-8")
    if not isinstance(content, str) or encoding not in ("utf-8", "base64"):
        raise _invalid(resource="Blob", field="content", code="missing_field")
    data = base64.b64decode(content) if encoding == "base64" else content.encode("utf-8")
    sha = repo.put_blob(data)
    return _ok({"url": f"{req.repo_url(repo)}/git/blobs/{sha}", "sha": sha}, 201)


@route("GET", _OWNER_REPO + r"/git/blobs/([0-9a-f]{40})")
def _get_blob(req: _Request, owner: str, name: str, sha: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    if sha not in repo.blobs:
        raise HttpError(404, "Not Found")
    data = repo.blobs[sha]
    return _ok(
        {
            "sha": sha,
            "node_id": f"B_{sha}",
            "size": len(data),
            "url": f"{req.repo_url(repo)}/git/blobs/{sha}",
            "content": b64_lines(data),
            "encoding": "base64",
        }
    )


@route("POST", _OWNER_REPO + r"/git/trees")
def _create_tree(req: _Request, owner: str, name: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    base_tree = req.body.get("base_tree")
    entries = req.body.get("tree")
    if base_tree is not None and base_tree not in repo.trees:
        raise _invalid("base_tree is not a valid tree oid")
    if not isinstance(entries, list):
        raise _invalid(resource="Tree", field="tree", code="missing_field")
    flat = repo.flatten(base_tree) if base_tree else {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("mode") not in TREE_MODES or not entry.get("path"):
            raise _invalid("Invalid tree info")
        path = str(entry["path"]).strip("/")
        if entry.get("content") is not None:
            flat[path] = (entry["mode"], repo.put_blob(str(entry["content"]).encode()))
        elif entry.get("sha") is None:
            flat.pop(path, None)
        elif entry.get("type") == "tree":
            if entry["sha"] not in repo.trees:
                raise _invalid("Invalid tree info")
            flat.update({f"{path}/{p}": v for p, v in repo.flatten(entry["sha"]).items()})
        elif entry["sha"] in repo.blobs:
            flat[path] = (entry["mode"], entry["sha"])
        else:
            raise _invalid("Invalid tree info")
    sha = repo.write_tree(flat)
    return _ok(req.tree_json(repo, sha, recursive=False), 201)


@route("GET", _OWNER_REPO + r"/git/trees/([0-9a-f]{40})")
def _get_tree(req: _Request, owner: str, name: str, sha: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    if sha not in repo.trees:
        raise HttpError(404, "Not Found")
    return _ok(req.tree_json(repo, sha, recursive=req.query.get("recursive") not in (None, "", "0", "false")))


@route("POST", _OWNER_REPO + r"/git/commits")
def _create_commit(req: _Request, owner: str, name: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    message, tree, parents = req.body.get("message"), req.body.get("tree"), req.body.get("parents", [])
    if not isinstance(message, str) or not isinstance(tree, str):
        raise _invalid(resource="Commit", field="message", code="missing_field")
    if tree not in repo.trees:
        raise _invalid("Tree SHA does not exist")
    if not isinstance(parents, list) or any(p not in repo.commit_objects for p in parents):
        raise _invalid("Parent SHA does not exist or is not a commit object")
    author = req.body.get("author") if isinstance(req.body.get("author"), dict) else None
    committer = req.body.get("committer") if isinstance(req.body.get("committer"), dict) else None
    sha = repo.put_commit(tree, list(parents), message, author, committer)
    return _ok(req.commit_json(repo, repo.commit_objects[sha]), 201)


@route("GET", _OWNER_REPO + r"/git/commits/([0-9a-f]{40})")
def _get_commit(req: _Request, owner: str, name: str, sha: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    if sha not in repo.commit_objects:
        raise HttpError(404, "Not Found")
    return _ok(req.commit_json(repo, repo.commit_objects[sha]))


@route("GET", _OWNER_REPO + r"/contents/?(.*)")
def _get_contents(req: _Request, owner: str, name: str, path: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    ref = req.query.get("ref") or None
    sha = repo.resolve(ref)
    if sha is None:
        raise HttpError(404, f"No commit found for the ref {ref}")
    flat = repo.flatten(repo.commit_objects[sha].tree)
    path = path.strip("/")
    url = req.repo_url(repo)

    def item(p: str, kind: str, obj: str, size: int) -> Json:
        link = f"{url}/contents/{quote(p)}?ref={ref or repo.default_branch}"
        html = f"{req.hub.server_url}/{repo.full_name}/blob/{ref or repo.default_branch}/{p}"
        return {
            "type": kind,
            "size": size,
            "name": p.rsplit("/", 1)[-1],
            "path": p,
            "sha": obj,
            "url": link,
            "git_url": f"{url}/git/{'blobs' if kind == 'file' else 'trees'}/{obj}",
            "html_url": html,
            "download_url": None,
            "_links": {"self": link, "git": f"{url}/git/blobs/{obj}", "html": html},
        }

    if path in flat:
        _, blob = flat[path]
        data = repo.blobs[blob]
        out = item(path, "file", blob, len(data))
        if len(data) > req.hub.contents_limit:
            out.update(content="", encoding="none")
        else:
            out.update(content=b64_lines(data), encoding="base64")
        return _ok(out)
    children = sorted({p[len(path) + 1 :].split("/", 1)[0] for p in flat if p.startswith(path + "/")})
    if path == "" or children:
        listing = []
        for child in sorted({p.split("/", 1)[0] for p in flat} if path == "" else children):
            full = f"{path}/{child}" if path else child
            if full in flat:
                listing.append(item(full, "file", flat[full][1], len(repo.blobs[flat[full][1]])))
            else:
                listing.append(item(full, "dir", "0" * 40, 0))
        return _ok(listing)
    raise HttpError(404, "Not Found")


@route("GET", _OWNER_REPO + r"/pulls/(\d+)")
def _get_pull(req: _Request, owner: str, name: str, number: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    pull = repo.pulls.get(int(number))
    if pull is None:
        raise HttpError(404, "Not Found")
    return _ok(req.pull_json(repo, pull))


@route("GET", _OWNER_REPO + r"/pulls")
def _list_pulls(req: _Request, owner: str, name: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    state = req.query.get("state", "open")
    head = req.query.get("head")
    base = req.query.get("base")
    items = [
        req.pull_json(repo, p)
        for p in sorted(repo.pulls.values(), key=lambda p: -int(p["number"]))
        if (state == "all" or p["state"] == state)
        and (head is None or f"{repo.owner}:{p['head']}".lower() == head.lower())
        and (base is None or p["base"] == base)
    ]
    page, headers = req.paginate(items)
    return _ok(page, headers=headers)


@route("POST", _OWNER_REPO + r"/pulls")
def _create_pull(req: _Request, owner: str, name: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    title, head, base = req.body.get("title"), req.body.get("head"), req.body.get("base")
    if not all(isinstance(v, str) and v for v in (title, head, base)):
        raise _invalid(resource="PullRequest", field="title", code="missing_field")
    head_branch = str(head).split(":", 1)[-1]
    if f"refs/heads/{head_branch}" not in repo.refs:
        raise _invalid(resource="PullRequest", field="head", code="invalid")
    if f"refs/heads/{base}" not in repo.refs:
        raise _invalid(resource="PullRequest", field="base", code="invalid")
    if repo.refs[f"refs/heads/{head_branch}"] == repo.refs[f"refs/heads/{base}"]:
        raise _invalid(resource="PullRequest", code="custom", message=f"No commits between {base} and {head}")
    for pull in repo.pulls.values():
        if pull["head"] == head_branch and pull["base"] == base and pull["state"] == "open":
            raise _invalid(
                resource="PullRequest",
                code="custom",
                message=f"A pull request already exists for {repo.owner}:{head_branch}.",
            )
    number = next(repo.issue_numbers)
    repo.pulls[number] = {
        "number": number,
        "title": title,
        "body": req.body.get("body") or "",
        "user": req.hub.login,
        "head": head_branch,
        "base": base,
        "state": "open",
        "created_at": now_iso(),
    }
    repo.reviews[number] = []
    return _ok(req.pull_json(repo, repo.pulls[number]), 201)


@route("GET", _OWNER_REPO + r"/pulls/(\d+)/reviews")
def _list_reviews(req: _Request, owner: str, name: str, number: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    if int(number) not in repo.pulls:
        raise HttpError(404, "Not Found")
    items = [req.review_json(repo, int(number), r) for r in repo.reviews[int(number)]]
    page, headers = req.paginate(items)
    return _ok(page, headers=headers)


def _team(req: _Request, org: str, slug: str) -> Team:
    team = req.hub.teams.get((org.lower(), slug.lower()))
    if team is None:
        raise HttpError(404, "Not Found")
    return team


@route("GET", r"/orgs/([^/]+)/teams/([^/]+)")
def _get_team(req: _Request, org: str, slug: str) -> tuple[int, Json, dict[str, str]]:
    team = _team(req, org, slug)
    url = f"{req.base}/organizations/1/team/{team.team_id}"
    return _ok(
        {
            "id": team.team_id,
            "node_id": f"T_{team.team_id}",
            "url": url,
            "html_url": f"{req.hub.server_url}/orgs/{team.org}/teams/{team.slug}",
            "name": team.name,
            "slug": team.slug,
            "description": None,
            "privacy": "closed",
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "members_url": f"{url}/members{{/member}}",
            "repositories_url": f"{url}/repos",
            "parent": None,
        }
    )


@route("GET", r"/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)")
def _team_membership(req: _Request, org: str, slug: str, login: str) -> tuple[int, Json, dict[str, str]]:
    team = _team(req, org, slug)
    state = team.members.get(login.lower())
    if state is None:
        raise HttpError(404, "Not Found")
    url = f"{req.base}/organizations/1/team/{team.team_id}/memberships/{login}"
    return _ok({"url": url, "role": "member", "state": state})


@route("GET", r"/teams/(\d+)/members/([^/]+)")
def _legacy_team_member(req: _Request, team_id: str, login: str) -> tuple[int, Json, dict[str, str]]:
    for team in req.hub.teams.values():
        if team.team_id == int(team_id) and team.members.get(login.lower()) == "active":
            return _ok(None, 204)
    raise HttpError(404, "Not Found")


@route("GET", _OWNER_REPO + r"/commits/([^/]+)/check-runs")
def _check_runs(req: _Request, owner: str, name: str, ref: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    sha = repo.resolve(ref)
    if sha is None:
        raise _invalid(f"No commit found for SHA: {ref}")
    runs = [r for r in repo.check_runs if r["head_sha"] == sha]
    if "check_name" in req.query:
        runs = [r for r in runs if r["name"] == req.query["check_name"]]
    if "status" in req.query:
        runs = [r for r in runs if r["status"] == req.query["status"]]
    if req.query.get("filter", "latest") == "latest":
        newest: dict[str, Json] = {}
        for run in runs:
            if run["name"] not in newest or run["id"] > newest[run["name"]]["id"]:
                newest[run["name"]] = run
        runs = list(newest.values())
    runs.sort(key=lambda r: -int(r["id"]))
    page, headers = req.paginate([req.check_run_json(repo, r) for r in runs])
    return _ok({"total_count": len(runs), "check_runs": page}, headers=headers)


@route("POST", _OWNER_REPO + r"/deployments")
def _create_deployment(req: _Request, owner: str, name: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    ref = req.body.get("ref")
    sha = repo.resolve(ref) if isinstance(ref, str) else None
    if sha is None:
        raise HttpError(422, f"No ref found for: {ref}")
    environment = req.body.get("environment", "production")
    stamp = now_iso()
    dep = {
        "id": next(req.hub.ids),
        "sha": sha,
        "ref": ref,
        "task": req.body.get("task", "deploy"),
        "payload": req.body.get("payload", {}),
        "original_environment": environment,
        "environment": environment,
        "description": req.body.get("description"),
        "created_at": stamp,
        "updated_at": stamp,
        "transient_environment": bool(req.body.get("transient_environment", False)),
        "production_environment": bool(req.body.get("production_environment", environment == "production")),
        "_request": dict(req.body),
    }
    repo.deployment_list.append(dep)
    repo.statuses[dep["id"]] = []
    return _ok(req.deployment_json(repo, dep), 201)


@route("GET", _OWNER_REPO + r"/deployments")
def _list_deployments(req: _Request, owner: str, name: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    items = [req.deployment_json(repo, d) for d in reversed(repo.deployment_list)]
    if "environment" in req.query:
        items = [d for d in items if d["environment"] == req.query["environment"]]
    page, headers = req.paginate(items)
    return _ok(page, headers=headers)


def _deployment(repo: FakeRepo, dep_id: str) -> dict[str, Json]:
    for dep in repo.deployment_list:
        if dep["id"] == int(dep_id):
            return dep
    raise HttpError(404, "Not Found")


@route("GET", _OWNER_REPO + r"/deployments/(\d+)")
def _get_deployment(req: _Request, owner: str, name: str, dep_id: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    return _ok(req.deployment_json(repo, _deployment(repo, dep_id)))


@route("POST", _OWNER_REPO + r"/deployments/(\d+)/statuses")
def _create_status(req: _Request, owner: str, name: str, dep_id: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    dep = _deployment(repo, dep_id)
    state = req.body.get("state")
    if state not in STATUS_STATES:
        raise _invalid(resource="DeploymentStatus", field="state", code="invalid")
    log_url = req.body.get("log_url") or req.body.get("target_url") or ""
    stamp = now_iso()
    status = {
        "id": next(req.hub.ids),
        "state": state,
        "description": req.body.get("description", ""),
        "environment": req.body.get("environment", dep["environment"]),
        "target_url": log_url,
        "log_url": log_url,
        "environment_url": req.body.get("environment_url", ""),
        "created_at": stamp,
        "updated_at": stamp,
    }
    if req.body.get("auto_inactive", True) and state == "success":
        for other in repo.deployment_list:
            if other is not dep and other["environment"] == dep["environment"]:
                trail = repo.statuses[other["id"]]
                if trail and trail[-1]["state"] == "success":
                    trail.append({**trail[-1], "id": next(req.hub.ids), "state": "inactive"})
    repo.statuses[dep["id"]].append(status)
    return _ok(req.status_json(repo, dep["id"], status), 201)


@route("GET", _OWNER_REPO + r"/deployments/(\d+)/statuses")
def _list_statuses(req: _Request, owner: str, name: str, dep_id: str) -> tuple[int, Json, dict[str, str]]:
    repo = req.repo(owner, name)
    dep = _deployment(repo, dep_id)
    items = [req.status_json(repo, dep["id"], s) for s in reversed(repo.statuses[dep["id"]])]
    page, headers = req.paginate(items)
    return _ok(page, headers=headers)


FLEET_DIR = ".superloop/ops-manager/fleet"
REGISTRY_PATH = f"{FLEET_DIR}/registry.v1.json"
APPLY_STATE_PATH = f"{FLEET_DIR}/promotion-apply-state.json"
APPLY_TELEMETRY_PATH = f"{FLEET_DIR}/telemetry/promotion-apply.jsonl"
FLEET_PATHS = (REGISTRY_PATH, APPLY_STATE_PATH, APPLY_TELEMETRY_PATH)


def fleet_registry(canary: int, fleet_id: str = "fleet-a") -> str:
    """A registry text with just the fields a canary apply touches."""
    rollout = {"canaryPercent": canary, "pause": {"manual": False}}
    return json.dumps({"fleetId": fleet_id, "policy": {"autonomous": {"rollout": rollout}}}, indent=2) + "\n"


def canary_texts(texts: Mapping[str, str | None], trace_id: str, step: int) -> tuple[dict[str, str], int, int]:
    """A stand-in for the engine's pure apply: +``step`` canary, one telemetry line, new apply state.

    Returns the new texts and canary before/after; a trace id already in the telemetry is a replay
    (after == before, no texts).
    """
    registry = json.loads(texts[REGISTRY_PATH] or "{}")
    rollout = registry["policy"]["autonomous"]["rollout"]
    before = int(rollout["canaryPercent"])
    telemetry = texts.get(APPLY_TELEMETRY_PATH) or ""
    if any(json.loads(line).get("traceId") == trace_id for line in telemetry.splitlines() if line.strip()):
        return {}, before, before
    after = min(100, before + step)
    rollout["canaryPercent"] = after
    line = json.dumps({"traceId": trace_id, "canaryBefore": before, "canaryAfter": after})
    return (
        {
            REGISTRY_PATH: json.dumps(registry, indent=2) + "\n",
            APPLY_STATE_PATH: json.dumps({"status": "applied", "traceId": trace_id, "canaryAfter": after}) + "\n",
            APPLY_TELEMETRY_PATH: telemetry + line + "\n",
        },
        before,
        after,
    )
