"""A report's date parameters: a snapshot `date=YYYY-MM-DD` or a period `from=` `to=`, never both.

Values come as typed on the CLI or as Slack's datepickers send them ('YYYY-MM-DD', or None when
empty). A bad value is refused under its own field (bot.errors.InvalidInput.field_errors); the CLI
prints the same messages on stderr.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot import timefmt
from bot.errors import InvalidInput, echo

DATE, FROM, TO = "date", "from", "to"
TRUE = ("true", "yes", "1", "on")
FALSE = ("false", "no", "0", "off", "")


@dataclass(frozen=True)
class Period:
    """The report's day (`at`: the ledger is as at its end) and, for a period report, its first day."""

    at: date
    start: date | None = None

    @property
    def is_period(self) -> bool:
        return self.start is not None

    def describe(self) -> str:
        return f"{self.start} to {self.at}" if self.start else f"{self.at}"

    def said(self) -> str:
        """'30 Nov' or '1 Nov to 30 Nov' (bot.timefmt): how Slack messages name days."""
        at = timefmt.format_day(self.at)
        return f"{timefmt.format_day(self.start)} to {at}" if self.start else at


def period(options: dict[str, Any], *, default_period: bool = False) -> Period:
    """The date or period the options name; by default today (Stockholm), or with `default_period`
    the current month up to today."""
    errors: dict[str, str] = {}
    given = {name: _day(options.get(name), name, errors) for name in (DATE, FROM, TO)}
    if options.get(DATE) and (options.get(FROM) or options.get(TO)):
        errors[DATE] = "Give a date, or a period (from and to), not both."
    start, end = given[FROM], given[TO]
    if start and end and start > end:
        errors[TO] = f"The period ends ({end}) before it starts ({start})."
    if start and not end and not errors:
        end = timefmt.today()
        if start > end:
            errors[FROM] = f"{start} is after today ({end}): give `to` as well."
    if end and not start and not errors:
        errors[FROM] = "A period needs its first day (from) as well."
    if errors:
        raise InvalidInput(" ".join(f"{name}: {message}" for name, message in errors.items()), errors)
    if start and end:
        return Period(end, start)
    today = timefmt.today()
    snapshot = given[DATE]
    if snapshot:
        return Period(snapshot)
    return Period(today, today.replace(day=1)) if default_period else Period(today)


def flag(options: dict[str, Any], name: str, *, default: bool = False) -> bool:
    """A true/false option: 'true'/'false' on the CLI, a checkbox in Slack (a list of checked values)."""
    value = options.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, list):
        return name in value or "true" in value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise InvalidInput(f"{name}: say true or false, not {echo(str(value))!r}.",
                       {name: f"Say true or false, not {echo(str(value))!r}."})


def _day(value: Any, name: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else _bad(text)
    except ValueError:
        errors[name] = f"{echo(text)!r} is not a date: write it YYYY-MM-DD, e.g. 2026-11-30."
        return None


def _bad(text: str) -> date:
    raise ValueError(text)
