"""The manual payment form (command 9): what the modal and the CLI accept, validated with pydantic.

`PaymentForm.model_validate(values, context=prepare(...))` checks each field against the invoice
(`bot.services.payments.prepare`): an exact amount (never a float) no larger than what remains
unless the overpayment is kept, a date between the invoice date and today, a payment means code,
an optional reference. `PaymentForm.parse` raises `InvalidInput` naming each bad field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.billecta.dates import STOCKHOLM
from bot.billecta.enums import OvershootingAmountHandling
from bot.errors import InvalidInput
from bot.money import MoneyError, decimals_for, format_amount, from_minor, parse_decimal, to_minor

# Payment means are creditor-defined codes (Billecta's accounting "payment means", each booked to its
# own account): these are sensible defaults offered in the form. A creditor with other codes can type
# them on the CLI; any short code is accepted and Billecta refuses one it does not know.
PAYMENT_MEANS: tuple[tuple[str, str], ...] = (
    ("BG", "Bankgiro"), ("PG", "Plusgiro"), ("BANK", "Bank transfer"), ("CASH", "Cash"),
    ("SWISH", "Swish"), ("CARD", "Card"),
)
# What Billecta does with the part of a payment above the remaining amount.
OVERPAYMENT_CHOICES: tuple[tuple[OvershootingAmountHandling, str, str], ...] = (
    (OvershootingAmountHandling.None_, "Refuse an overpayment",
     "Register at most the remaining amount."),
    (OvershootingAmountHandling.AsOverPayments, "Keep the excess as an overpayment",
     "The excess becomes a debtor balance to use on a later invoice."),
    (OvershootingAmountHandling.AsCurrencyDifference, "Book the excess as a currency difference",
     "For small rounding or exchange-rate differences."),
)
REFERENCE_MAX = 100
FIELD_LABELS = {"amount": "amount", "payment_date": "payment date", "payment_means": "payment means",
                "reference": "reference", "overpayment": "overpayment handling"}
_MEANS_CODE = re.compile(r"^[A-Z0-9_-]{1,20}$")  # Billecta's PaymentMeanCode, e.g. 'BG'

_CURRENCY_SUFFIX = re.compile(r"\s*(kr|sek|eur|nok|dkk|usd|gbp)\.?$", re.IGNORECASE)


def stockholm_today() -> dt.date:
    return dt.datetime.now(STOCKHOLM).date()



def _error(message: str) -> PydanticCustomError:
    # The message goes in as a value so braces in what the user typed are never read as a template.
    return PydanticCustomError("payment_form", "{message}", {"message": message})


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


class PaymentForm(BaseModel):
    """A manual payment as typed in the modal (field names are its block ids) or on the CLI.

    Validate with `PaymentForm.model_validate(values, context=prepared)`, or `parse` for an
    `InvalidInput` naming each bad field. The amount is exact: never a float.
    """

    model_config = ConfigDict(frozen=True)
    FIELDS: ClassVar[tuple[str, ...]] = ("amount", "payment_date", "payment_means", "reference", "overpayment")

    # Declared first so the amount check can see it (pydantic validates fields in order).
    overpayment: OvershootingAmountHandling = Field(OvershootingAmountHandling.None_, title="Overpayment")
    amount: Decimal = Field(title="Amount paid")
    payment_date: dt.date = Field(title="Payment date")
    payment_means: str = Field(title="Payment means")
    reference: str | None = Field(None, title="Reference")

    @model_validator(mode="before")
    @classmethod
    def _allowed(cls, data: Any, info: ValidationInfo) -> Any:
        context = _context(info)
        if context.get("allowed") is False:
            raise _error(context.get("reason") or "No payment can be registered on this invoice.")
        if isinstance(data, dict):
            data = {**{name: None for name in cls.FIELDS}, **data}
        return data

    @field_validator("overpayment", mode="before")
    @classmethod
    def _overpayment(cls, value: Any) -> OvershootingAmountHandling:
        choices = {choice.value.lower(): choice for choice, _, _ in OVERPAYMENT_CHOICES}
        text = str(value.value if isinstance(value, OvershootingAmountHandling) else value or "None").lower()
        if text not in choices:
            raise _error("Choose what to do with an overpayment.")
        return choices[text]

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any, info: ValidationInfo) -> Decimal:
        context = _context(info)
        amount = _parse_amount(value, context.get("currency") or "SEK")
        remaining = context.get("remaining_minor")
        currency = context.get("currency") or "SEK"
        if remaining is not None and info.data.get("overpayment") is OvershootingAmountHandling.None_ \
                and to_minor(amount, currency) > remaining:
            raise _error(excess_error(remaining, currency, context.get("record") or "the invoice"))
        return amount

    @field_validator("payment_date", mode="before")
    @classmethod
    def _payment_date(cls, value: Any, info: ValidationInfo) -> dt.date:
        context = _context(info)
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value or "").strip())
        except ValueError as exc:
            raise _error("Pick the date the payment was made." if not value else
                         f"{value!r} is not a date; use YYYY-MM-DD.") from exc
        today = stockholm_today()
        if day > today:
            raise _error(f"The payment date cannot be in the future (today is {today.isoformat()}).")
        if context.get("invoice_date") and day < dt.date.fromisoformat(context["invoice_date"]):
            raise _error(f"The payment date cannot be before the invoice date, {context['invoice_date']}.")
        return day

    @field_validator("payment_means", mode="before")
    @classmethod
    def _payment_means(cls, value: Any) -> str:
        code = str(value or "").strip().upper()
        if not _MEANS_CODE.match(code):
            raise _error("Choose how the payment was made (a short code such as BG, BANK or CASH).")
        return code

    @field_validator("reference", mode="before")
    @classmethod
    def _reference(cls, value: Any) -> str | None:
        text = str(value or "").strip()
        if len(text) > REFERENCE_MAX:
            raise _error(f"Use at most {REFERENCE_MAX} characters (this is {len(text)}).")
        return text or None

    @classmethod
    def parse(cls, values: dict[str, Any], prepared: dict[str, Any]) -> PaymentForm:
        """Validate; raise InvalidInput with the message of each bad field (CLI and tests)."""
        try:
            return cls.model_validate(values, context=prepared)
        except ValidationError as exc:
            errors = {str(err["loc"][0]) if err["loc"] else "form": err["msg"] for err in exc.errors()}
            if list(errors) == ["form"]:
                raise InvalidInput(errors["form"]) from exc
            names = ", ".join(FIELD_LABELS.get(field, field) for field in errors)
            raise InvalidInput(f"Please check the {names}.", field_errors=errors) from exc


def _parse_amount(value: Any, currency: str) -> Decimal:
    text = _CURRENCY_SUFFIX.sub("", str(value if value is not None else "").strip())
    if not text:
        raise _error("Enter the amount that was paid.")
    bad = _error(f"{text!r} is not an amount. Type it like 1 234,50 or 1234.50.")
    if isinstance(value, float) or re.search(r"[^\d\s\u00a0.,+-]", text):
        raise bad
    try:
        amount = parse_decimal(text)
    except MoneyError as exc:
        raise bad from exc
    if amount <= 0:
        raise _error("The amount must be more than 0.")
    try:
        return from_minor(to_minor(amount, currency), currency)
    except MoneyError as exc:
        raise _error(f"Use at most {decimals_for(currency)} decimals for {currency}.") from exc


def excess_error(remaining: int, currency: str, name: str) -> str:
    return (f"Only {format_amount(remaining, currency)} remains on {name}. Enter at most that, or choose "
            "to keep the excess as an overpayment.")
