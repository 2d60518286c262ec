"""Exact money: Decimal major units and integer minor units, never floats.

Billecta stores amounts in the currency's minor unit (öre for SEK); `AmountView.Value` is that
integer and `ValueForView` is only a display copy.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency

# Minor-unit decimals per ISO 4217 code; Billecta's /v1/common/currencies agrees for these.
CURRENCY_DECIMALS: dict[str, int] = {
    "SEK": 2, "EUR": 2, "NOK": 2, "DKK": 2, "USD": 2, "GBP": 2, "CHF": 2, "PLN": 2, "ISK": 0, "JPY": 0,
}
DEFAULT_CURRENCY = "SEK"
MONEY_LOCALE = "sv_SE"


# The bounds on any amount the bot sends or keeps, checked before anything is sent:
# - the store keeps minor units in SQLite INTEGER columns, signed 64-bit;
# - Decimal's default context computes exactly up to 28 significant digits, and more raise
#   InvalidOperation in arithmetic;
# - a business maximum far below both: one manual payment or invoice line of more than a thousand
#   million (1 000 000 000.00 SEK) is a typing slip, not a transaction a finance team makes here.
STORE_MAX_MINOR = 2**63 - 1
MAX_DIGITS = 28
BUSINESS_MAX_MAJOR = Decimal(1_000_000_000)


class MoneyError(ValueError):
    """An amount that cannot be represented exactly."""


class AmountTooLarge(MoneyError):
    """More than the bot can hold exactly or than its business maximum."""


def _too_large(currency: str | None) -> AmountTooLarge:
    return AmountTooLarge(f"The amount is too large: at most {format_amount(max_minor(currency), currency)}.")


def max_minor(currency: str | None = DEFAULT_CURRENCY) -> int:
    """The largest amount accepted, in minor units (the business maximum, below what the store holds)."""
    return min(int(BUSINESS_MAX_MAJOR.scaleb(decimals_for(currency))), STORE_MAX_MINOR)


def check_bounds(minor: int, currency: str | None = DEFAULT_CURRENCY) -> int:
    """`minor` if the store can hold it and it is within the business maximum; AmountTooLarge if not."""
    if abs(minor) > max_minor(currency):
        raise _too_large(currency)
    return minor


def decimals_for(currency: str | None) -> int:
    code = (currency or DEFAULT_CURRENCY).upper()
    if code not in CURRENCY_DECIMALS:
        raise MoneyError(f"Unsupported currency {code!r}")
    return CURRENCY_DECIMALS[code]


# Spaces people and spreadsheets put between digit groups: space, no-break space, narrow no-break space.
_GROUP_SPACES = (" ", "\u00a0", "\u202f")
_MINUS_SIGNS = ("-", "\u2212")


class AmbiguousAmount(MoneyError):
    """'1,250' or '1.250': a thousands separator or a decimal one, and the difference is 1 000 times."""

    def __init__(self, text: str, user_text: str) -> None:
        super().__init__(text)
        self.user_text = user_text  # the explanation without the field name, for a form field


def parse_decimal(text: str | int | Decimal, *, field: str = "amount") -> Decimal:
    """Parse a user-typed amount. Comma or dot may be the decimal separator ('1 234,50', '1234.50');
    with both, the last is ('1.234,50', '1,234.50'); one alone before exactly three digits ('1,250')
    could be either and is refused with why (AmbiguousAmount). Floats are refused."""
    if isinstance(text, (bool, float)):
        raise MoneyError(f"{field} must be given as text or Decimal, not {type(text).__name__}")
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    cleaned = text.strip()
    for space in _GROUP_SPACES:
        cleaned = cleaned.replace(space, "")
    if cleaned[:1] in _MINUS_SIGNS:
        cleaned = "-" + cleaned[1:]
    try:
        value = Decimal(_plain_number(cleaned, text, field))
    except InvalidOperation as exc:
        raise MoneyError(f"{field} {text!r} is not a number") from exc
    if not value.is_finite():
        raise MoneyError(f"{field} {text!r} is not a finite number")
    if len(value.as_tuple().digits) > MAX_DIGITS or value.adjusted() >= MAX_DIGITS:
        # Beyond Decimal's exact precision: any arithmetic on it would round or raise.
        raise _too_large(DEFAULT_CURRENCY)
    return value


def _plain_number(cleaned: str, text: str, field: str) -> str:
    """'1.234,50' -> '1234.50': the decimal separator made a dot, grouping separators removed."""
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        whole, _, fraction = cleaned.rpartition(decimal_mark)
        if decimal_mark in whole or not _grouped(whole, group_mark):
            raise MoneyError(f"{field} {text!r} is not a number: use one decimal separator, e.g. 1 234,50")
        return whole.replace(group_mark, "") + "." + fraction
    mark = "," if commas else "." if dots else ""
    if not mark:
        return cleaned
    whole, _, fraction = cleaned.rpartition(mark)
    if cleaned.count(mark) > 1:
        if not (_grouped(whole, mark) and len(fraction) == 3):
            raise MoneyError(f"{field} {text!r} is not a number: use one decimal separator, e.g. 1 234,50")
        return cleaned.replace(mark, "")
    if len(fraction) == 3 and whole.lstrip("+-") not in ("", "0"):
        thousands = whole + fraction
        why = (f"{text.strip()!r} is ambiguous: {mark!r} could separate thousands ({thousands}) or decimals. "
               f"Type {thousands} (or {thousands},00) if you mean thousands.")
        raise AmbiguousAmount(f"{field} {why}", why)
    return whole + "." + fraction


def _grouped(whole: str, mark: str) -> bool:
    """'1.234.567' groups thousands properly; '12.34' does not."""
    head, *groups = whole.lstrip("+-").split(mark)
    return bool(head) and len(head) <= 3 and all(len(group) == 3 for group in groups)


def to_minor(amount: Decimal, currency: str | None = DEFAULT_CURRENCY) -> int:
    """Major units to minor units; refuses amounts with more decimals than the currency has."""
    places = decimals_for(currency)
    scaled = amount.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount} has more than {places} decimals for {currency or DEFAULT_CURRENCY}")
    return int(scaled)


def from_minor(minor: int, currency: str | None = DEFAULT_CURRENCY) -> Decimal:
    places = decimals_for(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def round_to_currency(amount: Decimal, currency: str | None = DEFAULT_CURRENCY) -> Decimal:
    places = decimals_for(currency)
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_amount(minor: int, currency: str | None = DEFAULT_CURRENCY) -> str:
    """'1 250,00 kr': the one money format in Slack and the CLI, Swedish as Babel's sv_SE writes it.

    Babel separates groups and the currency with no-break spaces, so an amount never wraps in
    Slack; `from_minor` has already fixed the currency's decimals, so nothing is rounded here.
    """
    code = (currency or DEFAULT_CURRENCY).upper()
    return format_currency(from_minor(minor, code), code, locale=MONEY_LOCALE)
