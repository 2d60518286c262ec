"""Send a reminder invoice (command 11, `invoice reminder <id>`): a påminnelse with a fee and new
payment terms for an invoice past its due date.

`prepare` reads the invoice and the creditor's default settings fresh from Billecta (the fee,
`ReminderInvoiceFee`, and the terms, `ReminderInvoicePaymentTermsInDays`, prefill the form) and refuses
before the form when no reminder applies, saying what does (resume, end the dispute…). `send_reminder`
re-checks on a fresh read, sends one `SendReminderInvoiceView` (billecta-api.md §2.4 note 5) through
`once.send`, then mirrors the invoice and names the new reminder, its fee and its due date.
`find_reminder` tells whether a reminder whose reply was lost (or whose bot crashed) was created: the
invoice then links a reminder other than the one it had before the send.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.billecta.dates import stockholm_date
from bot.billecta.enums import DeliveryMethod, InvoiceStage
from bot.billecta.models import (
    AmountView,
    DefaultActionConfigView,
    InvoiceActionInvoiceView,
    InvoiceActionView,
    ReminderInvoiceActionView,
    SendReminderInvoiceView,
)
from bot.errors import BotError, InvalidInput, InvoiceStateError
from bot.money import (
    DEFAULT_CURRENCY,
    MoneyError,
    check_bounds,
    format_amount,
    from_minor,
    round_to_currency,
    to_minor,
)
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome, prefill
from bot.services.creditor import default_config, stored_default_config
from bot.services.invoices import fresh_view
from bot.services.labels import label, stage_words
from bot.services.mirror import mirror_invoice, stored_view
from bot.services.next_event import capital, closed_refusal, paused_or_disputed
from bot.services.reminder_form import TERMS_MAX, TERMS_MIN, ReminderForm, method_words, unreachable
from bot.timefmt import format_day

if TYPE_CHECKING:
    from bot.runtime import Runtime

# Prefilled when the creditor's settings have no usable reminder terms (unset, or outside 1–365 days).
DEFAULT_TERMS = 10

__all__ = ["ReminderForm", "find_reminder", "prepare", "prepare_from_mirror", "reminder_refusal", "send_reminder"]


def current_due(view: InvoiceActionView) -> dt.date | None:
    """The due date the debtor is held to: the latest document's (a reminder's, once one was sent)."""
    dated = [doc.due_date for doc in view.invoices if doc.due_date is not None]
    return stockholm_date(dated[-1] if dated else view.due_date)


def reminder_refusal(view: InvoiceActionView, name: str) -> InvoiceStateError | None:
    """Why no reminder can be sent for the invoice now (with what applies instead), or None.

    Paused, disputed and collected invoices are refused whatever Billecta's flag says (their
    collection is stopped or handed over); otherwise Billecta's `CanSendManualReminderInvoice`
    decides, and its refusal is put in words."""
    refusal = closed_refusal(view, name, "there is nothing left to remind the debtor of.",
                             "it must be attested and sent before a reminder can follow it.",
                             "reminders now come from the debt-collection case "
                             "(`/billecta debtcollection events {case}`).")
    refusal = refusal or paused_or_disputed(view, name, "no reminder can be sent")
    if refusal or view.can_send_manual_reminder_invoice:
        return refusal
    who = capital(name)
    if view.state.stage not in (InvoiceStage.InvoiceSent, InvoiceStage.ReminderInvoiceSent):
        return InvoiceStateError(f"{who} is {stage_words(view.state.stage)} and has not been sent to the debtor; "
                                 "a reminder follows a sent invoice.")
    if view.current_amount.value <= 0:
        return InvoiceStateError(f"{who} has nothing left to pay; there is nothing to remind the debtor of.")
    due = current_due(view)
    if due is not None:  # sent, unpaid, not held: what is left is that it is not overdue yet
        what = "the reminder already sent is" if view.state.stage is InvoiceStage.ReminderInvoiceSent else "it is"
        return InvoiceStateError(f"{who} is not past its due date: {what} due {format_day(due)}. A reminder "
                                 f"can be sent once that day has passed.")
    return InvoiceStateError(f"Billecta does not allow a reminder for {name} while it is "
                             f"{stage_words(view.state.stage)}.")


def prepare(rt: Runtime, record: dict[str, Any], *, refuse: bool = True) -> dict[str, Any]:
    """What the reminder form shows and prefills, read fresh from Billecta (slow: after views.open).

    Small JSON scalars only (it travels in private_metadata). `fee`, `payment_terms_days` and
    `delivery_method` match form fields and prefill them; a refusal raises InvoiceStateError (or,
    with `refuse=False`, comes back as `allowed: False` and `reason`)."""
    view = fresh_view(rt, record)
    refusal = reminder_refusal(view, label("invoice", record))
    if refusal and refuse:
        raise refusal
    return _prepared(record, view, default_config(rt), refusal)


def prepare_from_mirror(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """`prepare`'s keys from the store alone, marked `as_of`: the invoice as Billecta last showed it whole
    and the creditor's default settings as last read or pushed (bot.services.creditor). None when either
    was never read, or when the stored invoice takes no reminder (the refusal is Billecta's, fresh)."""
    view, config = stored_view(record), stored_default_config(rt)
    if view is None or config is None or reminder_refusal(view, label("invoice", record)) is not None:
        return None
    return {**_prepared(record, view, config[0], None), prefill.AS_OF: str(record["last_synced_at"])}


def _prepared(record: dict[str, Any], view: InvoiceActionView, config: DefaultActionConfigView,
              refusal: InvoiceStateError | None) -> dict[str, Any]:
    name = label("invoice", record)
    currency = (view.current_amount.currency_code or view.invoiced_amount.currency_code or DEFAULT_CURRENCY).upper()
    debtor, missing = view.debtor, _unreachable(view)
    due = current_due(view)
    return {
        "record": name, "currency": currency, "remaining_minor": view.current_amount.value,
        "remaining": format_amount(view.current_amount.value, currency), "due_date": due.isoformat() if due else None,
        "debtor": debtor.name if debtor else record.get("debtor_name"), "reminders_sent": len(view.invoices[1:]),
        "allowed": refusal is None, "reason": refusal.user_message if refusal else None,
        **_creditor_defaults(config, currency), "delivery_method": _method(view, config, missing),
        **({"unreachable": missing} if missing else {}),
    }


def _creditor_defaults(config: DefaultActionConfigView, currency: str) -> dict[str, str | None]:
    """The fee and terms that prefill the form. The creditor's fee is in the creditor's currency, so it
    prefills only an invoice in that currency; another currency's fee is typed (a note says why)."""
    home = (config.currency_code or DEFAULT_CURRENCY).upper()
    fee = _fee_minor(config.reminder_invoice_fee, home)
    terms = config.reminder_invoice_payment_terms_in_days
    same = home == currency
    return {"fee": f"{from_minor(fee, home)}" if same else None,
            "fee_note": None if same else (f"The creditor's reminder fee is {format_amount(fee, home)}; this invoice "
                                           f"is in {currency}, so type the fee in {currency}."),
            "payment_terms_days": str(terms if terms and TERMS_MIN <= terms <= TERMS_MAX else DEFAULT_TERMS)}


def _method(view: InvoiceActionView, config: DefaultActionConfigView, missing: dict[str, str]) -> str:
    """The invoice's own delivery method (else the creditor's), or a letter when that cannot reach the debtor."""
    method = view.delivery_method if view.delivery_method not in (None, DeliveryMethod.Unknown) else \
        config.delivery_method or DeliveryMethod.Email
    return str(DeliveryMethod.Mail if str(method) in missing else method)


def _unreachable(view: InvoiceActionView) -> dict[str, str]:
    debtor = view.debtor
    if debtor is None:
        return {}
    return unreachable(debtor.name or "The debtor", debtor.email or debtor.contact_email, debtor.phone)


def _fee_minor(fee: Decimal | None, currency: str) -> int:
    """The creditor's ReminderInvoiceFee (a double in major units) in minor units; 0 when unset."""
    if fee is None:
        return 0
    try:
        return check_bounds(to_minor(round_to_currency(fee, currency), currency), currency)
    except (MoneyError, ArithmeticError):
        return 0


def send_reminder(rt: Runtime, record: dict[str, Any], form: ReminderForm, actor: Actor, once: Once) -> Outcome:
    """Send the reminder once (`bot.once`), checked against a fresh read of the invoice."""
    name = label("invoice", record)
    view = fresh_view(rt, record)
    refusal = reminder_refusal(view, name)
    if refusal:
        raise refusal
    why = _unreachable(view).get(form.delivery_method.value)
    if why:  # the debtor changed since the form was opened (or the CLI named a method that cannot reach them)
        raise InvalidInput(why, field_errors={"delivery_method": why})
    currency = (view.current_amount.currency_code or DEFAULT_CURRENCY).upper()
    try:
        fee = check_bounds(to_minor(form.fee, currency), currency)
    except MoneyError as exc:
        raise InvalidInput(f"{name} is in {currency}: {exc}", field_errors={"fee": str(exc)}) from exc
    reminder = SendReminderInvoiceView(
        invoice_action_public_id=view.action_public_id, delivery_method=form.delivery_method,
        reminder_fee=AmountView.from_minor(fee, currency), payment_terms_in_days=form.payment_terms_days)
    facts = {"reminder_before": view.reminder_invoice_action_public_id, "documents_before": len(view.invoices)}
    sent = f"a reminder with a fee of {format_amount(fee, currency)} for {name}"
    answer = once.send(lambda: rt.billecta.send_reminder(reminder), sent, facts=facts)
    return _sent(rt, record, view, form, fee, answer)


def find_reminder(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the reminder of `once` was created: the invoice links a reminder it did not before."""
    view = fresh_view(rt, record)
    before = once.facts.get("reminder_before", record.get("reminder_invoice_action_public_id"))
    now = view.reminder_invoice_action_public_id
    if not now or now == before:
        return None
    document = _latest_reminder(view, once.facts.get("documents_before"))
    what = f"Reminder {document.invoice_number}" if document and document.invoice_number else "A reminder"
    due = f", due {format_day(stockholm_date(document.due_date))}" if document and document.due_date else ""
    return Found(f"{what} was sent for {label('invoice', record)}{due}",
                 {"reminder_id": now, "remaining_minor": view.current_amount.value})


def _latest_reminder(view: InvoiceActionView | None, documents_before: int | None) -> InvoiceActionInvoiceView | None:
    """The reminder document the send added (the invoice's documents after the ones it had)."""
    if view is None or len(view.invoices) < 2:
        return None
    if documents_before is not None and len(view.invoices) <= documents_before:
        return None
    return view.invoices[-1]


def _sent(rt: Runtime, record: dict[str, Any], before: InvoiceActionView, form: ReminderForm, fee: int,
          answer: ReminderInvoiceActionView | None) -> Outcome:
    """Mirror the invoice's new state and say what was sent: the reminder, its fee, its due date."""
    try:
        after: InvoiceActionView | None = rt.billecta.get_invoice(before.action_public_id)
    except BotError:
        after = None
    if after is not None:
        mirror_invoice(rt, after)
    currency = (before.current_amount.currency_code or DEFAULT_CURRENCY).upper()
    name = label("invoice", record)
    document = _latest_reminder(after, len(before.invoices)) or \
        (answer.reminder_invoices[-1] if answer and answer.reminder_invoices else None)
    number = document.invoice_number if document else None
    due = stockholm_date(document.due_date) if document else None
    remaining = after.current_amount.value if after else None
    how = "created for you to send yourself" if form.delivery_method is DeliveryMethod.Manually else \
        f"sent by {method_words(form.delivery_method).lower()}"
    message = (f"{f'Reminder {number}' if number else 'A reminder'} for {name} {how}: fee "
               f"{format_amount(fee, currency)}{f', due {format_day(due)}' if due else ''}")
    message += (f"; {format_amount(remaining, currency)} is now to pay." if remaining is not None
                else "; the new amount to pay could not be read from Billecta just now.")
    reminder_id = (answer.action_public_id if answer else None) or \
        (after.reminder_invoice_action_public_id if after else None)
    record_id = str(record.get("invoice_number") or before.invoice_number or before.action_public_id)
    return Outcome(message, "invoice", [record_id], details={
        "reminder_id": reminder_id, "reminder_number": number, "due_date": due.isoformat() if due else None,
        "fee_minor": fee, "currency": currency, "remaining_minor": remaining,
        "delivery_method": form.delivery_method.value, "payment_terms_days": form.payment_terms_days,
        "stage": str(after.state.stage) if after else None,
    })
