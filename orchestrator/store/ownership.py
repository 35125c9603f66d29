"""Who owns what the store creates: by default the running user; in the action, the workspace's owner.

A container action runs as root, but the steps after it run as the runner's user, and a
self-hosted runner's next checkout must be able to clean the workspace. ``owned_by`` (entered by
the action around a run) makes every file the store creates or replaces below the workspace, and
every folder it creates there, belong to the workspace's owner. The owner is applied through the
descriptor the store already holds (``fchown``), never through a path, so no link is followed.
The command line never enters it and keeps today's behaviour.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

NEW_FILE_MODE = 0o644
NEW_FOLDER_MODE = 0o755


@dataclass(frozen=True)
class Owner:
    """Files below ``root`` get ``uid``:``gid``."""

    root: Path
    uid: int
    gid: int

    def covers(self, path: Path) -> bool:
        return path == self.root or self.root in path.parents


_OWNER: ContextVar[Owner | None] = ContextVar("promotion_rollout_store_owner", default=None)


@contextlib.contextmanager
def owned_by(root: Path) -> Iterator[Owner | None]:
    """Within the block, what the store creates or replaces below ``root`` belongs to ``root``'s owner.

    Nothing changes unless the process runs as root (only root may give a file away) and the owner
    differs from it; a root that cannot be looked at leaves ownership as it is.
    """
    owner: Owner | None = None
    if os.geteuid() == 0:
        try:
            info = os.stat(root)
        except OSError:
            info = None
        if info is not None and (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
            owner = Owner(root=Path(os.path.abspath(root)), uid=info.st_uid, gid=info.st_gid)
    token = _OWNER.set(owner)
    try:
        yield owner
    finally:
        _OWNER.reset(token)


def owner_for(path: Path) -> Owner | None:
    """The owner a file or folder created at ``path`` must get; ``None`` to leave it to the process."""
    owner = _OWNER.get()
    if owner is None or not owner.covers(Path(os.path.abspath(path))):
        return None
    return owner


def claim(fd: int, path: Path, mode: int | None = None) -> None:
    """Give the open file or folder ``fd`` (at ``path``) the workspace's owner, then ``mode`` when given.

    The mode is set after the owner, because a change of owner may clear set-id bits.
    """
    owner = owner_for(path)
    if owner is None:
        return
    info = os.fstat(fd)
    if (info.st_uid, info.st_gid) != (owner.uid, owner.gid):
        os.fchown(fd, owner.uid, owner.gid)
    if mode is not None:
        os.fchmod(fd, mode)


def claiming(path: Path) -> bool:
    """Whether files created at ``path`` are given away (so their mode is set explicitly too)."""
    return owner_for(path) is not None
