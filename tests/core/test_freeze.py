"""Freeze windows: one-off bounds, recurring windows across midnight and daylight-saving changes.

The lift time is checked against a minute-by-minute walk (an oracle that knows nothing of the
zone's rules): every time-zone change of the zones below happens on a whole minute.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orchestrator.core.freeze import (
    DAYS,
    FreezeCalendarInvalid,
    FreezeWindow,
    RecurringWindow,
    active_freeze,
    calendar_document,
    parse_window,
    registry_calendar,
    window_end,
)

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata", "UTC")
# Instants around the daylight-saving changes of 2026 (and anywhere in between).
DST_DAYS = [datetime(2026, 3, 8, tzinfo=UTC), datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 4, 5, tzinfo=UTC)]
DST_DAYS += [datetime(2026, 10, 4, tzinfo=UTC), datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)]

clock = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 1, 15, 29, 30, 45, 59]))
near_dst = st.builds(
    lambda day, minutes, seconds: day + timedelta(minutes=minutes, seconds=seconds),
    st.sampled_from(DST_DAYS),
    st.integers(-36 * 60, 36 * 60),
    st.integers(0, 59),
)
anytime = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC))


def recurring(draw: Any) -> dict[str, Any]:
    every = draw(st.sampled_from(["day", "week"]))
    item = {"every": every, "from": draw(clock), "to": draw(clock), "timeZone": draw(st.sampled_from(ZONES))}
    if every == "week":
        item["days"] = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    return {**item, "reason": "maintenance"}


recurring_items = st.composite(recurring)()


def walk_until_lifted(window: FreezeWindow, now: datetime) -> datetime:
    """The oracle: the first whole minute from ``now`` at which the window no longer holds."""
    moment = now.replace(second=0, microsecond=0)
    if moment < now:
        moment += timedelta(minutes=1)
    for _ in range(3 * 1440):
        if window_end(window, moment) is None:
            return moment
        moment += timedelta(minutes=1)
    raise AssertionError("window held for three days")


@settings(max_examples=300, deadline=None)
@given(recurring_items, st.one_of(near_dst, anytime))
def test_a_recurring_window_lifts_when_the_wall_clock_leaves_it(item: dict[str, Any], now: datetime) -> None:
    window = parse_window(item, "w")
    assume(isinstance(window, RecurringWindow) and window.duration < timedelta(hours=24))
    end = window_end(window, now)
    freeze = active_freeze((window,), now)
    assert (end is None) == (freeze is None)
    if end is None or freeze is None:
        return
    assert now < end <= freeze.ends_at
    # Occurrences can touch where the clocks jump over the gap between them: the freeze then goes on.
    assert freeze.ends_at == walk_until_lifted(window, now)
    assert window_end(window, freeze.ends_at) is None


@settings(max_examples=300, deadline=None)
@given(recurring_items, st.one_of(near_dst, anytime))
def test_membership_is_the_local_wall_clock(item: dict[str, Any], now: datetime) -> None:
    window = parse_window(item, "w")
    local = now.astimezone(window.zone)  # type: ignore[union-attr]
    minute = local.hour * 60 + local.minute
    start, stop = (int(item[k][:2]) * 60 + int(item[k][3:]) for k in ("from", "to"))
    days = {DAYS.index(d) for d in item.get("days", DAYS)}
    today, yesterday = local.weekday() in days, (local.weekday() - 1) % 7 in days
    if start <= stop:
        expected = today and start <= minute <= stop
    else:  # across midnight: the evening of a listed day, or the morning after one
        expected = (today and minute >= start) or (yesterday and minute <= stop)
    assert (window_end(window, now) is not None) == expected


@given(anytime, st.integers(1, 10 * 24 * 60), anytime)
def test_a_one_off_window_holds_from_its_start_to_just_before_its_end(
    start: datetime, minutes: int, now: datetime
) -> None:
    end = start + timedelta(minutes=minutes)
    window = parse_window({"start": start.isoformat(), "end": end.isoformat(), "reason": "release"}, "w")
    assert window_end(window, start) == end
    assert window_end(window, end) is None
    assert window_end(window, end - timedelta(microseconds=1)) == end
    assert window_end(window, start - timedelta(microseconds=1)) is None
    assert (window_end(window, now) is not None) == (start <= now < end)


def test_a_window_across_midnight_belongs_to_the_day_it_starts() -> None:
    window = parse_window(
        {"every": "week", "days": ["fri"], "from": "22:00", "to": "05:59", "timeZone": "UTC", "reason": "night"}, "w"
    )
    friday_night, saturday_morning = datetime(2026, 5, 1, 23, tzinfo=UTC), datetime(2026, 5, 2, 5, 59, tzinfo=UTC)
    assert window_end(window, friday_night) == datetime(2026, 5, 2, 6, tzinfo=UTC)
    assert window_end(window, saturday_morning) == datetime(2026, 5, 2, 6, tzinfo=UTC)
    assert window_end(window, datetime(2026, 5, 1, 3, tzinfo=UTC)) is None  # Friday morning: Thursday is not listed


def test_the_skipped_hour_of_spring_and_the_repeated_hour_of_autumn() -> None:
    item = {"every": "day", "from": "02:15", "to": "02:44", "timeZone": "Europe/Berlin", "reason": "r"}
    window = parse_window(item, "w")
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST, so the window never holds that night.
    assert all(window_end(window, datetime(2026, 3, 29, 0, m, tzinfo=UTC)) is None for m in range(60))
    # 25 October 2026: 02:15-02:44 happens twice, in summer time and again in winter time.
    assert window_end(window, datetime(2026, 10, 25, 0, 20, tzinfo=UTC)) == datetime(2026, 10, 25, 0, 45, tzinfo=UTC)
    assert window_end(window, datetime(2026, 10, 25, 1, 20, tzinfo=UTC)) == datetime(2026, 10, 25, 1, 45, tzinfo=UTC)


def test_the_freeze_lifts_after_back_to_back_windows() -> None:
    calendar = (
        parse_window({"start": "2026-05-01T00:00:00Z", "end": "2026-05-02T00:00:00Z", "reason": "first"}, "a"),
        parse_window({"start": "2026-05-02T00:00:00Z", "end": "2026-05-03T12:00:00Z", "reason": "second"}, "b"),
    )
    freeze = active_freeze(calendar, datetime(2026, 5, 1, 8, tzinfo=UTC))
    assert freeze is not None
    assert freeze.to_json() == {"window": "a", "reason": "first", "endsAt": "2026-05-03T12:00:00Z"}
    assert active_freeze(calendar, datetime(2026, 5, 3, 12, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ("x", "must be an object"),
        ({"start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z", "reason": "r"}, "end must be after start"),
        ({"start": "2026-01-01", "end": "2026-01-02T00:00:00Z", "reason": "r"}, "RFC 3339"),
        ({"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z"}, "reason must be"),
        ({"every": "month", "from": "01:00", "to": "02:00", "timeZone": "UTC", "reason": "r"}, "every must be"),
        (
            {"every": "week", "days": ["sunday"], "from": "01:00", "to": "02:00", "timeZone": "UTC", "reason": "r"},
            "days",
        ),
        ({"every": "day", "days": ["sun"], "from": "01:00", "to": "02:00", "timeZone": "UTC", "reason": "r"}, "days"),
        ({"every": "day", "from": "24:00", "to": "02:00", "timeZone": "UTC", "reason": "r"}, "HH:MM"),
        ({"every": "day", "from": "01:00", "to": "02:00", "timeZone": "Mars/Olympus", "reason": "r"}, "timeZone"),
        ({"every": "day", "from": "01:00", "to": "02:00", "timeZone": "../../etc/passwd", "reason": "r"}, "timeZone"),
        ({"every": "day", "from": "01:00", "to": "02:00", "timeZone": "UTC", "reason": "r", "x": 1}, "recurring one"),
        ({"reason": "r"}, "one-off window"),
    ],
)
def test_a_bad_window_is_named_with_its_problem(item: Any, problem: str) -> None:
    with pytest.raises(FreezeCalendarInvalid, match=problem) as caught:
        parse_window(item, "calendar[3]")
    assert caught.value.message.startswith("calendar[3] ")


def test_calendars_from_a_file_and_from_the_registry() -> None:
    one = {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z", "reason": "r"}
    assert len(calendar_document({"freeze": [one]}, "f")) == 1
    assert calendar_document([one, one], "f")[1].label == "f[1]"
    assert registry_calendar({"policy": {"autonomous": {"rollout": {"freeze": [one]}}}})[0].label == (
        "policy.autonomous.rollout.freeze[0]"
    )
    assert registry_calendar({"policy": {}}) == ()
    with pytest.raises(FreezeCalendarInvalid, match="must be a list"):
        calendar_document({"windows": []}, "f")
