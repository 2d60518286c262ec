"""Incoming payments: every payment applied to an invoice, as Billecta lists them afterwards
(`PUT /v1/payments/incomingpayments`, an `IncomingPaymentRequestView` in, `IncomingPaymentView`s out).

Whatever lands on an invoice through `ledger.pay` (a registered payment, a matched unhandled payment
or debtor balance, a Swish payment, a bank payment by OCR) is kept here once with its own
PaymentReferenceId, stored as a document of kind "incoming" (key1: the Stockholm day it was paid on).
The list answers those of the creditor paid From..To, both Stockholm days included; the call only
reads, although it is a PUT.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.billecta.dates import STOCKHOLM, format_datetime, parse_datetime
from bot.sandbox import parties
from bot.sandbox.errors import bad_request
from bot.sandbox.router import Request
from bot.sandbox.shapes import amount, clean, complete
from bot.sandbox.state import Store

# The sandbox's payment means (Billecta's are the creditor's own codes, shared/billecta-api.md §3):
# a bank payment by OCR, Swish, one registered by hand without a code, a debtor's balance used.
BANKGIRO, SWISH, MANUAL, BALANCE = "BG", "SWISH", "MANUAL", "BALANCE"


def note(store: Store, inv: dict[str, Any], minor: int, at: datetime, *, paid_on: datetime | None,
         mean: str, reference: str | None, by: str) -> dict[str, Any]:
    """Keep one payment of `minor` on `inv`, paid on `paid_on` (default `at`, when it was applied)."""
    debtor = store.get("debtor", inv["DebtorPublicId"]) or {}
    paid = paid_on or at
    doc = complete("IncomingPaymentView", {
        "CreditorPublicId": inv["CreditorPublicId"], "InvoiceNumber": inv["InvoiceNumber"],
        "ActionPublicId": inv["ActionPublicId"], "ActionType": inv["ActionType"],
        "DebtorPublicId": inv["DebtorPublicId"], "DebtorName": debtor.get("Name"),
        "Amount": amount(minor, inv["currency"]), "CreatedDate": format_datetime(at),
        "PaymentDate": format_datetime(paid), "PaymentMeanCode": mean,
        "PaymentReferenceId": store.new_guid("incoming"), "ExternalReference": inv["entry"].get("ExternalReference"),
        "OCR": reference or inv.get("ocr"), "CreatedBy": by, "IsReminderPayment": False,
    })
    store.put("incoming", doc["PaymentReferenceId"], doc, creditor=inv["CreditorPublicId"],
              parent=inv["ActionPublicId"], key1=_day(doc["PaymentDate"]).isoformat(), status=mean)
    return doc


def incoming_payments(store: Store, req: Request) -> list[dict[str, Any]]:
    body = clean("IncomingPaymentRequestView", req.object())
    cid = parties.creditor(store, body.get("CreditorPublicId"), in_body=True)["CreditorPublicId"]
    if not body.get("From") or not body.get("To"):
        raise bad_request("From and To are required.")
    since, until = _day(body["From"]), _day(body["To"])
    actions = set(body.get("ActionPublicIdFilter") or ())
    means = {code.upper() for code in body.get("PaymentMeanCodeFilter") or ()}
    if body.get("ProjectNumberFilter"):
        return []  # the sandbox's invoices have no project: no payment belongs to one
    found = [doc for doc in store.find("incoming", creditor=cid)
             if since <= _day(doc["PaymentDate"]) <= until
             and (not actions or doc["ActionPublicId"] in actions)
             and (not means or (doc["PaymentMeanCode"] or "").upper() in means)]
    return sorted(found, key=lambda doc: (parse_datetime(doc["PaymentDate"]), parse_datetime(doc["CreatedDate"])))


def _day(value: str) -> date:
    return parse_datetime(value).astimezone(STOCKHOLM).date()


HANDLERS = {"incoming_payments": incoming_payments}
