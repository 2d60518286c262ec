"""On the embedded sandbox: link the store's records to the sandbox's demo data.

Debtors and products whose Billecta external id is a local id are the same records: a store record
with that id gets the Billecta id (and is marked changed, so the next upsert pushes local edits);
a missing one is created already synced. A draft invoice whose ExternalReference is `order:<id>`
is that order, with its rows (order commands act on it). The creditor becomes creditor 1 and
Billecta's side is pulled into the mirror, so every command has something to act on straight away.
Runs once per sandbox (an idempotency key remembers it), whatever was imported before.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.billecta import enums
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import InvoiceActionRecordView, InvoiceActionView
from bot.store import SyncStatus

if TYPE_CHECKING:
    from bot.runtime import Runtime


def mirror_demo_into_store(rt: Runtime) -> None:
    if not rt.store.claim(f"demo-linked:{rt.billecta.creditor_id}"):
        return
    from bot.services.pull import pull

    for debtor in rt.billecta.list_debtors():
        _link(rt, "debtor", debtor.debtor_external_id, debtor.debtor_public_id, lambda d=debtor: {
            "name": d.name, "org_no": d.org_no, "debtor_type": d.debtor_type.value, "email": d.email,
            "phone": d.phone, "address": d.address, "zip_code": d.zip_code, "city": d.city,
            "country_code": d.country_code, "contact_name": d.contact_name,
        })
    for product in rt.billecta.list_products():
        _link(rt, "article", product.product_external_id, product.product_public_id, lambda p=product: {
            "name": p.description, "article_number": p.article_number, "unit_price": f"{p.unit_price:.2f}",
            "vat_rate": str(p.vat.normalize()), "unit": p.units, "product_type": p.product_type.value,
            "is_active": int(p.is_active),
        })
    _creditor(rt)
    _orders(rt)
    pull(rt)


def _link(rt: Runtime, table: str, external_id: str | None, billecta_id: str | None, values: Any) -> None:
    if not (external_id or "").isdigit() or not billecta_id:
        return
    record_id = int(external_id or 0)
    existing = rt.store.get(table, record_id)
    if existing is None:
        rt.store.upsert_records(table, [{"id": record_id, **values()}])
        rt.store.mark_synced(table, record_id, billecta_id)
    elif not existing.get("billecta_id"):
        rt.store.update(table, record_id, {"billecta_id": billecta_id, "sync_status": SyncStatus.CHANGED})


def _creditor(rt: Runtime) -> None:
    if rt.store.get("creditor", 1) is not None:
        return
    creditor = rt.billecta.get_creditor()
    config = rt.billecta.get_default_config()
    fee, interest = config.reminder_invoice_fee, config.interest_percentage
    rt.store.upsert_records("creditor", [{
        "id": 1, "name": creditor.name, "org_no": creditor.org_no, "vat_number": creditor.vat_number,
        "address": creditor.address, "zip_code": creditor.zip_code, "city": creditor.city,
        "country_code": creditor.country_code, "phone": creditor.phone,
        "reminder_fee": f"{fee:.2f}" if fee is not None else None,
        "payment_terms_days": config.invoice_payment_terms_in_days,
        "interest_percentage": str(interest) if interest is not None else None,
        "delivery_method": config.delivery_method.value if config.delivery_method else None,
        "our_reference": config.our_reference,
    }])
    rt.store.mark_synced("creditor", 1, creditor.creditor_public_id)


def _orders(rt: Runtime) -> None:
    """The debtors' drafts that carry `order:<id>` (the reference the order upsert gives its draft)."""
    for debtor in rt.store.rows("debtor", "billecta_id IS NOT NULL", order_by="id"):
        for row in rt.billecta.open_invoices_by_debtor(debtor["billecta_id"]):
            if row.stage is not enums.InvoiceStage.Created:
                continue
            view = rt.billecta.get_invoice(row.action_public_id)
            reference = view.external_reference or ""
            if reference.startswith("order:") and reference[6:].isdigit():
                _link_order(rt, int(reference[6:]), debtor["id"], view)


def _link_order(rt: Runtime, order_id: int, debtor_id: int, view: InvoiceActionView) -> None:
    existing = rt.store.get("order", order_id)
    if existing is not None:
        if not existing.get("billecta_id"):
            rt.store.update("order", order_id, {"billecta_id": view.action_public_id,
                                                "sync_status": SyncStatus.CHANGED})
        return
    invoice_date = view.invoice_date.astimezone(STOCKHOLM).date() if view.invoice_date else None
    due_date = view.due_date.astimezone(STOCKHOLM).date() if view.due_date else None
    with rt.store.transaction():
        rt.store.upsert_records("order", [{
            "id": order_id, "debtor_id": debtor_id, "order_date": invoice_date.isoformat() if invoice_date else None,
            "payment_terms_days": (due_date - invoice_date).days if invoice_date and due_date else None,
            "our_reference": view.our_reference, "your_reference": view.your_reference,
            "delivery_method": view.delivery_method.value if view.delivery_method else None,
            "currency": view.invoiced_amount.currency_code or "SEK",
        }])
        # Row ids far above an import's (order 1010: rows 101001, …), so importing example rows later
        # never takes these over.
        rows = [_order_row(rt, order_id * 100 + n, order_id, record) for n, record in enumerate(view.records, 1)]
        rt.store.upsert_records("orderrow", rows)
        rt.store.mark_synced("order", order_id, view.action_public_id)


def _order_row(rt: Runtime, row_id: int, order_id: int, record: InvoiceActionRecordView) -> dict[str, Any]:
    article = rt.store.find_by("article", "billecta_id", record.product_public_id) if record.product_public_id \
        else None
    if record.record_type is enums.RecordType.Message:
        return {"id": row_id, "order_id": order_id, "quantity": "1", "description": record.article_description,
                "record_type": record.record_type.value}
    return {
        "id": row_id, "order_id": order_id, "article_id": article["id"] if article else None,
        "quantity": _plain(record.quantity),
        "unit_price": f"{record.unit_price.amount:.2f}" if record.unit_price else None,
        "vat_rate": _plain(record.vat),
        "description": None if article and record.article_description == article["name"]
        else record.article_description,
        "record_type": record.record_type.value,
    }


def _plain(number: Decimal) -> str:
    """'4', '2.5': the way the importer stores numbers."""
    return format(Decimal(number).normalize(), "f")
