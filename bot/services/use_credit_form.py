"""The use-credit form (command 8, `invoice use-credit <credit invoice> target=<invoice> [amount=]`).

`UseCreditForm.parse(values, prepared)` checks the fields against what `bot.services.use_credit.prepare`
read: the target is one of the debtor's other open invoices (`targets`: invoice number → remaining,
when the debtor has few enough to carry in the modal), and the amount, when given, is exactly what
Billecta will use: the smaller of the credit and what remains on the target. Billecta matches a
balance to an invoice in full up to the invoice's remaining amount (a match has no amount), so a
smaller amount cannot be sent; the field is there so the user states the figure they agree to, and
it is checked, never silently changed. The service applies the rules again against a fresh read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.forms import validate_form
from bot.money import format_amount, to_minor
from bot.services.payment_form import parse_amount

FIELD_LABELS = {"target": "invoice to use the credit on", "amount": "amount"}


def _error(message: str) -> PydanticCustomError:
    return PydanticCustomError("use_credit_form", "{message}", {"message": message})


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


def target_key(value: Any) -> str:
    """An invoice as typed or picked ('1001', 'invoice 1001', '#1001') as its number or Billecta id."""
    text = str(value or "").strip()
    return text.removeprefix("invoice").strip().lstrip("#").strip()


class UseCreditForm(BaseModel):
    """The credit to use and where, as picked in the modal (field names are its block ids) or on the CLI."""

    model_config = ConfigDict(frozen=True)
    FIELDS: ClassVar[tuple[str, ...]] = ("target",)

    # Declared first: the amount is checked against the target's remaining amount.
    target: str = Field(title="Use the credit on", description="another open invoice of the same debtor (its number)",
                        examples=["1001"])
    amount: Decimal | None = Field(
        None, title="Amount to use",
        description="the smaller of the credit and what remains on the target; Billecta uses no other amount",
        examples=["500,00"],
        json_schema_extra={"default_text": "the smaller of the credit and the target's remaining amount"})

    @model_validator(mode="before")
    @classmethod
    def _allowed(cls, data: Any, info: ValidationInfo) -> Any:
        context = _context(info)
        if context.get("allowed") is False:
            raise _error(context.get("reason") or "The credit of this invoice cannot be used now.")
        if isinstance(data, dict):
            data = {**{name: None for name in cls.FIELDS}, **data}
        return data

    @field_validator("target", mode="before")
    @classmethod
    def _target(cls, value: Any, info: ValidationInfo) -> str:
        context = _context(info)
        key = target_key(value)
        debtor = context.get("debtor") or "the debtor"
        if not key:
            raise _error(f"Choose the invoice of {debtor} to use the credit on.")
        if key in (context.get("source_number"), context.get("source_id")):
            raise _error("Choose another invoice: the credit cannot be used on the invoice it comes from.")
        targets = context.get("targets")
        if isinstance(targets, dict) and not context.get("targets_more") and key not in targets:
            known = ", ".join(sorted(targets)) or "none"
            raise _error(f"Invoice {key} is not one of {debtor}'s open invoices; choose one of: {known}.")
        return key

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any, info: ValidationInfo) -> Decimal | None:
        if value in (None, ""):
            return None
        context = _context(info)
        currency = context.get("currency") or "SEK"
        amount = parse_amount(value, currency, "Enter the amount to use, or leave it empty.")
        target = info.data.get("target")
        remaining = (context.get("targets") or {}).get(target) if isinstance(target, str) else None
        problem = amount_problem(to_minor(amount, currency), context.get("credit_minor"), remaining, currency,
                                 f"invoice {target}" if target else "the invoice")
        if problem:
            raise _error(problem)
        return amount

    @classmethod
    def parse(cls, values: dict[str, Any], prepared: dict[str, Any]) -> UseCreditForm:
        form = validate_form(cls, values, prepared)
        assert isinstance(form, UseCreditForm)
        return form


def usable(credit: int, remaining: int) -> int:
    """What Billecta uses of a credit on an invoice: all of it, up to what remains there."""
    return max(min(credit, remaining), 0)


def amount_problem(minor: int, credit: int | None, remaining: int | None, currency: str, target: str) -> str | None:
    """Why `minor` is not what Billecta will use (None when it is, or when it cannot be told yet)."""
    if credit is not None and minor > credit:
        return f"The credit is {format_amount(credit, currency)}; at most that can be used."
    if remaining is not None and minor > remaining:
        return f"Only {format_amount(remaining, currency)} remains on {target}; at most that can be used."
    if credit is None or remaining is None:
        return None
    used = usable(credit, remaining)
    if minor != used:
        return (f"Billecta uses a credit in full, up to what remains on the invoice: {format_amount(used, currency)} "
                f"here (the smaller of the {format_amount(credit, currency)} credit and the "
                f"{format_amount(remaining, currency)} remaining on {target}). Leave the amount empty or type that.")
    return None
