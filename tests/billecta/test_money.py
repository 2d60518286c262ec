"""Exact money: Decimal major units <-> integer minor units, no floats, no silent rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.billecta.models import AmountView
from bot.money import AmbiguousAmount, MoneyError, format_amount, from_minor, parse_decimal, round_to_currency, to_minor


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
    assert format_amount(123456789, "SEK") == "1\u00a0234\u00a0567,89\u00a0kr"
    assert format_amount(-5, "SEK") == "-0,05\u00a0kr"


def test_format_is_the_issues_swedish_form_with_no_break_spaces() -> None:
    # Babel's sv_SE: no-break spaces so Slack never wraps "kr" or a digit group onto the next line.
    assert format_amount(125000).replace("\u00a0", " ") == "1 250,00 kr"
    assert format_amount(1250, "EUR").replace("\u00a0", " ") == "12,50 €"
    assert format_amount(7, "ISK").replace("\u00a0", " ") == "7 Ikr"  # ISK has no decimals


def test_format_is_exact_for_huge_amounts() -> None:
    assert format_amount(10**27 + 1).replace("\u00a0", "") == "10000000000000000000000000,01kr"


@pytest.mark.parametrize(("text", "value"), [
    ("1 250,50", "1250.50"), ("1250.50", "1250.50"), ("1.250,50", "1250.50"), ("1,250.50", "1250.50"),
    ("1.234.567", "1234567"), ("1 234 567,89", "1234567.89"), ("0,125", "0.125"), ("\u22125,25", "-5.25"),
    ("1,5", "1.5"), ("12", "12"), ("1\u202f250,00", "1250.00"),
])
def test_parse_accepts_comma_and_dot(text: str, value: str) -> None:
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1,250", "1.250", "-2.500"])
def test_parse_refuses_a_lone_separator_before_three_digits_and_says_why(text: str) -> None:
    with pytest.raises(AmbiguousAmount, match="ambiguous.*thousands"):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["1,2,3", "1.234.56", "12.34,5", "1,234.567,5"])
def test_parse_refuses_mixed_up_separators(text: str) -> None:
    with pytest.raises(MoneyError, match="one decimal separator"):
        parse_decimal(text)


def test_amount_view_uses_minor_units_and_reads_back_exactly() -> None:
    amount = AmountView.of(Decimal("1234.56"), "sek")
    assert amount.to_wire() == {"CurrencyCode": "SEK", "Value": 123456, "ValueForView": 1234.56}
    assert AmountView.model_validate({"CurrencyCode": "SEK", "Value": 10, "ValueForView": 0.1}).amount == Decimal(
        "0.10")
    with pytest.raises(MoneyError):
        AmountView.of(Decimal("0.001"))
