"""The wall clock, read once per command by the shells and passed inward as a value."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, in UTC, at the reference's second precision."""
    return datetime.now(UTC).replace(microsecond=0)
