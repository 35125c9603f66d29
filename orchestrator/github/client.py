"""Building the PyGithub client and translating its failures into one-line errors.

The client honours ``GITHUB_API_URL`` so GitHub Enterprise Server works, retries transient
failures (5xx, secondary rate limits, ``Retry-After``) with a bounded budget, and never lets the
token reach a message: errors are composed here from status codes and GitHub's ``message`` only.
Every request names the REST API version it was written against and the documented media type,
never a preview one (PyGithub still asks for previews on a few calls, deployments among them).
"""

from __future__ import annotations

import contextlib
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Self

import requests
from github import Auth, Consts, Github, GithubRetry
from github.GithubException import (
    BadCredentialsException,
    GithubException,
    RateLimitExceededException,
)
from urllib3.response import BaseHTTPResponse

from orchestrator import __version__
from orchestrator.github.errors import (
    GitHubError,
    GitHubPermissionError,
    GitHubRateLimitError,
    GitHubUnavailableError,
)

Sleep = Callable[[float], None]

DEFAULT_API_URL = "https://api.github.com"
USER_AGENT = f"promotion-rollout/{__version__}"
RETRYABLE_METHODS = frozenset({"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"})
API_VERSION = Consts.API_VERSION_2022_11_28
MEDIA_TYPE = "application/vnd.github+json"


class VersionedToken(Auth.Token):
    """The token, plus the two headers every REST call must carry.

    PyGithub hands each request's headers to the authentication just before sending (and again on
    every retry and page), which makes this the one place to set them: ``X-GitHub-Api-Version``, and
    ``Accept`` set to the documented media type, replacing any preview media type PyGithub asked for.
    An explicit non-GitHub ``Accept`` (``application/octet-stream`` for a download) is kept.
    """

    def authentication(self, headers: dict[str, str]) -> None:
        super().authentication(headers)
        accept = headers.get("Accept", "")
        if not accept or accept.startswith("application/vnd.github"):
            headers["Accept"] = MEDIA_TYPE
        headers[Consts.headerApiVersion] = API_VERSION


class RetryPolicy(GithubRetry):
    """GitHub's retry rules with the sleeping routed through ``sleep`` so tests need not wait.

    Every wait (``Retry-After``, secondary rate-limit pause, exponential backoff) goes through the
    injected callable; ``new`` carries it over because urllib3 clones the policy on each retry.
    """

    def __init__(self, *, sleep: Sleep = time.sleep, **kwargs: Any) -> None:
        self.sleeper = sleep
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> Self:
        kw["sleep"] = self.sleeper
        return super().new(**kw)

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after:
            self.sleeper(retry_after)
            return True
        return False

    def _sleep_backoff(self) -> None:
        backoff = self.get_backoff_time()
        if backoff > 0:
            self.sleeper(backoff)


def retry_policy(
    *,
    sleep: Sleep = time.sleep,
    attempts: int = 5,
    backoff_factor: float = 1.0,
    max_rate_limit_wait: float = 120.0,
) -> RetryPolicy:
    """The bounded policy: ``attempts`` retries, waits capped, the last failure surfaced as-is."""
    return RetryPolicy(
        sleep=sleep,
        total=attempts,
        connect=attempts,
        read=attempts,
        status=attempts,
        backoff_factor=backoff_factor,
        backoff_max=30.0,
        retry_after_max=max_rate_limit_wait,
        secondary_rate_wait=60.0,
        max_rate_limit_wait=max_rate_limit_wait,
        status_forcelist=[429, *range(500, 600)],
        allowed_methods=RETRYABLE_METHODS,
        raise_on_status=False,
    )


def validate_api_url(api_url: str) -> str:
    """The API base URL without a trailing slash, refusing anything that is not http(s)."""
    parsed = urllib.parse.urlsplit(api_url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise GitHubError(f"GITHUB_API_URL must be an http(s) URL, got {api_url!r}")
    return api_url.strip().rstrip("/")


def connect(
    api_url: str,
    token: str,
    *,
    sleep: Sleep = time.sleep,
    throttle: bool = True,
    timeout: int = 30,
    attempts: int = 5,
) -> Github:
    """A PyGithub client for ``api_url``; ``throttle`` keeps PyGithub's polite spacing of writes."""
    if not token.strip():
        raise GitHubError("a GitHub token is required (set GITHUB_TOKEN or the github-token input)")
    return Github(
        auth=VersionedToken(token.strip()),
        api_version=API_VERSION,
        base_url=validate_api_url(api_url),
        timeout=timeout,
        user_agent=USER_AGENT,
        per_page=100,
        retry=retry_policy(sleep=sleep, attempts=attempts),
        seconds_between_requests=Consts.DEFAULT_SECONDS_BETWEEN_REQUESTS if throttle else 0.0,
        seconds_between_writes=Consts.DEFAULT_SECONDS_BETWEEN_WRITES if throttle else 0.0,
    )


def github_message(exc: GithubException) -> str:
    """GitHub's own ``message`` field, one line and short; never the headers or request."""
    data = exc.data
    text = ""
    if isinstance(data, dict):
        raw = data.get("message")
        text = raw if isinstance(raw, str) else ""
    elif isinstance(data, str):
        text = data
    text = " ".join(text.split())
    return text[:200]


def _reset_time(exc: GithubException) -> str | None:
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    raw = headers.get("x-ratelimit-reset", "")
    if not raw.isdigit():
        return None
    return datetime.fromtimestamp(int(raw), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_rate_limited(exc: GithubException) -> bool:
    if isinstance(exc, RateLimitExceededException):
        return True
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    return exc.status in (403, 429) and headers.get("x-ratelimit-remaining") == "0"


def translate(exc: BaseException, *, action: str, permission: str) -> GitHubError:
    """The one-line error for a failed call; ``permission`` is what a 401/403/404 points at."""
    if isinstance(exc, GithubException):
        status = exc.status
        detail = github_message(exc)
        suffix = f": {detail}" if detail else ""
        if _is_rate_limited(exc):
            reset = _reset_time(exc)
            when = f"; it resets at {reset}" if reset else ""
            return GitHubRateLimitError(f"GitHub API rate limit exhausted while {action}{when}")
        if status == 401 or isinstance(exc, BadCredentialsException):
            return GitHubPermissionError(
                f"GitHub rejected the token while {action} (HTTP 401{suffix}); use a valid token with `{permission}`",
                permission=permission,
                status=401,
            )
        if status in (403, 404):
            return GitHubPermissionError(
                f"GitHub refused {action} (HTTP {status}{suffix}); the token needs `{permission}`",
                permission=permission,
                status=status,
            )
        if status >= 500:
            return GitHubUnavailableError(f"GitHub API failed while {action} (HTTP {status}) after retries")
        return GitHubError(f"GitHub API error while {action} (HTTP {status}{suffix})")
    if isinstance(exc, requests.RequestException):
        return GitHubUnavailableError(f"cannot reach the GitHub API while {action} ({type(exc).__name__})")
    return GitHubError(f"unexpected failure while {action} ({type(exc).__name__})")


@contextlib.contextmanager
def github_call(action: str, permission: str) -> Iterator[None]:
    """Run PyGithub calls, turning any API or transport failure into a translated error."""
    try:
        yield
    except GitHubError:
        raise
    except (GithubException, requests.RequestException) as exc:
        raise translate(exc, action=action, permission=permission) from None
