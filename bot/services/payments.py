"""Register a manual payment on an invoice (command 9, `invoice payment <id>`): a payment made outside
Billecta (cash, a bank transfer…) that Billecta should book against the invoice.

`prepare` fetches the invoice's current state for the form, `PaymentForm.parse` (in
`bot.services.payment_form`) validates what the user typed (errors keyed by form field name), and
`register_manual_payment` sends one `RegisterPaymentView` (billecta-api.md §2.4 note 9) through the
run-once primitive (`bot.once`, driven by `bot.runner.run_dialog`), then re-reads and mirrors the
invoice and records the payment in the store. `find_payment` tells whether a payment whose claim was
left by a crash (or whose reply was lost) was booked.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from bot.billecta.dates import STOCKHOLM, stockholm_date
from bot.billecta.enums import InvoiceStage, OvershootingAmountHandling
from bot.billecta.models import AmountView, InvoiceActionView, RegisterPaymentView
from bot.errors import BotError, InvalidInput, InvoiceStateError
from bot.money import MoneyError, check_bounds, format_amount, from_minor, to_minor
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome, prefill
from bot.services.invoices import fresh_view
from bot.services.labels import label, stage_words
from bot.services.mirror import mirror_invoice
from bot.services.payment_form import (
    FIELD_LABELS,
    OVERPAYMENT_CHOICES,
    PAYMENT_MEANS,
    REFERENCE_MAX,
    PaymentForm,
    amount_problem,
    stockholm_today,
)
from bot.store import utcnow

if TYPE_CHECKING:
    from bot.runtime import Runtime

# The form lives in bot.services.payment_form; these names stay importable from here.
__all__ = ["FIELD_LABELS", "OVERPAYMENT_CHOICES", "PAYMENT_MEANS", "REFERENCE_MAX", "PaymentForm", "find_payment",
           "payment_refusal", "prepare", "prepare_from_mirror", "register_manual_payment", "stockholm_today"]



def payment_refusal(view: InvoiceActionView, name: str) -> str | None:
    """Why no payment can be registered on the invoice right now, or None when it can."""
    stage = view.state.stage
    if stage is InvoiceStage.Completed:
        return f"{name} is completed (fully paid, credited or written off); there is nothing left to pay."
    if stage is InvoiceStage.Cancelled:
        return f"{name} is cancelled; payments cannot be registered on it."
    if stage is InvoiceStage.Created:
        return f"{name} is a draft that has not been attested yet; attest it before registering a payment."
    if view.current_amount.value <= 0:
        return f"{name} has nothing left to pay."
    if not view.can_register_payment:
        return f"Billecta does not allow registering a payment on {name} while it is {stage_words(stage)}."
    return None


def prepare(rt: Runtime, record: dict[str, Any], *, refuse: bool = True) -> dict[str, Any]:
    """What the payment form shows and prefills, read fresh from Billecta (slow: run after views.open).

    Small JSON scalars only (it travels in private_metadata); `amount`, `payment_date` and
    `overpayment` match form fields and prefill them. When no payment is possible (closed, draft…)
    it raises InvoiceStateError with the reason, so the modal shows that instead of a form; with
    `refuse=False` it returns `allowed: False` and the `reason` instead.
    """
    view = fresh_view(rt, record)
    name = label("invoice", record)
    currency = (view.current_amount.currency_code or view.invoiced_amount.currency_code or "SEK").upper()
    invoice_date = stockholm_date(view.invoice_date or (view.invoices[0].invoice_date if view.invoices else None))
    reason = payment_refusal(view, name)
    if reason and refuse:
        raise InvoiceStateError(reason)
    return _prepared(name, currency, view.current_amount.value, view.invoiced_amount.value, invoice_date,
                     stockholm_date(view.due_date), view.debtor.name if view.debtor else record.get("debtor_name"),
                     reason)


# Stages in which the mirror may stand in for Billecta: whether a payment is refused (closed, draft) is
# Billecta's answer to give, from a fresh read, before any form is shown.
_MIRROR_OPEN = frozenset(stage.value for stage in InvoiceStage) - {
    InvoiceStage.Completed.value, InvoiceStage.Cancelled.value, InvoiceStage.Created.value}


def prepare_from_mirror(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """`prepare`'s keys from the store's mirror of the invoice alone (no Billecta call), marked `as_of`
    when the mirror last heard from Billecta; None when it cannot stand in (never read from Billecta,
    nothing left to pay, or a state in which the payment would be refused)."""
    synced, remaining = record.get("last_synced_at"), record.get("current_amount")
    if not synced or remaining is None or int(remaining) <= 0 or record.get("stage") not in _MIRROR_OPEN:
        return None
    currency = (record.get("currency") or "SEK").upper()
    invoiced = record.get("invoiced_amount")
    prepared = _prepared(label("invoice", record), currency, int(remaining),
                         int(invoiced) if invoiced is not None else int(remaining),
                         prefill.stored_day(record.get("invoice_date")), prefill.stored_day(record.get("due_date")),
                         record.get("debtor_name"), None)
    return {**prepared, prefill.AS_OF: str(synced)}


def _prepared(name: str, currency: str, remaining: int, invoiced: int, invoice_date: dt.date | None,
              due_date: dt.date | None, debtor: str | None, reason: str | None) -> dict[str, Any]:
    return {
        "record": name, "currency": currency, "remaining_minor": remaining, "invoiced_minor": invoiced,
        "remaining": format_amount(remaining, currency),
        "invoice_date": invoice_date.isoformat() if invoice_date else None,
        "due_date": due_date.isoformat() if due_date else None,
        "debtor": debtor, "allowed": reason is None, "reason": reason,
        "amount": f"{from_minor(remaining, currency)}" if remaining > 0 else None,
        "payment_date": stockholm_today().isoformat(), "overpayment": OvershootingAmountHandling.None_.value,
    }


def register_manual_payment(rt: Runtime, record: dict[str, Any], form: PaymentForm, actor: Actor,
                            once: Once) -> Outcome:
    """Register the payment once (`bot.once`): checked against a fresh read of the invoice, stamped
    with the claim's token (in its comment) so `find_payment` can tell later whether it was booked."""
    view, payment = _checked(rt, record, form, actor, once.token)
    assert payment.amount is not None
    values = _payment_row(view, payment, actor)
    booked = f"{format_amount(payment.amount.value, payment.amount.currency_code)} on {label('invoice', record)}"
    once.send(lambda: rt.billecta.register_payment(payment), booked, local={"payment": [values]})
    return _booked(rt, record, view, payment, values)


def find_payment(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the payment of `once` is on the invoice: its token is in the comment of a Paid event."""
    view = fresh_view(rt, record)
    name = label("invoice", record)
    for event in view.events:
        if once.token in f"{event.content or ''} {event.title or ''} {event.reference or ''}":
            what = (event.title or "A payment was registered").rstrip(".")
            remaining = view.current_amount.value
            rest = (f"{format_amount(remaining, view.current_amount.currency_code)} remains" if remaining > 0
                    else "it is fully paid")
            return Found(f"{what} on {name}; {rest}", {"remaining_minor": remaining})
    return None


def _checked(rt: Runtime, record: dict[str, Any], form: PaymentForm, actor: Actor,
             token: str) -> tuple[InvoiceActionView, RegisterPaymentView]:
    """The fresh invoice and the payment to send, or why not: the form's own checks ran against what
    was prepared, which may be stale (or forged), so the rules are applied again here."""
    name = label("invoice", record)
    view = fresh_view(rt, record)
    reason = payment_refusal(view, name)
    if reason:
        raise InvoiceStateError(reason)
    currency = (view.current_amount.currency_code or "SEK").upper()
    try:
        minor = to_minor(form.amount, currency)
        check_bounds(minor, currency)
    except MoneyError as exc:
        raise InvalidInput(f"{name} is in {currency}: {exc}", field_errors={"amount": str(exc)}) from exc
    fresh = {"remaining_minor": view.current_amount.value, "invoiced_minor": view.invoiced_amount.value,
             "currency": currency, "record": name}
    problem = amount_problem(minor, form, fresh)
    if problem:
        raise InvalidInput(problem, field_errors={"amount": problem})
    invoice_date = stockholm_date(view.invoice_date or (view.invoices[0].invoice_date if view.invoices else None))
    if invoice_date and form.payment_date < invoice_date:
        text = f"The payment date cannot be before the invoice date, {invoice_date.isoformat()}."
        raise InvalidInput(text, field_errors={"payment_date": text})
    return view, RegisterPaymentView(
        action_public_id=view.action_public_id, amount=AmountView.from_minor(minor, currency),
        date=dt.datetime.combine(form.payment_date, dt.time(), STOCKHOLM), payment_mean_code=form.payment_means,
        overshooting_amount_handling=form.overpayment, payment_reference_text=form.reference,
        comment=f"Registered by {actor.display} with billecta-bot ({token})",
    )


def _booked(rt: Runtime, record: dict[str, Any], before: InvoiceActionView, payment: RegisterPaymentView,
            values: dict[str, Any]) -> Outcome:
    """Mirror the invoice's new state, keep the payment in the store, and say what happened."""
    try:
        after: InvoiceActionView | None = rt.billecta.get_invoice(before.action_public_id)
    except BotError:
        after = None
    if after is not None:
        mirror_invoice(rt, after)
    assert payment.amount is not None
    paid, currency = payment.amount.value, payment.amount.currency_code or "SEK"
    payment_id = rt.store.insert("payment", values)
    name = label("invoice", record)
    remaining = after.current_amount.value if after else None
    excess = max(paid - before.current_amount.value, 0)
    message = f"Registered {format_amount(paid, currency)} on {name}"
    if remaining is None:
        message += "; the new remaining amount could not be read from Billecta just now."
    elif remaining > 0:
        message += f"; {format_amount(remaining, currency)} remains."
    else:
        kept = "is kept as an overpayment for later use" if payment.overshooting_amount_handling is \
            OvershootingAmountHandling.AsOverPayments else "is booked as a currency difference"
        message += f"; {name} is now fully paid" + (f" and {format_amount(excess, currency)} {kept}." if excess
                                                     else ".")
    record_id = str(record.get("invoice_number") or before.invoice_number or before.action_public_id)
    return Outcome(message, "invoice", [record_id], details={
        "payment_id": payment_id, "amount_minor": paid, "currency": currency, "remaining_minor": remaining,
        "fully_paid": remaining is not None and remaining <= 0, "excess_minor": excess,
        "stage": str(after.state.stage) if after else None,
    })


def _payment_row(view: InvoiceActionView, payment: RegisterPaymentView, actor: Actor) -> dict[str, Any]:
    """The store's record of the payment (written after Billecta booked it, or by `pull`'s repair)."""
    assert payment.amount is not None
    return {
        "kind": "manual", "payment_type": "ManualPayment", "state": "Registered",
        "amount": payment.amount.value, "currency": payment.amount.currency_code,
        "payment_date": payment.date.astimezone(STOCKHOLM).date().isoformat(),
        "reference": payment.payment_reference_text, "action_public_id": view.action_public_id,
        "debtor_public_id": view.debtor.debtor_public_id if view.debtor else None,
        "sender_name": view.debtor.name if view.debtor else None, "last_synced_at": utcnow(),
        "raw": json.dumps({"payment_mean_code": payment.payment_mean_code, "registered_by": actor.id,
                           "overpayment": str(payment.overshooting_amount_handling), "source": actor.source}),
    }
