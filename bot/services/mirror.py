"""Billecta's side in the store: turn views into mirror rows and resolve targets, store first.

An invoice, debt-collection case or payment the store does not know yet (made in Billecta's own
portal, say) is looked up in Billecta and mirrored, so any record the creditor has can be a target.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot import records
from bot.billecta.dates import format_datetime
from bot.billecta.models import (
    DebtCollectionActionView,
    InvoiceActionSubView,
    InvoiceActionView,
    UnhandledPaymentView,
)
from bot.errors import BillectaNotFound, NotFound, echo
from bot.records import GUID, By, RecordType, Side

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from bot.store import Store


def _when(value: Any) -> str | None:
    return format_datetime(value) if value is not None else None


def invoice_values(view: InvoiceActionView) -> dict[str, Any]:
    first = view.invoices[0] if view.invoices else None
    return {
        "action_public_id": view.action_public_id,
        "invoice_number": view.invoice_number or (first.invoice_number if first else None),
        "action_type": view.action_type.value,
        "debtor_public_id": view.debtor.debtor_public_id if view.debtor else None,
        "debtor_name": view.debtor.name if view.debtor else None,
        "stage": view.state.stage.value,
        "is_paused": int(view.state.is_paused),
        "is_disputed": int(view.is_disputed),
        "currency": view.invoiced_amount.currency_code,
        "invoiced_amount": view.invoiced_amount.value,
        "current_amount": view.current_amount.value,
        "credited_amount": view.credited_amount.value,
        "paid_amount": view.paid_amount.value,
        "write_off_amount": view.write_off_amount.value,
        "invoice_date": _when(view.invoice_date),
        "due_date": _when(view.due_date),
        "closed_date": _when(view.state.closed_date),
        "next_event": view.state.next_event,
        "next_event_date": _when(view.state.next_event_date),
        "ocr": first.ocr if first else None,
        "file_public_id": first.invoice_file.file_public_id if first and first.invoice_file else None,
        "debt_collection_action_public_id": view.debt_collection_action_public_id,
        "reminder_invoice_action_public_id": view.reminder_invoice_action_public_id,
        # The whole view, so a dialog's form can be drawn from the store alone (stored_view).
        "raw": view.model_dump(mode="json", by_alias=True),
    }


def invoice_values_from_row(sub: InvoiceActionSubView) -> dict[str, Any]:
    return {
        "action_public_id": sub.action_public_id,
        "invoice_number": sub.invoice_number,
        "action_type": sub.action_type.value,
        "debtor_public_id": sub.debtor_public_id,
        "debtor_name": sub.debtor_name,
        "stage": sub.stage.value,
        "is_paused": int(sub.is_paused),
        "is_disputed": int(sub.is_disputed),
        "currency": sub.current_amount.currency_code,
        "invoiced_amount": sub.invoiced_amount.value,
        "current_amount": sub.current_amount.value,
        "invoice_date": _when(sub.invoice_date),
        "due_date": _when(sub.due_date),
        "closed_date": _when(sub.closed_date),
        "next_event": sub.next_event,
        "next_event_date": _when(sub.next_event_date),
        "ocr": sub.ocr,
        "debt_collection_action_public_id": sub.debt_collection_action_public_id,
        "reminder_invoice_action_public_id": sub.reminder_invoice_action_public_id,
    }


def mirror_invoice(rt: Runtime, view: InvoiceActionView) -> dict[str, Any]:
    return rt.store.mirror("invoice", "action_public_id", invoice_values(view))


# What a list row says that the whole view it may replace must agree with for the view to stay.
_LISTED = ("stage", "is_paused", "is_disputed", "currency", "current_amount", "invoiced_amount", "due_date",
           "next_event", "next_event_date", "closed_date", "debt_collection_action_public_id",
           "reminder_invoice_action_public_id")


def mirror_invoice_row(rt: Runtime, sub: InvoiceActionSubView) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Mirror a list row (the pull's, a debtor's open invoices) as (the row before, after). The whole
    view stored beside it is kept while the list says what it said, and dropped once they differ: a
    form drawn from a view the list contradicts would show an old state as current."""
    values = invoice_values_from_row(sub)
    before = rt.store.find_by("invoice", "action_public_id", sub.action_public_id)
    if before is not None and before.get("raw") and any(before.get(k) != values[k] for k in _LISTED if k in values):
        values["raw"] = None
    return before, rt.store.mirror("invoice", "action_public_id", values)


def stored_view(record: dict[str, Any]) -> InvoiceActionView | None:
    """The invoice as Billecta last showed it whole, from its mirror row; None when only a list row is known."""
    raw = record.get("raw")
    if not raw or not record.get("last_synced_at"):
        return None
    try:
        return InvoiceActionView.model_validate_json(raw) if isinstance(raw, str) else \
            InvoiceActionView.model_validate(raw)
    except ValueError:  # stored by an older model: read it fresh instead
        return None


def debtcollection_values(view: DebtCollectionActionView, invoice_number: str | None) -> dict[str, Any]:
    return {
        "action_public_id": view.action_public_id,
        "invoice_action_public_id": view.invoice_source_public_id,
        "invoice_number": view.original_invoice_number or invoice_number,
        "debtor_name": view.debtor.name if view.debtor else None,
        "stage": view.state.stage.value,
        "currency": view.current_amount.currency_code,
        "current_amount": view.current_amount.value,
        "next_event": view.state.next_event,
        "next_event_date": _when(view.state.next_event_date),
        "closed_date": _when(view.state.closed_date),
    }


def mirror_debtcollection(rt: Runtime, view: DebtCollectionActionView) -> dict[str, Any]:
    invoice = rt.store.find_by("invoice", "debt_collection_action_public_id", view.action_public_id)
    number = invoice["invoice_number"] if invoice else None
    return rt.store.mirror("debtcollection", "action_public_id", debtcollection_values(view, number))


def payment_values(view: UnhandledPaymentView) -> dict[str, Any]:
    used_on = (view.overpayment_details or {}).get("UsedOnActionPublicId")
    return {
        # A payment used on an invoice lives on that invoice: its log is the invoice's.
        **({"action_public_id": used_on} if used_on else {}),
        "billecta_id": view.unhandled_payment_public_id,
        "kind": "unhandled",
        "payment_type": view.unhandled_payment_type.value,
        "state": view.state.value,
        "amount": view.amount.value,
        "currency": view.amount.currency_code,
        "payment_date": _when(view.payment_date),
        "reference": view.reference,
        "sender_name": view.sender_name,
        "debtor_public_id": view.debtor_public_id,
        "sender_org_no": view.sender_org_no,
        "sender_address": sender_address(view),
        "sender_bankgiro_no": view.sender_bankgiro_no,
        "source_invoice_number": (view.overpayment_details or {}).get("InvoiceNumber"),
    }


def sender_address(view: UnhandledPaymentView) -> str | None:
    """'Storgatan 1, 111 22 Stockholm', from the parts the bank gave (None when it gave none)."""
    town = " ".join(part for part in (view.sender_zip_code, view.sender_city) if part)
    return ", ".join(part for part in (view.sender_address, town) if part) or None


def mirror_payment(rt: Runtime, view: UnhandledPaymentView) -> dict[str, Any]:
    return rt.store.mirror("payment", "billecta_id", payment_values(view))


def resolve(rt: Runtime, record_type: str, key: str) -> dict[str, Any]:
    """The record `key` names, by each of the forms its type's row lists (bot.records), store first;
    a mirror type the store does not know is looked up in Billecta and mirrored."""
    kind = records.get(record_type)
    key = key.strip()
    row = in_store(rt.store, kind, key)
    if row is None and kind.side is Side.MIRROR:
        row = FROM_BILLECTA[kind.name](rt, key)
    if row is None:
        raise NotFound(kind.unresolved(echo(key)))
    return row


def known(rt: Runtime, record_type: str, key: str) -> dict[str, Any] | None:
    """The record if the store knows it, without asking Billecta; None otherwise."""
    return in_store(rt.store, records.get(record_type), key.strip())


def in_store(store: Store, kind: RecordType, key: str) -> dict[str, Any] | None:
    for by in kind.by:
        if by is By.LOCAL_ID:
            row = store.get(kind.name, int(key)) if key.isdigit() else None
        else:
            row = store.find_by(kind.name, kind.column(by), key)
        if row is not None:
            return row
    return None


def resolve_invoice(rt: Runtime, key: str) -> dict[str, Any]:
    return resolve(rt, "invoice", key)


def resolve_source(rt: Runtime, record_type: str, key: str) -> dict[str, Any]:
    """A source record (article, debtor, creditor, order, orderrow) by its local or Billecta id."""
    return resolve(rt, record_type, str(key))


def _invoice_from_billecta(rt: Runtime, key: str) -> dict[str, Any] | None:
    view = rt.billecta.find_invoice_by_number(key)
    if view is None and key.isdigit():
        view = _get_or_none(lambda: rt.billecta.get_invoice(key))
    return mirror_invoice(rt, view) if view is not None else None


def _case_from_billecta(rt: Runtime, key: str) -> dict[str, Any] | None:
    """The case by its id, else the invoice by number (the store's, else Billecta's) and the case it was sent to."""
    invoice = rt.store.find_by("invoice", "invoice_number", key)
    if invoice is not None and invoice["debt_collection_action_public_id"]:
        view = _get_or_none(lambda: rt.billecta.get_debt_collection(invoice["debt_collection_action_public_id"]))
    else:
        view = _get_or_none(lambda: rt.billecta.get_debt_collection(key))
        if view is None and invoice is None and (found := rt.billecta.find_invoice_by_number(key)) is not None:
            case_id = mirror_invoice(rt, found)["debt_collection_action_public_id"]
            view = _get_or_none(lambda: rt.billecta.get_debt_collection(case_id)) if case_id else None
    return mirror_debtcollection(rt, view) if view is not None else None


def _payment_from_billecta(rt: Runtime, key: str) -> dict[str, Any] | None:
    view = _get_or_none(lambda: rt.billecta.get_unhandled_payment(key)) if GUID.match(key) else None
    return mirror_payment(rt, view) if view is not None else None


# How each mirror type is found in Billecta when the store does not know it.
FROM_BILLECTA: dict[str, Callable[[Runtime, str], dict[str, Any] | None]] = {
    "invoice": _invoice_from_billecta, "debtcollection": _case_from_billecta, "payment": _payment_from_billecta,
}


def _get_or_none(call: Any) -> Any:
    try:
        return call()
    except BillectaNotFound:
        return None
