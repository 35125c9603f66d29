"""Opening fleet files without following links: every path component is opened with ``O_NOFOLLOW``.

Repository content is untrusted: a committed symlink (the fleet folder, the registry, a log, an
output file) must not make the tool read or write elsewhere, and a FIFO or device must not hang or
flood it. ``FleetLayout`` resolves the operator's own path parts (the repository root, the folder
of an override outside it) once, so every component below them is content the repository chose;
here each one is walked from ``/`` by descriptor, refusing links and anything but folders and
regular files.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from orchestrator.core.errors import OrchestratorError
from orchestrator.store.ownership import NEW_FOLDER_MODE, claim

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class UnsafePath(OrchestratorError):
    """A path that crosses a symlink or names something that is not a regular file or folder."""


def _refuse(path: Path, component: str, reason: str) -> UnsafePath:
    return UnsafePath(f"refusing {path}: {component} {reason}")


def _open_component(dir_fd: int, name: str, path: Path, *, create: Path | None) -> int:
    """One folder below ``dir_fd``; a link or a non-folder is refused, never followed.

    ``create`` is the folder's own path when a missing one is to be made; a folder made here
    gets the store's owner (``store/ownership.py``) through its descriptor.
    """
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        if create is None:
            raise
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            kind = "is a symbolic link" if _is_link(dir_fd, name) else "is not a folder"
            raise _refuse(path, name, kind) from None
        raise
    try:
        os.mkdir(name, NEW_FOLDER_MODE, dir_fd=dir_fd)
    except FileExistsError:
        return _open_component(dir_fd, name, path, create=None)
    fd = _open_component(dir_fd, name, path, create=None)
    try:
        claim(fd, create, NEW_FOLDER_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


@contextlib.contextmanager
def folder(path: Path, *, create: bool = False) -> Iterator[int]:
    """A descriptor of the folder ``path``, walked component by component from ``/``."""
    absolute = Path(os.path.abspath(path))
    fd = os.open("/", _DIR_FLAGS)
    current = Path("/")
    try:
        for name in absolute.parts[1:]:
            current /= name
            next_fd = _open_component(fd, name, absolute, create=current if create else None)
            os.close(fd)
            fd = next_fd
        yield fd
    finally:
        os.close(fd)


def check_regular(fd: int, path: Path) -> os.stat_result:
    """The file's status, refusing FIFOs, devices, sockets and folders."""
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        raise UnsafePath(f"refusing {path}: is a directory, expected a file")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafePath(f"refusing {path}: is not a regular file")
    return info


def open_file(dir_fd: int, path: Path, flags: int, mode: int = 0o644) -> int:
    """Open ``path``'s last component in ``dir_fd`` without following a link; regular files only."""
    try:
        fd = os.open(path.name, flags | _FILE_FLAGS, mode, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP or _is_link(dir_fd, path.name):
            raise _refuse(path, path.name, "is a symbolic link") from None
        raise
    try:
        check_regular(fd, path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def entry_kind(path: Path) -> str:
    """``missing``, ``file``, ``folder``, ``link`` or ``other``, without following any link."""
    try:
        with folder(path.parent) as dir_fd:
            mode = os.stat(path.name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError as exc:
        raise OrchestratorError(f"cannot look at {path}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISREG(mode):
        return "file"
    return "folder" if stat.S_ISDIR(mode) else "other"
