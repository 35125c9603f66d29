"""Reads and writes of fleet files: confined, bounded, atomic and complete.

Every path is opened through ``confined`` (no link followed, regular files only). Reads are bounded
in size. Writes go to a temporary file in the same folder, are checked to be complete, fsynced and
renamed over the target, so a reader sees the old or the new content and never a mix. Appends
write one whole line under ``flock`` and are rolled back if the disk takes only part of it. Any
OS error becomes one ``OrchestratorError`` line naming the file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from orchestrator.core.errors import OrchestratorError
from orchestrator.store.confined import UnsafePath, entry_kind, folder, open_file
from orchestrator.store.ownership import NEW_FILE_MODE, claim, claiming

READ_CHUNK = 1 << 20
MAX_DOCUMENT_BYTES = 64 << 20
"""The largest JSON document (registry, state, drills, status) read whole; logs are streamed instead."""


def _os_error(action: str, path: Path, exc: OSError) -> OrchestratorError:
    return OrchestratorError(f"cannot {action} {path}: {exc.strerror or exc}")


def exists(path: Path) -> bool:
    """Whether anything is at ``path`` (a link counts, so that reading it is refused, not skipped)."""
    return entry_kind(path) != "missing"


def is_file(path: Path) -> bool:
    return entry_kind(path) == "file"


def _read_fd(fd: int, path: Path, what: str, limit: int) -> bytes:
    if os.fstat(fd).st_size > limit:
        raise OrchestratorError(f"{what} is larger than {limit} bytes: {path}")
    chunks: list[bytes] = []
    total = 0
    while chunk := os.read(fd, min(READ_CHUNK, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise OrchestratorError(f"{what} is larger than {limit} bytes: {path}")
    return b"".join(chunks)


def read_bytes(path: Path, what: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The whole file, with one-line errors for the ways a path can be wrong."""
    try:
        with folder(path.parent) as dir_fd:
            fd = open_file(dir_fd, path, os.O_RDONLY)
            try:
                return _read_fd(fd, path, what, limit)
            finally:
                os.close(fd)
    except UnsafePath as exc:
        if entry_kind(path) == "folder":
            raise OrchestratorError(f"{what} is a directory, expected a file: {path}") from None
        raise OrchestratorError(f"{what}: {exc.message}") from None
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise OrchestratorError(f"{what} not found: {path}") from exc
    except PermissionError as exc:
        raise OrchestratorError(f"{what} is not readable: {path}") from exc
    except OSError as exc:
        raise OrchestratorError(f"{what} could not be read: {path}: {exc.strerror}") from exc


def read_text_if_exists(path: Path, what: str) -> str:
    """The file as text (undecodable bytes replaced), or empty when it does not exist yet."""
    if not exists(path):
        return ""
    return read_bytes(path, what).decode("utf-8", errors="replace")


def load_json(path: Path, what: str) -> Any:
    """One JSON document; a missing file and bad JSON are one-line errors naming ``what``."""
    data = read_bytes(path, what)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise OrchestratorError(f"invalid {what} JSON: {path}") from exc


def open_chunks(path: Path, size: int = READ_CHUNK) -> Iterator[bytes]:
    """The file in blocks of ``size`` bytes, so a large log is scanned in bounded memory.

    The file is opened now, so a refusal is raised here and not in the middle of a scan.
    """
    with folder(path.parent) as dir_fd:
        fd = open_file(dir_fd, path, os.O_RDONLY)

    def blocks() -> Iterator[bytes]:
        try:
            while chunk := os.read(fd, size):
                yield chunk
        finally:
            os.close(fd)

    return blocks()


def read_tail(path: Path, block: int = 8192) -> bytes | None:
    """The file's last line without its terminator, or ``None`` when it is not a readable file."""
    try:
        with folder(path.parent) as dir_fd:
            fd = open_file(dir_fd, path, os.O_RDONLY)
    except (OSError, OrchestratorError):
        return None
    try:
        return _tail(fd, block)
    except OSError:
        return None
    finally:
        os.close(fd)


def _tail(fd: int, block: int) -> bytes:
    end = os.fstat(fd).st_size
    if end and os.pread(fd, 1, end - 1) == b"\n":
        end -= 1
    chunks: list[bytes] = []
    position = end
    while position > 0:
        step = min(block, position)
        position -= step
        data = os.pread(fd, step, position)
        newline = data.rfind(b"\n")
        if newline >= 0:
            chunks.append(data[newline + 1 :])
            break
        chunks.append(data)
    return b"".join(reversed(chunks))


def write_all(fd: int, payload: bytes) -> None:
    """Write every byte or raise: a short write (disk full, quota) is never taken for success."""
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(28, "No space left on device")
        view = view[written:]


def atomic_write(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash or a full disk leaves the old file whole."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with folder(path.parent, create=True) as dir_fd:
            _replace_in(dir_fd, path, payload)
    except (UnsafePath, OrchestratorError):
        raise
    except OSError as exc:
        raise _os_error("write", path, exc) from exc


def _replace_in(dir_fd: int, path: Path, payload: bytes) -> None:
    """Write a temporary file, give it the replaced file's mode (and the store's owner), rename it over."""
    mode = NEW_FILE_MODE
    with contextlib.suppress(FileNotFoundError):
        existing = open_file(dir_fd, path, os.O_RDONLY)
        mode = os.fstat(existing).st_mode & 0o777
        os.close(existing)
    temp = f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
    try:
        try:
            write_all(fd, payload)
            claim(fd, path)
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp, dir_fd=dir_fd)
        raise
    os.fsync(dir_fd)


def append_line(path: Path, line: str) -> None:
    """Append one record as one whole line, never glued onto a torn tail, never left torn itself.

    If the file does not end with a newline (a writer crashed mid-line), a newline is written first
    so the fragment stays a line of its own, which readers report and skip. If the disk takes only
    part of the record, the file is cut back to where it was and the append fails.
    """
    if "\n" in line:
        raise ValueError("a telemetry record must be a single line")
    try:
        with folder(path.parent, create=True) as dir_fd:
            fd = _open_for_append(dir_fd, path)
            try:
                _append_locked(fd, line.encode("utf-8") + b"\n")
            finally:
                os.close(fd)
    except (UnsafePath, OrchestratorError):
        raise
    except OSError as exc:
        raise _os_error("append to", path, exc) from exc


def _open_for_append(dir_fd: int, path: Path) -> int:
    """The log opened for appending; one this call creates gets the store's owner and mode 0644."""
    flags = os.O_RDWR | os.O_APPEND
    if not claiming(path):
        return open_file(dir_fd, path, flags | os.O_CREAT)
    try:
        fd = open_file(dir_fd, path, flags | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE)
    except FileExistsError:
        return open_file(dir_fd, path, flags)
    try:
        claim(fd, path, NEW_FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _append_locked(fd: int, record: bytes) -> None:
    fcntl.flock(fd, fcntl.LOCK_EX)
    size = os.fstat(fd).st_size
    prefix = b"\n" if size and os.pread(fd, 1, size - 1) != b"\n" else b""
    try:
        write_all(fd, prefix + record)
        os.fsync(fd)
    except OSError:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)
            os.fsync(fd)
        raise


def append_text(path: Path, text: str) -> None:
    """Append to a file another process owns (the Actions step summary), ending with a newline."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise _os_error("append to", path, exc) from exc


def remove(path: Path) -> None:
    """Delete one file (not through a link) and make the deletion durable."""
    try:
        with folder(path.parent) as dir_fd:
            os.unlink(path.name, dir_fd=dir_fd)
            os.fsync(dir_fd)
    except OSError as exc:
        raise _os_error("remove", path, exc) from exc


@contextlib.contextmanager
def exclusive_lock(path: Path, what: str = "file") -> Iterator[None]:
    """Hold an exclusive lock that guards the existing file at ``path`` and its neighbours.

    The lock is taken on the file's folder, not on the file: writes replace files by renaming,
    so a lock on a file's inode would stop guarding the name the moment the file is replaced.
    """
    if not is_file(path):
        if exists(path):
            read_bytes(path, what, limit=0)
        raise OrchestratorError(f"{what} not found: {path}")
    with contextlib.ExitStack() as stack:
        try:
            dir_fd = stack.enter_context(folder(path.parent))
            fcntl.flock(dir_fd, fcntl.LOCK_EX)
        except (UnsafePath, OrchestratorError):
            raise
        except OSError as exc:
            raise _os_error("lock", path.parent, exc) from exc
        yield
