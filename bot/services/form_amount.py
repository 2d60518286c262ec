"""The one way a dialog reads an amount a person typed (payment, write-off, use credit, reminder fee…).

Exact (`bot.money.parse_decimal`, never a float), in the invoice's currency's decimals, within
`bot.money`'s bounds, '1 234,50 kr' or '1234.50'. Errors are pydantic errors whose text is the sentence
shown under the field, so a form model's validator can raise them as they are.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from pydantic_core import PydanticCustomError

from bot.money import (
    AmbiguousAmount,
    AmountTooLarge,
    MoneyError,
    check_bounds,
    decimals_for,
    from_minor,
    parse_decimal,
    to_minor,
)

_CURRENCY_SUFFIX = re.compile(r"\s*(kr|sek|eur|nok|dkk|usd|gbp)\.?$", re.IGNORECASE)
_NOT_A_NUMBER = re.compile(r"[^\d\s\u00a0.,+-]")


def field_error(message: str, kind: str = "form_field") -> PydanticCustomError:
    # The message goes in as a value so braces in what the user typed are never read as a template.
    return PydanticCustomError(kind, "{message}", {"message": message})


def parse_amount(value: Any, currency: str, missing: str = "Enter the amount that was paid.", *,
                 zero_allowed: bool = False, example: str = "1 234,50 or 1234.50",
                 below_minimum: str | None = None, kind: str = "form_field") -> Decimal:
    """An exact amount above 0 (or 0 and above, with `zero_allowed`) in `currency`; `missing` is said
    when nothing was typed, `below_minimum` when the amount is under the minimum."""
    text = _CURRENCY_SUFFIX.sub("", str(value if value is not None else "").strip())
    if not text:
        raise field_error(missing, kind)
    bad = field_error(f"{text!r} is not an amount. Type it like {example}.", kind)
    if isinstance(value, float) or _NOT_A_NUMBER.search(text):
        raise bad
    try:
        amount = parse_decimal(text)
    except AmbiguousAmount as exc:
        raise field_error(exc.user_text, kind) from exc
    except MoneyError as exc:
        raise (field_error(str(exc), kind) if isinstance(exc, AmountTooLarge) else bad) from exc
    if amount < 0 or (amount == 0 and not zero_allowed):
        raise field_error(below_minimum or ("The amount cannot be negative." if zero_allowed
                                            else "The amount must be more than 0."), kind)
    try:
        minor = to_minor(amount, currency)
    except MoneyError as exc:
        raise field_error(f"Use at most {decimals_for(currency)} decimals for {currency}.", kind) from exc
    try:
        check_bounds(minor, currency)
    except MoneyError as exc:
        raise field_error(str(exc), kind) from exc
    return from_minor(minor, currency)
