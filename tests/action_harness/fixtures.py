"""Harness for testing the container action the way the GitHub runner starts it.

A pytest plugin (``pytest_plugins`` in ``tests/conftest.py``); test modules import its helpers
as ``tests.action_harness.fixtures``. It provides:

* ``docker_client`` / ``action_image``: a Docker engine and the action image built from the
  Dockerfile, on a local stand-in base (``build_base_image.sh``) unless told otherwise;
* ``ActionRunner``: one ``docker run`` with the runner's mounts, working directory and
  ``INPUT_*`` / ``GITHUB_*`` variables, returning exit code, outputs, step summary and the
  workflow commands the runner would have acted on;
* ``parse_workflow_commands``: the runner's reading of a log, honouring ``stop-commands``.
* ``give_workspace_to`` / ``foreign_owners``: a workspace owned by the runner's user
  (``RUNNER_OWNER``, 1001:121) and what in it belongs to someone else after a run.

Environment: ``PROMOTION_ROLLOUT_REQUIRE_DOCKER=1`` turns a missing engine into a failure;
``PROMOTION_ROLLOUT_IMAGE`` tests a prebuilt image; ``PROMOTION_ROLLOUT_BASE_IMAGE`` picks the
base (``dockerfile`` keeps the Dockerfile's pinned default).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    # The Docker SDK ships no type information (pyproject's mypy override), so this names the
    # client's role; mypy sees it as Any. At run time the SDK is imported only when Docker is used.
    from docker import DockerClient

ROOT = Path(__file__).resolve().parents[2]
BASE_IMAGE_SCRIPT = ROOT / "tests" / "action_harness" / "build_base_image.sh"
EXAMPLE_FLEET = ROOT / "examples" / "fleet"
MAKE_EVIDENCE = ROOT / "examples" / "tools" / "make_evidence.py"
FLEET_DIR = Path(".superloop/ops-manager/fleet")
REGISTRY = FLEET_DIR / "registry.v1.json"

REQUIRE_ENV = "PROMOTION_ROLLOUT_REQUIRE_DOCKER"
IMAGE_ENV = "PROMOTION_ROLLOUT_IMAGE"
BASE_ENV = "PROMOTION_ROLLOUT_BASE_IMAGE"
E2E_TAG = "promotion-rollout:e2e"
FAKE_GITHUB_TOKEN = "ghs_e2eFakeToken0123456789abcdefABCDEF"
RUN_TIMEOUT_SECONDS = 180

GOVERNANCE = {
    "persist": "none",
    "by": "release-bot",
    "approval-ref": "CHG-2041",
    "rationale": "canary healthy for a full window",
    "review-by": "2031-01-31T00:00:00Z",
}


def missing_engine(reason: str) -> NoReturn:
    """Skip for a developer without Docker; fail where the run promised an engine."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


# --- action.yml ---------------------------------------------------------------------------


def action_metadata(path: Path = ROOT / "action.yml") -> tuple[dict[str, str], list[str]]:
    """Input defaults and output names of action.yml (its two flat maps; no YAML library needed)."""
    inputs: dict[str, str] = {}
    outputs: list[str] = []
    section = ""
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        top = re.match(r"^([a-z]+):", line)
        if top:
            section = top.group(1)
            continue
        entry = re.match(r"^  ([a-z][a-z0-9-]*):\s*$", line)
        if entry and section == "inputs":
            current = entry.group(1)
            inputs[current] = ""
        elif entry and section == "outputs":
            outputs.append(entry.group(1))
        default = re.match(r"^    default:\s*(.*?)\s*$", line)
        if default and section == "inputs" and current:
            inputs[current] = default.group(1).strip("\"'")
    return inputs, outputs


# --- the runner's reading of a log ----------------------------------------------------------


@dataclass(frozen=True)
class WorkflowCommand:
    name: str
    properties: str
    data: str


_COMMAND = re.compile(r"^::([A-Za-z0-9_-]+)(?: ([^:]*))?::(.*)$")


def _unescape(data: str) -> str:
    return data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse_workflow_commands(log: str) -> list[WorkflowCommand]:
    """The commands a runner acts on in ``log``: lines after ``::stop-commands::T`` are inert until ``::T::``."""
    commands: list[WorkflowCommand] = []
    stop_token: str | None = None
    for raw in log.splitlines():
        match = _COMMAND.match(raw.strip())
        if not match:
            continue
        name, properties, data = match.group(1), match.group(2) or "", match.group(3)
        if stop_token is not None:
            if name.lower() == stop_token.lower():
                stop_token = None
            continue
        if name == "stop-commands":
            stop_token = data
            continue
        commands.append(WorkflowCommand(name, properties, _unescape(data)))
    return commands


def parse_file_command_outputs(text: str) -> dict[str, str]:
    """``GITHUB_OUTPUT`` content (``name<<delimiter`` blocks or ``name=value`` lines) as a dict."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            for item in lines:
                if item == delimiter:
                    break
                value.append(item)
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value_text = line.split("=", 1)
            outputs[name] = value_text
    return outputs


# --- workspaces -----------------------------------------------------------------------------


def make_workspace(parent: Path, *, fresh_drills: bool = True) -> Path:
    """A copy of the example fleet as the checked-out repository; drills dated to now when fresh."""
    workspace = parent / "workspace"
    shutil.copytree(EXAMPLE_FLEET, workspace)
    if fresh_drills:
        subprocess.run(
            [sys.executable, str(MAKE_EVIDENCE), str(workspace), "--drills-only"],
            check=True,
            capture_output=True,
        )
    return workspace


RUNNER_OWNER = (1001, 121)
"""The uid and gid a hosted runner's user has; the workspace it checks out belongs to them."""


def give_workspace_to(workspace: Path, uid: int, gid: int) -> None:
    """Make the workspace and everything in it belong to ``uid``:``gid``, as a runner's checkout does."""
    os.chown(workspace, uid, gid)
    for path in workspace.rglob("*"):
        os.chown(path, uid, gid, follow_symlinks=False)


def foreign_owners(workspace: Path, owner: tuple[int, int]) -> dict[str, tuple[int, int]]:
    """Every entry of the workspace (itself included) not owned by ``owner``, with its owner; links not followed."""
    found: dict[str, tuple[int, int]] = {}
    for path in (workspace, *workspace.rglob("*")):
        info = path.lstat()
        if (info.st_uid, info.st_gid) != owner:
            found[path.relative_to(workspace).as_posix() or "."] = (info.st_uid, info.st_gid)
    return found


def registry_rollout(workspace: Path) -> dict[str, Any]:
    data = json.loads((workspace / REGISTRY).read_text(encoding="utf-8"))
    rollout: dict[str, Any] = data["policy"]["autonomous"]["rollout"]
    return rollout


# --- Docker ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def docker_client() -> Iterator[DockerClient]:
    try:
        import docker
    except ImportError:
        missing_engine("the docker SDK is not installed")
    try:
        client = docker.from_env(timeout=RUN_TIMEOUT_SECONDS)
        client.ping()
    except Exception as exc:
        missing_engine(f"no Docker engine answers ({type(exc).__name__})")
    yield client
    client.close()


def resolve_base_image() -> str | None:
    """The BASE_IMAGE build argument: None keeps the Dockerfile's default."""
    chosen = os.environ.get(BASE_ENV, "")
    if chosen == "dockerfile":
        return None
    if chosen:
        return chosen
    if shutil.which("debootstrap") is None and not Path("/usr/sbin/debootstrap").exists():
        missing_engine("debootstrap is not installed (needed for the stand-in base image)")
    done = subprocess.run(["bash", str(BASE_IMAGE_SCRIPT)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"building the stand-in base image failed:\n{done.stderr[-3000:]}", pytrace=False)
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def action_image(docker_client: DockerClient) -> str:
    """The action image under test: a prebuilt one, or the Dockerfile built from this tree."""
    prebuilt = os.environ.get(IMAGE_ENV, "")
    if prebuilt:
        docker_client.images.get(prebuilt)
        return prebuilt
    base = resolve_base_image()
    buildargs = {} if base is None else {"BASE_IMAGE": base}
    from docker.errors import BuildError

    try:
        docker_client.images.build(path=str(ROOT), tag=E2E_TAG, buildargs=buildargs, rm=True, forcerm=True)
    except BuildError as exc:
        tail = "".join(str(chunk.get("stream", chunk.get("error", ""))) for chunk in exc.build_log)[-3000:]
        pytest.fail(f"docker build failed: {exc.msg}\n{tail}", pytrace=False)
    return E2E_TAG


@dataclass
class ActionRun:
    """What the runner would see after the container step."""

    exit_code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    step_summary: str
    commands: list[WorkflowCommand] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [c.data for c in self.commands if c.name == "error"]

    @property
    def annotations(self) -> list[WorkflowCommand]:
        return [c for c in self.commands if c.name in ("error", "warning", "notice")]

    def describe(self) -> str:
        return f"exit={self.exit_code}\n--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"


class ActionRunner:
    """Starts the action image as ContainerActionHandler does: same mounts, workdir and variables.

    The container joins the host's network namespace so the fake artifact service can stay on
    127.0.0.1 (the runner uses a job bridge network; only the route to the service differs).
    """

    def __init__(self, client: DockerClient, image: str, temp_root: Path) -> None:
        self.client = client
        self.image = image
        self.temp_root = temp_root
        self.input_defaults, self.output_names = action_metadata()

    def run(
        self,
        workspace: Path,
        inputs: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ActionRun:
        runner_temp = self.temp_root / f"runner-temp-{uuid.uuid4().hex[:8]}"
        home = runner_temp / "_github_home"
        file_commands = runner_temp / "_runner_file_commands"
        workflow = runner_temp / "_github_workflow"
        for directory in (home, file_commands, workflow):
            directory.mkdir(parents=True)
        suffix = uuid.uuid4()
        names = {
            kind: f"{kind}_{suffix}" for kind in ("set_output", "step_summary", "set_env", "add_path", "save_state")
        }
        for name in names.values():
            (file_commands / name).touch()
        (workflow / "event.json").write_text(json.dumps({"inputs": dict(inputs or {})}), encoding="utf-8")

        environment: dict[str, str] = {}
        for name, default in self.input_defaults.items():
            value = (inputs or {}).get(name, default)
            if value == "${{ github.token }}":
                value = FAKE_GITHUB_TOKEN
            environment[f"INPUT_{name.upper()}"] = value
        unknown = set(inputs or {}) - set(self.input_defaults)
        if unknown:
            raise AssertionError(f"inputs not declared in action.yml: {sorted(unknown)}")
        environment |= {
            "HOME": "/github/home",
            "GITHUB_JOB": "promotion-rollout",
            "GITHUB_REF": "refs/heads/main",
            "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
            "GITHUB_REPOSITORY": "supergent/fleet-config",
            "GITHUB_REPOSITORY_OWNER": "supergent",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_RUN_NUMBER": "7",
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_ACTOR": "release-bot",
            "GITHUB_TRIGGERING_ACTOR": "release-bot",
            "GITHUB_WORKFLOW": "Promotion rollout",
            "GITHUB_EVENT_NAME": "workflow_dispatch",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_API_URL": "https://api.github.com",
            "GITHUB_GRAPHQL_URL": "https://api.github.com/graphql",
            "GITHUB_ACTION": "rollout",
            "GITHUB_ACTION_REPOSITORY": "",
            "GITHUB_WORKSPACE": "/github/workspace",
            "GITHUB_EVENT_PATH": "/github/workflow/event.json",
            "GITHUB_OUTPUT": f"/github/file_commands/{names['set_output']}",
            "GITHUB_STEP_SUMMARY": f"/github/file_commands/{names['step_summary']}",
            "GITHUB_ENV": f"/github/file_commands/{names['set_env']}",
            "GITHUB_PATH": f"/github/file_commands/{names['add_path']}",
            "GITHUB_STATE": f"/github/file_commands/{names['save_state']}",
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            "RUNNER_NAME": "e2e-runner",
            "RUNNER_TEMP": "/github/runner_temp",
            "RUNNER_TOOL_CACHE": "/opt/hostedtoolcache",
            "GITHUB_ACTIONS": "true",
            "CI": "true",
        }
        environment |= dict(env or {})

        container = self.client.containers.run(
            self.image,
            detach=True,
            name=f"promotion-rollout-e2e-{uuid.uuid4().hex[:12]}",
            labels={"promotion-rollout-e2e": "1"},
            working_dir="/github/workspace",
            environment=environment,
            network_mode="host",
            volumes={
                str(runner_temp): {"bind": "/github/runner_temp", "mode": "rw"},
                str(home): {"bind": "/github/home", "mode": "rw"},
                str(workflow): {"bind": "/github/workflow", "mode": "rw"},
                str(file_commands): {"bind": "/github/file_commands", "mode": "rw"},
                str(workspace): {"bind": "/github/workspace", "mode": "rw"},
            },
        )
        try:
            status = container.wait(timeout=RUN_TIMEOUT_SECONDS)
            stdout = container.logs(stdout=True, stderr=False).decode("utf-8", "replace")
            stderr = container.logs(stdout=False, stderr=True).decode("utf-8", "replace")
        finally:
            container.remove(force=True)
        return ActionRun(
            exit_code=int(status["StatusCode"]),
            stdout=stdout,
            stderr=stderr,
            outputs=parse_file_command_outputs((file_commands / names["set_output"]).read_text(encoding="utf-8")),
            step_summary=(file_commands / names["step_summary"]).read_text(encoding="utf-8"),
            commands=parse_workflow_commands(stdout) + parse_workflow_commands(stderr),
        )


@pytest.fixture(scope="session")
def action_runner(
    docker_client: DockerClient, action_image: str, tmp_path_factory: pytest.TempPathFactory
) -> ActionRunner:
    return ActionRunner(docker_client, action_image, tmp_path_factory.mktemp("runner"))
