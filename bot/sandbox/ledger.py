"""Money movements on invoices, in integer minor units: payments, credits, write-offs, completion,
and the unhandled payments (overpayments, unmatched payments, debtor balances) they leave behind.

An invoice's `amounts` hold invoiced, vat, current (the remaining balance), paid, credited and
written_off. When `current` reaches 0 the invoice is Completed with a ClosedDate; if it was in debt
collection, the case is completed too (the sandbox waives the case's remaining fees and interest).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.billecta.dates import format_datetime
from bot.money import format_amount
from bot.sandbox import incoming, journal
from bot.sandbox.shapes import amount, complete
from bot.sandbox.state import Store

Invoice = dict[str, Any]


def invoice_status(inv: Invoice) -> str:
    stage = inv["state"]["Stage"]
    return "draft" if stage == "Created" else "closed" if stage in ("Completed", "Cancelled") else "open"


def save_invoice(store: Store, inv: Invoice) -> None:
    store.put("invoice", inv["ActionPublicId"], inv, creditor=inv["CreditorPublicId"], parent=inv["DebtorPublicId"],
              key1=inv["InvoiceNumber"], key2=inv.get("ocr"), status=invoice_status(inv))


def save_case(store: Store, case: dict[str, Any]) -> None:
    closed = case["state"]["Stage"] in ("Completed", "Cancelled")
    store.put("debtcollection", case["ActionPublicId"], case, creditor=case["CreditorPublicId"],
              parent=case["DebtorPublicId"], key1=case["InvoiceSourcePublicId"], status="closed" if closed else "open")


def money(inv: Invoice, minor: int) -> str:
    return format_amount(minor, inv["currency"])


def settle(store: Store, inv: Invoice, at: datetime) -> None:
    """Complete the invoice (and its debt-collection case) once nothing remains to pay."""
    if inv["amounts"]["current"] != 0 or inv["state"]["Stage"] in ("Created", "Completed", "Cancelled"):
        return
    inv["state"]["Stage"] = "Completed"
    inv["state"]["ClosedDate"] = format_datetime(at)
    journal.log(store, inv, "Completed", "Invoice completed", at, by=journal.AUTOMATION)
    case = store.get("debtcollection", inv.get("DebtCollectionActionPublicId") or "")
    if case is not None and case["state"]["Stage"] not in ("Completed", "Cancelled"):
        case["state"]["Stage"] = "Completed"
        case["state"]["ClosedDate"] = format_datetime(at)
        case["state"]["NextEventDate"] = None
        journal.log(store, case, "Completed", "Debt collection completed: the invoice is settled", at,
                    by=journal.AUTOMATION)
        save_case(store, case)


def _reduce(store: Store, inv: Invoice, minor: int, bucket: str) -> None:
    inv["amounts"]["current"] -= minor
    inv["amounts"][bucket] += minor
    case = store.get("debtcollection", inv.get("DebtCollectionActionPublicId") or "")
    if case is not None and case["state"]["Stage"] not in ("Completed", "Cancelled"):
        case["amounts"]["paid"] += minor
        save_case(store, case)


def pay(store: Store, inv: Invoice, minor: int, at: datetime, *, mean: str, paid_on: datetime | None = None,
        title: str | None = None, content: str | None = None, reference: str | None = None,
        by: str = journal.API_USER) -> None:
    """Register `minor` (at most the remaining amount) as paid on the invoice, applied `at` and paid on
    `paid_on` (default `at`) by the payment mean `mean` (bot.sandbox.incoming): listed as an incoming payment."""
    _reduce(store, inv, minor, "paid")
    incoming.note(store, inv, minor, at, paid_on=paid_on, mean=mean, reference=reference, by=by)
    journal.log(store, inv, "Paid", title or f"Payment of {money(inv, minor)} registered", at,
                content=content, reference=reference, by=by)
    settle(store, inv, at)


def write_off(store: Store, inv: Invoice, minor: int, at: datetime, *, content: str | None = None) -> None:
    _reduce(store, inv, minor, "written_off")
    journal.log(store, inv, "WrittenOff", f"{money(inv, minor)} written off", at, content=content)
    settle(store, inv, at)


def credit(store: Store, inv: Invoice, minor: int, at: datetime, *, title: str | None = None,
           content: str | None = None) -> None:
    _reduce(store, inv, minor, "credited")
    journal.log(store, inv, "Credited", title or f"Credited {money(inv, minor)}", at, content=content)
    settle(store, inv, at)


def save_unhandled(store: Store, doc: dict[str, Any]) -> None:
    store.put("unhandled", doc["UnhandledPaymentPublicId"], doc, creditor=doc["CreditorPublicId"],
              parent=doc.get("DebtorPublicId"), key1=doc.get("Reference"), status=doc["State"])


def new_unhandled(store: Store, creditor_id: str, minor: int, currency: str, at: datetime, *, kind: str,
                  reference: str | None, sender_name: str | None = None, debtor_id: str | None = None,
                  source: Invoice | None = None, payment_date: datetime | None = None,
                  sender: dict[str, Any] | None = None) -> dict[str, Any]:
    """Record an unhandled payment (UnmatchedPayment, OverPayment or BalanceFromInvoice); `sender`: what
    the bank told of the payer besides the name (SenderBankgiroNo, SenderOrgNo, SenderAddress, ...)."""
    creditor_doc = store.get("creditor", creditor_id) or {}
    details = None
    if source is not None:
        details = {"ActionType": source["ActionType"], "ActionPublicId": source["ActionPublicId"],
                   "InvoiceNumber": source["InvoiceNumber"], "UsedOnActionPublicId": None}
    doc = complete("UnhandledPaymentView", {
        "CreditorPublicId": creditor_id, "UnhandledPaymentPublicId": store.new_guid("unhandled"),
        "CreditorName": creditor_doc.get("Name"), "SenderName": sender_name, "DebtorPublicId": debtor_id,
        "Amount": amount(minor, currency), "PaymentDate": format_datetime(payment_date or at),
        "Reference": reference, "CreatedBy": journal.AUTOMATION, "UnhandledPaymentType": kind,
        "OverpaymentDetails": details, "AdditionalInformations": [], "State": "Unhandled", **(sender or {}),
    })
    save_unhandled(store, doc)
    return doc


def pay_with_excess(store: Store, inv: Invoice, minor: int, at: datetime, *, reference: str | None, mean: str,
                    sender_name: str | None = None, title: str | None = None,
                    payment_date: datetime | None = None) -> tuple[int, dict[str, Any] | None]:
    """Apply an incoming amount to an invoice; what exceeds the remaining amount (all of it when the
    invoice is closed) becomes an OverPayment for the debtor. Returns (applied, overpayment)."""
    remaining = inv["amounts"]["current"] if inv["state"]["Stage"] not in ("Completed", "Cancelled") else 0
    applied = min(minor, max(remaining, 0))
    if applied > 0:
        pay(store, inv, applied, at, mean=mean, paid_on=payment_date, title=title, reference=reference,
            by=journal.AUTOMATION)
    excess = minor - applied
    overpayment = None
    if excess > 0:
        overpayment = overpay(store, inv, excess, at, reference=reference, sender_name=sender_name,
                              payment_date=payment_date, by=journal.AUTOMATION)
    save_invoice(store, inv)
    return applied, overpayment


def overpay(store: Store, inv: Invoice, excess: int, at: datetime, *, reference: str | None,
            sender_name: str | None = None, payment_date: datetime | None = None,
            by: str = journal.API_USER) -> dict[str, Any]:
    """Keep what was paid beyond the remaining amount as an OverPayment for the invoice's debtor."""
    doc = new_unhandled(store, inv["CreditorPublicId"], excess, inv["currency"], at, kind="OverPayment",
                        reference=reference, sender_name=sender_name, debtor_id=inv["DebtorPublicId"],
                        source=inv, payment_date=payment_date)
    journal.log(store, inv, "OverPayment", f"Overpayment of {money(inv, excess)} kept as an unhandled payment",
                at, by=by, reference=reference)
    return doc
