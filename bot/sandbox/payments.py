"""Unhandled payments (list, get, match to invoices, delete) and incoming bank payments (Swish: swish.py).

An incoming payment is matched on its reference (OCR or invoice number) to an open invoice and
registered there; what exceeds the remaining amount becomes an OverPayment, and a payment that
matches nothing stays an UnmatchedPayment. Matching one by hand (matchpayments) follows the same
rule: what exceeds the invoice's remaining amount becomes the debtor's OverPayment on that invoice
(a balance's rest stays the balance of the invoice it came from).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from bot.billecta.dates import parse_datetime
from bot.money import format_amount
from bot.sandbox import incoming, journal, ledger, parties, rules
from bot.sandbox.errors import ApiError, bad_request, not_found
from bot.sandbox.router import Request
from bot.sandbox.shapes import amount, clean, complete, enum_name, guid
from bot.sandbox.state import Store

_BALANCES = ("OverPayment", "ManualBalance", "BalanceFromInvoice")
# What the bank tells of a payer besides the name (the `/_sandbox/payments` body may give them).
SENDER_FIELDS = ("SenderOrgNo", "SenderAddress", "SenderZipCode", "SenderCity", "SenderCountryCode",
                 "SenderBankgiroNo")
_MOBILE = re.compile(r"^(?:46|0)(7\d{8})$")


def load(store: Store, payment_id: str) -> dict[str, Any]:
    doc = store.get("unhandled", guid(payment_id, "UnhandledPaymentPublicId"))
    if doc is None:
        raise not_found(f"The unhandled payment {payment_id} does not exist.")
    return doc


def unhandled_payments_list(store: Store, req: Request) -> list[dict[str, Any]]:
    """Unhandled ones by default; `?state=All` or a state name lists others."""
    cid = parties.creditor(store, req.params["cid"])["CreditorPublicId"]
    wanted = req.arg("state") or "Unhandled"
    if wanted.lower() == "all":
        return store.find("unhandled", creditor=cid)
    return store.find("unhandled", creditor=cid, status=enum_name("UnhandledPaymentStateTypeView", wanted, "state"))


def unhandled_payment_get(store: Store, req: Request) -> dict[str, Any]:
    return load(store, req.params["upid"])


def unhandled_payment_delete(store: Store, req: Request) -> None:
    doc = load(store, req.params["upid"])
    if doc["State"] == "Deleted":
        raise bad_request("The payment is already deleted.")
    if doc["State"] != "Unhandled":
        raise bad_request("The payment has already been used on an invoice and cannot be deleted.")
    doc["State"] = "Deleted"
    ledger.save_unhandled(store, doc)


def _match_one(store: Store, cid: str, item: dict[str, Any], now: datetime) -> str:
    """Use one unhandled payment on one invoice; returns the result text or raises with the reason."""
    payment = store.get("unhandled", item.get("UnhandledPaymentPublicId") or "")
    if payment is None or payment["CreditorPublicId"] != cid:
        raise bad_request("The unhandled payment does not exist.")
    if payment["State"] != "Unhandled":
        raise bad_request(f"The payment cannot be used: its state is {payment['State']}.")
    inv = store.get("invoice", item.get("ActionPublicId") or "")
    if inv is None or inv["CreditorPublicId"] != cid:
        raise bad_request(f"The invoice {item.get('ActionPublicId')} does not exist.")
    rules.require(rules.why_not_pay(inv, now))
    if payment["UnhandledPaymentType"] in _BALANCES and payment["DebtorPublicId"] not in (None, inv["DebtorPublicId"]):
        raise bad_request("The balance belongs to another debtor.")
    if payment["Amount"]["CurrencyCode"] != inv["currency"]:
        currency = payment["Amount"]["CurrencyCode"]
        raise bad_request(f"The payment is in {currency}; the invoice is in {inv['currency']}.")
    total = payment["Amount"]["Value"]
    used = min(total, inv["amounts"]["current"])
    paid_on = parse_datetime(item["PaymentDate"]) if item.get("PaymentDate") else now
    balance = payment["UnhandledPaymentType"] in _BALANCES
    what = "Debtor balance" if balance else "Unhandled payment"
    # Unless the match names a day: a bank payment was paid when the bank says, a balance when it is used.
    banked = not item.get("PaymentDate") and not balance and payment.get("PaymentDate")
    ledger.pay(store, inv, used, now, mean=incoming.BALANCE if balance else incoming.BANKGIRO,
               paid_on=parse_datetime(payment["PaymentDate"]) if banked else paid_on,
               title=f"{what} of {ledger.money(inv, used)} used on the invoice",
               content=f"Payment date {paid_on.date().isoformat()}", reference=payment["Reference"])
    ledger.save_invoice(store, inv)
    source = payment["OverpaymentDetails"]
    payment.update(State="UsedOnInvoice", Amount=amount(used, inv["currency"]), OverpaymentDetails={
        **(source or {"ActionType": inv["ActionType"], "ActionPublicId": inv["ActionPublicId"],
                      "InvoiceNumber": inv["InvoiceNumber"]}),
        "UsedOnActionPublicId": inv["ActionPublicId"]})
    ledger.save_unhandled(store, payment)
    _log_on_source(store, source, inv, used, now)
    if total == used:
        return f"Matched to invoice {inv['InvoiceNumber']}."
    paid_on = parse_datetime(payment["PaymentDate"])
    if not source:  # a bank payment larger than the invoice: the excess is the debtor's overpayment on it
        over = ledger.overpay(store, inv, total - used, now, reference=payment["Reference"],
                              sender_name=payment["SenderName"], payment_date=paid_on)
        ledger.save_invoice(store, inv)
        return (f"Matched {ledger.money(inv, used)} to invoice {inv['InvoiceNumber']}; "
                f"{ledger.money(inv, total - used)} is kept as an overpayment ({over['UnhandledPaymentPublicId']}).")
    rest = ledger.new_unhandled(
        store, cid, total - used, inv["currency"], now, kind=payment["UnhandledPaymentType"],
        reference=payment["Reference"], sender_name=payment["SenderName"], debtor_id=payment["DebtorPublicId"],
        payment_date=paid_on)
    # The rest is still the balance of the same credit invoice (or overpaid invoice).
    rest["OverpaymentDetails"] = {**source, "UsedOnActionPublicId": None}
    ledger.save_unhandled(store, rest)
    return (f"Matched {ledger.money(inv, used)} to invoice {inv['InvoiceNumber']}; "
            f"{ledger.money(inv, total - used)} remains as an unhandled payment.")


def _log_on_source(store: Store, source: dict[str, Any] | None, target: dict[str, Any], used: int,
                   now: datetime) -> None:
    """A debtor balance left by an invoice (a credit invoice's surplus, an overpayment) says on that invoice
    where it went."""
    origin = store.get("invoice", (source or {}).get("ActionPublicId") or "")
    if origin is None or origin["ActionPublicId"] == target["ActionPublicId"]:
        return
    journal.log(store, origin, "Updated", f"{ledger.money(target, used)} of the debtor's balance used on invoice "
                f"{target['InvoiceNumber']}", now)


def payments_match(store: Store, req: Request) -> list[dict[str, Any]]:
    cid = parties.creditor(store, req.params["cid"])["CreditorPublicId"]
    items = req.json()
    if not isinstance(items, list):
        raise bad_request("The request body must be a list of payment matches.")
    results = []
    for raw in items:
        item: dict[str, Any] = {}
        try:
            item = clean("PaymentMatchView", raw)
            message, ok = _match_one(store, cid, item, store.now()), True
        except ApiError as error:  # one refused item does not stop the others
            message, ok = error.message, False
        results.append(complete("PaymentMatchResultView", {
            "UnhandledPaymentPublicId": item.get("UnhandledPaymentPublicId") or str(uuid.UUID(int=0)),
            "Successfull": ok, "ResponseMessage": message}))
    return results


def _invoice_for(store: Store, creditor_id: str, reference: str, currency: str) -> dict[str, Any] | None:
    """The invoice a payment reference (OCR or invoice number) names: an open one before a closed one."""
    text = reference.strip().replace(" ", "")
    found = store.find("invoice", creditor=creditor_id, key2=text)
    found = found or store.find("invoice", creditor=creditor_id, key1=text)
    found = [inv for inv in found if inv["state"]["Stage"] != "Created" and inv["currency"] == currency
             and not rules.is_credit_note(inv)]
    found.sort(key=lambda inv: inv["state"]["Stage"] in rules.CLOSED)
    return found[0] if found else None


def register_incoming(store: Store, creditor_id: str, minor: int, reference: str, *, payment_date: datetime | None,
                      sender_name: str | None, currency: str = "SEK",
                      sender: dict[str, Any] | None = None) -> dict[str, Any]:
    """A bank payment arriving: registered on the invoice it names, or kept as an unhandled payment
    (`sender`: the payer's account, org. number and address, as `UnhandledPaymentView` names them)."""
    if minor <= 0:
        raise bad_request("The amount must be more than zero.")
    now = store.now()
    inv = _invoice_for(store, creditor_id, reference, currency.upper())
    if inv is None:
        doc = ledger.new_unhandled(store, creditor_id, minor, currency.upper(), now, kind="UnmatchedPayment",
                                   reference=reference, sender_name=sender_name, payment_date=payment_date,
                                   sender=sender)
        return {"Outcome": "Unmatched", "ActionPublicId": None, "InvoiceNumber": None, "AppliedAmount": 0,
                "UnhandledPaymentPublicId": doc["UnhandledPaymentPublicId"], "UnhandledAmount": minor}
    applied, over = ledger.pay_with_excess(
        store, inv, minor, now, reference=reference, mean=incoming.BANKGIRO, sender_name=sender_name,
        payment_date=payment_date, title=f"Payment of {format_amount(minor, inv['currency'])} received")
    outcome = "Paid" if over is None else "PaidWithOverPayment" if applied else "OverPayment"
    return {"Outcome": outcome, "ActionPublicId": inv["ActionPublicId"],
            "InvoiceNumber": inv["InvoiceNumber"], "AppliedAmount": applied, "UnhandledAmount": minor - applied,
            "UnhandledPaymentPublicId": over["UnhandledPaymentPublicId"] if over else None}


HANDLERS = {
    "unhandled_payments_list": unhandled_payments_list, "unhandled_payment_get": unhandled_payment_get,
    "payments_match": payments_match, "unhandled_payment_delete": unhandled_payment_delete,
}
