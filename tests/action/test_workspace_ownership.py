"""Files the action creates or replaces in the workspace belong to the workspace's owner and keep their mode.

The container runs as root while the job's later steps run as the runner's user; these tests run
the store and the whole action in-process as root against a workspace owned by another user
(the runner's usual 1001:121). They need root and are skipped otherwise.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import entrypoint
from orchestrator.store.files import append_line, atomic_write
from orchestrator.store.ownership import owned_by
from tests.action_harness.fixtures import (
    GOVERNANCE,
    RUNNER_OWNER,
    action_metadata,
    foreign_owners,
    give_workspace_to,
    make_workspace,
)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="giving files away needs root")

RUNNER = RUNNER_OWNER
FLEET = Path(".superloop/ops-manager/fleet")
REGISTRY = FLEET / "registry.v1.json"


@pytest.fixture
def strict_umask() -> Iterator[None]:
    """A umask that would hide group and other bits: new files still get 0644 and folders 0755."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def test_the_store_gives_created_and_replaced_files_to_the_owner_of_the_root(
    tmp_path: Path, strict_umask: None
) -> None:
    root = tmp_path / "workspace"
    root.mkdir()
    kept = root / "kept.json"
    kept.write_text("{}")
    kept.chmod(0o640)
    log = root / "existing.jsonl"
    log.write_text("old\n")
    give_workspace_to(root, *RUNNER)
    with owned_by(root):
        atomic_write(kept, '{"a": 1}\n')
        atomic_write(root / "new" / "deeper" / "file.json", "{}\n")
        append_line(root / "logs" / "new.jsonl", "{}")
        append_line(log, "new")
    assert foreign_owners(root, RUNNER) == {}
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert stat.S_IMODE((root / "new" / "deeper" / "file.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((root / "logs" / "new.jsonl").stat().st_mode) == 0o644
    for folder in ("new", "new/deeper", "logs"):
        assert stat.S_IMODE((root / folder).stat().st_mode) == 0o755
    assert log.read_text() == "old\nnew\n"


def test_outside_the_root_and_without_the_setting_files_stay_with_the_process(tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    root.mkdir()
    give_workspace_to(root, *RUNNER)
    atomic_write(root / "cli.json", "{}\n")
    with owned_by(root):
        atomic_write(tmp_path / "outside" / "other.json", "{}\n")
    assert os.stat(root / "cli.json").st_uid == 0
    assert os.stat(tmp_path / "outside" / "other.json").st_uid == 0
    assert os.stat(tmp_path / "outside").st_uid == 0


def test_a_root_owned_workspace_changes_nothing(tmp_path: Path) -> None:
    with owned_by(tmp_path) as owner:
        atomic_write(tmp_path / "a.json", "{}\n")
    assert owner is None
    assert os.stat(tmp_path / "a.json").st_uid == 0


def test_a_link_in_the_workspace_is_still_refused_and_nothing_outside_is_given_away(tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    root.mkdir()
    victim = tmp_path / "victim.json"
    victim.write_text("{}")
    (root / "link.json").symlink_to(victim)
    give_workspace_to(root, *RUNNER)
    with owned_by(root), pytest.raises(Exception, match="symbolic link"):
        atomic_write(root / "link.json", "x")
    assert os.stat(victim).st_uid == 0
    assert victim.read_text() == "{}"


def _run_action(workspace: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **inputs: str) -> int:
    for key in list(os.environ):
        if key.startswith(("INPUT_", "GITHUB_", "ACTIONS_", "GH_")):
            monkeypatch.delenv(key)
    commands = tmp_path / f"commands-{len(list(tmp_path.glob('commands-*')))}"
    commands.mkdir()
    for name in ("output", "summary"):
        (commands / name).touch()
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    monkeypatch.setenv("GITHUB_OUTPUT", str(commands / "output"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(commands / "summary"))
    defaults, _ = action_metadata()
    for name, default in defaults.items():
        monkeypatch.setenv(f"INPUT_{name.upper()}", inputs.get(name, "" if "github.token" in default else default))
    return entrypoint.start()


def test_an_apply_and_a_refused_run_leave_every_workspace_file_to_the_workspace_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = make_workspace(tmp_path)
    (workspace / "fleets" / "eu").mkdir(parents=True)
    (workspace / REGISTRY).chmod(0o640)
    give_workspace_to(workspace, *RUNNER)
    registry_inode = (workspace / REGISTRY).stat().st_ino
    applied = _run_action(workspace, monkeypatch, tmp_path, mode="apply", **GOVERNANCE, **{"upload-artifact": "false"})
    assert applied == 0, capsys.readouterr().out
    refused = _run_action(workspace, monkeypatch, tmp_path, mode="rollback", **{"repo-path": "fleets/eu"})
    assert refused == 1
    assert (workspace / REGISTRY).stat().st_ino != registry_inode
    assert stat.S_IMODE((workspace / REGISTRY).stat().st_mode) == 0o640
    assert (workspace / "fleets/eu" / FLEET / "promotion-orchestrate-result.json").is_file()
    assert foreign_owners(workspace, RUNNER) == {}
    assert stat.S_IMODE((workspace / "fleets/eu/.superloop").stat().st_mode) == 0o755
