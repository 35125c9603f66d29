"""An in-memory GitHub REST API, close enough to the documented shapes for PyGithub to parse.

It keeps real git object ids (blobs, trees and commits hashed as git does), moves refs only
fast-forward unless ``force`` is sent (and records every ``force`` value it sees), and serves the
contents API, pulls and reviews, team memberships, check runs and commit statuses with ``Link``
pagination, and deployments with statuses. Failures can be injected per method and path: 5xx
bursts, secondary rate limits with ``Retry-After``, exhausted primary limits, permission denials,
or a callback that runs just before a request (to move a branch under a writer's feet).

Every exchange is checked against GitHub's OpenAPI description (``tests/fakes/github_contract.py``):
a request GitHub would refuse, or an answer GitHub would not give, fails the test when the ``with``
block ends. The state lives in ``github_model``, the answers' shapes in ``github_json``, the routes
in ``github_routes_git`` and ``github_routes_review``.

Usage::

    with FakeGitHub() as gh:
        gh.seed_files({"a.json": "{}"})
        ... point a client at gh.api_url with token gh.token ...
        gh.commits()
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIEnvironment

from tests.fakes import github_routes_git, github_routes_review
from tests.fakes.github_contract import ContractCheck
from tests.fakes.github_fleet import (
    APPLY_STATE_PATH,
    APPLY_TELEMETRY_PATH,
    FLEET_DIR,
    FLEET_PATHS,
    REGISTRY_PATH,
    canary_texts,
    fleet_registry,
)
from tests.fakes.github_model import DOCS, REASONS, Commit, FakeRepo, HttpError, Team, git_sha
from tests.fakes.github_request import ROUTES, Request
from tests.openapi.contract import Exchange

Json = Any
ROUTE_MODULES = (github_routes_git, github_routes_review)
"""Imported for their ``@route`` registrations."""
__all__ = [
    "APPLY_STATE_PATH",
    "APPLY_TELEMETRY_PATH",
    "FLEET_DIR",
    "FLEET_PATHS",
    "REGISTRY_PATH",
    "Commit",
    "FakeGitHub",
    "FakeRepo",
    "RecordedRequest",
    "Team",
    "canary_texts",
    "fleet_registry",
    "git_sha",
]


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
    headers: Mapping[str, str] = field(default_factory=dict)
    """``Accept`` and ``X-GitHub-Api-Version`` as sent (lower-case names), the headers the contract checks."""


_CHECKED_HEADERS = {"accept": "HTTP_ACCEPT", "x-github-api-version": "HTTP_X_GITHUB_API_VERSION"}


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
        validate: bool = True,
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
        self.contract = ContractCheck() if validate else None
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
        if self.contract is not None:
            self.contract.settle(exc)

    @property
    def violations(self) -> list[str]:
        """Every way an exchange so far did not fit GitHub's OpenAPI description (see ``ContractCheck``)."""
        return self.contract.violations if self.contract is not None else []

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
            sent = {name: environ[key] for name, key in _CHECKED_HEADERS.items() if key in environ}
            self.requests.append(RecordedRequest(method, path, query, body, status, sent))
            if self.contract is not None:
                self.contract.observe(
                    Exchange(method, path, query, sent, body, status, None if status == 204 else payload)
                )
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
        ctx = Request(self, method, path, query, body or {}, base)
        for verb, pattern, handler in ROUTES:
            if verb != method:
                continue
            match = pattern.fullmatch(path)
            if match:
                return handler(ctx, *[unquote(g) for g in match.groups()])
        raise HttpError(404, "Not Found")
