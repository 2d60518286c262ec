"""Billecta date-times: written 'YYYY-MM-DD HH:MM:SS+HH:MM' in Stockholm time, read in every variant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.billecta.dates import STOCKHOLM, format_date, format_datetime, parse_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25 13:00:00+01:00", datetime(2026, 11, 25, 12, 0, tzinfo=UTC)),
        ("2026-11-25T13:00:00+01:00", datetime(2026, 11, 25, 12, 0, tzinfo=UTC)),
        ("2026-11-25 13:00:00+0100", datetime(2026, 11, 25, 12, 0, tzinfo=UTC)),
        ("2026-11-25T13:00:00.1234567", datetime(2026, 11, 25, 12, 0, 0, 123456, tzinfo=UTC)),
        ("2026-11-25T13:00:00.5", datetime(2026, 11, 25, 12, 0, 0, 500000, tzinfo=UTC)),
        ("2026-07-01 13:00:00", datetime(2026, 7, 1, 11, 0, tzinfo=UTC)),
        ("2026-11-25T12:00:00Z", datetime(2026, 11, 25, 12, 0, tzinfo=UTC)),
        ("2026-11-25", datetime(2026, 11, 24, 23, 0, tzinfo=UTC)),
    ],
)
def test_parse_accepts_the_variants_seen_in_the_wild(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed.tzinfo is not None
    assert parsed == expected


def test_values_without_offset_are_stockholm_time() -> None:
    assert parse_datetime("2026-01-15 08:00:00").utcoffset() == timedelta(hours=1)
    assert parse_datetime("2026-06-15 08:00:00").utcoffset() == timedelta(hours=2)


def test_format_is_billecta_standard_in_stockholm_time() -> None:
    assert format_datetime(datetime(2026, 11, 25, 12, 0, tzinfo=UTC)) == "2026-11-25 13:00:00+01:00"
    assert format_datetime(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "2026-07-01 14:00:00+02:00"
    assert format_datetime(date(2026, 3, 1)) == "2026-03-01 00:00:00+01:00"
    assert format_datetime(datetime(2026, 3, 1, 9, 30)) == "2026-03-01 09:30:00+01:00"


def test_dst_changes_keep_the_instant() -> None:
    # Spring forward: 2026-03-29 02:00 CET becomes 03:00 CEST.
    before = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    after = before + timedelta(minutes=2)
    assert format_datetime(before) == "2026-03-29 01:59:00+01:00"
    assert format_datetime(after) == "2026-03-29 03:01:00+02:00"
    # Fall back: 02:30 happens twice on 2026-10-25; the offset tells which.
    first = parse_datetime("2026-10-25 02:30:00+02:00")
    second = parse_datetime("2026-10-25 02:30:00+01:00")
    assert second - first == timedelta(hours=1)
    assert format_datetime(first) == "2026-10-25 02:30:00+02:00"
    assert format_datetime(second) == "2026-10-25 02:30:00+01:00"


def test_round_trip_through_the_wire_format() -> None:
    moment = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert parse_datetime(format_datetime(moment)) == moment


def test_date_query_parameters() -> None:
    assert format_date(date(2026, 1, 5)) == "2026-01-05"
    # 23:30 UTC on 31 Dec is already 1 Jan in Stockholm.
    assert format_date(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == "2026-01-01"
    assert format_date(datetime(2026, 1, 5, 23, 30, tzinfo=timezone(timedelta(hours=1)))) == "2026-01-05"
    assert parse_datetime(datetime(2026, 1, 5, 8)).tzinfo is STOCKHOLM
