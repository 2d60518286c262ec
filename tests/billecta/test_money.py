"""Exact money: Decimal major units <-> integer minor units, no floats, no silent rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.billecta.models import AmountView
from bot.money import MoneyError, format_amount, from_minor, parse_decimal, round_to_currency, to_minor


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (Decimal("1234.50"), "SEK", 123450),
        (Decimal("0.01"), "SEK", 1),
        (Decimal("-99.99"), "EUR", -9999),
        (Decimal("199.9"), "SEK", 19990),
        (Decimal("1000"), "ISK", 1000),
        (Decimal("12345678901234.56"), "SEK", 1234567890123456),
    ],
)
def test_to_minor_and_back_is_exact(amount: Decimal, currency: str, minor: int) -> None:
    assert to_minor(amount, currency) == minor
    assert from_minor(minor, currency) == amount


@pytest.mark.parametrize(("amount", "currency"), [(Decimal("1.005"), "SEK"), (Decimal("10.5"), "ISK")])
def test_too_many_decimals_are_refused_not_rounded(amount: Decimal, currency: str) -> None:
    with pytest.raises(MoneyError, match="decimals"):
        to_minor(amount, currency)


def test_unknown_currency_is_refused() -> None:
    with pytest.raises(MoneyError, match="XYZ"):
        to_minor(Decimal(1), "XYZ")


def test_from_minor_keeps_the_currency_scale() -> None:
    assert str(from_minor(100, "SEK")) == "1.00"
    assert str(from_minor(7, "ISK")) == "7"


@pytest.mark.parametrize(("text", "value"), [("1 234,50", "1234.50"), ("1234.50", "1234.50"), ("17", "17"),
                                             ("\u00a0-5,25", "-5.25")])
def test_parse_decimal_reads_what_people_type(text: str, value: str) -> None:
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", 1.5])
def test_parse_decimal_refuses_non_numbers_and_floats(bad: object) -> None:
    with pytest.raises(MoneyError):
        parse_decimal(bad)  # type: ignore[arg-type]


def test_round_and_format() -> None:
    assert round_to_currency(Decimal("2.345"), "SEK") == Decimal("2.35")
    assert format_amount(123456789, "SEK") == "1 234 567.89 SEK"
    assert format_amount(-5, "SEK") == "-0.05 SEK"


def test_amount_view_uses_minor_units_and_reads_back_exactly() -> None:
    amount = AmountView.of(Decimal("1234.56"), "sek")
    assert amount.to_wire() == {"CurrencyCode": "SEK", "Value": 123456, "ValueForView": 1234.56}
    assert AmountView.model_validate({"CurrencyCode": "SEK", "Value": 10, "ValueForView": 0.1}).amount == Decimal(
        "0.10")
    with pytest.raises(MoneyError):
        AmountView.of(Decimal("0.001"))
