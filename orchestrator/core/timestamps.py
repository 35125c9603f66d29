"""The one timestamp grammar of the engine: RFC 3339 date-times, formatted at second precision.

Every timestamp the engine reads (registry governance fields, ``apply --review-by``, drill
completion times, the fleet status's review deadline, ``status --now``) goes through
``parse_ts``, so a value accepted in one place is never read as "missing" in another.

Accepted: ``YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)``, with ``t``/``z`` also allowed as RFC 3339
permits. Seconds and an offset are required, as for jq's ``fromdateiso8601``; fractions beyond
microseconds are truncated. Anything else (dates alone, missing seconds or offset, ISO week or
ordinal dates, leap seconds, instants outside the representable UTC range) is ``None``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

MAX_LENGTH = 64

_RFC3339 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<off_hour>[0-9]{2}):(?P<off_minute>[0-9]{2}))"
)


def format_ts(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC (a naive value is taken as UTC); ``parse_ts`` reads it back."""
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


def _offset(match: re.Match[str]) -> timezone | None:
    if match["utc"]:
        return UTC
    hours, minutes = int(match["off_hour"]), int(match["off_minute"])
    if hours > 23 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match["sign"] == "-" else delta)


def parse_ts(value: object) -> datetime | None:
    """The instant ``value`` names, in UTC, or ``None`` when it is not an RFC 3339 date-time."""
    if not isinstance(value, str) or len(value) > MAX_LENGTH:
        return None
    match = _RFC3339.fullmatch(value)
    if match is None:
        return None
    zone = _offset(match)
    if zone is None:
        return None
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    try:
        local = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            int(fraction),
            tzinfo=zone,
        )
        return local.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


_DATE_ONLY = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})")


def parse_date_only(value: str) -> datetime | None:
    """Midnight UTC of a calendar date written alone (``2027-06-30``), or ``None``.

    Kept apart from ``parse_ts``, whose grammar stays strict: only a shell that says so to the
    operator (``note: --review-by 2027-06-30 read as 2027-06-30T00:00:00Z``) reads a date this way.
    """
    match = _DATE_ONLY.fullmatch(value)
    if match is None:
        return None
    try:
        return datetime(int(match["year"]), int(match["month"]), int(match["day"]), tzinfo=UTC)
    except ValueError:
        return None
