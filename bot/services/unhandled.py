"""An unhandled payment read fresh from Billecta, for `payment delete` and `payment match` (commands 23, 24).

`fresh_unhandled` reads the payment the store's row names, mirrors it, and refuses with the reason
when it is no longer unhandled (used on an invoice, deleted, being repaid): a form for it would only
be refused by Billecta. `shown` is what the modals show of it so the user can tell it is the payment
they mean: amount, payment date, sender, OCR or reference, the account it came from;
`shown_from_mirror` the same from the store alone, for the form drawn before Billecta answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.billecta.enums import UnhandledPaymentState, UnhandledPaymentType
from bot.billecta.models import UnhandledPaymentView
from bot.errors import BillectaNotFound, InvoiceStateError
from bot.money import format_amount
from bot.services import prefill
from bot.services.labels import label
from bot.services.mirror import mirror_payment, payment_values
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
    return _shown(payment_values(view))


def shown_from_mirror(row: dict[str, Any]) -> dict[str, Any] | None:
    """`shown` from the store's payment row alone, marked `as_of`, for the form drawn at once. None when
    the mirror cannot stand in: not an unhandled payment Billecta told us of, or no longer unhandled."""
    if row.get("kind") != "unhandled" or row.get("state") != UnhandledPaymentState.Unhandled.value or \
            not row.get("billecta_id") or not row.get("last_synced_at") or row.get("amount") is None:
        return None
    return {**_shown(row), prefill.AS_OF: str(row["last_synced_at"])}


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    """From the mirror's columns (`payment_values`), so a form drawn from the store shows what a fresh read does."""
    try:
        kind = TYPE_WORDS[UnhandledPaymentType(values.get("payment_type") or "UnmatchedPayment")]
    except ValueError:
        kind = str(values.get("payment_type"))
    source = values.get("source_invoice_number")
    paid = prefill.stored_day(values.get("payment_date"))
    currency = (values.get("currency") or "SEK").upper()
    minor = int(values.get("amount") or 0)
    return {"payment_id": values["billecta_id"], "amount_minor": minor, "currency": currency,
            "amount_text": format_amount(minor, currency), "paid_on": paid.isoformat() if paid else None,
            "paid_on_text": format_day(paid) if paid else None, "sender": values.get("sender_name"),
            "reference": values.get("reference"), "kind": kind + (f" (from invoice {source})" if source else ""),
            "source_invoice": source,
            "debtor_public_id": values.get("debtor_public_id"), "sender_org_no": values.get("sender_org_no"),
            "sender_address": values.get("sender_address"), "bank_account": values.get("sender_bankgiro_no")}
