"""An unhandled payment read fresh from Billecta, for `payment delete` and `payment match` (commands 23, 24).

`fresh_unhandled` reads the payment the store's row names, mirrors it, and refuses with the reason
when it is no longer unhandled (used on an invoice, deleted, being repaid): a form for it would only
be refused by Billecta. `shown` is what the modals show of it so the user can tell it is the payment
they mean: amount, payment date, sender, OCR or reference, the account it came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.billecta.dates import STOCKHOLM
from bot.billecta.enums import UnhandledPaymentState, UnhandledPaymentType
from bot.billecta.models import UnhandledPaymentView
from bot.errors import BillectaNotFound, InvoiceStateError
from bot.money import format_amount
from bot.services.labels import label
from bot.services.mirror import mirror_payment
from bot.timefmt import format_day

if TYPE_CHECKING:
    from bot.runtime import Runtime

TYPE_WORDS = {
    UnhandledPaymentType.UnmatchedPayment: "a bank payment Billecta could not match to an invoice",
    UnhandledPaymentType.OverPayment: "an overpayment kept as the debtor's balance",
    UnhandledPaymentType.ManualBalance: "a balance entered by hand",
    UnhandledPaymentType.BalanceFromInvoice: "a credit invoice's surplus, kept as the debtor's balance",
}


def fresh_unhandled(rt: Runtime, record: dict[str, Any], doing: str) -> UnhandledPaymentView:
    """The payment as Billecta has it now, or the refusal saying why `doing` ('matched', 'deleted') cannot be."""
    name = label("payment", record)
    try:
        view = rt.billecta.get_unhandled_payment(str(record["billecta_id"]))
    except BillectaNotFound:
        rt.store.update("payment", record["id"], {"state": UnhandledPaymentState.Deleted.value})
        raise InvoiceStateError(f"{name} is no longer in Billecta (it was deleted there); it cannot be {doing}. "
                                "`billecta-bot list payment` shows the unhandled payments left.") from None
    mirror_payment(rt, view)
    reason = not_unhandled(rt, view, name, doing)
    if reason:
        raise InvoiceStateError(reason)
    return view


def not_unhandled(rt: Runtime, view: UnhandledPaymentView, name: str, doing: str) -> str | None:
    """Why a payment in this state cannot be `doing` ('matched', 'deleted'), with what applies; None if it can."""
    state = view.state
    if state is UnhandledPaymentState.Unhandled:
        return None
    if state is UnhandledPaymentState.UsedOnInvoice:
        number = used_on_number(rt, view)
        where = f"invoice {number}" if number else "an invoice"
        return (f"{name} was already used on {where}; it cannot be {doing}. Its money is booked there: "
                f"`invoice events {number}` shows it." if number else
                f"{name} was already used on an invoice; it cannot be {doing}.")
    if state is UnhandledPaymentState.UsedOnInvoiceInOtherCreditor:
        return f"{name} was used on an invoice of another creditor in Billecta; it cannot be {doing} here."
    if state is UnhandledPaymentState.Deleted:
        return (f"{name} is already deleted in Billecta; it cannot be {doing}. "
                "`billecta-bot list payment` shows the unhandled payments left.")
    if state is UnhandledPaymentState.RepaymentPending:
        return f"{name} is being paid back to the sender; it cannot be {doing}."
    return f"{name} was paid back to the sender; it cannot be {doing}."


def used_on_number(rt: Runtime, view: UnhandledPaymentView) -> str | None:
    aid = (view.overpayment_details or {}).get("UsedOnActionPublicId")
    if not aid:
        return None
    row = rt.store.find_by("invoice", "action_public_id", aid)
    return str(row.get("invoice_number") or aid) if row else str(aid)


def shown(view: UnhandledPaymentView) -> dict[str, Any]:
    """The payment as the modals show it (small JSON: it travels in private_metadata)."""
    currency = (view.amount.currency_code or "SEK").upper()
    paid = view.payment_date.astimezone(STOCKHOLM).date().isoformat() if view.payment_date else None
    address = ", ".join(part for part in (view.sender_address, " ".join(
        p for p in (view.sender_zip_code, view.sender_city) if p)) if part)
    source = (view.overpayment_details or {}).get("InvoiceNumber")
    return {
        "payment_id": view.unhandled_payment_public_id, "amount_minor": view.amount.value, "currency": currency,
        "amount_text": format_amount(view.amount.value, currency),
        "paid_on": paid, "paid_on_text": format_day(paid) if paid else None,
        "sender": view.sender_name, "sender_org_no": view.sender_org_no, "sender_address": address or None,
        "reference": view.reference, "bank_account": view.sender_bankgiro_no,
        "kind": TYPE_WORDS.get(view.unhandled_payment_type, view.unhandled_payment_type.value)
        + (f" (from invoice {source})" if source else ""),
        "debtor_public_id": view.debtor_public_id,
    }
