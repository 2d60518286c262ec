"""Swish payment requests, and the payer who answers them in the Swish app (simulated).

`POST /v1/payments/swish/{ActionPublicId}?phone=&message=` (empty body) answers a CreatedView whose
PublicId is the request's token; `GET /v1/payments/swish/{token}` its SwishPaymentStatusView;
`DELETE /v1/payments/swish/{token}` withdraws one the payer has not answered.

The payer: by default they approve on the `after_polls`-th status read (so a bot following the
request sees it pending first); `outcome` may instead be Declined, Error, Cancelled or None (never
answers). Tests and demos set a request's status outright with `POST /_sandbox/swish/{token}` and the
payer with `POST /_sandbox/swish`. As in Swish, a request nobody answered expires after
EXPIRES_AFTER (status Error, code TM01). A paid request is a payment on the invoice.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from bot.billecta.dates import format_datetime, parse_datetime
from bot.importer_fields import FieldError, swish_number
from bot.money import format_amount
from bot.sandbox import incoming, journal, ledger, rules
from bot.sandbox.errors import bad_request, not_found
from bot.sandbox.invoices import load as load_invoice
from bot.sandbox.router import Request
from bot.sandbox.shapes import amount, clean_plain, complete
from bot.sandbox.state import Store
from bot.services.swish_form import SWISH_EXPIRES

# As in Swish: the payer has SWISH_EXPIRES (3 minutes) to approve a request, then it times out.
EXPIRES_AFTER = SWISH_EXPIRES
PHONE_MAX, MESSAGE_MAX = 20, 50
ANSWERS = ("Paid", "Declined", "Error", "Cancelled")
SETTABLE = (*ANSWERS, "Expired", "Refunded")
_ERRORS = {"Declined": ("RF07", "The payer declined the payment request."),
           "Error": ("BANKIDCL", "The payer cancelled BankID signing."),
           "Expired": ("TM01", "Swish timed out before the payment was started.")}
_PAYER_KEY = "swish_payer"
DEFAULT_PAYER = {"Outcome": "Paid", "AfterPolls": 2}


def payer(store: Store) -> dict[str, Any]:
    """How the simulated payer answers: {"Outcome": status or None, "AfterPolls": n}."""
    raw = store.meta(_PAYER_KEY)
    return {**DEFAULT_PAYER, **(json.loads(raw) if raw else {})}


def set_payer(store: Store, outcome: str | None, after_polls: int) -> dict[str, Any]:
    if outcome is not None and outcome not in ANSWERS:
        raise bad_request(f"Outcome must be one of {', '.join(ANSWERS)}, or null (the payer never answers).")
    if isinstance(after_polls, bool) or not isinstance(after_polls, int) or after_polls < 1:
        raise bad_request("AfterPolls must be a whole number of at least 1.")
    store.set_meta(_PAYER_KEY, json.dumps({"Outcome": outcome, "AfterPolls": after_polls}))
    return payer(store)


def _save(store: Store, doc: dict[str, Any]) -> None:
    view = doc["view"]
    store.put("swish", view["PaymentRequestToken"], doc, creditor=doc["CreditorPublicId"], key1=doc["ActionPublicId"],
              status=view["Status"])


def _load(store: Store, token: str) -> dict[str, Any]:
    doc = store.get("swish", token.upper())
    if doc is None:
        raise not_found("The Swish payment request does not exist.")
    return doc


def swish_request(store: Store, req: Request) -> dict[str, Any]:
    if req.body.strip():
        raise bad_request("Give phone and message in the query string; the body must be empty.")
    inv, now = load_invoice(store, req.params["aid"]), store.now()
    rules.require(rules.why_not_swish(inv, now))
    phone, message = req.query.get("phone") or "", req.query.get("message") or ""
    if not phone:
        raise bad_request("phone is required.")
    if len(phone) > PHONE_MAX:
        raise bad_request(f"phone can be at most {PHONE_MAX} characters.")
    if len(message) > MESSAGE_MAX:
        raise bad_request(f"The Swish message can be at most {MESSAGE_MAX} characters.")
    try:
        alias = swish_number(phone)
    except FieldError:
        raise bad_request("The phone number is not a Swedish mobile number (07… or +467…).") from None
    token = uuid.uuid4().hex.upper()
    view = complete("SwishPaymentStatusView", {"PaymentRequestToken": token, "Status": "Created",
                                               "Created": format_datetime(now),
                                               "Amount": amount(inv["amounts"]["current"], inv["currency"])})
    _save(store, {"view": view, "ActionPublicId": inv["ActionPublicId"], "CreditorPublicId": inv["CreditorPublicId"],
                  "PhoneNumber": alias, "Message": message, "polls": 0})
    inv["state"]["SwishPaymentPublicId"] = token
    journal.log(store, inv, "PaymentInitiated", f"Swish payment request sent to +{alias}", now,
                content=message or None)
    ledger.save_invoice(store, inv)
    return {"PublicId": token}


def swish_status(store: Store, req: Request) -> dict[str, Any]:
    doc = _load(store, req.params["token"])
    now = store.now()
    if doc["view"]["Status"] == "Created" and not expire(store, doc, now):
        doc["polls"] = int(doc.get("polls") or 0) + 1
        answer = payer(store)
        if answer["Outcome"] and doc["polls"] >= int(answer["AfterPolls"]):
            answered(store, doc, answer["Outcome"], now)
        else:
            _save(store, doc)
    return dict(doc["view"])


def swish_cancel(store: Store, req: Request) -> None:
    doc = _load(store, req.params["token"])
    expire(store, doc, store.now())
    status = doc["view"]["Status"]
    if status != "Created":
        raise bad_request(f"The Swish payment request cannot be cancelled: its status is {status}.")
    answered(store, doc, "Cancelled", store.now())


def expire(store: Store, doc: dict[str, Any], now: datetime) -> bool:
    """A request still unanswered EXPIRES_AFTER its creation times out, as in Swish."""
    created = parse_datetime(doc["view"]["Created"])
    if doc["view"]["Status"] != "Created" or now < created + EXPIRES_AFTER:
        return False
    answered(store, doc, "Expired", created + EXPIRES_AFTER)
    return True


def answered(store: Store, doc: dict[str, Any], status: str, at: datetime) -> None:
    """The payer (or Swish, or the creditor) settles the request; Paid lands on the invoice."""
    view = doc["view"]
    if status == "Refunded":
        if view["Status"] != "Paid":
            raise bad_request("Only a paid Swish request can be refunded.")
        view.update(Status="Refunded", RefundedAmount=view["Amount"])
        _save(store, doc)
        return
    if view["Status"] != "Created":
        raise bad_request(f"The Swish payment request is already {view['Status']}.")
    code, text = _ERRORS.get(status, (None, None))
    view.update(Status="Error" if status == "Expired" else status, ErrorCode=code, ErrorMessage=text)
    if status == "Paid":
        view["PaidDate"] = format_datetime(at)
    _save(store, doc)
    inv = store.get("invoice", doc["ActionPublicId"])
    if inv is None:
        return
    if status == "Paid":
        minor = view["Amount"]["Value"]
        ledger.pay_with_excess(store, inv, minor, at, reference="Swish", mean=incoming.SWISH,
                               title=f"Swish payment of {format_amount(minor, inv['currency'])} received")
    else:
        journal.log(store, inv, "PaymentInitiated", f"Swish payment request {view['Status'].lower()}", at,
                    content=text)
        ledger.save_invoice(store, inv)


def set_status(store: Store, req: Request) -> dict[str, Any]:
    """The sandbox's hook: `{"Status": "Paid"}` answers the request as the payer would."""
    status = clean_plain(req.object(), {"status": "Status"}).get("Status")
    if status not in SETTABLE:
        raise bad_request(f"Status must be one of {', '.join(SETTABLE)}.")
    doc = _load(store, req.params["token"])
    answered(store, doc, str(status), store.now())
    return dict(doc["view"])


def expire_all(store: Store, now: datetime) -> None:
    """The daily automation: requests left unanswered have timed out."""
    for doc in store.find("swish", status="Created"):
        expire(store, doc, now)


HANDLERS = {"swish_request": swish_request, "swish_status": swish_status, "swish_cancel": swish_cancel}
