"""``upload_artifact``: create the artifact, stage and commit its zip, finalize it.

The runtime token is a JWT whose ``Actions.Results:<run>:<job>`` scope names where the service
files the artifact; the retention asked for is capped by the repository's setting.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from orchestrator.action.artifact.archive import validate_artifact_name, validate_entries, zip_bytes
from orchestrator.action.artifact.errors import ArtifactServiceUnavailable, ArtifactUploadError
from orchestrator.action.artifact.transport import Transport

ARTIFACT_VERSION = 7
"""The ``version`` field ``@actions/artifact`` 6.x sends in ``CreateArtifact`` (the v4 service)."""
ZIP_MIME_TYPE = "application/zip"
"""The content type of the zipped artifact, in ``CreateArtifact`` and on the committed blob."""
CREATE_OPTIONAL_FIELDS = ("mime_type",)
"""``CreateArtifact`` fields newer than the v4 service's first release: sent, but left out of the
remaining attempts when the service cannot decode the body (act's artifact server, which predates
them, answers HTTP 500 without a body; docs/artifacts.md)."""
MAX_RETENTION_DAYS = 400
"""The longest retention GitHub offers on any plan; the repository's own cap comes from the runner."""


@dataclass(frozen=True)
class UploadResult:
    """What the service recorded for the finalized artifact."""

    artifact_id: int
    size: int
    sha256: str
    url: str | None


@dataclass(frozen=True)
class BackendIds:
    """The run and job the token was minted for; the service files the artifact under them."""

    run: str
    job: str


def upload_artifact(
    name: str,
    entries: Mapping[str, bytes],
    *,
    retention_days: int | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> UploadResult | None:
    """Zip ``entries`` (path inside the zip -> bytes) and upload them as artifact ``name``.

    Returns None, having touched nothing, when the runtime token or results URL is absent.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    token = environ.get("ACTIONS_RUNTIME_TOKEN", "")
    results_url = environ.get("ACTIONS_RESULTS_URL", "")
    if not token or not results_url:
        return None

    validate_artifact_name(name)
    reject_ghes(environ.get("GITHUB_SERVER_URL", ""))
    validate_entries(entries)
    ids = backend_ids_from_token(token)
    expires_at = expiration(retention_days, environ.get("GITHUB_RETENTION_DAYS"), datetime.now(UTC))
    service = Transport(results_origin(results_url), token, sleep)

    create_body: dict[str, Any] = {
        "workflow_run_backend_id": ids.run,
        "workflow_job_run_backend_id": ids.job,
        "name": name,
    }
    if expires_at is not None:
        create_body["expires_at"] = expires_at
    create_body["version"] = ARTIFACT_VERSION
    create_body["mime_type"] = ZIP_MIME_TYPE
    created = service.twirp("CreateArtifact", create_body, optional=CREATE_OPTIONAL_FIELDS)
    signed_url = created.get("signed_upload_url", created.get("signedUploadUrl"))
    if created.get("ok") is not True or not isinstance(signed_url, str) or not signed_url:
        raise ArtifactUploadError("CreateArtifact: the artifact service did not accept the artifact")

    size, digest = service.upload_blob(signed_url, zip_bytes(entries), ZIP_MIME_TYPE)

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


def reject_ghes(server_url: str) -> None:
    """The v4 service exists only on github.com and GHE.com; GHES would fail obscurely later."""
    hostname = (urlsplit(server_url).hostname or "github.com") if server_url else "github.com"
    hostname = hostname.lower()
    if hostname != "github.com" and not hostname.endswith((".ghe.com", ".localhost")):
        raise ArtifactServiceUnavailable(
            f"artifact upload (v4) is not supported on GitHub Enterprise Server ({hostname})"
        )


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


def validate_retention_days(retention_days: int) -> None:
    """A whole number of days the service accepts (the repository may cap it further)."""
    if isinstance(retention_days, bool) or not isinstance(retention_days, int):
        raise ArtifactUploadError(f"retention days must be a whole number, got {retention_days!r}")
    if not 1 <= retention_days <= MAX_RETENTION_DAYS:
        raise ArtifactUploadError(f"retention days must be between 1 and {MAX_RETENTION_DAYS}, got {retention_days}")


def expiration(retention_days: int | None, repository_cap: str | None, now: datetime) -> str | None:
    """The ``expires_at`` timestamp for a retention, capped by the repository's ``GITHUB_RETENTION_DAYS``."""
    if retention_days is None:
        return None
    validate_retention_days(retention_days)
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


def _parse_artifact_id(body: Mapping[str, Any]) -> int:
    raw = body.get("artifact_id", body.get("artifactId"))
    if body.get("ok") is not True or raw is None:
        raise ArtifactUploadError("FinalizeArtifact: the artifact service did not finalize the artifact")
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ArtifactUploadError("FinalizeArtifact: the artifact service returned no usable artifact id") from None
