"""The network edge of an upload: Twirp calls with the bearer token, blob calls with the signed URL.

Failures worth another attempt (429, 5xx, an unreachable host, a body that is not JSON) are
retried with the backoff ``@actions/artifact`` uses; every other failure is final. Messages are
one line and the token is scrubbed from anything a server echoes.

A Twirp call may name optional fields an older service cannot decode (act's artifact server
answers a body with an unknown field with HTTP 500 and no body at all, where GitHub's service
answers every error with a Twirp JSON error): after such an answer, the remaining attempts leave
those fields out.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import random
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from orchestrator import __version__
from orchestrator.action.artifact.errors import ArtifactUploadError

TWIRP_SERVICE = "github.actions.results.api.v1.ArtifactService"
BLOCK_SIZE = 8 * 1024 * 1024
BLOB_API_VERSION = "2026-04-06"
"""The blob REST API version ``@azure/storage-blob`` 12.32 (under ``@actions/artifact`` 6.2.1) sends."""
MAX_ATTEMPTS = 5
BASE_DELAY_SECONDS = 3.0
BACKOFF_MULTIPLIER = 1.5
REQUEST_TIMEOUT_SECONDS = 300.0
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
"""The statuses ``@actions/artifact`` retries (429, 500, 502, 503, 504); any other 4xx is final."""

USER_AGENT = f"promotion-rollout/{__version__}"
_BLOB_HEADERS = {"Accept": "application/xml", "x-ms-version": BLOB_API_VERSION, "User-Agent": USER_AGENT}
"""Sent on every blob call, as the Azure SDK sends them (storage answers errors in XML)."""

_T = TypeVar("_T")


def block_id(prefix: str, index: int) -> str:
    """Base64 block ids of one fixed length, as Azure requires within a blob."""
    return base64.b64encode(f"{prefix}{index:012d}".encode()).decode()


def block_list_xml(block_ids: Sequence[str]) -> bytes:
    """The Put Block List body committing ``block_ids`` in order."""
    latest = "".join(f"<Latest>{identifier}</Latest>" for identifier in block_ids)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><BlockList>{latest}</BlockList>'.encode()


def backoff_delays(attempts: int = MAX_ATTEMPTS) -> Iterator[tuple[float, float]]:
    """The (low, high) bounds of the pause before each retry: base, then growing by 1.5x with jitter."""
    for attempt in range(attempts - 1):
        low = BASE_DELAY_SECONDS * BACKOFF_MULTIPLIER**attempt
        yield (low, low) if attempt == 0 else (low, low * BACKOFF_MULTIPLIER)


class _Retryable(Exception):
    """A failure worth another attempt; ``reason`` is already safe to show.

    ``undecoded`` marks an HTTP 500 whose body is not a Twirp error (act's answer to a request
    body it cannot decode).
    """

    def __init__(self, reason: str, *, undecoded: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.undecoded = undecoded


class Transport:
    """Twirp calls to the results service and block uploads to the signed blob URL."""

    def __init__(self, origin: str, token: str, sleep: Callable[[float], None]) -> None:
        self._origin = origin
        self._token = token
        self._sleep = sleep
        self._opener = urllib.request.build_opener(_RefuseRedirects())
        # Optional fields left out of a call because the service could not decode them.
        self.dropped_fields: list[str] = []

    def twirp(self, method: str, body: Mapping[str, Any], *, optional: Sequence[str] = ()) -> dict[str, Any]:
        """POST ``body`` to ``method``; the ``optional`` fields are dropped after an undecodable-body answer."""
        url = f"{self._origin}/twirp/{TWIRP_SERVICE}/{method}"
        current = dict(body)
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self._token}",
            "User-Agent": USER_AGENT,
        }

        def before_retry(failure: _Retryable) -> None:
            droppable = [name for name in optional if name in current]
            if failure.undecoded and droppable:
                for name in droppable:
                    del current[name]
                self.dropped_fields.extend(droppable)

        def attempt() -> dict[str, Any]:
            data = json.dumps(current, separators=(",", ":")).encode()
            status, payload = self._send("POST", url, data, headers, method)
            try:
                parsed = json.loads(payload)
            except ValueError:
                raise _Retryable(f"HTTP {status} with a body that is not JSON") from None
            if not isinstance(parsed, dict):
                raise _Retryable(f"HTTP {status} with a body that is not a JSON object")
            return parsed

        return self._with_retries(method, attempt, before_retry)

    def upload_blob(self, signed_url: str, blob: bytes, content_type: str) -> tuple[int, str]:
        """Stage ``blob`` in blocks of ``BLOCK_SIZE`` and commit them as ``content_type``; returns size and sha256."""
        prefix = str(uuid.uuid4())
        ids: list[str] = []
        headers = {"Content-Type": "application/octet-stream", **_BLOB_HEADERS}
        for start in range(0, len(blob), BLOCK_SIZE):
            identifier = block_id(prefix, len(ids))
            ids.append(identifier)
            url = _with_query(signed_url, f"comp=block&blockid={quote(identifier, safe='')}")
            self._with_retries("blob upload", self._blob_call(url, blob[start : start + BLOCK_SIZE], headers))
        commit_headers = {"Content-Type": "application/xml", "x-ms-blob-content-type": content_type, **_BLOB_HEADERS}
        self._with_retries(
            "blob commit",
            self._blob_call(_with_query(signed_url, "comp=blocklist"), block_list_xml(ids), commit_headers),
        )
        return len(blob), hashlib.sha256(blob).hexdigest()

    def _blob_call(self, url: str, data: bytes, headers: Mapping[str, str]) -> Callable[[], None]:
        def attempt() -> None:
            # A fresh id per attempt, as the Azure SDK does: it names this one request in the service's logs.
            self._send("PUT", url, data, {**headers, "x-ms-client-request-id": str(uuid.uuid4())}, "blob storage")

        return attempt

    def _send(self, verb: str, url: str, data: bytes, headers: Mapping[str, str], what: str) -> tuple[int, bytes]:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ArtifactUploadError(f"{what}: the artifact service handed out a URL that is not http(s)")
        request = urllib.request.Request(url, data=data, headers=dict(headers), method=verb)  # noqa: S310
        try:
            with self._opener.open(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as exc:
            status = exc.code
            detail, twirp_error = self._detail(exc)
            exc.close()
            message = f"{what} failed with HTTP {status}{detail}"
            if status in RETRYABLE_STATUSES:
                raise _Retryable(message, undecoded=status == 500 and not twirp_error) from None
            raise ArtifactUploadError(f"{message} (not retried)") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            raise _Retryable(f"{what} could not be reached ({self._scrub(str(reason))})") from None

    def _detail(self, exc: urllib.error.HTTPError) -> tuple[str, bool]:
        """The error's ``msg`` to show (or nothing), and whether the body was a Twirp JSON error."""
        try:
            parsed = json.loads(exc.read(4096) or b"null")
        except (ValueError, OSError):
            return "", False
        if not isinstance(parsed, dict):
            return "", False
        message = parsed.get("msg")
        if not isinstance(message, str) or not message.strip():
            return "", True
        return f": {self._scrub(message)[:200]}", True

    def _scrub(self, text: str) -> str:
        one_line = " ".join(text.split())
        return one_line.replace(self._token, "***") if self._token else one_line

    def _with_retries(
        self, what: str, attempt: Callable[[], _T], before_retry: Callable[[_Retryable], None] | None = None
    ) -> _T:
        delays = backoff_delays()
        while True:
            try:
                return attempt()
            except _Retryable as failure:
                bounds = next(delays, None)
                if bounds is None:
                    raise ArtifactUploadError(
                        f"{what}: giving up after {MAX_ATTEMPTS} attempts: {failure.reason}"
                    ) from None
                if before_retry is not None:
                    before_retry(failure)
                low, high = bounds
                self._sleep(low if high <= low else random.uniform(low, high))


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would replay a redirected POST as a bodiless GET; a redirect here is an error instead."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def _with_query(url: str, extra: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
