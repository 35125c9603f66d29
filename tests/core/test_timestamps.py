"""The one timestamp grammar: what ``parse_ts`` accepts, what it refuses, and that every reader agrees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orchestrator.core.apply_request import validate_review_by
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.fleet_status import evaluate_governance
from orchestrator.core.timestamps import format_ts, parse_ts

NOW = datetime(2030, 1, 1, tzinfo=UTC)
GOVERNANCE = {"actor": "a", "approvalRef": "r", "rationale": "w", "changedAt": "2029-01-01T00:00:00Z"}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2030-06-01T00:00:00Z", utc(2030, 6, 1)),
        ("2030-06-01t00:00:00z", utc(2030, 6, 1)),
        ("2030-06-01T02:00:00+02:00", utc(2030, 6, 1)),
        ("2030-05-31T19:30:00-04:30", utc(2030, 6, 1)),
        ("2030-06-01T00:00:00-00:00", utc(2030, 6, 1)),
        ("2030-06-01T00:00:00.5Z", utc(2030, 6, 1, 0, 0, 0, 500000)),
        ("2030-06-01T00:00:00.123456789Z", utc(2030, 6, 1, 0, 0, 0, 123456)),
        ("2028-02-29T23:59:59Z", utc(2028, 2, 29, 23, 59, 59)),
        ("0001-01-01T00:00:00Z", utc(1, 1, 1)),
        ("9999-12-31T23:59:59Z", utc(9999, 12, 31, 23, 59, 59)),
    ],
)
def test_rfc3339_date_times_are_read_as_utc_instants(text: str, instant: datetime) -> None:
    parsed = parse_ts(text)
    assert parsed == instant
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2030-06-01",
        "2030-06-01T00:00",  # no seconds
        "2030-06-01T00:00:00",  # no offset
        "2030-06-01 00:00:00Z",  # space separator
        "2030-W22-6T00:00:00Z",  # ISO week date
        "2030-152T00:00:00Z",  # ordinal date
        "20300601T000000Z",  # basic format
        "2030-06-01T00:00:00+0200",
        "2030-06-01T00:00:00+02",
        "2030-06-01T00:00:00.Z",
        "2030-06-01T00:00:00,5Z",
        "2030-06-01T24:00:00Z",
        "2030-06-01T23:59:60Z",  # leap second: not representable
        "2030-02-29T00:00:00Z",
        "2030-13-01T00:00:00Z",
        "2030-06-01T00:00:00+24:00",
        "2030-06-01T00:00:00+05:60",
        "0000-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",  # before the first representable UTC instant
        "9999-12-31T23:59:59-01:00",  # after the last one
        " 2030-06-01T00:00:00Z",
        "2030-06-01T00:00:00Z ",
        "2030-06-01T00:00:00Z\n",
        "\u0662\u0660\u0663\u0660-06-01T00:00:00Z",  # non-ASCII digits
        "+2030-06-01T00:00:00Z",
        "2030-06-01T00:00:00." + "0" * 60 + "Z",  # absurdly long
        "next spring",
    ],
)
def test_everything_else_is_refused(text: str) -> None:
    assert parse_ts(text) is None


@pytest.mark.parametrize("value", [None, 0, 1700000000, 1.5, True, ["2030-06-01T00:00:00Z"], {"at": "x"}])
def test_non_strings_are_refused(value: object) -> None:
    assert parse_ts(value) is None


def test_format_is_utc_with_whole_seconds() -> None:
    offset = timezone(timedelta(hours=-5))
    assert format_ts(datetime(2030, 1, 1, 19, 0, 0, 999999, tzinfo=offset)) == "2030-01-02T00:00:00Z"
    assert format_ts(datetime(2030, 1, 1)) == "2030-01-01T00:00:00Z"
    assert format_ts(utc(999, 1, 2, 3, 4, 5)) == "0999-01-02T03:04:05Z"


# Fixed offsets: a zone's nonexistent local times (DST gaps) never compare equal across zones.
offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda minutes: timezone(timedelta(minutes=minutes)))
aware = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets)


@given(moment=aware)
def test_format_reads_back(moment: datetime) -> None:
    assert parse_ts(format_ts(moment)) == moment.replace(microsecond=0)


def _offset_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@st.composite
def rfc3339(draw: st.DrawFn) -> str:
    """Any string of the accepted grammar, including ones that name no real instant."""
    year = draw(st.integers(0, 9999))
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    hour, minute, second = draw(st.integers(0, 25)), draw(st.integers(0, 61)), draw(st.integers(0, 61))
    fraction = draw(st.none() | st.text("0123456789", min_size=1, max_size=12))
    zone = draw(st.sampled_from(["Z", "z"]) | st.integers(-24 * 60, 24 * 60).map(_offset_text))
    separator = draw(st.sampled_from(["T", "t"]))
    text = f"{year:04d}-{month:02d}-{day:02d}{separator}{hour:02d}:{minute:02d}:{second:02d}"
    return text + (f".{fraction}" if fraction else "") + zone


texts = rfc3339() | st.text(max_size=40) | st.from_regex(r"\A[0-9T:+\-.Z ]{10,30}\Z")


def _apply_accepts(text: str) -> bool:
    """Whether ``apply --review-by`` reads ``text`` as a timestamp (it may still be in the past)."""
    try:
        validate_review_by(text, datetime(1, 1, 1, tzinfo=UTC))
    except OrchestratorError as error:
        # A timestamp at or before the first instant is refused for being in the past, not unreadable.
        return "RFC 3339" not in error.message
    return True


@settings(max_examples=400)
@given(text=texts)
def test_apply_and_the_status_read_deadlines_alike(text: str) -> None:
    """Every review deadline ``apply --review-by`` accepts is a real deadline to the status, and only those."""
    policy = {"mode": "guarded_auto", "autonomous": {"governance": {**GOVERNANCE, "reviewBy": text}}}
    evaluation = evaluate_governance(policy, NOW)
    read_as_deadline = evaluation.posture != "review_deadline_missing"
    assert read_as_deadline == (parse_ts(text) is not None) == _apply_accepts(text)
    if read_as_deadline:
        assert evaluation.posture in ("active", "review_due_soon", "review_expired")


@settings(max_examples=200)
@given(text=rfc3339())
def test_accepted_strings_name_real_instants(text: str) -> None:
    parsed = parse_ts(text)
    assume(parsed is not None)
    assert parsed is not None
    assert parsed.tzinfo is UTC
    assert parse_ts(format_ts(parsed)) == parsed.replace(microsecond=0)
    expected = "review_expired" if parsed <= NOW else None
    posture = evaluate_governance(
        {"mode": "guarded_auto", "autonomous": {"governance": {**GOVERNANCE, "reviewBy": text}}}, NOW
    ).posture
    assert posture != "review_deadline_missing"
    if expected:
        assert posture == expected


def test_evaluation_near_the_end_of_time_does_not_overflow() -> None:
    policy = {"mode": "guarded_auto", "autonomous": {"governance": {**GOVERNANCE, "reviewBy": "9999-12-31T23:59:59Z"}}}
    assert evaluate_governance(policy, utc(9999, 12, 31, 23, 59, 58)).posture == "review_due_soon"
    assert evaluate_governance(policy, utc(9999, 12, 31, 23, 59, 59)).posture == "review_expired"
