"""Times as people read them: one configured zone (Europe/Stockholm unless DISPLAY_TIMEZONE says
otherwise), always shown with its abbreviation and UTC offset so nobody has to guess.

Slack messages, the App Home and the CLI all format through here. `configure()` is called once
when the runtime is built; the zone is process-wide because every surface shows the same clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/Stockholm"

_zone = ZoneInfo(DEFAULT_ZONE)
_fixed_today: date | None = None  # tests pin "today" so snapshots do not change at new year


def configure(name: str | None) -> None:
    global _zone
    _zone = zone_named(name or DEFAULT_ZONE)


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone name such as Europe/Stockholm") from None


def zone() -> ZoneInfo:
    return _zone


def today() -> date:
    return _fixed_today or datetime.now(_zone).date()


def fix_today(day: date | None) -> None:
    """Pin what `today()` says (None: the real date again); for snapshot tests."""
    global _fixed_today
    _fixed_today = day


def local(moment: datetime) -> datetime:
    """The moment in the display zone; a naive value is taken to be UTC (how the store writes)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(_zone)


def offset(moment: datetime) -> str:
    """'+01:00' for a moment already in the display zone."""
    raw = moment.strftime("%z") or "+0000"
    return f"{raw[:3]}:{raw[3:5]}"


def format_moment(moment: datetime | str | None) -> str:
    """'28 Nov 14:02 CET (+01:00)', with the year when it is not the current one."""
    if moment is None or moment == "":
        return "—"
    when = _local_moment(moment)
    day = format_day(when.date())
    return f"{day} {when:%H:%M} {when.tzname()} ({offset(when)})"


def format_day(day: date | str | None, *, current: date | None = None) -> str:
    """'21 Dec' this year, '21 Dec 2025' otherwise: a calendar date has no zone to show."""
    if day is None or day == "":
        return "—"
    value = date.fromisoformat(day[:10]) if isinstance(day, str) else day
    current = current or today()
    text = f"{value.day} {value:%b}"
    return text if value.year == current.year else f"{text} {value.year}"


def format_stamp(moment: datetime | str | None) -> str:
    """'2026-11-28 14:02 +01:00': sortable, for tables and exports."""
    if moment is None or moment == "":
        return ""
    when = _local_moment(moment)
    return f"{when:%Y-%m-%d %H:%M} {offset(when)}"


def _local_moment(moment: datetime | str) -> datetime:
    return local(datetime.fromisoformat(moment) if isinstance(moment, str) else moment)
