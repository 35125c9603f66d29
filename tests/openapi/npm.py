"""Install a test-only npm project (``package.json`` + ``package-lock.json``) with ``npm ci``, once per lock.

The lock pins every package by version and integrity hash, so what the tests run against is exactly
what was reviewed. ``node_modules`` is git-ignored and reinstalled only when the two files change
(a marker holds their digest); a file lock keeps concurrent test processes from installing twice.

Run ``python -m tests.openapi.npm`` to install every test project up front (``scripts/test.sh``).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
PROJECTS = (TESTS / "node", TESTS / "openapi")
"""The npm projects of the test suite: the official artifact client, GitHub's OpenAPI description."""
INSTALL_MARKER = ".promotion-rollout-lock-sha256"
REQUIRE_ENV = "PROMOTION_ROLLOUT_REQUIRE_DOCKER"
"""Set to ``1`` in CI: a missing tool is then a failure, never a skip."""


class NpmUnavailable(Exception):
    """npm is missing or ``npm ci`` failed; the message says which."""


def required() -> bool:
    return os.environ.get(REQUIRE_ENV) == "1"


def lock_digest(project: Path) -> str:
    return hashlib.sha256(
        (project / "package.json").read_bytes() + (project / "package-lock.json").read_bytes()
    ).hexdigest()


def ensure_installed(project: Path) -> Path:
    """``project/node_modules``, installed from the lock file unless it already matches it."""
    digest = lock_digest(project)
    marker = project / "node_modules" / INSTALL_MARKER
    if marker.is_file() and marker.read_text() == digest:
        return project / "node_modules"
    npm = shutil.which("npm")
    if npm is None:
        raise NpmUnavailable(f"npm is needed to install {project.name}/package-lock.json")
    guard = Path(tempfile.gettempdir()) / f"promotion-rollout-npm-{digest[:16]}.lock"
    with guard.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if not marker.is_file() or marker.read_text() != digest:
                _npm_ci(npm, project)
                marker.write_text(digest)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return project / "node_modules"


def _npm_ci(npm: str, project: Path) -> None:
    installed = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if installed.returncode != 0:
        tail = " ".join((installed.stderr or installed.stdout).split())[-500:]
        raise NpmUnavailable(f"npm ci failed for tests/{project.name}: {tail}")


def main() -> int:
    for project in PROJECTS:
        try:
            ensure_installed(project)
        except NpmUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"tests/{project.name}: npm packages installed from package-lock.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
