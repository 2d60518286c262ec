"""Exact money: Decimal major units and integer minor units, never floats.

Billecta stores amounts in the currency's minor unit (öre for SEK); `AmountView.Value` is that
integer and `ValueForView` is only a display copy.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Minor-unit decimals per ISO 4217 code; Billecta's /v1/common/currencies agrees for these.
CURRENCY_DECIMALS: dict[str, int] = {
    "SEK": 2, "EUR": 2, "NOK": 2, "DKK": 2, "USD": 2, "GBP": 2, "CHF": 2, "PLN": 2, "ISK": 0, "JPY": 0,
}
DEFAULT_CURRENCY = "SEK"


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


def parse_decimal(text: str | int | Decimal, *, field: str = "amount") -> Decimal:
    """Parse a user-typed amount: '1 234,50', '1234.50' and '1234' all work; floats are refused."""
    if isinstance(text, (bool, float)):
        raise MoneyError(f"{field} must be given as text or Decimal, not {type(text).__name__}")
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise MoneyError(f"{field} {text!r} is not a number") from exc
    if not value.is_finite():
        raise MoneyError(f"{field} {text!r} is not a finite number")
    if len(value.as_tuple().digits) > MAX_DIGITS or value.adjusted() >= MAX_DIGITS:
        # Beyond Decimal's exact precision: any arithmetic on it would round or raise.
        raise _too_large(DEFAULT_CURRENCY)
    return value


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
    """'1 234.50 SEK' — a thin space-free, unambiguous form for Slack and the CLI."""
    value = from_minor(minor, currency)
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    return f"{sign}{grouped}{'.' + frac if frac else ''} {(currency or DEFAULT_CURRENCY).upper()}"
