"""Upload files as one workflow artifact through the Actions artifact service (v4 protocol).

This is the protocol ``actions/upload-artifact@v4`` speaks through ``@actions/artifact``:
``CreateArtifact`` (Twirp JSON) returns a signed blob URL, the zip is staged there as
Azure block-blob blocks and committed, then ``FinalizeArtifact`` reports its size and
sha256. The runner hands a container action ``ACTIONS_RUNTIME_TOKEN`` and
``ACTIONS_RESULTS_URL``; without them (a local run) nothing is uploaded.

Only the standard library is used so the action image stays small.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import http.client
import json
import os
import random
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import IO, Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from orchestrator import __version__
from orchestrator.core.errors import OrchestratorError

TWIRP_SERVICE = "github.actions.results.api.v1.ArtifactService"
ARTIFACT_VERSION = 4
BLOCK_SIZE = 8 * 1024 * 1024
COMPRESSION_LEVEL = 6
BLOB_API_VERSION = "2024-11-04"
MAX_ATTEMPTS = 5
BASE_DELAY_SECONDS = 3.0
BACKOFF_MULTIPLIER = 1.5
REQUEST_TIMEOUT_SECONDS = 300.0
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
"""The statuses ``@actions/artifact`` retries (429, 500, 502, 503, 504); any other 4xx is final."""

MAX_RETENTION_DAYS = 400
"""The longest retention GitHub offers on any plan; the repository's own cap comes from the runner."""

FORBIDDEN_PATH_CHARACTERS = {
    '"': "double quote",
    ":": "colon",
    "<": "less than",
    ">": "greater than",
    "|": "vertical bar",
    "*": "asterisk",
    "?": "question mark",
    "\r": "carriage return",
    "\n": "line feed",
}
"""Characters the service refuses in stored paths because some file systems (NTFS) cannot hold them."""

FORBIDDEN_NAME_CHARACTERS = {**FORBIDDEN_PATH_CHARACTERS, "\\": "backslash", "/": "forward slash"}
"""An artifact name is a single path segment, so separators are refused too."""

USER_AGENT = f"promotion-rollout/{__version__}"

_T = TypeVar("_T")


class ArtifactUploadError(OrchestratorError):
    """The artifact could not be uploaded; the message is one line and never holds a secret."""


class ArtifactServiceUnavailable(ArtifactUploadError):
    """This server has no v4 artifact service (GitHub Enterprise Server): skip, do not fail the run."""


@dataclass(frozen=True)
class UploadResult:
    """What the service recorded for the finalized artifact."""

    artifact_id: int
    size: int
    sha256: str
    url: str | None


@dataclass(frozen=True)
class ZipMember:
    """A file to store, and the forward-slash path it gets inside the zip."""

    source: Path
    name: str


@dataclass(frozen=True)
class BackendIds:
    """The run and job the token was minted for; the service files the artifact under them."""

    run: str
    job: str


def upload_artifact(
    name: str,
    files: Sequence[Path],
    root_directory: Path,
    *,
    retention_days: int | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> UploadResult | None:
    """Zip ``files`` (stored relative to ``root_directory``) and upload them as artifact ``name``.

    Returns None, having touched nothing, when the runtime token or results URL is absent.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    token = environ.get("ACTIONS_RUNTIME_TOKEN", "")
    results_url = environ.get("ACTIONS_RESULTS_URL", "")
    if not token or not results_url:
        return None

    validate_artifact_name(name)
    reject_ghes(environ.get("GITHUB_SERVER_URL", ""))
    members = zip_members(files, root_directory)
    ids = backend_ids_from_token(token)
    expires_at = expiration(retention_days, environ.get("GITHUB_RETENTION_DAYS"), datetime.now(UTC))
    service = _Transport(results_origin(results_url), token, sleep)

    create_body: dict[str, Any] = {
        "workflow_run_backend_id": ids.run,
        "workflow_job_run_backend_id": ids.job,
        "name": name,
    }
    if expires_at is not None:
        create_body["expires_at"] = expires_at
    create_body["version"] = ARTIFACT_VERSION
    created = service.twirp("CreateArtifact", create_body)
    signed_url = created.get("signed_upload_url", created.get("signedUploadUrl"))
    if created.get("ok") is not True or not isinstance(signed_url, str) or not signed_url:
        raise ArtifactUploadError("CreateArtifact: the artifact service did not accept the artifact")

    with tempfile.TemporaryFile() as archive:
        write_zip(members, archive)
        size, digest = service.upload_blob(signed_url, archive)

    finalized = service.twirp(
        "FinalizeArtifact",
        {
            "workflow_run_backend_id": ids.run,
            "workflow_job_run_backend_id": ids.job,
            "name": name,
            "size": str(size),
            "hash": f"sha256:{digest}",
        },
    )
    artifact_id = _parse_artifact_id(finalized)
    return UploadResult(artifact_id=artifact_id, size=size, sha256=digest, url=artifact_url(environ, artifact_id))


def validate_artifact_name(name: str) -> None:
    """Refuse names the service would refuse, before anything is sent."""
    if not name:
        raise ArtifactUploadError("artifact name is empty")
    for character, label in FORBIDDEN_NAME_CHARACTERS.items():
        if character in name:
            raise ArtifactUploadError(f"artifact name {name!r} contains a forbidden character ({label})")


def reject_ghes(server_url: str) -> None:
    """The v4 service exists only on github.com and GHE.com; GHES would fail obscurely later."""
    hostname = (urlsplit(server_url).hostname or "github.com") if server_url else "github.com"
    hostname = hostname.lower()
    if hostname != "github.com" and not hostname.endswith((".ghe.com", ".localhost")):
        raise ArtifactServiceUnavailable(
            f"artifact upload (v4) is not supported on GitHub Enterprise Server ({hostname})"
        )


def zip_members(files: Sequence[Path], root_directory: Path) -> list[ZipMember]:
    """Map each file to its path relative to ``root_directory``, refusing anything that cannot be stored."""
    root = Path(os.path.abspath(root_directory))
    if not root.is_dir():
        raise ArtifactUploadError(f"artifact root directory {root_directory} does not exist or is not a directory")
    if not files:
        raise ArtifactUploadError("no files were given to upload")
    members: list[ZipMember] = []
    seen: set[str] = set()
    for file in files:
        source = Path(os.path.abspath(file))
        if not source.is_file():
            raise ArtifactUploadError(f"artifact file {file} does not exist or is not a regular file")
        try:
            relative = source.relative_to(root)
        except ValueError:
            raise ArtifactUploadError(f"artifact file {file} is not inside {root_directory}") from None
        entry = PurePosixPath(*relative.parts).as_posix()
        for character, label in FORBIDDEN_PATH_CHARACTERS.items():
            if character in entry:
                raise ArtifactUploadError(f"artifact file path {entry!r} contains a forbidden character ({label})")
        if entry not in seen:
            seen.add(entry)
            members.append(ZipMember(source=source, name=entry))
    return members


def write_zip(members: Sequence[ZipMember], target: IO[bytes]) -> None:
    """Deflate every member at level 6, the level ``@actions/artifact`` uses by default."""
    try:
        with zipfile.ZipFile(
            target,
            "w",
            compression=zipfile.ZIP_DEFLATED,
            compresslevel=COMPRESSION_LEVEL,
            strict_timestamps=False,
        ) as archive:
            for member in members:
                archive.write(member.source, arcname=member.name)
    except OSError as exc:
        raise ArtifactUploadError(f"could not read artifact file: {exc.strerror or exc}") from None


def backend_ids_from_token(token: str) -> BackendIds:
    """Read the ``Actions.Results:<run>:<job>`` scope from the token's (unverified) JWT claims."""
    invalid = ArtifactUploadError("ACTIONS_RUNTIME_TOKEN is not a JWT with an Actions.Results scope")
    parts = token.split(".")
    if len(parts) < 2:
        raise invalid
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        raise invalid from None
    scope = claims.get("scp") if isinstance(claims, dict) else None
    if not isinstance(scope, str):
        raise invalid
    for item in scope.split(" "):
        pieces = item.split(":")
        if pieces[0] != "Actions.Results":
            continue
        if len(pieces) != 3 or not pieces[1] or not pieces[2]:
            raise invalid
        return BackendIds(run=pieces[1], job=pieces[2])
    raise invalid


def expiration(retention_days: int | None, repository_cap: str | None, now: datetime) -> str | None:
    """The ``expires_at`` timestamp for a retention, capped by the repository's ``GITHUB_RETENTION_DAYS``."""
    if retention_days is None:
        return None
    if isinstance(retention_days, bool) or not isinstance(retention_days, int):
        raise ArtifactUploadError(f"retention days must be a whole number, got {retention_days!r}")
    if not 1 <= retention_days <= MAX_RETENTION_DAYS:
        raise ArtifactUploadError(f"retention days must be between 1 and {MAX_RETENTION_DAYS}, got {retention_days}")
    days = retention_days
    if repository_cap:
        try:
            cap = int(repository_cap)
        except ValueError:
            cap = 0
        if 0 < cap < days:
            days = cap
    return rfc3339_millis(now + timedelta(days=days))


def rfc3339_millis(moment: datetime) -> str:
    """Format like protobuf JSON timestamps: UTC, ``Z``, milliseconds only when non-zero."""
    moment = moment.astimezone(UTC)
    millis = moment.microsecond // 1000
    fraction = f".{millis:03d}" if millis else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def results_origin(results_url: str) -> str:
    """Twirp paths hang off the origin of ``ACTIONS_RESULTS_URL``; any path in it is ignored."""
    parts = urlsplit(results_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ArtifactUploadError("ACTIONS_RESULTS_URL is not an http(s) URL")
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def artifact_url(environ: Mapping[str, str], artifact_id: int) -> str | None:
    """The artifact's page in the run, when the runner told us where the run lives."""
    server = environ.get("GITHUB_SERVER_URL", "").rstrip("/")
    repository = environ.get("GITHUB_REPOSITORY", "")
    run_id = environ.get("GITHUB_RUN_ID", "")
    if not (server and repository and run_id):
        return None
    return f"{server}/{repository}/actions/runs/{run_id}/artifacts/{artifact_id}"


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


def _parse_artifact_id(body: Mapping[str, Any]) -> int:
    raw = body.get("artifact_id", body.get("artifactId"))
    if body.get("ok") is not True or raw is None:
        raise ArtifactUploadError("FinalizeArtifact: the artifact service did not finalize the artifact")
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ArtifactUploadError("FinalizeArtifact: the artifact service returned no usable artifact id") from None


class _Retryable(Exception):
    """A failure worth another attempt; ``reason`` is already safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Transport:
    """The network edge: Twirp calls with the bearer token, blob calls with the signed URL."""

    def __init__(self, origin: str, token: str, sleep: Callable[[float], None]) -> None:
        self._origin = origin
        self._token = token
        self._sleep = sleep
        self._opener = urllib.request.build_opener(_RefuseRedirects())

    def twirp(self, method: str, body: Mapping[str, Any]) -> dict[str, Any]:
        url = f"{self._origin}/twirp/{TWIRP_SERVICE}/{method}"
        data = json.dumps(body, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self._token}",
            "User-Agent": USER_AGENT,
        }

        def attempt() -> dict[str, Any]:
            status, payload = self._send("POST", url, data, headers, method)
            try:
                parsed = json.loads(payload)
            except ValueError:
                raise _Retryable(f"HTTP {status} with a body that is not JSON") from None
            if not isinstance(parsed, dict):
                raise _Retryable(f"HTTP {status} with a body that is not a JSON object")
            return parsed

        return self._with_retries(method, attempt)

    def upload_blob(self, signed_url: str, archive: IO[bytes]) -> tuple[int, str]:
        """Stage the archive in 8 MiB blocks and commit them; returns its size and sha256."""
        prefix = str(uuid.uuid4())
        digest = hashlib.sha256()
        ids: list[str] = []
        size = 0
        archive.seek(0)
        while chunk := archive.read(BLOCK_SIZE):
            identifier = block_id(prefix, len(ids))
            ids.append(identifier)
            digest.update(chunk)
            size += len(chunk)
            url = _with_query(signed_url, f"comp=block&blockid={quote(identifier, safe='')}")
            headers = {
                "Content-Type": "application/octet-stream",
                "x-ms-version": BLOB_API_VERSION,
                "User-Agent": USER_AGENT,
            }
            self._with_retries("blob upload", self._blob_call(url, chunk, headers))
        commit_headers = {
            "Content-Type": "application/xml",
            "x-ms-version": BLOB_API_VERSION,
            "x-ms-blob-content-type": "zip",
            "User-Agent": USER_AGENT,
        }
        self._with_retries(
            "blob commit",
            self._blob_call(_with_query(signed_url, "comp=blocklist"), block_list_xml(ids), commit_headers),
        )
        return size, digest.hexdigest()

    def _blob_call(self, url: str, data: bytes, headers: Mapping[str, str]) -> Callable[[], None]:
        def attempt() -> None:
            self._send("PUT", url, data, headers, "blob storage")

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
            detail = self._detail(exc)
            exc.close()
            message = f"{what} failed with HTTP {status}{detail}"
            if status in RETRYABLE_STATUSES:
                raise _Retryable(message) from None
            raise ArtifactUploadError(f"{message} (not retried)") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            raise _Retryable(f"{what} could not be reached ({self._scrub(str(reason))})") from None

    def _detail(self, exc: urllib.error.HTTPError) -> str:
        try:
            parsed = json.loads(exc.read(4096) or b"null")
        except (ValueError, OSError):
            return ""
        message = parsed.get("msg") if isinstance(parsed, dict) else None
        if not isinstance(message, str) or not message.strip():
            return ""
        return f": {self._scrub(message)[:200]}"

    def _scrub(self, text: str) -> str:
        one_line = " ".join(text.split())
        return one_line.replace(self._token, "***") if self._token else one_line

    def _with_retries(self, what: str, attempt: Callable[[], _T]) -> _T:
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
