"""One request to the fake GitHub, the route table its handlers register in, and their helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from tests.fakes.github_json_records import RecordsRenderer
from tests.fakes.github_model import FakeRepo, HttpError

if TYPE_CHECKING:
    from tests.fakes.github_server import FakeGitHub

Json = Any
Answer = tuple[int, Json, dict[str, str]]
Handler = Callable[..., Answer]
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []
OWNER_REPO = r"/repos/([^/]+)/([^/]+)"


class Request(RecordsRenderer):
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


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append((method, re.compile(pattern), handler))
        return handler

    return register


def ok(payload: Json, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    return status, payload, headers or {}


def invalid(message: str = "Validation Failed", **error: Json) -> HttpError:
    return HttpError(422, message, errors=[error] if error else None)
