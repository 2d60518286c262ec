"""First run on the embedded sandbox: give the store the records matching the sandbox's demo data.

Debtors and products whose Billecta external id is a local id become source records (already
synced), the creditor becomes creditor 1, and Billecta's side is pulled into the mirror, so every
command has something to act on straight away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store import SyncStatus

if TYPE_CHECKING:
    from bot.runtime import Runtime


def mirror_demo_into_store(rt: Runtime) -> None:
    store = rt.store
    if store.count("debtor") or store.count("article") or store.count("invoice"):
        return
    from bot.services.pull import pull

    _debtors(rt)
    _articles(rt)
    _creditor(rt)
    pull(rt)


def _synced(rt: Runtime, table: str, record: dict[str, object], billecta_id: str | None) -> None:
    rt.store.upsert_records(table, [record])
    rt.store.mark_synced(table, int(str(record["id"])), billecta_id, status=SyncStatus.SYNCED)


def _debtors(rt: Runtime) -> None:
    for debtor in rt.billecta.list_debtors():
        if not (debtor.debtor_external_id or "").isdigit():
            continue
        _synced(rt, "debtor", {
            "id": int(debtor.debtor_external_id or 0), "name": debtor.name, "org_no": debtor.org_no,
            "debtor_type": debtor.debtor_type.value, "email": debtor.email, "phone": debtor.phone,
            "address": debtor.address, "zip_code": debtor.zip_code, "city": debtor.city,
            "country_code": debtor.country_code, "contact_name": debtor.contact_name,
        }, debtor.debtor_public_id)


def _articles(rt: Runtime) -> None:
    for product in rt.billecta.list_products():
        if not (product.product_external_id or "").isdigit():
            continue
        _synced(rt, "article", {
            "id": int(product.product_external_id or 0), "name": product.description,
            "article_number": product.article_number, "unit_price": f"{product.unit_price:.2f}",
            "vat_rate": str(product.vat.normalize()), "unit": product.units,
            "product_type": product.product_type.value, "is_active": int(product.is_active),
        }, product.product_public_id)


def _creditor(rt: Runtime) -> None:
    creditor = rt.billecta.get_creditor()
    config = rt.billecta.get_default_config()
    _synced(rt, "creditor", {
        "id": 1, "name": creditor.name, "org_no": creditor.org_no, "vat_number": creditor.vat_number,
        "address": creditor.address, "zip_code": creditor.zip_code, "city": creditor.city,
        "country_code": creditor.country_code, "phone": creditor.phone,
        "reminder_fee": f"{config.reminder_invoice_fee:.2f}" if config.reminder_invoice_fee is not None else None,
        "payment_terms_days": config.invoice_payment_terms_in_days,
        "interest_percentage": str(config.interest_percentage) if config.interest_percentage is not None else None,
        "delivery_method": config.delivery_method.value if config.delivery_method else None,
        "our_reference": config.our_reference,
    }, creditor.creditor_public_id)
