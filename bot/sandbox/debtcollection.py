"""Debt-collection cases opened from a sent, overdue invoice, and their stages.

A case starts in DebtCollectionInvoiceSent with a claim due after its payment terms; the clock
moves it to DebtCollectionClaimDue on that date and to ReadyForBailiff `READY_FOR_BAILIFF_DAYS`
later. Each operation is gated by a `why_not_*` rule that also sets its `Can*` flag. The fee is
Sweden's statutory collection fee (180 SEK); interest runs from the invoice's due date to the day
the case is opened at the reference rate plus the agreed percentage (fixed thereafter).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from bot.billecta.dates import STOCKHOLM, format_datetime, parse_datetime
from bot.sandbox import journal, ledger, parties, rules
from bot.sandbox.errors import not_found
from bot.sandbox.invoice_actions import postpone_date
from bot.sandbox.invoice_view import file_view
from bot.sandbox.invoices import load as load_invoice
from bot.sandbox.invoices import ocr_for
from bot.sandbox.router import Request
from bot.sandbox.shapes import amount, clean, complete, decimal_of, enum_name, round_minor
from bot.sandbox.state import Store

Case = dict[str, Any]
READY_FOR_BAILIFF_DAYS = 10
COLLECTION_FEE_SEK = 18_000
REFERENCE_RATE = Decimal("2.0")  # the Riksbank reference rate, roughly; enough for a sandbox
# stage -> (following stage, scheduled event type, occurred event type, title, days until the one after)
_STEPS = {
    "DebtCollectionInvoiceSent": ("DebtCollectionClaimDue", "DebtCollectionDue", "DebtCollectionDue",
                                  "The debt collection claim is due", READY_FOR_BAILIFF_DAYS),
    "DebtCollectionClaimDue": ("ReadyForBailiff", "WillBeManagedForBailiffRegistration",
                               "ManagedForBailiffRegistration", "Ready to be sent to the bailiff", None),
}
_READY = ("ReadyForBailiff", "DebtCollectionClaimResponseRequested")
_PAST_DUE = ("DebtCollectionClaimDue", "DebtCollectionClaimResponseRequested", "ReadyForBailiff", "SentToBailiff",
             "VerdictObtained", "SentToBailiffEnforcement", "ReadyForAssistanceWithBailiff", "AssistedWithBailiff")


def load(store: Store, action_id: str) -> Case:
    case = store.get("debtcollection", action_id)
    if case is None:
        raise not_found(f"The debt collection case {action_id} does not exist.")
    return case


def stage(case: Case) -> str:
    return str(case["state"]["Stage"])


def _closed(case: Case) -> str | None:
    return {"Cancelled": "The debt collection case is cancelled.",
            "Completed": "The debt collection case is completed."}.get(stage(case))


def why_not_cancel(case: Case) -> str | None:
    return _closed(case)


def why_not_postpone(case: Case) -> str | None:
    return _closed(case) or (None if stage(case) in _STEPS else "The case has no upcoming step to postpone.")


def why_not_bailiff(case: Case) -> str | None:
    return _closed(case) or (None if stage(case) in _READY else "The case is not ready to be sent to the bailiff.")


def why_not_assistance(case: Case) -> str | None:
    ready = (*_READY, "ReadyForAssistanceWithBailiff")
    return _closed(case) or (None if stage(case) in ready else "The case is not ready for assistance with the bailiff.")


def why_not_surveillance(case: Case) -> str | None:
    if stage(case) == "LongTermSurveilance":
        return "The case is already in long-term surveillance."
    reason = "Only a case whose claim is past due can go to long-term surveillance."
    return _closed(case) or (None if stage(case) in _PAST_DUE else reason)


def current(case: Case) -> int:
    money = case["amounts"]
    return max(money["debt"] + money["fee"] + money["interest"] - money["paid"], 0)


def flags(case: Case) -> dict[str, bool]:
    return {
        "CanCancel": why_not_cancel(case) is None, "CanPostpone": why_not_postpone(case) is None,
        "CanSendToBailiff": why_not_bailiff(case) is None,
        "CanSendToLongTermSurveilance": why_not_surveillance(case) is None,
        "CanCredit": _closed(case) is None and current(case) > 0,
        "CanSendToBailiffEnforcement": _closed(case) is None and stage(case) == "VerdictObtained",
    }


def _interest(inv: dict[str, Any], entry: dict[str, Any], config: dict[str, Any]) -> tuple[str, Decimal, Decimal]:
    """(InterestType, the agreed percentage, the yearly rate it gives)."""
    kind = entry.get("InterestType") or inv["entry"].get("InterestType") or config["InterestType"]
    given = entry.get("InterestPercentage") or inv["entry"].get("InterestPercentage")
    percentage = decimal_of(given if given else config["InterestPercentage"])
    rate = {"Fixed": percentage, "AboveEffectiveReference": REFERENCE_RATE + percentage}.get(kind, Decimal(0))
    return kind, percentage, rate


def _new_case(store: Store, inv: dict[str, Any], entry: dict[str, Any], now: datetime) -> Case:
    config = parties.config(store, inv["CreditorPublicId"])
    terms = entry.get("PaymentTermsInDays") or config["DebtCollectionPaymentTermsInDays"] or 10
    kind, percentage, rate = _interest(inv, entry, config)
    late_days = (now.date() - rules.effective_due(inv).date()).days
    days = max(late_days - int(entry.get("InterestStartInDaysAfterDueDate", 0)), 0)
    debt, first, case_id = inv["amounts"]["current"], inv["docs"][0], store.new_action_id()
    claim_due = datetime.combine(now.date() + timedelta(days=terms), time(), STOCKHOLM)
    return {
        "ActionPublicId": case_id, "ActionType": "DebtCollectionAction", "CreditorPublicId": inv["CreditorPublicId"],
        "DebtorPublicId": inv["DebtorPublicId"], "InvoiceSourcePublicId": inv["ActionPublicId"],
        "Created": format_datetime(now), "currency": inv["currency"], "ocr": ocr_for(case_id),
        "claim_due": format_datetime(claim_due),
        "entry": {**entry, "PaymentTermsInDays": terms, "InterestType": kind, "InterestPercentage": float(percentage)},
        "original": {"InvoiceNumber": inv["InvoiceNumber"], "InvoiceDate": first["InvoiceDate"],
                     "DueDate": first["DueDate"], "amount": inv["amounts"]["invoiced"], "FileId": first["FileId"]},
        "amounts": {"debt": debt, "paid": 0, "fee": COLLECTION_FEE_SEK if inv["currency"] == "SEK" else 0,
                    "interest": round_minor(Decimal(debt) * rate / 100 * days / 365)},
        "state": complete("DebtCollectionActionStateView", {
            "Stage": "DebtCollectionInvoiceSent", "DebtCollectionInvoiceSentDate": format_datetime(now),
            "AttestedDate": format_datetime(now), "NextEventDate": format_datetime(claim_due)}),
    }


def open_case(store: Store, inv: dict[str, Any], entry: dict[str, Any], now: datetime,
              by: str = journal.API_USER) -> Case:
    """Send an invoice to debt collection; `entry` is a cleaned DebtCollectionFromInvoiceEntryView."""
    rules.require(rules.why_not_collect(inv, now))
    case = _new_case(store, inv, entry, now)
    case_id = case["ActionPublicId"]
    journal.log(store, case, "Created", f"Debt collection case created for invoice {inv['InvoiceNumber']}", now,
                by=by)
    method = entry.get("DeliveryMethod", "Email")
    journal.log(store, case, "DebtCollectionSent", f"Debt collection letter sent by {method}", now,
                by=journal.AUTOMATION)
    ledger.save_case(store, case)
    inv["stage_before_collection"] = inv["state"]["Stage"]
    inv["state"].update(Stage="SentToDebtCollection", SentToDebtCollectionDate=format_datetime(now))
    inv["DebtCollectionActionPublicId"] = case_id
    journal.log(store, inv, "SentToDebtCollection", f"Sent to debt collection (case {case_id})", now, by=by)
    ledger.save_invoice(store, inv)
    return case


def advance(store: Store, case: Case, now: datetime) -> None:
    """Move the case through the stages whose dates have passed (the clock's automation)."""
    while not case["state"]["IsPaused"] and stage(case) in _STEPS and case["state"]["NextEventDate"]:
        due = parse_datetime(case["state"]["NextEventDate"])
        if due > now:
            return
        following, _, occurred, title, days = _STEPS[stage(case)]
        case["state"]["Stage"] = following
        case["state"]["NextEventDate"] = format_datetime(due + timedelta(days=days)) if days else None
        journal.log(store, case, occurred, title, due, by=journal.AUTOMATION)
        ledger.save_case(store, case)


def set_stage(store: Store, case_id: str, stage_name: str) -> None:
    """The sandbox's own control: put a case in any stage (for demos and tests)."""
    case, now = load(store, case_id), store.now()
    name = enum_name("DebtCollectionActionStageTypeView", stage_name, "Stage")
    closed = name in ("Completed", "Cancelled")
    case["state"].update(Stage=name, ClosedDate=format_datetime(now) if closed else None,
                         NextEventDate=format_datetime(now + timedelta(days=READY_FOR_BAILIFF_DAYS))
                         if name in _STEPS else None)
    journal.log(store, case, "Updated", f"Stage set to {name} (sandbox)", now, by=journal.AUTOMATION)
    ledger.save_case(store, case)


def render(store: Store, case: Case, now: datetime) -> dict[str, Any]:
    state, cur, entry = case["state"], case["currency"], case["entry"]
    events = journal.action_events(store, case["ActionPublicId"])
    scheduled = None
    if stage(case) in _STEPS and state["NextEventDate"] and not state["IsPaused"]:
        _, kind, _, title, _ = _STEPS[stage(case)]
        scheduled = journal.scheduled(case["ActionPublicId"], kind, title, parse_datetime(state["NextEventDate"]))
        events.append(scheduled)
    debtor = store.get("debtor", case["DebtorPublicId"]) or {}
    money, original = case["amounts"], case["original"]
    claim = complete("DebtCollectionActionInvoiceView", {
        **{k: debtor.get(k) for k in ("Name", "Address", "Address2", "ZipCode", "City", "CountryCode")}, **entry,
        "InvoiceDate": case["Created"], "DueDate": case["claim_due"],
        "InvoiceNumber": original["InvoiceNumber"], "InvoiceDecription": "Debt collection claim",
        "InvoicedAmount": amount(money["debt"] + money["fee"] + money["interest"], cur), "OCR": case["ocr"],
    })
    config = parties.config(store, case["CreditorPublicId"])
    return complete("DebtCollectionActionView", {
        **entry, **flags(case), "ActionPublicId": case["ActionPublicId"], "Created": case["Created"],
        "CreditorPublicId": case["CreditorPublicId"], "Debtor": debtor or None,
        "OriginalInvoiceDate": original["InvoiceDate"], "OriginalDueDate": original["DueDate"],
        "OriginalInvoiceNumber": original["InvoiceNumber"], "OriginalAmount": amount(original["amount"], cur),
        "OriginalInvoiceFile": file_view(original["FileId"], f"Invoice_{original['InvoiceNumber']}.pdf"),
        "InterestTermsInDays": config["InterestTermsInDays"], "DebtAmount": amount(money["debt"], cur),
        "FeeAmount": amount(money["fee"], cur), "InterestAmount": amount(money["interest"], cur),
        "CurrentAmount": amount(current(case), cur), "Invoices": [claim], "Events": events,
        "State": complete("DebtCollectionActionStateView",
                          {**state, "NextEvent": scheduled["Title"] if scheduled else None}),
        "InvoiceSourcePublicId": case["InvoiceSourcePublicId"], "DebtCollectionActionSource": "InvoiceAction",
    })


# --- handlers --------------------------------------------------------------------------------------

def debtcollection_from_invoice(store: Store, req: Request) -> dict[str, str]:
    entry = clean("DebtCollectionFromInvoiceEntryView", req.object())
    inv = load_invoice(store, entry.pop("SourcePublicId", None), in_body=True)
    entry.pop("PaymentOverride", None)
    return {"PublicId": open_case(store, inv, entry, store.now())["ActionPublicId"]}


def debtcollection_get(store: Store, req: Request) -> dict[str, Any]:
    return render(store, load(store, req.params["aid"]), store.now())


def _act(store: Store, req: Request, rule: Any, new_stage: str | None, event: str, title: str) -> Case:
    case, now = load(store, req.params["aid"]), store.now()
    rules.require(rule(case))
    if new_stage is not None:
        case["state"].update(Stage=new_stage, NextEventDate=None)
    journal.log(store, case, event, title, now)
    ledger.save_case(store, case)
    return case


def debtcollection_postpone(store: Store, req: Request) -> None:
    case, now = load(store, req.params["aid"]), store.now()
    rules.require(why_not_postpone(case))
    current_date = parse_datetime(case["state"]["NextEventDate"]) if case["state"]["NextEventDate"] else None
    new_date = postpone_date(req, now, current_date)
    case["state"]["NextEventDate"] = format_datetime(new_date)
    journal.log(store, case, "Updated", f"Next event postponed to {new_date.date().isoformat()}", now)
    ledger.save_case(store, case)


def debtcollection_cancel(store: Store, req: Request) -> None:
    case = _act(store, req, why_not_cancel, "Cancelled", "Cancelled", "Debt collection cancelled")
    now = store.now()
    case["state"]["ClosedDate"] = format_datetime(now)
    ledger.save_case(store, case)
    inv = store.get("invoice", case["InvoiceSourcePublicId"])
    if inv is not None and inv["state"]["Stage"] == "SentToDebtCollection":
        inv["state"]["Stage"] = inv.pop("stage_before_collection", "InvoiceSent")
        journal.log(store, inv, "Updated", f"Debt collection case {case['ActionPublicId']} cancelled", now)
        ledger.save_invoice(store, inv)


def debtcollection_surveillance(store: Store, req: Request) -> None:
    _act(store, req, why_not_surveillance, "LongTermSurveilance", "LongTermSurveilance",
         "Sent to long-term surveillance")


def debtcollection_bailiff(store: Store, req: Request) -> None:
    case = _act(store, req, why_not_bailiff, "SentToBailiff", "SentToBailiff", "Sent to the bailiff (Kronofogden)")
    case["state"]["SentToBailiffDate"] = format_datetime(store.now())
    ledger.save_case(store, case)


def debtcollection_assistance_bailiff(store: Store, req: Request) -> None:
    case = _act(store, req, why_not_assistance, "AssistedWithBailiff", "SentToBailiff",
                "Sent for assistance with the bailiff (eviction)")
    case["state"]["SentToBailiffDate"] = format_datetime(store.now())
    ledger.save_case(store, case)


HANDLERS = {
    "debtcollection_from_invoice": debtcollection_from_invoice, "debtcollection_get": debtcollection_get,
    "debtcollection_postpone": debtcollection_postpone, "debtcollection_cancel": debtcollection_cancel,
    "debtcollection_surveillance": debtcollection_surveillance, "debtcollection_bailiff": debtcollection_bailiff,
    "debtcollection_assistance_bailiff": debtcollection_assistance_bailiff,
}
