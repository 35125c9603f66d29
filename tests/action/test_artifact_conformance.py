"""Our uploader against the official ``@actions/artifact`` client, call for call.

Both upload the same content to their own fresh fake artifact service (the official client from
files, ours from memory, as the action hands it over); the recorded requests must form the same
sequence with the same fields, and each stored zip must hold the input bytes byte for byte. Needs node and npm: without them the test fails
when PROMOTION_ROLLOUT_REQUIRE_DOCKER=1 (CI) and is skipped otherwise.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from orchestrator.action.artifact.service import upload_artifact
from tests.fakes.artifact_service import (
    COMMIT_BLOCK_LIST,
    CREATE,
    FINALIZE,
    STAGE_BLOCK,
    FakeArtifactService,
    RecordedRequest,
    mint_runtime_token,
)
from tests.openapi.npm import PROJECTS, NpmUnavailable, ensure_installed, required

NODE_DIR = PROJECTS[0]
"""tests/node: the official client pinned in package.json and package-lock.json, and upload.mjs."""
ARTIFACT_NAME = "promotion-rollout-results"
TOKEN = mint_runtime_token("conformance-run", "conformance-job")
OFFICIAL_CLIENT_VERSION = "6.2.1"
"""The ``@actions/artifact`` release this test holds us to (what ``actions/upload-artifact`` ships)."""

ALLOWED_DIFFERENCES: Mapping[str, str] = MappingProxyType(
    {
        "header:user-agent": "Each client names itself; the service does not act on it.",
        "header:x-ms-client-request-id": (
            "A random UUID per blob request, naming it in the storage service's logs; each is checked"
            " to be a UUID, distinct within the upload."
        ),
        "header:content-length": (
            "Request bodies embed values that legitimately differ (zip bytes, timestamps, block ids),"
            " so their lengths may differ too; the bodies themselves are checked field by field."
        ),
        "query:blockid": (
            "Block ids are random per upload; the committed list is checked to name exactly the staged blocks."
        ),
        "body:expires_at": (
            "Read from each client's own clock at a different moment; both are checked to be RFC 3339 UTC"
            " timestamps within a minute of each other."
        ),
        "body:size": (
            "Describes each client's own zip (entry timestamps and data descriptors differ); each is"
            " checked against the length of the blob that client stored."
        ),
        "body:hash": ("Describes each client's own zip; each is checked to be sha256 of the blob that client stored."),
    }
)
"""Fields that may differ between the official client and ours, each with the reason it may."""


@dataclass(frozen=True)
class Scenario:
    """One upload both clients perform."""

    retention_days: int | None
    files: Mapping[str, bytes]


def _small_files() -> dict[str, bytes]:
    return {
        "promotion-orchestrate-result.json": json.dumps(
            {"schemaVersion": "v1", "decision": "hold", "summary": {"reasonCodes": ["gate_failed"]}},
            indent=2,
        ).encode()
        + b"\n",
        "promotion-orchestrate-summary.md": "# Promotion\n\n| gate | état |\n| ci | ✅ |\n".encode(),
        "ci/promotion-ci-summary.md": b"## CI decision\r\nhold\r\n",
        "ci/empty.md": b"",
    }


SCENARIOS = {
    "default-retention": Scenario(retention_days=None, files=_small_files()),
    "retention-7-days": Scenario(retention_days=7, files=_small_files()),
    "two-blocks": Scenario(
        retention_days=None,
        files={**_small_files(), "bulk/noise.bin": random.Random(20240601).randbytes(9 * 1024 * 1024)},
    ),
}


@dataclass(frozen=True)
class Upload:
    """What one client did against its own fake."""

    requests: list[RecordedRequest]
    blob: bytes
    blob_key: str
    signature: str
    artifact_id: int
    reported: Mapping[str, Any]


def _require(condition: bool, message: str) -> None:
    if condition:
        return
    if required():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def node_executable() -> str:
    """Node, with the pinned official client installed from the committed lock file (once per lock)."""
    node = shutil.which("node")
    _require(node is not None, "node is needed for the artifact conformance test")
    assert node is not None
    try:
        ensure_installed(NODE_DIR)
    except NpmUnavailable as exc:
        _require(False, str(exc))
    return node


@pytest.fixture(autouse=True)
def _loopback_without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(variable, "127.0.0.1,localhost")


@pytest.fixture(params=list(SCENARIOS), ids=list(SCENARIOS))
def scenario(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Scenario, Path, list[Path]]:
    chosen = SCENARIOS[request.param]
    root = tmp_path / "upload-root"
    paths = []
    for relative, content in chosen.files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        paths.append(path)
    return chosen, root, paths


def _node_env(service: FakeArtifactService) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ACTIONS_", "GITHUB_", "RUNNER_", "INPUT_"))
        and key.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    return {**inherited, **service.env()}


def _finish(service: FakeArtifactService, reported: Mapping[str, Any]) -> Upload:
    stored = service.artifact(ARTIFACT_NAME)
    assert stored.content is not None
    assert stored.artifact_id is not None
    return Upload(
        requests=service.requests,
        blob=stored.content,
        blob_key=stored.blob_key,
        signature=stored.signature,
        artifact_id=stored.artifact_id,
        reported=reported,
    )


def _upload_with_official_client(
    node: str, scenario: Scenario, root: Path, files: list[Path], tmp_path: Path
) -> Upload:
    result_file = tmp_path / "official-result.json"
    retention = ["--retention-days", str(scenario.retention_days)] if scenario.retention_days else []
    with FakeArtifactService(token=TOKEN) as service:
        completed = subprocess.run(
            [node, str(NODE_DIR / "upload.mjs"), str(result_file), ARTIFACT_NAME, str(root), *retention]
            + [str(path) for path in files],
            env=_node_env(service),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr[-2000:]
        return _finish(service, json.loads(result_file.read_text()))


def _upload_with_ours(scenario: Scenario) -> Upload:
    """Ours uploads the same bytes from memory, as the action does; the official client reads them from files."""
    with FakeArtifactService(token=TOKEN) as service:
        result = upload_artifact(
            ARTIFACT_NAME,
            scenario.files,
            retention_days=scenario.retention_days,
            env=service.env(),
            sleep=lambda _: None,
        )
        assert result is not None
        return _finish(service, {"id": result.artifact_id, "size": result.size, "digest": result.sha256})


def _normalised_path(request: RecordedRequest, upload: Upload) -> str:
    return request.path.replace(upload.blob_key, "<blob-key>")


def _committed_ids(request: RecordedRequest) -> list[str]:
    root = ET.fromstring(request.body)
    assert root.tag == "BlockList"
    assert {child.tag for child in root} == {"Latest"}
    return [child.text or "" for child in root]


def _assert_same_calls(official: Upload, ours: Upload) -> None:
    assert [(r.kind, r.method) for r in ours.requests] == [(r.kind, r.method) for r in official.requests]
    for theirs, mine in zip(official.requests, ours.requests, strict=True):
        where = f"{theirs.kind} call"
        assert theirs.status == mine.status, where
        assert _normalised_path(theirs, official) == _normalised_path(mine, ours), where
        assert theirs.auth_scheme == mine.auth_scheme, where
        assert sorted(theirs.query) == sorted(mine.query), where
        for key in theirs.query:
            if f"query:{key}" in ALLOWED_DIFFERENCES:
                continue
            if key == "sig":
                assert (theirs.query[key], mine.query[key]) == (official.signature, ours.signature), where
            else:
                assert theirs.query[key] == mine.query[key], f"{where}: query {key}"
        assert sorted(theirs.headers) == sorted(mine.headers), where
        for name, value in theirs.headers.items():
            if f"header:{name}" not in ALLOWED_DIFFERENCES:
                assert mine.headers[name] == value, f"{where}: header {name}"
        assert (theirs.json_body is None) == (mine.json_body is None), where
        if theirs.json_body is not None and mine.json_body is not None:
            assert list(theirs.json_body) == list(mine.json_body), where
            for key, value in theirs.json_body.items():
                if f"body:{key}" not in ALLOWED_DIFFERENCES:
                    assert mine.json_body[key] == value, f"{where}: field {key}"


def _assert_allowed_fields_are_sound(upload: Upload) -> None:
    finalize = upload.requests[-1].json_body
    assert finalize is not None
    assert finalize["size"] == str(len(upload.blob))
    assert finalize["hash"] == "sha256:" + hashlib.sha256(upload.blob).hexdigest()
    staged = [r.query["blockid"] for r in upload.requests if r.kind == STAGE_BLOCK]
    commits = [r for r in upload.requests if r.kind == COMMIT_BLOCK_LIST]
    assert len(commits) == 1
    committed = _committed_ids(commits[0])
    assert sorted(committed) == sorted(staged)
    assert len(set(committed)) == len(committed)
    assert len({len(identifier) for identifier in committed}) == 1
    request_ids = [
        r.headers["x-ms-client-request-id"] for r in upload.requests if r.kind in (STAGE_BLOCK, COMMIT_BLOCK_LIST)
    ]
    assert all(re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", value) for value in request_ids), request_ids
    assert len(set(request_ids)) == len(request_ids)
    assert upload.reported == {
        "id": upload.artifact_id,
        "size": len(upload.blob),
        "digest": hashlib.sha256(upload.blob).hexdigest(),
    }


def _expiry(upload: Upload) -> datetime | None:
    create = upload.requests[0].json_body
    assert create is not None
    raw = create.get("expires_at")
    if raw is None:
        return None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z", raw), raw
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


def _members(blob: bytes) -> dict[str, tuple[int, bytes]]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        assert archive.testzip() is None
        return {info.filename: (info.compress_type, archive.read(info)) for info in archive.infolist()}


def test_official_client_and_ours_make_the_same_calls(
    node_executable: str, scenario: tuple[Scenario, Path, list[Path]], tmp_path: Path
) -> None:
    chosen, root, files = scenario

    official = _upload_with_official_client(node_executable, chosen, root, files, tmp_path)
    ours = _upload_with_ours(chosen)

    assert {r.headers.get("user-agent") for r in official.requests if r.kind in (CREATE, FINALIZE)} == {
        f"@actions/artifact-{OFFICIAL_CLIENT_VERSION}"
    }
    _assert_same_calls(official, ours)
    _assert_allowed_fields_are_sound(official)
    _assert_allowed_fields_are_sound(ours)
    expected_blocks = -(-len(ours.blob) // (8 * 1024 * 1024))
    assert sum(r.kind == STAGE_BLOCK for r in ours.requests) == expected_blocks

    official_expiry, our_expiry = _expiry(official), _expiry(ours)
    assert (official_expiry is None) == (chosen.retention_days is None)
    if official_expiry is not None and our_expiry is not None:
        assert abs((our_expiry - official_expiry).total_seconds()) < 60

    observed = {
        f"{prefix}:{key}"
        for request in official.requests
        for prefix, keys in (
            ("header", request.headers),
            ("query", request.query),
            ("body", request.json_body or {}),
        )
        for key in keys
    }
    unused = set(ALLOWED_DIFFERENCES) - observed - ({"body:expires_at"} if chosen.retention_days is None else set())
    assert not unused, f"allow-listed but never sent by the official client: {sorted(unused)}"

    expected = {name: (zipfile.ZIP_DEFLATED, content) for name, content in chosen.files.items()}
    assert _members(official.blob) == expected
    assert _members(ours.blob) == expected
