"""Change-freeze windows: is ``now`` inside one, which one, and when does the freeze lift.

A calendar is a list of deny windows, from the registry (``policy.autonomous.rollout.freeze``) or
a ``--freeze-calendar`` file. A one-off window is ``{"start", "end", "reason"}`` (RFC 3339; the
start is inside, the end is not). A recurring one is ``{"every": "week", "days": [...], "from":
"18:00", "to": "23:59", "timeZone": "Europe/Berlin", "reason"}`` or ``every: "day"`` (no days):
it holds while the wall clock of its time zone reads from ``from`` to ``to``, both minutes
included, on each listed day; a ``to`` earlier than ``from`` runs past midnight into the next day
(the listed day is the day it starts). Wall-clock time decides, so across a daylight-saving change
a window keeps its local hours: a skipped hour is skipped, a repeated hour counts twice.

Pure: ``now`` comes in, the time-zone rules come from the interpreter's ``zoneinfo``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from orchestrator.core.errors import InvalidInput, OrchestratorError
from orchestrator.core.reasons import ReasonCode
from orchestrator.core.timestamps import format_ts, parse_ts

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ONE_OFF_KEYS = frozenset({"start", "end", "reason"})
RECURRING_KEYS = frozenset({"every", "days", "from", "to", "timeZone", "reason"})
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_DAY_MINUTES = 1440
_MAX_CHAIN = 400
"""How many back-to-back windows the lift time follows (a window every day for over a year)."""


class FreezeCalendarInvalid(OrchestratorError):
    """A window that cannot be read; the message names it and what is wrong."""


@dataclass(frozen=True)
class OneOffWindow:
    start: datetime
    end: datetime
    reason: str
    label: str


@dataclass(frozen=True)
class RecurringWindow:
    every: str
    days: frozenset[int]
    """Weekday numbers (Monday 0); every day for ``every: day``."""
    from_minute: int
    to_minute: int
    zone: ZoneInfo
    reason: str
    label: str

    @property
    def duration(self) -> timedelta:
        """From ``from`` to the end of the ``to`` minute; ``00:00``-``23:59`` is the whole day."""
        return timedelta(minutes=(self.to_minute + 1 - self.from_minute) % _DAY_MINUTES or _DAY_MINUTES)


FreezeWindow = OneOffWindow | RecurringWindow


@dataclass(frozen=True)
class ActiveFreeze:
    """The window that holds now (the first in calendar order) and when no window holds any more."""

    label: str
    reason: str
    ends_at: datetime

    def to_json(self) -> dict[str, str]:
        return {"window": self.label, "reason": self.reason, "endsAt": format_ts(self.ends_at)}


def _zone(name: Any) -> ZoneInfo | None:
    if not isinstance(name, str) or not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _minute(value: Any) -> int | None:
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def _one_off(item: dict[str, Any], label: str, reason: str) -> OneOffWindow:
    start, end = parse_ts(item.get("start")), parse_ts(item.get("end"))
    if start is None or end is None:
        raise FreezeCalendarInvalid(f"{label} start and end must be RFC 3339 timestamps like 2026-12-24T00:00:00Z")
    if end <= start:
        raise FreezeCalendarInvalid(f"{label} end must be after start")
    return OneOffWindow(start=start, end=end, reason=reason, label=label)


def _days(item: dict[str, Any], label: str) -> frozenset[int]:
    every, days = item.get("every"), item.get("days")
    if every == "day":
        if days is not None:
            raise FreezeCalendarInvalid(f'{label} days applies only to every "week"')
        return frozenset(range(7))
    if every != "week":
        raise FreezeCalendarInvalid(f'{label} every must be "day" or "week"')
    if not isinstance(days, list) or not days or not all(day in DAYS for day in days):
        raise FreezeCalendarInvalid(f"{label} days must be a non-empty list of {', '.join(DAYS)}")
    return frozenset(DAYS.index(day) for day in days)


def _recurring(item: dict[str, Any], label: str, reason: str) -> RecurringWindow:
    days = _days(item, label)
    start, end = _minute(item.get("from")), _minute(item.get("to"))
    if start is None or end is None:
        raise FreezeCalendarInvalid(f"{label} from and to must be times of day HH:MM (00:00 to 23:59)")
    zone = _zone(item.get("timeZone"))
    if zone is None:
        raise FreezeCalendarInvalid(f"{label} timeZone must name an IANA time zone like Europe/Berlin")
    return RecurringWindow(str(item["every"]), days, start, end, zone, reason, label)


def parse_window(item: Any, label: str) -> FreezeWindow:
    """One window from its JSON; ``label`` names it in errors and in the record."""
    if not isinstance(item, dict):
        raise FreezeCalendarInvalid(f"{label} must be an object")
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip() or "\n" in reason or "\r" in reason:
        raise FreezeCalendarInvalid(f"{label} reason must be a non-empty line of text")
    keys = set(item)
    if "start" in keys or "end" in keys:
        if keys - ONE_OFF_KEYS:
            raise FreezeCalendarInvalid(f"{label} a one-off window has only start, end and reason")
        return _one_off(item, label, reason)
    if "every" in keys and not keys - RECURRING_KEYS:
        return _recurring(item, label, reason)
    raise FreezeCalendarInvalid(
        f"{label} must be a one-off window (start, end, reason) or a recurring one (every, days, from, to,"
        " timeZone, reason)"
    )


def parse_calendar(items: Any, where: str) -> tuple[FreezeWindow, ...]:
    """Every window of a list; ``where`` prefixes each label (``policy.autonomous.rollout.freeze``)."""
    if not isinstance(items, list):
        raise FreezeCalendarInvalid(f"{where} must be a list of freeze windows")
    return tuple(parse_window(item, f"{where}[{index}]") for index, item in enumerate(items))


def calendar_document(doc: Any, label: str) -> tuple[FreezeWindow, ...]:
    """A calendar file: ``{"freeze": [...]}`` or the bare list."""
    if isinstance(doc, dict) and set(doc) <= {"freeze", "schemaVersion"} and "freeze" in doc:
        return parse_calendar(doc["freeze"], f"{label}: freeze")
    return parse_calendar(doc, label)


def registry_calendar(doc: Any) -> tuple[FreezeWindow, ...]:
    """The registry's windows (``policy.autonomous.rollout.freeze``); none when it has none."""
    node: Any = doc
    for key in ("policy", "autonomous", "rollout"):
        node = node.get(key) if isinstance(node, dict) else None
    items = node.get("freeze") if isinstance(node, dict) else None
    return () if items is None else parse_calendar(items, "policy.autonomous.rollout.freeze")


def _first_at(wall: datetime, zone: ZoneInfo, after: datetime) -> datetime:
    """The first instant after ``after`` whose wall clock has reached ``wall`` (a skipped time: the jump)."""
    instants = [wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
    real = [t for t in instants if t.astimezone(zone).replace(tzinfo=None) == wall]
    if not real:
        real = [_transition(min(instants), max(instants), zone)]
    later = [t for t in real if t > after]
    return min(later) if later else max(real)


def _transition(low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """The first whole second in (low, high] whose offset is ``high``'s (offsets change on whole seconds)."""
    lo, hi = int(low.timestamp()), int(high.timestamp())
    before = low.astimezone(zone).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(zone).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)


def _occurrence_end(window: RecurringWindow, now: datetime) -> datetime | None:
    """The wall-clock end of the occurrence holding ``now`` (naive, in the window's zone), or ``None``."""
    local = now.astimezone(window.zone).replace(tzinfo=None)
    for back in (0, 1):
        day = local.date() - timedelta(days=back)
        if day.weekday() not in window.days:
            continue
        start = datetime.combine(day, time()) + timedelta(minutes=window.from_minute)
        if start <= local < start + window.duration:
            return start + window.duration
    return None


def _recurring_end(window: RecurringWindow, now: datetime) -> datetime | None:
    wall_end = _occurrence_end(window, now)
    if wall_end is None:
        return None
    end = _first_at(wall_end, window.zone, now)
    if now.astimezone(window.zone).utcoffset() != end.astimezone(window.zone).utcoffset():
        # The clocks change before the end: set back, they may leave the window (and re-enter it later).
        change = _transition(now, end, window.zone)
        if change < end and _occurrence_end(window, change) is None:
            return change
    return end


def window_end(window: FreezeWindow, now: datetime) -> datetime | None:
    """When ``window`` stops holding, if it holds at ``now``; ``None`` when it does not."""
    if isinstance(window, OneOffWindow):
        return window.end if window.start <= now < window.end else None
    return _recurring_end(window, now)


def active_freeze(calendar: tuple[FreezeWindow, ...], now: datetime) -> ActiveFreeze | None:
    """The freeze at ``now``: its first holding window and when the last back-to-back window ends."""
    holding = [(window, end) for window in calendar if (end := window_end(window, now)) is not None]
    if not holding:
        return None
    lifted = max(end for _, end in holding)
    for _ in range(_MAX_CHAIN):
        later = [end for window in calendar if (end := window_end(window, lifted)) is not None]
        if not later:
            break
        lifted = max(later)
    first = holding[0][0]
    return ActiveFreeze(label=first.label, reason=first.reason, ends_at=lifted)


class FreezeRefused(OrchestratorError):
    """An expand or resume refused inside a freeze window; ``reason_code`` names it for the result."""

    def __init__(self, freeze: ActiveFreeze) -> None:
        super().__init__(
            f"change freeze active: {freeze.reason} ({freeze.label}, until {format_ts(freeze.ends_at)});"
            f" only a rollback, or a break-glass approval (--break-glass-approval-ref), goes through"
            f" ({ReasonCode.CHANGE_FREEZE_ACTIVE.value})"
        )
        self.reason_code = ReasonCode.CHANGE_FREEZE_ACTIVE
        self.freeze = freeze


def validate_break_glass(break_glass_ref: str | None, approval_ref: str) -> None:
    """A break-glass approval is a second one: one line, and not the ``approval-ref`` again."""
    if break_glass_ref is None:
        return
    if not break_glass_ref.strip() or "\n" in break_glass_ref or "\r" in break_glass_ref:
        raise InvalidInput("break-glass-approval-ref", "must be one non-empty line of text", got=break_glass_ref)
    if break_glass_ref.strip() == approval_ref.strip():
        raise InvalidInput(
            "break-glass-approval-ref",
            "must name a second approval, not the one in --approval-ref",
            got=break_glass_ref,
        )


def check_freeze(
    calendar: tuple[FreezeWindow, ...], intent: str, break_glass_ref: str | None, now: datetime
) -> dict[str, str] | None:
    """Refuse an expand or resume inside a freeze; the ``breakGlass`` record when one let it through.

    A rollback is always allowed: it is how a frozen rollout is made safe.
    """
    if intent == "rollback":
        return None
    freeze = active_freeze(calendar, now)
    if freeze is None:
        return None
    if break_glass_ref is None:
        raise FreezeRefused(freeze)
    return {"approvalRef": break_glass_ref, **freeze.to_json()}
