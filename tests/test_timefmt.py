"""Times shown to users: the configured zone, its abbreviation and its offset."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from bot import timefmt
from bot.config import load_settings
from bot.errors import ConfigError


@pytest.fixture(autouse=True)
def _default_zone() -> Iterator[None]:
    timefmt.fix_today(date(2026, 12, 1))
    yield
    timefmt.configure(None)
    timefmt.fix_today(None)


def test_moment_in_stockholm_winter_shows_cet_and_offset() -> None:
    moment = datetime(2025, 11, 28, 13, 2, tzinfo=UTC)
    assert timefmt.format_moment(moment) == "28 Nov 2025 14:02 CET (+01:00)"
    assert timefmt.format_moment(moment.replace(year=2026)) == "28 Nov 14:02 CET (+01:00)"
    assert timefmt.format_stamp(moment) == "2025-11-28 14:02 +01:00"


def test_summer_time_and_naive_values_read_as_utc() -> None:
    assert timefmt.format_stamp("2025-07-01T10:00:00") == "2025-07-01 12:00 +02:00"


def test_configured_zone_is_used() -> None:
    timefmt.configure("America/New_York")
    assert timefmt.format_stamp(datetime(2025, 11, 28, 13, 2, tzinfo=UTC)) == "2025-11-28 08:02 -05:00"


def test_day_omits_the_current_year() -> None:
    assert timefmt.format_day(date(2026, 12, 21), current=date(2026, 12, 1)) == "21 Dec"
    assert timefmt.format_day("2025-12-21", current=date(2026, 12, 1)) == "21 Dec 2025"


def test_unknown_zone_is_a_config_error_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="DISPLAY_TIMEZONE"):
        load_settings(display_timezone="Mars/Olympus")
