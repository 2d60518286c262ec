"""Delete an unhandled payment in Billecta (command 23, `payment delete <id> amount=`).

For a payment that is not the creditor's to match: a payment meant for another company, one booked
twice by the bank, a test. Billecta removes it from the unhandled payments (and books it away where
needed, billecta-api.md §2.6); the money is then matched to no invoice. `prepare` reads the payment
fresh (refusing one already used, deleted or repaid) with what the modal shows so the user can verify
it; `DeletePaymentForm` makes them type its amount, exactly; `delete_payment` deletes it once through
`bot.once` (driven by `bot.runner.run_dialog`) and mirrors it as Deleted; `find_deleted` tells whether
a delete whose reply was lost went through (the payment is Deleted, or gone, in Billecta).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from bot.billecta.enums import UnhandledPaymentState
from bot.errors import BillectaNotFound, BotError, InvalidInput
from bot.money import format_amount, to_minor
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome
from bot.services.labels import label
from bot.services.mirror import mirror_payment
from bot.services.payment_form import parse_amount
from bot.services.unhandled import fresh_unhandled, shown, shown_from_mirror

if TYPE_CHECKING:
    from bot.runtime import Runtime

__all__ = ["DeletePaymentForm", "delete_payment", "find_deleted", "prepare", "prepare_from_mirror"]

NOT_MATCHED = "The money will not be matched to any invoice."


def _error(message: str) -> PydanticCustomError:
    return PydanticCustomError("payment_delete_form", "{message}", {"message": message})


def amount_problem(minor: int, context: dict[str, Any]) -> str | None:
    expected, currency = context.get("amount_minor"), context.get("currency") or "SEK"
    if expected is None or minor == int(expected):
        return None
    return (f"That is not the payment's amount: it is {format_amount(int(expected), currency)}. Type exactly that "
            "to confirm you mean this payment.")


class DeletePaymentForm(BaseModel):
    """The payment's amount, typed to confirm which payment is deleted (a dangerous command)."""

    model_config = ConfigDict(frozen=True)

    amount: Decimal = Field(title="Type the payment's amount to confirm",
                            description="exactly the payment's amount, e.g. 1 250,00; Billecta deletes that payment")

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any, info: ValidationInfo) -> Decimal:
        context = info.context if isinstance(info.context, dict) else {}
        currency = context.get("currency") or "SEK"
        expected = context.get("amount_text") or "its amount"
        amount = parse_amount(value, currency, f"Type the payment's amount, {expected}, to confirm the deletion.")
        problem = amount_problem(to_minor(amount, currency), context)
        if problem:
            raise _error(problem)
        return amount


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """The payment read fresh (slow: behind "Loading…"), or the reason it cannot be deleted."""
    view = fresh_unhandled(rt, record, "deleted")
    return {"record": label("payment", record), **shown(view)}


def prepare_from_mirror(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """`prepare`'s keys from the store alone (the form at once, "as of"); None when it cannot stand in."""
    facts = shown_from_mirror(record)
    return {"record": label("payment", record), **facts} if facts else None


def delete_payment(rt: Runtime, record: dict[str, Any], form: DeletePaymentForm, actor: Actor, once: Once) -> Outcome:
    """Delete the payment once, after checking it against a fresh read (still unhandled, the same amount)."""
    view = fresh_unhandled(rt, record, "deleted")
    facts = shown(view)
    problem = amount_problem(to_minor(form.amount, facts["currency"]), facts)
    if problem:  # the payment changed since the form opened
        raise InvalidInput(problem, field_errors={"amount": problem})
    name = label("payment", record)
    what = _described(name, facts)
    once.send(lambda: rt.billecta.delete_unhandled_payment(view.unhandled_payment_public_id),
              f"deleting {what}", facts={"payment": view.unhandled_payment_public_id})
    _mirror_deleted(rt, record)
    return Outcome(f"Deleted {what} in Billecta. {NOT_MATCHED}", "payment", [str(record["id"])],
                   details={"amount_minor": facts["amount_minor"], "currency": facts["currency"],
                            "payment": view.unhandled_payment_public_id})


def find_deleted(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the payment is deleted in Billecta (Deleted, or no longer there at all)."""
    payment_id = once.facts.get("payment") or record.get("billecta_id")
    try:
        state = rt.billecta.get_unhandled_payment(str(payment_id)).state
    except BillectaNotFound:
        state = UnhandledPaymentState.Deleted
    if state is not UnhandledPaymentState.Deleted:
        return None
    _mirror_deleted(rt, record)
    return Found(f"Deleted {label('payment', record)} in Billecta. {NOT_MATCHED}")


def _mirror_deleted(rt: Runtime, record: dict[str, Any]) -> None:
    try:
        mirror_payment(rt, rt.billecta.get_unhandled_payment(str(record["billecta_id"])))
    except BotError:  # gone from Billecta, or the read failed: it is deleted either way
        rt.store.update("payment", record["id"], {"state": UnhandledPaymentState.Deleted.value})


def _described(name: str, facts: dict[str, Any]) -> str:
    sender = f" from {facts['sender']}" if facts.get("sender") else ""
    reference = f", ref {facts['reference']}" if facts.get("reference") else ""
    return f"{name} ({facts['amount_text']}{sender}{reference})"
