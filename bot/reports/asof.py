"""Before a report runs the mirror is brought up to date; the report says as of when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot import timefmt
from bot.services.pull import last_pull, pull

if TYPE_CHECKING:
    from bot.runtime import Runtime

NEVER = "Billecta data as of: never pulled (the report shows only what the bot itself recorded)"


def bring_up_to_date(rt: Runtime, *, refresh: bool = True) -> datetime | None:
    """Pull Billecta into the mirror (incrementally, since the last pull) unless `refresh` is False
    (a filter changed in an open report: the mirror was pulled a moment ago); when the mirror's data
    is from, or None if it was never pulled."""
    if refresh:
        pull(rt, today=timefmt.today())
    return last_pull(rt)


def as_of_line(moment: datetime | None) -> str:
    """'Billecta data as of 2 Dec 2026 03:10 CET (+01:00)'."""
    if moment is None:
        return NEVER
    return f"Billecta data as of {timefmt.format_moment(moment)}"
