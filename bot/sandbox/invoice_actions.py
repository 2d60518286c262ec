"""State actions on an attested invoice: pause, resume, dispute, undispute, postpone, credit,
reminder, payment/write-off and comment. Each is refused (400) by the same rule that sets its flag.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from bot.billecta.dates import STOCKHOLM, format_datetime, parse_datetime
from bot.money import decimals_for
from bot.sandbox import incoming, journal, ledger, parties, rules
from bot.sandbox.errors import bad_request
from bot.sandbox.invoice_view import document_view
from bot.sandbox.invoices import document, load
from bot.sandbox.router import Request
from bot.sandbox.shapes import amount, clean, complete, decimal_of, round_minor
from bot.sandbox.state import Store

Invoice = dict[str, Any]
MAX_TERMS = 365


def _act(store: Store, req: Request, rule: Any) -> tuple[Invoice, datetime]:
    inv, now = load(store, req.params["aid"]), store.now()
    rules.require(rule(inv, now))
    return inv, now


def invoice_pause(store: Store, req: Request) -> None:
    inv, now = _act(store, req, rules.why_not_pause)
    inv["state"]["IsPaused"] = True
    journal.log(store, inv, "Paused", "Invoice paused", now)
    ledger.save_invoice(store, inv)


def invoice_resume(store: Store, req: Request) -> None:
    inv, now = _act(store, req, rules.why_not_resume)
    inv["state"]["IsPaused"] = False
    journal.log(store, inv, "Resumed", "Invoice resumed", now)
    ledger.save_invoice(store, inv)


def invoice_dispute(store: Store, req: Request) -> None:
    inv, now = _act(store, req, rules.why_not_dispute)
    inv["state"]["DisputedDate"] = format_datetime(now)
    journal.log(store, inv, "Disputed", "Invoice disputed", now)
    ledger.save_invoice(store, inv)


def invoice_undispute(store: Store, req: Request) -> None:
    inv, now = _act(store, req, rules.why_not_undispute)
    inv["state"]["DisputedDate"] = None
    journal.log(store, inv, "UnDisputed", "Dispute cancelled", now)
    ledger.save_invoice(store, inv)


def postpone_date(req: Request, now: datetime, current: datetime | None) -> datetime:
    """The new date from `date=YYYY-MM-DD` (preferred) or `days=N` (tolerated); it must be in the future
    and after the current next event."""
    text, days = req.arg("date"), req.arg("days")
    try:
        if text is not None:
            day = date.fromisoformat(text[:10])
        elif days is not None:
            day = now.date() + timedelta(days=int(days))
        else:
            raise bad_request("Give the new date as date=YYYY-MM-DD.")
    except ValueError:
        raise bad_request("The date must be written YYYY-MM-DD (or days as a whole number).") from None
    if day <= now.date():
        raise bad_request("The new date must be in the future.")
    if current is not None and day <= current.date():
        raise bad_request(f"The new date must be after the next event's date ({current.date().isoformat()}).")
    return datetime.combine(day, time(), STOCKHOLM)


def invoice_postpone(store: Store, req: Request) -> None:
    """Moves the next scheduled step (a due date, an automatic reminder or debt collection) to the date."""
    inv, now = load(store, req.params["aid"]), store.now()
    config = parties.config(store, inv["CreditorPublicId"])
    rules.require(rules.why_not_postpone(inv, now, config))
    step = rules.next_event(inv, now, config)
    assert step is not None  # why_not_postpone refuses an invoice without one
    new_date = postpone_date(req, now, step[2])
    inv["postponed_until"], inv["postponed_event"] = format_datetime(new_date), step[0]
    journal.log(store, inv, "Updated", f"{step[1]}: postponed from {step[2].date().isoformat()} to "
                f"{new_date.date().isoformat()}", now)
    ledger.save_invoice(store, inv)


def _minor(inv: Invoice, value: dict[str, Any] | None, what: str) -> int:
    """A cleaned AmountView in minor units (0 when absent); refuses negatives and other currencies."""
    if value is None:
        return 0
    if value.get("CurrencyCode") not in (None, inv["currency"]):
        raise bad_request(f"The {what} must be in {inv['currency']}, the invoice's currency.")
    if value["Value"] < 0:
        raise bad_request(f"The {what} cannot be negative.")
    return int(value["Value"])


def invoice_credit(store: Store, req: Request) -> None:
    body = clean("CreditActionView", req.object())
    inv, now = load(store, body.get("ActionPublicId"), in_body=True), store.now()
    rules.require(rules.why_not_credit(inv, now))
    value = _minor(inv, body.get("Value"), "credit")
    if value == 0:
        raise bad_request("The amount to credit must be more than zero.")
    remaining = inv["amounts"]["current"]
    if value > remaining:
        raise bad_request(f"You cannot credit more than the remaining amount ({ledger.money(inv, remaining)}).")
    ledger.credit(store, inv, value, now, content=body.get("Comment"))
    ledger.save_invoice(store, inv)


def send_reminder(store: Store, inv: Invoice, fee: int, terms: int, at: datetime, *, method: str | None = None,
                  by: str = journal.API_USER) -> dict[str, Any]:
    """Send a reminder: the fee is added to the remaining amount; returns ReminderInvoiceActionView."""
    reminder_id = store.new_action_id()
    inv["amounts"]["current"] += fee
    due = datetime.combine(at.date() + timedelta(days=terms), time(), STOCKHOLM)
    # Each reminder is a document of its own: its number is the invoice's with a running P(åminnelse) suffix.
    number = f"{inv['InvoiceNumber']}-P{rules.reminders_sent(inv) + 1}"
    doc = document(store, inv, "reminder", at, due, inv["amounts"]["current"], fee, number=number)
    inv["docs"].append(doc)
    inv["state"]["Stage"] = "ReminderInvoiceSent"
    inv["ReminderInvoiceActionPublicId"] = reminder_id
    inv["postponed_until"] = inv["postponed_event"] = None
    method = method or inv["entry"].get("DeliveryMethod", "Email")
    sent = "created for manual delivery" if method == "Manually" else f"sent by {method}"
    journal.log(store, inv, "ReminderInvoiceSent", f"Reminder {number} {sent} with a fee of "
                f"{ledger.money(inv, fee)}, due {due.date().isoformat()}", at, by=by)
    ledger.save_invoice(store, inv)
    return complete("ReminderInvoiceActionView", {
        "ActionPublicId": reminder_id, "SourceActionPublicId": inv["ActionPublicId"], "Created": format_datetime(at),
        "Stage": "ReminderInvoiceSent",
        "ReminderInvoices": [document_view(inv, doc, "ReminderInvoiceActionInvoiceView")],
        "CurrentValue": amount(inv["amounts"]["current"], inv["currency"]), "ReminderFee": amount(fee, inv["currency"]),
    })


def default_fee(config: dict[str, Any], currency: str) -> int:
    """The creditor's ReminderInvoiceFee (a double in major units) in minor units."""
    return round_minor(decimal_of(config["ReminderInvoiceFee"]).scaleb(decimals_for(currency)))


def invoice_reminder(store: Store, req: Request) -> dict[str, Any]:
    body = clean("SendReminderInvoiceView", req.object())
    inv, now = load(store, body.get("InvoiceActionPublicId"), in_body=True), store.now()
    rules.require(rules.why_not_remind(inv, now))
    config = parties.config(store, inv["CreditorPublicId"])
    given = body.get("ReminderFee")
    fee = _minor(inv, given, "reminder fee") if given is not None else default_fee(config, inv["currency"])
    terms = body.get("PaymentTermsInDays")
    terms = config["ReminderInvoicePaymentTermsInDays"] if terms is None else terms
    if not 0 <= terms <= MAX_TERMS:
        raise bad_request(f"The payment terms must be between 0 and {MAX_TERMS} days.")
    method = body.get("DeliveryMethod") or inv["entry"].get("DeliveryMethod", "Email")
    _require_reachable(store.get("debtor", inv["DebtorPublicId"]) or {}, method)
    return send_reminder(store, inv, fee, terms, now, method=method)


def _require_reachable(debtor: dict[str, Any], method: str) -> None:
    """An e-mail or a text message needs the debtor's address or number."""
    if method == "Email" and not (debtor.get("Email") or "").strip():
        raise bad_request("The debtor has no e-mail address; choose another delivery method.")
    if method == "SMS" and not (debtor.get("Phone") or "").strip():
        raise bad_request("The debtor has no phone number; choose another delivery method.")


def invoice_payment(store: Store, req: Request) -> None:
    body = clean("RegisterPaymentView", req.object())
    inv, now = load(store, body.get("ActionPublicId"), in_body=True), store.now()
    rules.require(rules.why_not_pay(inv, now))
    paid = _minor(inv, body.get("Amount"), "payment")
    written_off = _minor(inv, body.get("WriteOff"), "write-off")
    if paid + written_off == 0:
        raise bad_request("Give a payment amount or a write-off amount above zero.")
    remaining = inv["amounts"]["current"]
    if written_off > max(remaining - paid, 0):
        left = ledger.money(inv, max(remaining - paid, 0))
        raise bad_request(f"The write-off exceeds the remaining amount ({left}).")
    excess = max(paid - remaining, 0)
    handling = body.get("OvershootingAmountHandling", "None")
    if excess and handling not in ("AsOverPayments", "AsCurrencyDifference"):
        raise bad_request(f"The payment exceeds the remaining amount ({ledger.money(inv, remaining)}).")
    payment_date = parse_datetime(body["Date"]) if body.get("Date") else now
    note = f"Payment date {payment_date.date().isoformat()}" + (f". {body['Comment']}" if body.get("Comment") else "")
    reference = body.get("PaymentReferenceText")
    if paid - excess > 0:
        ledger.pay(store, inv, paid - excess, now, mean=body.get("PaymentMeanCode") or incoming.MANUAL,
                   paid_on=payment_date, content=note, reference=reference)
    if written_off:
        comment = f". {body['Comment']}" if body.get("Comment") else ""
        dated = f"Write-off date {payment_date.date().isoformat()}{comment}"
        ledger.write_off(store, inv, written_off, now, content=dated)
    if excess and handling == "AsOverPayments":
        ledger.overpay(store, inv, excess, now, reference=reference or inv["ocr"], payment_date=payment_date)
    elif excess:
        journal.log(store, inv, "Paid", f"{ledger.money(inv, excess)} booked as a currency difference", now)
    ledger.save_invoice(store, inv)


def invoice_comment(store: Store, req: Request) -> None:
    body = clean("CommentActionView", req.object())
    text = (body.get("Comment") or "").strip()
    if not text:
        raise bad_request("The comment cannot be empty.")
    action_id, now = body.get("ActionPublicId"), store.now()
    case = store.get("debtcollection", action_id or "")
    owner = case if case is not None else load(store, action_id, in_body=True)
    target = body.get("Target", "Private")
    journal.log(store, owner, "CommentedByCreditor", "Comment", now, content=text, public=target != "Private")
    if case is None:
        owner["commented"] = True
        ledger.save_invoice(store, owner)


HANDLERS = {
    "invoice_pause": invoice_pause, "invoice_resume": invoice_resume, "invoice_dispute": invoice_dispute,
    "invoice_undispute": invoice_undispute, "invoice_postpone": invoice_postpone, "invoice_credit": invoice_credit,
    "invoice_reminder": invoice_reminder, "invoice_payment": invoice_payment, "invoice_comment": invoice_comment,
}
