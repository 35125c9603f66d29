"""The apply journal is trusted only when it proves itself: its digest, its fleet, its starting registry.

A journal is repository content (it can be committed, copied with a fleet folder, edited or cut
short). These cases plant each kind and check that an expand or resume stops with one error line
naming the discard command and changes nothing, and that a rollback is never blocked.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import orchestrator.store.journal
from orchestrator.store.layout import FleetLayout
from tests.engine.engine_support import (
    Fleet,
    Runner,
    apply_args,
    assert_one_line_error,
    tree_hashes,
    write_promotion_state,
    write_registry_guarded_auto,
)


def _fresh(repo: Path, canary: int = 10) -> Fleet:
    write_registry_guarded_auto(repo, canary, False)
    write_promotion_state(repo, "promote")
    return Fleet(repo)


def _journal(fleet: Fleet) -> Path:
    return FleetLayout.resolve(str(fleet.repo)).journal


def _crash_after_journal(fleet: Fleet, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave a real journal behind: the process dies after writing it, before the audit append."""

    def crash(*_: object, **__: object) -> None:
        raise SystemExit(137)

    with monkeypatch.context() as patch:
        patch.setattr(orchestrator.store.journal, "append_line", crash)
        assert cli(*apply_args(fleet.repo, "--expand-step", "5", "--idempotency-key", "k")).code == 137
    assert _journal(fleet).exists()


def _assert_refused_unchanged(fleet: Fleet, cli: Runner, *, why: str) -> None:
    before = tree_hashes(fleet.repo)
    result = cli(*apply_args(fleet.repo, "--expand-step", "5"))
    line = assert_one_line_error(result, contains=why)
    assert f"rm -- '{_journal(fleet)}'" in line
    assert tree_hashes(fleet.repo) == before


def test_a_journal_copied_with_a_fleet_folder_is_not_completed_into_either_fleet(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _fresh(tmp_path / "original")
    _crash_after_journal(original, cli, monkeypatch)
    copy = Fleet(tmp_path / "copy")
    shutil.copytree(original.repo, copy.repo)
    original_before = tree_hashes(original.repo)

    _assert_refused_unchanged(copy, cli, why="belongs to fleet")
    assert tree_hashes(original.repo) == original_before


def test_a_stale_journal_does_not_overwrite_a_registry_edited_after_the_crash(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    fleet = _fresh(tmp_path / "repo")
    _crash_after_journal(fleet, cli, monkeypatch)
    write_registry_guarded_auto(fleet.repo, 40, True)

    _assert_refused_unchanged(fleet, cli, why="registry changed")
    assert fleet.canary() == 40


@pytest.mark.parametrize(
    "content",
    [b"{", b"", b"[]", b'{"version": "v2"}', b"\xff\xfe", b'{"registryFile": "/etc/passwd"}'],
    ids=["truncated", "empty", "array", "partial", "binary", "old-format"],
)
def test_a_malformed_journal_is_one_error_line(tmp_path: Path, cli: Runner, content: bytes) -> None:
    fleet = _fresh(tmp_path / "repo")
    _journal(fleet).write_bytes(content)

    _assert_refused_unchanged(fleet, cli, why="not usable")


def test_an_edited_journal_fails_its_digest(tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    fleet = _fresh(tmp_path / "repo")
    _crash_after_journal(fleet, cli, monkeypatch)
    data = json.loads(_journal(fleet).read_text())
    data["registryText"] = data["registryText"].replace('"canaryPercent": 15', '"canaryPercent": 100')
    _journal(fleet).write_text(json.dumps(data))

    _assert_refused_unchanged(fleet, cli, why="digest")


def test_a_rollback_goes_ahead_past_an_unusable_journal(tmp_path: Path, cli: Runner) -> None:
    fleet = _fresh(tmp_path / "repo")
    _journal(fleet).write_bytes(b'{"truncated')

    result = cli(*apply_args(fleet.repo, intent="rollback"))

    assert result.code == 0, result.stderr
    assert "unusable journal" in result.stderr
    assert fleet.manual_pause()
    assert not _journal(fleet).exists()


def test_a_proven_journal_is_still_completed(tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    fleet = _fresh(tmp_path / "repo")
    _crash_after_journal(fleet, cli, monkeypatch)

    retry = cli(*apply_args(fleet.repo, "--expand-step", "5", "--idempotency-key", "k"))

    assert retry.code == 0, retry.stderr
    assert "completing an apply that was interrupted" in retry.stderr
    assert fleet.canary() == 15
    assert [record["idempotencyKey"] for record in fleet.apply_records()] == ["k"]
    assert not _journal(fleet).exists()
