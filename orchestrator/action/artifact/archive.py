"""The artifact's content: names the service accepts, and the zip built from in-memory entries.

Entries are ``name -> bytes`` (a forward-slash path inside the zip and the exact bytes the run
produced), so what is uploaded is what the run made, never a file re-read later.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Mapping
from pathlib import PurePosixPath

from orchestrator.action.artifact.errors import ArtifactUploadError

COMPRESSION_LEVEL = 6
"""The deflate level ``@actions/artifact`` uses by default."""

FILE_MODE = 0o100644
"""A regular file, readable by all, as a checked-out file is stored."""

FORBIDDEN_PATH_CHARACTERS = {
    '"': "double quote",
    ":": "colon",
    "<": "less than",
    ">": "greater than",
    "|": "vertical bar",
    "*": "asterisk",
    "?": "question mark",
    "\r": "carriage return",
    "\n": "line feed",
}
"""Characters the service refuses in stored paths because some file systems (NTFS) cannot hold them."""

FORBIDDEN_NAME_CHARACTERS = {**FORBIDDEN_PATH_CHARACTERS, "\\": "backslash", "/": "forward slash"}
"""An artifact name is a single path segment, so separators are refused too."""


def validate_artifact_name(name: str) -> None:
    """Refuse names the service would refuse, before anything is sent."""
    if not name:
        raise ArtifactUploadError("artifact name is empty")
    for character, label in FORBIDDEN_NAME_CHARACTERS.items():
        if character in name:
            raise ArtifactUploadError(f"artifact name {name!r} contains a forbidden character ({label})")


def validate_entry_name(name: str) -> None:
    """A relative forward-slash path with no empty, ``.`` or ``..`` segment and no forbidden character."""
    segments = name.split("/")
    if not name or name.startswith("/") or any(part in ("", ".", "..") for part in segments):
        raise ArtifactUploadError(f"artifact file path {name!r} is not a relative path inside the artifact")
    for character, label in FORBIDDEN_PATH_CHARACTERS.items():
        if character in name:
            raise ArtifactUploadError(f"artifact file path {name!r} contains a forbidden character ({label})")


def validate_entries(entries: Mapping[str, bytes]) -> None:
    """Every entry is storable; raised before any call is made."""
    if not entries:
        raise ArtifactUploadError("no files were given to upload")
    for name, content in entries.items():
        validate_entry_name(name)
        if not isinstance(content, bytes | bytearray):
            raise ArtifactUploadError(f"artifact file {name!r} is not bytes")


def zip_bytes(entries: Mapping[str, bytes], *, moment: float | None = None) -> bytes:
    """Deflate every entry at level 6, in the given order, stamped with ``moment`` (default: now)."""
    stamp = time.localtime(time.time() if moment is None else moment)[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION_LEVEL) as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(PurePosixPath(name).as_posix(), date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, bytes(content), compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION_LEVEL)
    return buffer.getvalue()
