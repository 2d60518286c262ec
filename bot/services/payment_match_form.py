"""The match form (command 24, `payment match <id> [invoice=] [amount=]`).

`suggestion` is the ranked suggestion picked in the modal (radio buttons; `OTHER` = the searched one),
`invoice` the invoice searched (the modal's external select) or typed on the command line. The
amount, when given, must be the whole payment: Billecta's `PaymentMatchView` has no amount
(billecta-schemas/PaymentMatchesView.json), so a payment is matched in full and what exceeds the
invoice's remaining amount stays the debtor's as an overpayment. The field is there so the user
states the figure they agree to; it is checked, never silently changed, and a part is refused with
the reason. The service checks the invoice again against a fresh read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from bot.money import format_amount, to_minor
from bot.services.payment_form import parse_amount
from bot.services.use_credit_form import target_key

OTHER = "other"  # the radio option "another invoice": the searched one is matched


def _error(message: str) -> PydanticCustomError:
    return PydanticCustomError("payment_match_form", "{message}", {"message": message})


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


def whole_payment_problem(minor: int, context: dict[str, Any]) -> str | None:
    total, currency = context.get("amount_minor"), context.get("currency") or "SEK"
    if total is None or minor == int(total):
        return None
    whole = format_amount(int(total), currency)
    return (f"Billecta matches a payment in full (its match has no amount): {whole} here. Leave the amount empty "
            f"or type {whole}; a part of a payment cannot be matched.")


class MatchPaymentForm(BaseModel):
    """Which invoice the payment goes to: a suggestion picked, or an invoice searched or typed."""

    model_config = ConfigDict(frozen=True)

    suggestion: str | None = Field(None, title="Suggested invoice",
                                   description="one of the suggestions the modal ranks; on the command line "
                                               "name the invoice with invoice=")
    # Validated when empty too: it says when no invoice is picked at all.
    invoice: str | None = Field(None, title="Or another open invoice", validate_default=True,
                                description="any open invoice, by its number", examples=["1001"])
    amount: Decimal | None = Field(None, title="Amount",
                                   description="the whole payment; Billecta matches no other amount",
                                   examples=["1250,00"],
                                   json_schema_extra={"default_text": "the whole payment"})

    @field_validator("suggestion", mode="before")
    @classmethod
    def _suggestion(cls, value: Any) -> str | None:
        return target_key(value) or None

    @field_validator("invoice", mode="before")
    @classmethod
    def _invoice(cls, value: Any, info: ValidationInfo) -> str | None:
        """Checked with the suggestion (declared before it): exactly one invoice is meant."""
        searched = target_key(value) or None
        picked = info.data.get("suggestion")
        picked = None if picked == OTHER else picked
        if picked and searched and picked != searched:
            raise _error(f"You picked the suggestion {picked} and searched invoice {searched}: pick "
                         f"'Another invoice' above to match {searched}, or search {picked} here.")
        if not (picked or searched):
            raise _error("Pick one of the suggested invoices, or search the invoice to match the payment to "
                         "(invoice= on the command line)." if _context(info).get("suggested") else
                         "Search the invoice to match the payment to (invoice= on the command line).")
        return searched or picked

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any, info: ValidationInfo) -> Decimal | None:
        if value in (None, ""):
            return None
        context = _context(info)
        currency = context.get("currency") or "SEK"
        amount = parse_amount(value, currency, "Leave the amount empty, or type the whole payment.")
        problem = whole_payment_problem(to_minor(amount, currency), context)
        if problem:
            raise _error(problem)
        return amount

    @property
    def chosen(self) -> str:
        """The invoice to match (the validator puts the picked suggestion here when none was searched)."""
        return str(self.invoice)
