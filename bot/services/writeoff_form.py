"""The write-off form (command 10, `invoice writeoff <id> amount= [date=] [reason=]`), validated with pydantic.

`WriteOffForm.parse(values, prepared)` checks each field against what `bot.services.writeoff.prepare`
read: an exact amount above 0 and at most what remains (`bot.money`'s bounds), a date (YYYY-MM-DD,
today by default) neither in the future nor before the invoice date, and an optional reason of at
most `REASON_MAX` characters, which becomes the comment of Billecta's WrittenOff event. The service
applies the amount and date rules again against a fresh read (`amount_problem`, `date_problem`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.forms import validate_form
from bot.money import format_amount, to_minor
from bot.services.payment_form import parse_amount, stockholm_today

# The comment travels with the token that lets a lost reply be found (bot.once); Billecta's event
# log shows a comment whole, and a reason is a sentence, not a letter.
REASON_MAX = 200
FIELD_LABELS = {"amount": "amount", "date": "write-off date", "reason": "reason"}


def _error(message: str) -> PydanticCustomError:
    return PydanticCustomError("writeoff_form", "{message}", {"message": message})


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


class WriteOffForm(BaseModel):
    """A write-off as typed in the modal (field names are its block ids) or on the CLI."""

    model_config = ConfigDict(frozen=True)
    FIELDS: ClassVar[tuple[str, ...]] = ("amount", "reason")

    amount: Decimal = Field(title="Amount to write off",
                            description="in the invoice's currency, at most what remains, e.g. 250,00")
    date: dt.date = Field(default_factory=lambda: stockholm_today(), title="Write-off date",
                          description="YYYY-MM-DD, not in the future nor before the invoice date",
                          examples=["2026-11-30"], json_schema_extra={"default_text": "today"})
    reason: str | None = Field(None, title="Reason",
                               description=f"why it is not collected, at most {REASON_MAX} characters; "
                                           "becomes the comment in Billecta", examples=["Rounding difference"])

    @model_validator(mode="before")
    @classmethod
    def _allowed(cls, data: Any, info: ValidationInfo) -> Any:
        context = _context(info)
        if context.get("allowed") is False:
            raise _error(context.get("reason") or "Nothing can be written off on this invoice.")
        if isinstance(data, dict):
            data = {**{name: None for name in cls.FIELDS}, **data}
        return data

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any, info: ValidationInfo) -> Decimal:
        context = _context(info)
        currency = context.get("currency") or "SEK"
        amount = parse_amount(value, currency, "Enter the amount to write off.")
        problem = amount_problem(to_minor(amount, currency), context)
        if problem:
            raise _error(problem)
        return amount

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any, info: ValidationInfo) -> dt.date:
        if value in (None, ""):
            return stockholm_today()
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise _error(f"{value!r} is not a date; use YYYY-MM-DD.") from exc
        problem = date_problem(day, _context(info).get("invoice_date"))
        if problem:
            raise _error(problem)
        return day

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: Any) -> str | None:
        text = " ".join(str(value or "").split())
        if len(text) > REASON_MAX:
            raise _error(f"Use at most {REASON_MAX} characters (this is {len(text)}).")
        return text or None

    @classmethod
    def parse(cls, values: dict[str, Any], prepared: dict[str, Any]) -> WriteOffForm:
        form = validate_form(cls, values, prepared)
        assert isinstance(form, WriteOffForm)
        return form


def amount_problem(minor: int, context: dict[str, Any]) -> str | None:
    """Why `minor` cannot be written off given `context` (prepare's keys: currency, remaining_minor,
    record), or None."""
    remaining = context.get("remaining_minor")
    if remaining is None or minor <= remaining:
        return None
    currency = context.get("currency") or "SEK"
    return (f"Only {format_amount(remaining, currency)} remains on {context.get('record') or 'the invoice'}; "
            "at most that can be written off.")


def date_problem(day: dt.date, invoice_date: str | None) -> str | None:
    today = stockholm_today()
    if day > today:
        return f"The write-off date cannot be in the future (today is {today.isoformat()})."
    if invoice_date and day < dt.date.fromisoformat(invoice_date):
        return f"The write-off date cannot be before the invoice date, {invoice_date}."
    return None
