"""On the embedded sandbox: link the store's records to the sandbox's demo data.

Debtors and products whose Billecta external id is a local id are the same records: a store record
with that id gets the Billecta id (and is marked changed, so the next upsert pushes local edits);
a missing one is created already synced. The creditor becomes creditor 1 and Billecta's side is
pulled into the mirror, so every command has something to act on straight away. Runs once per
sandbox (an idempotency key remembers it), whatever was imported before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
