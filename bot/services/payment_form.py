"""The manual payment form (command 9): what the modal and the CLI accept, validated with pydantic.

`PaymentForm.model_validate(values, context=prepare(...))` checks each field against the invoice
(`bot.services.payments.prepare`): an exact amount (never a float, within `bot.money`'s bounds) no
larger than what remains unless the overpayment is kept, a date between the invoice date and today
(today by default), one of the offered payment means codes, an optional reference, and — when the
kept overpayment is larger than the whole invoiced amount — the amount typed again in
`confirm_overpayment` (the modal adds that field, stating both figures, only when it is needed).
`PaymentForm.parse` raises `InvalidInput` naming each bad field. The service applies the amount and
date rules again against a fresh read (`amount_problem`), since what was prepared may be stale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.billecta.dates import STOCKHOLM
from bot.billecta.enums import OvershootingAmountHandling
from bot.forms import validate_form
from bot.money import (
    MoneyError,
    format_amount,
    from_minor,
    parse_decimal,
    to_minor,
)
from bot.services.form_amount import parse_amount

# Payment means are creditor-defined codes (Billecta's accounting "payment means", each booked to its
# own account). Billecta books an unknown code without complaint, to no account anyone looks at, so
# only these codes are accepted, in the modal and on the CLI alike: a creditor with other codes adds
# them here.
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
# What the CLI calls Billecta's "None" handling: a word that is not Python's None in help and errors.
REFUSE = "refuse"
FIELD_LABELS = {"amount": "amount", "payment_date": "payment date", "payment_means": "payment means",
                "reference": "reference", "overpayment": "overpayment handling",
                "confirm_overpayment": "overpayment confirmation"}
MEANS_CODES = tuple(code for code, _ in PAYMENT_MEANS)



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
    # Validated even when left out, so each gets its own message (payment_date defaults to today).
    FIELDS: ClassVar[tuple[str, ...]] = ("amount", "payment_means", "reference", "overpayment", "confirm_overpayment")

    # Declared first so the amount check can see it (pydantic validates fields in order).
    overpayment: OvershootingAmountHandling = Field(
        OvershootingAmountHandling.None_, title="Overpayment",
        description="what Billecta does with the part above the remaining amount",
        json_schema_extra={"choices": [REFUSE, *(choice.value for choice, _, _ in OVERPAYMENT_CHOICES[1:])],
                           "default_text": REFUSE})
    amount: Decimal = Field(title="Amount paid", description="in the invoice's currency, e.g. 1250.00 or 1 250,00")
    payment_date: dt.date = Field(default_factory=lambda: stockholm_today(), title="Payment date",
                                  description="YYYY-MM-DD, not in the future nor before the invoice date",
                                  examples=["2026-11-30"], json_schema_extra={"default_text": "today"})
    payment_means: str = Field(title="Payment means", json_schema_extra={"choices": list(MEANS_CODES)})
    reference: str | None = Field(None, title="Reference", description=f"at most {REFERENCE_MAX} characters",
                                     examples=["bank 42"])
    confirm_overpayment: str | None = Field(
        None, title="Confirm the amount",
        description="needed when the overpayment is more than the invoiced amount: the amount again",
        examples=["2500,00"])

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
        choices[REFUSE] = OvershootingAmountHandling.None_
        text = str(value.value if isinstance(value, OvershootingAmountHandling) else value or "None").lower()
        if text not in choices:
            # The CLI types it (Slack offers only the choices): name them, as payment_means does.
            allowed = ", ".join([REFUSE, *(choice.value for choice, _, _ in OVERPAYMENT_CHOICES[1:])])
            raise _error(f"Choose what to do with an overpayment: {allowed}.")
        return choices[text]

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any, info: ValidationInfo) -> Decimal:
        context = _context(info)
        currency = context.get("currency") or "SEK"
        amount = _parse_amount(value, currency)
        remaining = context.get("remaining_minor")
        if remaining is not None and info.data.get("overpayment") is OvershootingAmountHandling.None_ \
                and to_minor(amount, currency) > remaining:
            raise _error(excess_error(remaining, currency, context.get("record") or "the invoice"))
        return amount

    @field_validator("confirm_overpayment", mode="before")
    @classmethod
    def _confirm_overpayment(cls, value: Any, info: ValidationInfo) -> str | None:
        amount = info.data.get("amount")
        text = str(value or "").strip() or None
        if isinstance(amount, Decimal) and info.data.get("overpayment") is not OvershootingAmountHandling.None_:
            problem = overpayment_unconfirmed(amount, text, _context(info))
            if problem:
                raise _error(problem)
        return text

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
        if not code:
            raise _error(f"Choose how the payment was made: {', '.join(MEANS_CODES)}.")
        if code not in MEANS_CODES:
            raise _error(f"{code!r} is not a payment means here; use one of {', '.join(MEANS_CODES)}.")
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
        """Validate; InvalidInput naming each bad field (`bot.forms.validate_form`, the one mapping)."""
        form = validate_form(cls, values, prepared)
        assert isinstance(form, PaymentForm)
        return form


# An exact amount above 0 within bot.money's bounds (a pydantic error naming what is wrong): the amount
# fields of other dialogs (write-off, use credit, payment match) import it from here or bot.services.form_amount.
_parse_amount = parse_amount


def overpayment_unconfirmed(amount: Decimal, confirmation: str | None, context: dict[str, Any]) -> str | None:
    """Why an overpayment larger than the invoiced amount needs confirming (both figures stated), or None.

    A small excess (rounding, a fee paid twice) goes through; an excess above the whole invoiced
    amount is most often a slip of the keyboard (an extra zero), so the user repeats the amount.
    Only asked when the excess is kept (a refused excess is the amount field's error).
    """
    currency = context.get("currency") or "SEK"
    invoiced, remaining = context.get("invoiced_minor"), context.get("remaining_minor")
    try:
        minor = to_minor(amount, currency)
    except MoneyError:
        return None
    if invoiced is None or minor - (remaining if remaining is not None else invoiced) <= invoiced:
        return None
    try:
        confirmed = confirmation is not None and to_minor(parse_decimal(confirmation), currency) == minor
    except MoneyError:
        confirmed = False
    if confirmed:
        return None
    plain = f"{from_minor(minor, currency)}"
    name = context.get("record") or "the invoice"
    rest = f" ({format_amount(remaining, currency)} remains)" if remaining is not None else ""
    return (f"{format_amount(minor, currency)} is far more than the {format_amount(invoiced, currency)} "
            f"invoiced on {name}{rest}: the overpayment would exceed the invoice itself. To register it "
            f"anyway, confirm the amount: type {plain} (confirm_overpayment={plain} on the command line).")


def amount_problem(minor: int, form: PaymentForm, context: dict[str, Any]) -> str | None:
    """The amount rules against `context` (prepare's keys: currency, remaining_minor, invoiced_minor,
    record), for the service to apply again against a fresh read of the invoice."""
    currency = context.get("currency") or "SEK"
    remaining = context.get("remaining_minor")
    if remaining is not None and minor > remaining and form.overpayment is OvershootingAmountHandling.None_:
        return excess_error(remaining, currency, context.get("record") or "the invoice")
    if form.overpayment is OvershootingAmountHandling.None_:
        return None  # Billecta refuses an excess it has nowhere to put
    return overpayment_unconfirmed(from_minor(minor, currency), form.confirm_overpayment, context)


def excess_error(remaining: int, currency: str, name: str) -> str:
    return (f"Only {format_amount(remaining, currency)} remains on {name}. Enter at most that, or choose "
            "to keep the excess as an overpayment.")
