"""Amounts in report tables and CSV, from exact integer minor units (never through a float).

`plain` is the table format, '12 345,50' (the currency is in the column's title): Babel's money
format (bot.money.format_amount) for tens of thousands of cells costs seconds, and this is the same
sv_SE grouping (no-break spaces) and decimal comma, computed with integers.
"""

from __future__ import annotations

from decimal import Decimal

from bot.money import decimals_for, from_minor

NBSP = "\u00a0"


def plain(minor: int, currency: str | None) -> str:
    places = decimals_for(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**places)
    grouped = f"{whole:,}".replace(",", NBSP)
    return f"{sign}{grouped},{fraction:0{places}d}" if places else f"{sign}{grouped}"


def exact(minor: int, currency: str | None) -> Decimal:
    """The amount in major units, exactly (a CSV cell: written '12345,50' by the Swedish CSV writer)."""
    return from_minor(minor, currency)
