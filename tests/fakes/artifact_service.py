"""An in-process stand-in for the Actions artifact service (v4) and its blob storage.

It answers the two Twirp JSON calls an upload makes and the Azure block-blob calls the
signed URL leads to, records every request so tests can compare clients call by call,
and keeps the uploaded zip so tests can open it. Real GitHub is never contacted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import parse_qsl, quote, urlsplit

TWIRP_PREFIX = "/twirp/github.actions.results.api.v1.ArtifactService/"
BLOB_PREFIX = "/blob/"

CREATE = "CreateArtifact"
FINALIZE = "FinalizeArtifact"
STAGE_BLOCK = "StageBlock"
COMMIT_BLOCK_LIST = "CommitBlockList"
PUT_BLOB = "PutBlob"
UNKNOWN = "Unknown"
_BLOB_KINDS = {"block": STAGE_BLOCK, "blocklist": COMMIT_BLOCK_LIST}

RECORDED_HEADERS = (
    "accept",
    "content-type",
    "content-length",
    "user-agent",
    "x-ms-version",
    "x-ms-blob-type",
    "x-ms-blob-content-type",
    "x-ms-client-request-id",
)
"""Headers worth comparing between clients; Authorization is reduced to its scheme."""


def mint_runtime_token(run_backend_id: str = "run-backend-1", job_backend_id: str = "job-backend-1") -> str:
    """Return an unsigned JWT whose ``scp`` claim carries the run and job backend ids."""

    def segment(value: Mapping[str, Any]) -> str:
        raw = json.dumps(value, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    claims = {
        "scp": f"Actions.ExampleScope Actions.Results:{run_backend_id}:{job_backend_id}",
        "iss": "fake-artifact-service",
    }
    return f"{segment({'alg': 'none', 'typ': 'JWT'})}.{segment(claims)}.fakesignature"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake saw it, plus the status it answered with."""

    kind: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    auth_scheme: str | None
    json_body: dict[str, Any] | None
    body_length: int
    status: int
    body: bytes = field(default=b"", repr=False)


@dataclass
class StoredArtifact:
    """Server-side state of one artifact, from CreateArtifact to FinalizeArtifact."""

    name: str
    run_backend_id: str
    job_backend_id: str
    version: int
    expires_at: str | None
    blob_key: str
    signature: str
    mime_type: str | None = None
    artifact_id: int | None = None
    blocks: dict[str, bytes] = field(default_factory=dict)
    content: bytes | None = None
    content_type: str | None = None
    size: int | None = None
    digest: str | None = None

    @property
    def finalized(self) -> bool:
        return self.artifact_id is not None


class FakeArtifactService:
    """Threaded HTTP server on ``host`` (random port unless given) speaking the artifact protocol.

    ``public_host`` is what goes into :attr:`url`; the signed upload URL is built from the
    Host header of the CreateArtifact call, so a client inside a container that reached
    the service through a bridge gateway is sent back to the same address.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        public_host: str | None = None,
        token: str | None = None,
    ) -> None:
        self.token = token if token is not None else mint_runtime_token()
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._failures: dict[str, list[int]] = {}
        self._artifacts: dict[str, StoredArtifact] = {}
        self._next_id = 1000
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        bound_port = self._server.server_address[1]
        if public_host is None:
            public_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        self.url = f"http://{public_host}:{bound_port}/"
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> FakeArtifactService:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-artifact-service"
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeArtifactService:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def env(self, **extra: str) -> dict[str, str]:
        """The variables the runner hands a container action, pointing at this fake."""
        return {"ACTIONS_RUNTIME_TOKEN": self.token, "ACTIONS_RESULTS_URL": self.url, **extra}

    def fail_next(self, kind: str, count: int, status: int = 503) -> None:
        """Answer the next ``count`` requests of ``kind`` with ``status`` before behaving."""
        with self._lock:
            self._failures.setdefault(kind, []).extend([status] * count)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_of(self, kind: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.kind == kind]

    @property
    def artifacts(self) -> dict[str, StoredArtifact]:
        with self._lock:
            return dict(self._artifacts)

    def artifact(self, name: str) -> StoredArtifact:
        with self._lock:
            return self._artifacts[name]

    def _take_failure(self, kind: str) -> int | None:
        with self._lock:
            queue = self._failures.get(kind)
            if queue:
                return queue.pop(0)
            return None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _create(self, host: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        name = body.get("name")
        run_id = body.get("workflow_run_backend_id")
        job_id = body.get("workflow_job_run_backend_id")
        if not isinstance(name, str) or not name or not isinstance(run_id, str) or not isinstance(job_id, str):
            return 400, _twirp_error("invalid_argument", "name and backend ids are required")
        version = body.get("version")
        if not isinstance(version, int) or version < 4:
            return 400, _twirp_error("invalid_argument", "only artifact version 4 and later are supported")
        mime_type = body.get("mime_type")
        if mime_type is not None and (not isinstance(mime_type, str) or "/" not in mime_type):
            return 400, _twirp_error("invalid_argument", "mime_type must be a media type")
        expires_at = body.get("expires_at")
        with self._lock:
            existing = self._artifacts.get(name)
            if existing is not None and existing.finalized:
                return 409, _twirp_error("already_exists", f"an artifact named {name} already exists")
            artifact = StoredArtifact(
                name=name,
                run_backend_id=run_id,
                job_backend_id=job_id,
                version=version,
                mime_type=mime_type,
                expires_at=expires_at if isinstance(expires_at, str) else None,
                blob_key=f"{run_id}/{job_id}/{secrets.token_hex(4)}",
                signature=secrets.token_urlsafe(12),
            )
            self._artifacts[name] = artifact
        signed = f"http://{host}{BLOB_PREFIX}{artifact.blob_key}/{quote(name)}.zip?sv=fake&sig={artifact.signature}"
        return 200, {"ok": True, "signed_upload_url": signed}

    def _finalize(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        name = body.get("name")
        with self._lock:
            artifact = self._artifacts.get(name) if isinstance(name, str) else None
            if artifact is None:
                return 404, _twirp_error("not_found", "no such artifact was created")
            if (
                body.get("workflow_run_backend_id") != artifact.run_backend_id
                or body.get("workflow_job_run_backend_id") != artifact.job_backend_id
            ):
                return 400, _twirp_error("invalid_argument", "backend ids differ from CreateArtifact")
            if artifact.content is None:
                return 400, _twirp_error("failed_precondition", "no blob was uploaded")
            size = body.get("size")
            if size != str(len(artifact.content)):
                return 400, _twirp_error("invalid_argument", "size does not match the uploaded blob")
            digest = "sha256:" + hashlib.sha256(artifact.content).hexdigest()
            if "hash" in body and body["hash"] != digest:
                return 400, _twirp_error("invalid_argument", "hash does not match the uploaded blob")
            artifact.size = len(artifact.content)
            artifact.digest = digest
            if artifact.artifact_id is None:
                artifact.artifact_id = self._next_id
                self._next_id += 1
            return 200, {"ok": True, "artifact_id": str(artifact.artifact_id)}

    def _blob(self, kind: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes) -> int:
        with self._lock:
            artifact = next(
                (a for a in self._artifacts.values() if path.startswith(f"{BLOB_PREFIX}{a.blob_key}/")), None
            )
            if artifact is None or query.get("sig") != artifact.signature:
                return 403
            if kind == STAGE_BLOCK:
                block_id = query.get("blockid")
                if not block_id:
                    return 400
                artifact.blocks[block_id] = body
                return 201
            if kind == COMMIT_BLOCK_LIST:
                try:
                    ids = [element.text or "" for element in ET.fromstring(body)]
                except ET.ParseError:
                    return 400
                if any(block_id not in artifact.blocks for block_id in ids):
                    return 400
                artifact.content = b"".join(artifact.blocks[block_id] for block_id in ids)
                artifact.content_type = headers.get("x-ms-blob-content-type")
                artifact.blocks.clear()
                return 201
            if headers.get("x-ms-blob-type") != "BlockBlob":
                return 400
            artifact.content = body
            artifact.content_type = headers.get("x-ms-blob-content-type")
            return 201


def _twirp_error(code: str, msg: str) -> dict[str, Any]:
    return {"code": code, "msg": msg}


@dataclass(frozen=True)
class _Answer:
    """What the fake decided for one request: recorded first, then sent."""

    kind: str
    status: int
    json_body: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None
    is_blob: bool = False


def _json_object(body: bytes) -> dict[str, Any] | None:
    """The Twirp request body when it is a JSON object (an empty body counts as ``{}``)."""
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _twirp_reply(
    service: FakeArtifactService, kind: str, authorization: str | None, host: str, json_body: dict[str, Any] | None
) -> tuple[int, dict[str, Any]]:
    """Status and JSON payload of a Twirp call: injected failure, auth, body, then the method."""
    failure = service._take_failure(kind)
    if failure is not None:
        return failure, _twirp_error("unavailable", "injected failure")
    if authorization != f"Bearer {service.token}":
        return 401, _twirp_error("unauthenticated", "bad or missing bearer token")
    if json_body is None:
        return 400, _twirp_error("malformed", "body is not a JSON object")
    if kind == CREATE:
        return service._create(host, json_body)
    if kind == FINALIZE:
        return service._finalize(json_body)
    return 404, _twirp_error("bad_route", "no such route")


def _twirp_answer(
    service: FakeArtifactService, kind: str, authorization: str | None, host: str, body: bytes
) -> _Answer:
    json_body = _json_object(body)
    status, payload = _twirp_reply(service, kind, authorization, host, json_body)
    return _Answer(kind=kind, status=status, json_body=json_body, payload=payload)


def _blob_answer(
    service: FakeArtifactService, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
) -> _Answer:
    kind = _BLOB_KINDS.get(query.get("comp", ""), PUT_BLOB)
    failure = service._take_failure(kind)
    status = failure if failure is not None else service._blob(kind, path, query, headers, body)
    return _Answer(kind=kind, status=status, is_blob=True)


class _ArtifactHandler(BaseHTTPRequestHandler):
    """One request to the fake: Twirp JSON calls, blob uploads, anything else is a 404."""

    protocol_version = "HTTP/1.1"
    service: ClassVar[FakeArtifactService]

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name: value for name in RECORDED_HEADERS if (value := self.headers.get(name)) is not None}
        authorization = self.headers.get("Authorization")
        answer = self._answer(parts.path, query, headers, authorization, body)
        self.service._record(
            RecordedRequest(
                kind=answer.kind,
                method=self.command,
                path=parts.path,
                query=query,
                headers=headers,
                auth_scheme=authorization.split(" ", 1)[0] if authorization else None,
                json_body=answer.json_body,
                body_length=len(body),
                status=answer.status,
                body=body,
            )
        )
        if answer.is_blob:
            self._reply_blob(answer.status, body)
        else:
            self._reply_json(answer.status, answer.payload)

    def _answer(
        self, path: str, query: Mapping[str, str], headers: Mapping[str, str], authorization: str | None, body: bytes
    ) -> _Answer:
        if self.command == "POST" and path.startswith(TWIRP_PREFIX):
            host = self.headers.get("Host") or ""
            return _twirp_answer(self.service, path[len(TWIRP_PREFIX) :], authorization, host, body)
        if self.command == "PUT" and path.startswith(BLOB_PREFIX):
            return _blob_answer(self.service, path, query, headers, body)
        return _Answer(kind=UNKNOWN, status=404, payload=_twirp_error("bad_route", "no such route"))

    def _reply_json(self, status: int, payload: dict[str, Any] | None) -> None:
        data = json.dumps(payload or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _reply_blob(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.send_header("Date", formatdate(usegmt=True))
        self.send_header("x-ms-request-id", secrets.token_hex(8))
        self.send_header("x-ms-version", self.headers.get("x-ms-version") or "2020-10-02")
        if 200 <= status < 300:
            self.send_header("ETag", f'"0x{secrets.token_hex(8).upper()}"')
            self.send_header("Last-Modified", formatdate(usegmt=True))
            self.send_header("x-ms-request-server-encrypted", "true")
            self.send_header(
                "Content-MD5",
                base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode(),
            )
        self.end_headers()


def _handler_for(service: FakeArtifactService) -> type[BaseHTTPRequestHandler]:
    """A handler class bound to ``service`` (the server makes one handler per request)."""
    bound = service

    class Handler(_ArtifactHandler):
        service = bound

    return Handler
