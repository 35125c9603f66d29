"""File adapters: locked, atomic, crash-safe reads and writes.

Writes go to a temporary file in the same folder, are fsynced and renamed over the target, so a
reader sees the old or the new content and never a mix. Appends write one whole line with a single
``write`` on an ``O_APPEND`` descriptor and fsync it. Locks are ``flock`` on the folder that holds the files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from orchestrator.core.errors import OrchestratorError

READ_CHUNK = 1 << 20


def read_bytes(path: Path, what: str) -> bytes:
    """The whole file, with one-line errors for the ways a path can be wrong."""
    if path.is_dir():
        raise OrchestratorError(f"{what} is a directory, expected a file: {path}")
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise OrchestratorError(f"{what} not found: {path}") from exc
    except PermissionError as exc:
        raise OrchestratorError(f"{what} is not readable: {path}") from exc
    except OSError as exc:
        raise OrchestratorError(f"{what} could not be read: {path}: {exc.strerror}") from exc


def read_text_if_exists(path: Path, what: str) -> str:
    """The file as text (undecodable bytes replaced), or empty when it does not exist yet."""
    if not path.exists():
        return ""
    return read_bytes(path, what).decode("utf-8", errors="replace")


def load_json(path: Path, what: str) -> Any:
    """One JSON document; a missing file and bad JSON are one-line errors naming ``what``."""
    data = read_bytes(path, what)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise OrchestratorError(f"invalid {what} JSON: {path}") from exc


def read_chunks(path: Path, size: int = READ_CHUNK) -> Iterator[bytes]:
    """The file in blocks of ``size`` bytes, so a large log is scanned in bounded memory."""
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def append_text(path: Path, text: str) -> None:
    """Append to a file another process owns (the Actions step summary), ending with a newline."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise OrchestratorError(f"cannot append to {path}: {exc.strerror}") from exc


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OrchestratorError(f"cannot create folder {path.parent}: {exc.strerror}") from exc


def atomic_write(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    ensure_parent(path)
    mode = 0o644
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o777
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


def append_line(path: Path, line: str) -> None:
    """Append one record as one whole line, never glued onto a torn tail.

    If the file does not end with a newline (a writer crashed mid-line), a newline is written first
    so the fragment stays a line of its own, which readers report and skip.
    """
    if "\n" in line:
        raise ValueError("a telemetry record must be a single line")
    ensure_parent(path)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        prefix = b""
        size = os.fstat(fd).st_size
        if size:
            with open(path, "rb") as reader:
                reader.seek(size - 1)
                if reader.read(1) != b"\n":
                    prefix = b"\n"
        os.write(fd, prefix + line.encode("utf-8") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive_lock(path: Path, what: str = "file") -> Iterator[None]:
    """Hold an exclusive lock that guards the existing file at ``path`` and its neighbours.

    The lock is taken on the file's folder, not on the file: writes replace files by renaming,
    so a lock on a file's inode would stop guarding the name the moment the file is replaced.
    """
    if not path.is_file():
        raise OrchestratorError(f"{what} not found: {path}")
    try:
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise OrchestratorError(f"cannot lock {path.parent}: {exc.strerror}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
