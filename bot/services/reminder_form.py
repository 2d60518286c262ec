"""The reminder form (command 11, `invoice reminder <id>`): what the modal and the CLI accept.

`ReminderForm.model_validate(values, context=prepare(...))` (`bot.services.reminders.prepare`)
checks each field; a field left out takes what the modal prefills, stated in the confirmation: the
creditor's default reminder fee (`ReminderInvoiceFee`, 0 allowed) and payment terms
(`ReminderInvoicePaymentTermsInDays`), and the invoice's own delivery method.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.billecta.enums import DeliveryMethod
from bot.forms import validate_form
from bot.services.form_amount import parse_amount
from bot.services.labels import major_money

# Billecta's delivery methods (DeliveryMethodType), in words; `Unknown` is not one a user can pick.
DELIVERY_METHODS: tuple[tuple[DeliveryMethod, str, str], ...] = (
    (DeliveryMethod.Email, "E-mail", "A PDF to the debtor's e-mail address"),
    (DeliveryMethod.Mail, "Letter", "Printed and posted by Billecta"),
    (DeliveryMethod.SMS, "Text message (SMS)", "A link to the reminder by SMS"),
    (DeliveryMethod.EInvoice, "E-invoice", "To the debtor's internet bank or e-invoice address"),
    (DeliveryMethod.Kivra, "Kivra", "To the debtor's Kivra digital mailbox"),
    (DeliveryMethod.Avy, "Avy", "To the debtor's Avy mailbox"),
    (DeliveryMethod.Manually, "Manually", "Billecta creates it; you send it yourself"),
)
METHOD_WORDS = {method: words for method, words, _ in DELIVERY_METHODS}
# What a user may type on the command line for each method, beside its Billecta name.
_ALIASES = {"e-mail": DeliveryMethod.Email, "post": DeliveryMethod.Mail, "letter": DeliveryMethod.Mail,
            "text": DeliveryMethod.SMS, "e-invoice": DeliveryMethod.EInvoice, "manual": DeliveryMethod.Manually}
TERMS_MIN, TERMS_MAX = 1, 365
FIELD_LABELS = {"fee": "reminder fee", "payment_terms_days": "payment terms", "delivery_method": "delivery method"}



def unreachable(debtor_name: str, email: str | None, phone: str | None) -> dict[str, str]:
    """The delivery methods that cannot reach the debtor (method → why, with what to do instead)."""
    missing = {}
    if not (email or "").strip():
        missing[DeliveryMethod.Email.value] = (f"{debtor_name} has no e-mail address in Billecta; choose Letter, "
                                               "or add the address to the debtor first.")
    if not (phone or "").strip():
        missing[DeliveryMethod.SMS.value] = (f"{debtor_name} has no phone number in Billecta; choose another "
                                             "method, or add the number to the debtor first.")
    return missing


def method_words(method: DeliveryMethod | str | None) -> str:
    """'E-mail', 'Letter': a delivery method as the user reads it, never 'EInvoice'."""
    try:
        return METHOD_WORDS.get(DeliveryMethod(method), str(method)) if method else "the invoice's own method"
    except ValueError:
        return str(method)


def _error(message: str) -> PydanticCustomError:
    return PydanticCustomError("reminder_form", "{message}", {"message": message})


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


class ReminderForm(BaseModel):
    """A reminder as set in the modal (field names are its block ids) or on the CLI."""

    model_config = ConfigDict(frozen=True)
    FIELDS: ClassVar[tuple[str, ...]] = ("fee", "payment_terms_days", "delivery_method")

    # Defaults are the prefill (filled in by `_defaults` from the prepared context), never None.
    fee: Decimal = Field(None, validate_default=True, title="Reminder fee",
                         description="added to what the debtor owes; 0 for none", examples=["60,00"],
                         json_schema_extra={"kind": "amount", "default_text": "the creditor's reminder fee"})
    payment_terms_days: int = Field(None, validate_default=True, title="Payment terms (days)",
                                    description=f"days the debtor has to pay the reminder, {TERMS_MIN}-{TERMS_MAX}",
                                    examples=[10],
                                    json_schema_extra={"kind": "number",
                                                       "default_text": "the creditor's reminder terms"})
    delivery_method: DeliveryMethod = Field(
        None, validate_default=True, title="Delivery method", json_schema_extra={
            "choices": [method.value for method, _, _ in DELIVERY_METHODS],
            "default_text": "the invoice's own"})

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any, info: ValidationInfo) -> Any:
        """A field left out (or empty) takes the prefill: the creditor's defaults, the invoice's method."""
        context = _context(info)
        if context.get("allowed") is False:
            raise _error(context.get("reason") or "No reminder can be sent for this invoice.")
        if isinstance(data, dict):
            data = {**data}
            for name in cls.FIELDS:
                if data.get(name) in (None, ""):
                    data[name] = context.get(name)
        return data

    @field_validator("fee", mode="before")
    @classmethod
    def _fee(cls, value: Any, info: ValidationInfo) -> Decimal:
        return parse_fee(value, _context(info).get("currency") or "SEK")

    @field_validator("payment_terms_days", mode="before")
    @classmethod
    def _terms(cls, value: Any) -> int:
        text = str(value if value is not None else "").strip()
        if not text:
            raise _error("Enter the days the debtor has to pay the reminder.")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise _error(f"{text!r} is not a whole number of days.")
        days = int(text)
        if not TERMS_MIN <= days <= TERMS_MAX:
            raise _error(f"Give between {TERMS_MIN} and {TERMS_MAX} days (this is {days}).")
        return days

    @field_validator("delivery_method", mode="before")
    @classmethod
    def _method(cls, value: Any, info: ValidationInfo) -> DeliveryMethod:
        text = str(value.value if isinstance(value, DeliveryMethod) else value or "").strip()
        choices = {method.value.lower(): method for method, _, _ in DELIVERY_METHODS} | _ALIASES
        if text.lower() not in choices:
            allowed = ", ".join(method.value for method, _, _ in DELIVERY_METHODS)
            raise _error(f"Choose how the reminder is delivered: {allowed}." if not text else
                         f"{text!r} is not a delivery method Billecta has; use one of {allowed}.")
        method = choices[text.lower()]
        unreachable = (_context(info).get("unreachable") or {}).get(method.value)
        if unreachable:
            raise _error(unreachable)
        return method

    def confirmation(self, currency: str | None) -> str:
        """What the CLI restates before asking to confirm (defaults included, in words)."""
        return (f"fee {major_money(self.fee, currency)}, {self.payment_terms_days} days to pay, "
                f"by {method_words(self.delivery_method).lower()}")

    @classmethod
    def parse(cls, values: dict[str, Any], prepared: dict[str, Any]) -> ReminderForm:
        form = validate_form(cls, values, prepared)
        assert isinstance(form, ReminderForm)
        return form


def parse_fee(value: Any, currency: str) -> Decimal:
    """An exact fee in the invoice's currency, 0 or more (never a float)."""
    return parse_amount(value, currency, "Enter the reminder fee (0 for none).", zero_allowed=True,
                        example="60 or 60,00", below_minimum="The fee cannot be negative; use 0 for no fee.",
                        kind="reminder_form")
