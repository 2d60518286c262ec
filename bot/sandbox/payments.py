"""Unhandled payments (list, get, match to invoices, delete), incoming bank payments and Swish.

An incoming payment is matched on its reference (OCR or invoice number) to an open invoice and
registered there; what exceeds the remaining amount becomes an OverPayment, and a payment that
matches nothing stays an UnmatchedPayment. A Swish request is paid one sandbox day after it is made.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from bot.billecta.dates import format_datetime, parse_datetime
from bot.money import format_amount
from bot.sandbox import journal, ledger, parties, rules
from bot.sandbox.errors import ApiError, bad_request, not_found
from bot.sandbox.invoices import load as load_invoice
from bot.sandbox.router import Request
from bot.sandbox.shapes import amount, clean, clean_plain, complete, enum_name, guid
from bot.sandbox.state import Store

_BALANCES = ("OverPayment", "ManualBalance", "BalanceFromInvoice")
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
    what = "Debtor balance" if payment["UnhandledPaymentType"] in _BALANCES else "Unhandled payment"
    ledger.pay(store, inv, used, now, title=f"{what} of {ledger.money(inv, used)} used on the invoice",
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
    rest = ledger.new_unhandled(
        store, cid, total - used, inv["currency"], now, kind=payment["UnhandledPaymentType"],
        reference=payment["Reference"], sender_name=payment["SenderName"], debtor_id=payment["DebtorPublicId"],
        payment_date=parse_datetime(payment["PaymentDate"]))
    if source:  # the rest is still the balance of the same credit invoice (or overpaid invoice)
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
                      sender_name: str | None, currency: str = "SEK") -> dict[str, Any]:
    """A bank payment arriving: registered on the invoice it names, or kept as an unhandled payment."""
    if minor <= 0:
        raise bad_request("The amount must be more than zero.")
    now = store.now()
    inv = _invoice_for(store, creditor_id, reference, currency.upper())
    if inv is None:
        doc = ledger.new_unhandled(store, creditor_id, minor, currency.upper(), now, kind="UnmatchedPayment",
                                   reference=reference, sender_name=sender_name, payment_date=payment_date)
        return {"Outcome": "Unmatched", "ActionPublicId": None, "InvoiceNumber": None, "AppliedAmount": 0,
                "UnhandledPaymentPublicId": doc["UnhandledPaymentPublicId"], "UnhandledAmount": minor}
    applied, over = ledger.pay_with_excess(
        store, inv, minor, now, reference=reference, sender_name=sender_name, payment_date=payment_date,
        title=f"Payment of {format_amount(minor, inv['currency'])} received")
    outcome = "Paid" if over is None else "PaidWithOverPayment" if applied else "OverPayment"
    return {"Outcome": outcome, "ActionPublicId": inv["ActionPublicId"],
            "InvoiceNumber": inv["InvoiceNumber"], "AppliedAmount": applied, "UnhandledAmount": minor - applied,
            "UnhandledPaymentPublicId": over["UnhandledPaymentPublicId"] if over else None}


# --- Swish -----------------------------------------------------------------------------------------

def _save_swish(store: Store, doc: dict[str, Any]) -> None:
    view = doc["view"]
    store.put("swish", view["PaymentRequestToken"], doc, creditor=doc["CreditorPublicId"], key1=doc["ActionPublicId"],
              status=view["Status"])


def swish_request(store: Store, req: Request) -> dict[str, Any]:
    body = clean_plain(req.object(), {"actionpublicid": "ActionPublicId", "phonenumber": "PhoneNumber",
                                      "message": "Message"})
    inv, now = load_invoice(store, body.get("ActionPublicId"), in_body=True), store.now()
    rules.require(rules.why_not_swish(inv, now))
    digits = re.sub(r"[\s\-()]", "", str(body.get("PhoneNumber") or "")).removeprefix("+").removeprefix("00")
    mobile = _MOBILE.match(digits)
    if mobile is None:
        raise bad_request("The phone number is not a Swedish mobile number (07… or +467…).")
    message = str(body.get("Message") or f"Invoice {inv['InvoiceNumber']}")
    if len(message) > 50:
        raise bad_request("The Swish message can be at most 50 characters.")
    token = uuid.uuid4().hex.upper()
    view = complete("SwishPaymentStatusView", {"PaymentRequestToken": token, "Status": "Created",
                                               "Created": format_datetime(now),
                                               "Amount": amount(inv["amounts"]["current"], inv["currency"])})
    doc = {"view": view, "ActionPublicId": inv["ActionPublicId"], "CreditorPublicId": inv["CreditorPublicId"],
           "PhoneNumber": "46" + mobile[1], "Message": message}
    _save_swish(store, doc)
    inv["state"]["SwishPaymentPublicId"] = token
    journal.log(store, inv, "PaymentInitiated", f"Swish payment request sent to +46{mobile[1][1:]}", now,
                content=message)
    ledger.save_invoice(store, inv)
    return view


def swish_status(store: Store, req: Request) -> dict[str, Any]:
    doc = store.get("swish", req.params["token"].upper())
    if doc is None:
        raise not_found("The Swish payment request does not exist.")
    return dict(doc["view"])


def settle_swish(store: Store, doc: dict[str, Any], now: datetime) -> None:
    """The payer approves in the Swish app a day after the request; the payment lands on the invoice."""
    view = doc["view"]
    paid_at = parse_datetime(view["Created"]) + timedelta(days=1)
    if now.date() < paid_at.date():
        return
    inv = store.get("invoice", doc["ActionPublicId"])
    view.update(Status="Paid", PaidDate=format_datetime(paid_at))
    _save_swish(store, doc)
    if inv is not None:
        minor = view["Amount"]["Value"]
        ledger.pay_with_excess(store, inv, minor, paid_at, reference="Swish",
                               title=f"Swish payment of {format_amount(minor, inv['currency'])} received")


HANDLERS = {
    "unhandled_payments_list": unhandled_payments_list, "unhandled_payment_get": unhandled_payment_get,
    "payments_match": payments_match, "unhandled_payment_delete": unhandled_payment_delete,
    "swish_request": swish_request, "swish_status": swish_status,
}
