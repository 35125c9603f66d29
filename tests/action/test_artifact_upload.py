"""Unit tests for the v4 artifact uploader, run against the in-process fake service."""

from __future__ import annotations

import hashlib
import io
import json
import random
import socket
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import orchestrator.action.artifact.transport as transport_module
from orchestrator.action.artifact.archive import validate_artifact_name, zip_bytes
from orchestrator.action.artifact.errors import ArtifactServiceUnavailable, ArtifactUploadError
from orchestrator.action.artifact.service import (
    UploadResult,
    backend_ids_from_token,
    expiration,
    results_origin,
    rfc3339_millis,
    upload_artifact,
)
from orchestrator.action.artifact.transport import MAX_ATTEMPTS, backoff_delays
from orchestrator.core.errors import OrchestratorError
from tests.fakes.artifact_service import (
    COMMIT_BLOCK_LIST,
    CREATE,
    FINALIZE,
    STAGE_BLOCK,
    FakeArtifactService,
    mint_runtime_token,
)


class SleepRecorder:
    """Stands in for time.sleep so retries cost no wall-clock time."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture(autouse=True)
def _loopback_without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(variable, "127.0.0.1,localhost")


@pytest.fixture
def service() -> Iterator[FakeArtifactService]:
    with FakeArtifactService() as fake:
        yield fake


@pytest.fixture
def sleeper() -> SleepRecorder:
    return SleepRecorder()


Entries = dict[str, bytes]


@pytest.fixture
def entries() -> Entries:
    return {
        "promotion-orchestrate-result.json": (json.dumps({"schemaVersion": "v1", "decision": "hold"}) + "\n").encode(),
        "promotion-orchestrate-summary.md": "# Promotion\n\n- décision: hold ✋\n".encode(),
        "nested/promotion-ci-summary.md": b"binary-ish \x00\x01\xff tail",
    }


def stored_members(service: FakeArtifactService, name: str) -> dict[str, bytes]:
    content = service.artifact(name).content
    assert content is not None
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_skips_without_runtime_variables(
    service: FakeArtifactService, entries: Entries, sleeper: SleepRecorder
) -> None:
    assert upload_artifact("a", entries, env={}, sleep=sleeper) is None
    only_token = {"ACTIONS_RUNTIME_TOKEN": service.token}
    assert upload_artifact("a", entries, env=only_token, sleep=sleeper) is None
    only_url = {"ACTIONS_RESULTS_URL": service.url}
    assert upload_artifact("a", entries, env=only_url, sleep=sleeper) is None
    assert service.requests == []
    assert sleeper.calls == []


def test_uploads_files_and_reports_the_artifact(
    service: FakeArtifactService, entries: Entries, sleeper: SleepRecorder
) -> None:
    env = service.env(GITHUB_SERVER_URL="https://github.com", GITHUB_REPOSITORY="acme/fleet", GITHUB_RUN_ID="77")

    result = upload_artifact("promotion-rollout", entries, env=env, sleep=sleeper)

    stored = service.artifact("promotion-rollout")
    assert stored.content is not None
    assert result == UploadResult(
        artifact_id=stored.artifact_id or -1,
        size=len(stored.content),
        sha256=hashlib.sha256(stored.content).hexdigest(),
        url=f"https://github.com/acme/fleet/actions/runs/77/artifacts/{stored.artifact_id}",
    )
    assert [r.kind for r in service.requests] == [CREATE, STAGE_BLOCK, COMMIT_BLOCK_LIST, FINALIZE]
    assert stored_members(service, "promotion-rollout") == entries
    assert stored.content_type == "application/zip"
    assert sleeper.calls == []


def test_url_is_none_without_run_coordinates(service: FakeArtifactService, entries: Entries) -> None:
    result = upload_artifact("no-url", entries, env=service.env(), sleep=SleepRecorder())
    assert result is not None
    assert result.url is None
    assert result.artifact_id == service.artifact("no-url").artifact_id


def test_create_request_carries_backend_ids_and_retention(service: FakeArtifactService, entries: Entries) -> None:
    service.token = mint_runtime_token("run-42", "job-7")
    before = datetime.now(UTC)
    upload_artifact("kept", entries, retention_days=3, env=service.env(), sleep=SleepRecorder())

    body = service.requests_of(CREATE)[0].json_body
    assert body is not None
    assert body["workflow_run_backend_id"] == "run-42"
    assert body["workflow_job_run_backend_id"] == "job-7"
    assert body["version"] == 7
    assert body["mime_type"] == "application/zip"
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert 3 * 86400 - 5 <= (expires - before).total_seconds() <= 3 * 86400 + 60


def test_token_only_goes_to_the_artifact_service(service: FakeArtifactService, entries: Entries) -> None:
    upload_artifact("scoped", entries, env=service.env(), sleep=SleepRecorder())
    schemes = {r.kind: r.auth_scheme for r in service.requests}
    assert schemes == {CREATE: "Bearer", FINALIZE: "Bearer", STAGE_BLOCK: None, COMMIT_BLOCK_LIST: None}


@pytest.mark.parametrize("kind", [CREATE, STAGE_BLOCK, COMMIT_BLOCK_LIST, FINALIZE])
@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_retries_transient_failures_then_succeeds(
    service: FakeArtifactService,
    entries: Entries,
    sleeper: SleepRecorder,
    kind: str,
    status: int,
) -> None:
    service.fail_next(kind, 2, status=status)

    result = upload_artifact("flaky", entries, env=service.env(), sleep=sleeper)

    assert result is not None
    assert result.artifact_id == service.artifact("flaky").artifact_id
    assert [r.status for r in service.requests_of(kind)] == [status, status, 201 if "Block" in kind else 200]
    assert len(sleeper.calls) == 2
    assert sleeper.calls[0] == pytest.approx(3.0)
    assert 4.5 <= sleeper.calls[1] <= 6.75


def test_gives_up_after_the_attempt_bound(
    service: FakeArtifactService, entries: Entries, sleeper: SleepRecorder
) -> None:
    service.fail_next(CREATE, 50, status=503)

    with pytest.raises(ArtifactUploadError) as caught:
        upload_artifact("doomed", entries, env=service.env(), sleep=sleeper)

    message = str(caught.value)
    assert "\n" not in message
    assert f"giving up after {MAX_ATTEMPTS} attempts" in message
    assert "HTTP 503" in message
    assert len(service.requests_of(CREATE)) == MAX_ATTEMPTS
    assert service.requests_of(FINALIZE) == []
    assert len(sleeper.calls) == MAX_ATTEMPTS - 1
    assert sleeper.calls == sorted(sleeper.calls)


def test_client_errors_are_not_retried(service: FakeArtifactService, entries: Entries, sleeper: SleepRecorder) -> None:
    wrong_token = mint_runtime_token("other-run", "other-job")
    env = {"ACTIONS_RUNTIME_TOKEN": wrong_token, "ACTIONS_RESULTS_URL": service.url}

    with pytest.raises(ArtifactUploadError) as caught:
        upload_artifact("denied", entries, env=env, sleep=sleeper)

    message = str(caught.value)
    assert "HTTP 401" in message
    assert "not retried" in message
    assert wrong_token not in message
    assert service.token not in message
    assert [r.status for r in service.requests] == [401]
    assert sleeper.calls == []


def test_connection_errors_are_retried_then_reported(entries: Entries, sleeper: SleepRecorder) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    token = mint_runtime_token()
    env = {"ACTIONS_RUNTIME_TOKEN": token, "ACTIONS_RESULTS_URL": f"http://127.0.0.1:{closed_port}/"}

    with pytest.raises(ArtifactUploadError) as caught:
        upload_artifact("offline", entries, env=env, sleep=sleeper)

    assert "could not be reached" in str(caught.value)
    assert token not in str(caught.value)
    assert len(sleeper.calls) == MAX_ATTEMPTS - 1


def test_token_echoed_by_the_server_is_scrubbed(
    httpserver: HTTPServer, entries: Entries, sleeper: SleepRecorder
) -> None:
    token = mint_runtime_token()

    def echo(request: Request) -> Response:
        body = json.dumps({"code": "invalid_argument", "msg": f"rejected {request.headers['Authorization']}"})
        return Response(body, status=400, content_type="application/json")

    httpserver.expect_request(
        "/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact"
    ).respond_with_handler(echo)
    env = {"ACTIONS_RUNTIME_TOKEN": token, "ACTIONS_RESULTS_URL": httpserver.url_for("/")}

    with pytest.raises(ArtifactUploadError) as caught:
        upload_artifact("echo", entries, env=env, sleep=sleeper)

    message = str(caught.value)
    assert token not in message
    assert "rejected Bearer ***" in message
    assert sleeper.calls == []


def test_error_is_an_orchestrator_error() -> None:
    assert issubclass(ArtifactUploadError, OrchestratorError)
    assert ArtifactUploadError("two\nlines").message == "two lines"


@pytest.mark.parametrize("name", ["", "a/b", "a\\b", "a:b", 'a"b', "a<b", "a>b", "a|b", "a*b", "a?b", "a\rb", "a\nb"])
def test_forbidden_artifact_names_are_refused_before_any_call(
    service: FakeArtifactService, entries: Entries, name: str
) -> None:
    with pytest.raises(ArtifactUploadError) as caught:
        upload_artifact(name, entries, env=service.env(), sleep=SleepRecorder())
    assert "\n" not in str(caught.value)
    assert service.requests == []


@pytest.mark.parametrize("name", ["promotion-rollout", "result 1.json", "ünïcode_name", "a.b-c_d"])
def test_ordinary_artifact_names_are_accepted(name: str) -> None:
    validate_artifact_name(name)


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ({}, "no files"),
        ({"": b"x"}, "not a relative path"),
        ({"/etc/passwd": b"x"}, "not a relative path"),
        ({"../outside.json": b"x"}, "not a relative path"),
        ({"a/./b.json": b"x"}, "not a relative path"),
        ({"a//b.json": b"x"}, "not a relative path"),
        ({"folder/": b"x"}, "not a relative path"),
        ({"what?.md": b"x"}, "question mark"),
        ({"a:b.md": b"x"}, "colon"),
        ({"text.md": "not bytes"}, "is not bytes"),
    ],
)
def test_entries_must_be_relative_storable_paths(
    service: FakeArtifactService, given: dict[str, bytes], fragment: str
) -> None:
    with pytest.raises(ArtifactUploadError, match=fragment):
        upload_artifact("x", given, env=service.env(), sleep=SleepRecorder())
    assert service.requests == []


def test_the_zip_holds_the_entries_byte_for_byte_as_regular_files(entries: Entries) -> None:
    blob = zip_bytes(entries, moment=datetime(2030, 1, 2, 3, 4, 6).timestamp())
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert [info.filename for info in infos] == list(entries)
        assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
        assert {info.external_attr >> 16 for info in infos} == {0o100644}
        assert {info.date_time for info in infos} == {(2030, 1, 2, 3, 4, 6)}
        assert {info.filename: archive.read(info) for info in infos} == entries


def test_large_archives_are_staged_in_ordered_blocks(
    service: FakeArtifactService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport_module, "BLOCK_SIZE", 1024)
    payload = random.Random(7).randbytes(5000)

    result = upload_artifact("big", {"big.bin": payload}, env=service.env(), sleep=SleepRecorder())

    stages = service.requests_of(STAGE_BLOCK)
    assert result is not None
    assert result.size > 4096
    assert len(stages) == (result.size + 1023) // 1024
    assert {len(r.query["blockid"]) for r in stages} == {64}
    committed = service.requests_of(COMMIT_BLOCK_LIST)[0].body.decode()
    assert [r.query["blockid"] for r in stages] == [
        part.split("</Latest>")[0] for part in committed.split("<Latest>")[1:]
    ]
    assert stored_members(service, "big") == {"big.bin": payload}


def test_ghes_is_refused(service: FakeArtifactService, entries: Entries) -> None:
    env = service.env(GITHUB_SERVER_URL="https://git.example.internal")
    with pytest.raises(ArtifactServiceUnavailable, match="Enterprise Server"):
        upload_artifact("x", entries, env=env, sleep=SleepRecorder())
    assert service.requests == []


def test_backend_ids_come_from_the_results_scope() -> None:
    ids = backend_ids_from_token(mint_runtime_token("r-1", "j-2"))
    assert (ids.run, ids.job) == ("r-1", "j-2")


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        "a.!!!.c",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.sig",
        "eyJhbGciOiJub25lIn0.eyJzY3AiOiJBY3Rpb25zLlJlc3VsdHM6b25seSJ9.sig",
        "eyJhbGciOiJub25lIn0.eyJzY3AiOiJBY3Rpb25zLk90aGVyIn0.sig",
    ],
)
def test_tokens_without_a_results_scope_are_refused(token: str) -> None:
    with pytest.raises(ArtifactUploadError) as caught:
        backend_ids_from_token(token)
    assert token not in str(caught.value)
    assert "Actions.Results" in str(caught.value)


def test_expiration_is_capped_by_the_repository_setting() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, 250_000, tzinfo=UTC)
    assert expiration(None, "10", now) is None
    assert expiration(5, None, now) == "2025-01-06T12:00:00.250Z"
    assert expiration(30, "10", now) == "2025-01-11T12:00:00.250Z"
    assert expiration(3, "not-a-number", now) == "2025-01-04T12:00:00.250Z"


@pytest.mark.parametrize("days", [0, -1, 401, True])
def test_out_of_range_retention_is_refused(days: int) -> None:
    with pytest.raises(ArtifactUploadError, match="retention days"):
        expiration(days, None, datetime.now(UTC))


def test_timestamps_match_protobuf_json() -> None:
    assert rfc3339_millis(datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)) == "2025-03-04T05:06:07Z"
    assert rfc3339_millis(datetime(2025, 3, 4, 5, 6, 7, 89_999, tzinfo=UTC)) == "2025-03-04T05:06:07.089Z"


def test_backoff_grows_and_is_bounded() -> None:
    bounds = list(backoff_delays())
    assert len(bounds) == MAX_ATTEMPTS - 1
    assert bounds[0] == (3.0, 3.0)
    assert all(low < high for low, high in bounds[1:])
    assert [low for low, _ in bounds] == sorted(low for low, _ in bounds)


def test_results_url_is_reduced_to_its_origin() -> None:
    assert results_origin("https://results.example.test/some/path?x=1") == "https://results.example.test"
    with pytest.raises(ArtifactUploadError, match="ACTIONS_RESULTS_URL"):
        results_origin("ftp://results.example.test/")


CREATE_PATH = "/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact"


def test_redirects_are_refused_not_followed(httpserver: HTTPServer, entries: Entries, sleeper: SleepRecorder) -> None:
    httpserver.expect_request(CREATE_PATH).respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/elsewhere")}
    )
    env = {"ACTIONS_RUNTIME_TOKEN": mint_runtime_token(), "ACTIONS_RESULTS_URL": httpserver.url_for("/")}

    with pytest.raises(ArtifactUploadError, match="HTTP 302"):
        upload_artifact("moved", entries, env=env, sleep=sleeper)

    assert [request.path for request, _ in httpserver.log] == [CREATE_PATH]
    assert sleeper.calls == []


def test_unparseable_success_bodies_are_retried(
    httpserver: HTTPServer, entries: Entries, sleeper: SleepRecorder
) -> None:
    httpserver.expect_request(CREATE_PATH).respond_with_data("<html>proxy page</html>", status=200)
    env = {"ACTIONS_RUNTIME_TOKEN": mint_runtime_token(), "ACTIONS_RESULTS_URL": httpserver.url_for("/")}

    with pytest.raises(ArtifactUploadError, match="not JSON"):
        upload_artifact("garbled", entries, env=env, sleep=sleeper)

    assert len(httpserver.log) == MAX_ATTEMPTS
    assert len(sleeper.calls) == MAX_ATTEMPTS - 1


def test_a_refusing_service_is_reported(httpserver: HTTPServer, entries: Entries, sleeper: SleepRecorder) -> None:
    httpserver.expect_request(CREATE_PATH).respond_with_json({"ok": False, "signed_upload_url": ""})
    env = {"ACTIONS_RUNTIME_TOKEN": mint_runtime_token(), "ACTIONS_RESULTS_URL": httpserver.url_for("/")}

    with pytest.raises(ArtifactUploadError, match="did not accept"):
        upload_artifact("refused", entries, env=env, sleep=sleeper)

    assert len(httpserver.log) == 1


def test_fake_bound_to_all_interfaces_sends_clients_back_where_they_came_from(
    entries: Entries,
) -> None:
    with FakeArtifactService(host="0.0.0.0") as wide:
        assert wide.url == f"http://127.0.0.1:{wide.port}/"
        env = wide.env(ACTIONS_RESULTS_URL=f"http://localhost:{wide.port}/")
        result = upload_artifact("via-localhost", entries, env=env, sleep=SleepRecorder())
        blob_calls = [r for r in wide.requests if r.kind in (STAGE_BLOCK, COMMIT_BLOCK_LIST)]
    assert result is not None
    assert [r.status for r in blob_calls] == [201, 201]


FINALIZE_PATH = "/twirp/github.actions.results.api.v1.ArtifactService/FinalizeArtifact"


class ActLikeService:
    """CreateArtifact as act's artifact server answers it: a body with a field it does not know
    (``mime_type``, newer than its protobuf definitions) gets HTTP 500 and no body at all."""

    def __init__(self, httpserver: HTTPServer, *, never_accepts: bool = False) -> None:
        self.create_bodies: list[dict[str, object]] = []
        self.commit_content_types: list[str | None] = []
        self.never_accepts = never_accepts
        httpserver.expect_request(CREATE_PATH, method="POST").respond_with_handler(self.create)
        httpserver.expect_request("/upload", method="PUT").respond_with_handler(self.blob)
        httpserver.expect_request(FINALIZE_PATH, method="POST").respond_with_json({"ok": True, "artifactId": "9"})
        self.upload_url = httpserver.url_for("/upload") + "?sig=abc"

    def create(self, request: Request) -> Response:
        body = json.loads(request.get_data())
        self.create_bodies.append(body)
        if "mime_type" in body or self.never_accepts:
            return Response(b"", status=500)
        return Response(json.dumps({"ok": True, "signedUploadUrl": self.upload_url}), content_type="application/json")

    def blob(self, request: Request) -> Response:
        if request.args.get("comp") == "blocklist":
            self.commit_content_types.append(request.headers.get("x-ms-blob-content-type"))
        return Response(b"", status=201)


def test_a_service_that_cannot_decode_mime_type_gets_the_body_without_it(
    httpserver: HTTPServer, entries: Entries, sleeper: SleepRecorder
) -> None:
    act = ActLikeService(httpserver)
    env = {"ACTIONS_RUNTIME_TOKEN": mint_runtime_token(), "ACTIONS_RESULTS_URL": httpserver.url_for("/")}

    result = upload_artifact("older-service", entries, env=env, sleep=sleeper)

    assert result is not None
    assert result.artifact_id == 9
    first, second = act.create_bodies
    assert first["mime_type"] == "application/zip"
    assert second == {key: value for key, value in first.items() if key != "mime_type"}
    assert act.commit_content_types == ["application/zip"]
    assert sleeper.calls == [pytest.approx(3.0)]


def test_the_fallback_stays_within_the_attempt_bound(
    httpserver: HTTPServer, entries: Entries, sleeper: SleepRecorder
) -> None:
    act = ActLikeService(httpserver, never_accepts=True)
    env = {"ACTIONS_RUNTIME_TOKEN": mint_runtime_token(), "ACTIONS_RESULTS_URL": httpserver.url_for("/")}

    with pytest.raises(ArtifactUploadError, match=f"giving up after {MAX_ATTEMPTS} attempts: .*HTTP 500"):
        upload_artifact("never", entries, env=env, sleep=sleeper)

    assert len(act.create_bodies) == MAX_ATTEMPTS
    assert ["mime_type" in body for body in act.create_bodies] == [True] + [False] * (MAX_ATTEMPTS - 1)


def test_a_twirp_error_keeps_mime_type_on_retries(
    service: FakeArtifactService, entries: Entries, sleeper: SleepRecorder
) -> None:
    service.fail_next(CREATE, 2, status=500)

    upload_artifact("github-500", entries, env=service.env(), sleep=sleeper)

    bodies = [r.json_body or {} for r in service.requests_of(CREATE)]
    assert [body.get("mime_type") for body in bodies] == ["application/zip"] * 3
