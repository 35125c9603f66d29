"""Writes are complete or refused: a full disk or an unusable output path is one error line, no half file.

The disk is made to fail from inside the process (``os.write`` taking part of a buffer and then
reporting ENOSPC), which is what a full disk or an exhausted quota looks like to the store.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import orchestrator.store.files
from tests.engine.engine_support import (
    Fleet,
    Runner,
    apply_args,
    assert_one_line_error,
    tree_hashes,
    write_promotion_state,
    write_registry_guarded_auto,
)

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


def _fresh(repo: Path, canary: int = 10) -> Fleet:
    write_registry_guarded_auto(repo, canary, False)
    write_promotion_state(repo, "promote")
    return Fleet(repo)


def _full_disk_after(budget: int) -> Callable[[int, ReadableBuffer], int]:
    """An ``os.write`` that accepts ``budget`` bytes in all, then fails as a full disk does."""
    real = os.write
    left = [budget]

    def write(fd: int, data: ReadableBuffer) -> int:
        view = memoryview(data)
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        taken = real(fd, view[: left[0]])
        left[0] -= taken
        return taken

    return write


def test_a_short_audit_append_leaves_no_torn_line_and_the_retry_applies_once(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    fleet = _fresh(tmp_path / "repo")
    first = cli(*apply_args(fleet.repo, "--expand-step", "5", "--idempotency-key", "k0"))
    assert first.code == 0, first.stderr
    log_before = fleet.apply_telemetry.read_bytes()
    args = apply_args(fleet.repo, "--expand-step", "5", "--idempotency-key", "k1")

    real_append = orchestrator.store.files._append_locked

    def append_on_a_full_disk(fd: int, record: bytes) -> None:
        with monkeypatch.context() as patch:
            # The store calls ``os.write`` through the module, so patching ``os`` reaches it.
            patch.setattr(os, "write", _full_disk_after(len(record) // 2))
            real_append(fd, record)

    with monkeypatch.context() as patch:
        patch.setattr(orchestrator.store.files, "_append_locked", append_on_a_full_disk)
        failed = cli(*args)
    assert_one_line_error(failed, contains="No space left")
    assert fleet.apply_telemetry.read_bytes() == log_before, "a torn record was left in the audit log"

    retry = cli(*args)
    assert retry.code == 0, retry.stderr
    assert fleet.canary() == 20, "the retry applied twice or not at all"
    assert [record["idempotencyKey"] for record in fleet.apply_records()] == ["k0", "k1"]


def test_a_full_disk_while_replacing_a_file_keeps_the_old_file(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    fleet = _fresh(tmp_path / "repo")
    before = tree_hashes(fleet.repo)
    with monkeypatch.context() as patch:
        patch.setattr(os, "write", _full_disk_after(10))
        result = cli(*apply_args(fleet.repo, "--expand-step", "5"))
    assert_one_line_error(result, contains="No space left")
    assert tree_hashes(fleet.repo) == before
    assert not list(fleet.dir.rglob("*.tmp"))


@pytest.mark.parametrize("flag", ["--result-file", "--summary-file"])
def test_an_output_path_that_is_a_folder_is_one_error_line(
    tmp_path: Path, cli: Runner, fleet: Fleet, flag: str
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = cli("ci", "--repo", str(fleet.repo), flag, str(folder))
    assert_one_line_error(result, contains="directory")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "text"), [(errno.EROFS, "Read-only file system"), (errno.EACCES, "Permission denied")]
)
def test_a_folder_that_refuses_writes_is_one_error_line_and_no_change(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch, code: int, text: str
) -> None:
    """As root a read-only folder cannot be made with chmod, so the refusal comes from ``os.open``."""
    fleet = _fresh(tmp_path / "repo")
    before = tree_hashes(fleet.repo)
    real_open = os.open

    def refusing_open(path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(code, text)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    with monkeypatch.context() as patch:
        patch.setattr(os, "open", refusing_open)
        result = cli(*apply_args(fleet.repo, "--expand-step", "5"))
    assert_one_line_error(result, contains=text)
    assert tree_hashes(fleet.repo) == before
