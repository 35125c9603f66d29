"""ISO-8601 parsing and formatting with the reference's second precision."""

from __future__ import annotations

from datetime import UTC, datetime


def format_ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(value: object) -> datetime | None:
    """A timezone-aware instant, or None for anything that is not a real ISO-8601 timestamp.

    A timestamp without an offset is read as UTC, as jq's ``fromdateiso8601`` does.
    """
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    text = value.strip()
    if text != value or "T" not in text.upper():
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
