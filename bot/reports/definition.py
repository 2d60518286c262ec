"""What a report creator report is (command 31, `report create`): its options checked into a
`Definition` (fields, filter conditions, sum columns, the date or period and what a period selects by,
the number format, its preset and name), each bad option refused under its own field, all at once.

Presets give the fields, filter and sums of the two reports the seed names; anything given beside a
preset replaces that part of it, but a filter is added to the preset's. Running it: bot.reports.creator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot import timefmt
from bot.errors import InvalidInput, echo
from bot.reports.fields import BY_KEY, Field
from bot.reports.filters import FILTER, Condition, describe, parse_filter
from bot.reports.numbers import Numbers
from bot.reports.params import DATE, FROM, TO, Period, period

PRESET, FIELDS_OPTION, SUM, NAME, SAVE = "preset", "fields", "sum", "name", "save"
PERIOD_ON, NUMBERS = "period_on", "numbers"
OPTIONS = (PRESET, FIELDS_OPTION, FILTER, SUM, DATE, FROM, TO, PERIOD_ON, NUMBERS, NAME, SAVE)
# The modal's select of saved reports (shown once one is saved): runs the one chosen. Not a CLI option:
# there name= does it.
LOAD = "saved"
TITLE = "Report"
# The dates a period can select invoices by, and how the parameters name them.
PERIOD_DATES = {"invoice_date": "invoice date", "due_date": "due date", "closed_date": "closed date"}
NUMBER_TITLES = {Numbers.EXACT: "exact (1 250,00)", Numbers.WHOLE: "whole units (1 250)",
                 Numbers.THOUSANDS: "thousands (1,3 tkr)"}


@dataclass(frozen=True)
class Preset:
    title: str
    fields: str
    filter: str
    sum: str


PRESETS = {
    "receivables": Preset("Accounts Receivable (Kundreskontra)",
                          "debtor,invoice_number,invoice_date,due_date,days_past_due,currency,invoiced,paid,"
                          "credited,written_off,fees,remaining", "status!=closed",
                          "invoiced,paid,credited,written_off,fees,remaining"),
    "prepaid": Preset("Prepaid Payments (Förutbetalda avier)",
                      "debtor,invoice_number,invoice_date,due_date,paid_date,closed_date,currency,invoiced,paid,"
                      "remaining",
                      "paid_ahead=yes", "invoiced,paid,remaining"),
}
DEFAULT_FIELDS = "invoice_number,debtor,invoice_date,due_date,currency,invoiced,remaining,status"


@dataclass(frozen=True)
class Definition:
    """What a report shows, checked: its fields, conditions and sum columns."""

    title: str
    fields: list[Field]
    conditions: list[Condition]
    sums: list[Field]
    preset: str | None = None
    name: str | None = None
    # The report's day (`at`) and, for a period, its first day.
    period: Period = field(default_factory=lambda: Period(timefmt.today()))
    period_on: str = "invoice_date"
    numbers: Numbers = Numbers.EXACT

    @property
    def day(self) -> date:
        return self.period.at

    @property
    def dates(self) -> tuple[str, str]:
        """('Date', '2026-11-30') or ('Period', '2026-11-01 to 2026-11-30 by invoice date, aged at 2026-11-30')."""
        if self.period.start is None:
            return "Date", self.day.isoformat()
        return "Period", f"{self.period.describe()} by {PERIOD_DATES[self.period_on]}, aged at {self.day}"

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """As the PDF header, the CLI and JSON show them (sortable ISO days)."""
        return self._parameters(self.dates)

    @property
    def parameters_said(self) -> list[tuple[str, str]]:
        """As Slack shows them: days read '30 Nov', as in a record line (bot.timefmt)."""
        if self.period.start is None:
            return self._parameters(("Date", self.period.said()))
        return self._parameters(("Period", f"{self.period.said()} by {PERIOD_DATES[self.period_on]}, "
                                           f"aged at {timefmt.format_day(self.day)}"))

    def _parameters(self, dates: tuple[str, str]) -> list[tuple[str, str]]:
        shown = [("Preset", self.preset)] if self.preset else []
        return [dates, *shown, ("Fields", ", ".join(f.key for f in self.fields)),
                ("Filter", describe(self.conditions)), ("Sums", ", ".join(f.key for f in self.sums) or "none"),
                ("Numbers", NUMBER_TITLES[self.numbers])]

    def in_period(self, line: dict[str, Any]) -> bool:
        """Dated by the report's day and, for a period, its `period_on` date within it."""
        if (line["invoice_date"] or "") > self.day.isoformat():
            return False
        if self.period.start is None:
            return True
        chosen = line[self.period_on]
        return chosen is not None and self.period.start.isoformat() <= chosen <= self.day.isoformat()


def definition(options: dict[str, Any]) -> Definition:
    """The options checked, each bad one refused under its own field (all at once)."""
    errors: dict[str, str] = {}
    preset_name = option_text(options.get(PRESET)).lower() or None
    preset = PRESETS.get(preset_name or "")
    if preset_name and preset is None:
        errors[PRESET] = f"{echo(preset_name)!r} is not a preset: choose {' or '.join(PRESETS)}."
    fields = _fields(option_text(options.get(FIELDS_OPTION)) or (preset.fields if preset else DEFAULT_FIELDS),
                     FIELDS_OPTION, errors)
    sums = _fields(option_text(options.get(SUM)) or (preset.sum if preset else ""), SUM, errors)
    for bad in [f for f in sums if not f.summable]:
        errors[SUM] = f"{bad.key} is a {bad.kind.value} field: only amounts and numbers are summed."
    conditions: list[Condition] = []
    try:
        conditions = [*parse_filter(preset.filter if preset else ""), *parse_filter(options.get(FILTER))]
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    chosen: Period | None = None
    try:
        chosen = period(options)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    period_on = _choice(options, PERIOD_ON, tuple(PERIOD_DATES), errors) or "invoice_date"
    numbers = Numbers(_choice(options, NUMBERS, tuple(Numbers), errors) or Numbers.EXACT)
    if errors or chosen is None:
        raise InvalidInput(" ".join(f"{name}: {message}" for name, message in errors.items()), errors)
    name = option_text(options.get(NAME)) or None
    title = preset.title if preset else (name or TITLE)
    return Definition(title, fields, conditions, sums, preset_name, name, chosen, period_on, numbers)


def _choice(options: dict[str, Any], option: str, allowed: tuple[str, ...], errors: dict[str, str]) -> str | None:
    chosen = option_text(options.get(option)).lower() or None
    if chosen is not None and chosen not in allowed:
        errors[option] = f"{echo(chosen)!r} is not one of {', '.join(allowed)}."
        return None
    return chosen


def _fields(text: str, option: str, errors: dict[str, str]) -> list[Field]:
    keys = [k.strip().lower() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown:
        errors[option] = (f"Not a field: {', '.join(repr(echo(k)) for k in unknown)} "
                          "(`report create --help` lists them).")
    elif option == FIELDS_OPTION and not keys:
        errors[option] = "Choose at least one field."
    return [BY_KEY[k] for k in dict.fromkeys(keys) if k in BY_KEY]


def option_text(value: Any) -> str:
    """An option as typed, stripped; '' when not given."""
    return "" if value is None else str(value).strip()
