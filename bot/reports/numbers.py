"""Amounts in report tables and CSV, from exact integer minor units (never through a float).

`plain` is the table format, '12 345,50' (the currency is in the column's title): Babel's money
format (bot.money.format_amount) for tens of thousands of cells costs seconds, and this is the same
sv_SE grouping (no-break spaces) and decimal comma, computed with integers.

A report may show its amounts rounded (`Numbers`, the report creator's `numbers=`): `whole` rounds
half-up to whole units ('1 250'), `thousands` to thousands with one decimal ('1,3 tkr'). Only the
display is rounded: sums are computed from the exact minor units and then shown the same way, and the
CSV always holds the exact amounts (a spreadsheet re-summing rounded figures would drift).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from babel.numbers import format_currency

from bot.money import MONEY_LOCALE, decimals_for, format_amount, from_minor

NBSP = "\u00a0"
# 'tkr' (tusen kronor) for the crown currencies; others as Swedish accounts write them: 'TEUR'.
_CROWNS = ("SEK", "NOK", "DKK", "ISK")


class Numbers(StrEnum):
    EXACT = "exact"
    WHOLE = "whole"
    THOUSANDS = "thousands"

    @property
    def note(self) -> str:
        """What the PDF says of a rounded format ('' when exact)."""
        return {Numbers.EXACT: "",
                Numbers.WHOLE: "Amounts rounded to whole units (half up); sums exact, then rounded the same way.",
                Numbers.THOUSANDS: "Amounts rounded to thousands with one decimal (tkr, half up); sums exact, "
                                   "then rounded the same way."}[self]


def plain(minor: int, currency: str | None) -> str:
    places = decimals_for(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**places)
    grouped = f"{whole:,}".replace(",", NBSP)
    return f"{sign}{grouped},{fraction:0{places}d}" if places else f"{sign}{grouped}"


def exact(minor: int, currency: str | None) -> Decimal:
    """The amount in major units, exactly (a CSV cell: written '12345,50' by the Swedish CSV writer)."""
    return from_minor(minor, currency)


def cell(minor: int, currency: str | None, numbers: Numbers = Numbers.EXACT) -> str:
    """A table cell in the chosen format: '1 250,00', '1 250' or '1,3 tkr'."""
    if numbers is Numbers.EXACT:
        return plain(minor, currency)
    if numbers is Numbers.WHOLE:
        return _grouped(exact(minor, currency).quantize(Decimal(1), rounding=ROUND_HALF_UP), 0)
    return f"{_grouped(_thousands(minor, currency), 1)}{NBSP}{_thousands_unit(currency)}"


def money(minor: int, currency: str | None, numbers: Numbers = Numbers.EXACT) -> str:
    """A total as Slack and the CLI show money: '1 250,00 kr' (bot.money.format_amount), '1 250 kr', '1,3 tkr'."""
    if numbers is Numbers.EXACT:
        return format_amount(minor, currency)
    if numbers is Numbers.WHOLE:
        rounded = exact(minor, currency).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return format_currency(rounded, (currency or "SEK").upper(), format="#,##0\u00a0¤", locale=MONEY_LOCALE,
                               currency_digits=False)
    return cell(minor, currency, numbers)


def _thousands(minor: int, currency: str | None) -> Decimal:
    return (exact(minor, currency) / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _thousands_unit(currency: str | None) -> str:
    code = (currency or "SEK").upper()
    return "tkr" if code in _CROWNS else f"T{code}"


def _grouped(value: Decimal, places: int) -> str:
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):.{places}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", NBSP)
    return f"{sign}{grouped},{fraction}" if places else f"{sign}{grouped}"
