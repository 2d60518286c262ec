"""Link what a Billecta account already holds to the store: onboarding an existing account.

The bot keys Billecta's records by the store's ids: a debtor's DebtorExternalId and a product's
ProductExternalId are the local debtor and article ids, and an order's draft invoice carries the
ExternalReference `order:<id>`. So a Billecta record whose external id is a local id IS that record:
a store record without a Billecta id gets it (and is marked changed, so the next upsert pushes local
edits onto it rather than creating a copy); one the store lacks is added, already synced, so commands
can act on it. A store record already linked to a different Billecta id is left alone and reported.
Records whose external id is not a number cannot be keyed by the store and are counted as skipped.
The creditor becomes creditor 1 when the store has none, or is linked when the store has exactly one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.billecta import enums
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import InvoiceActionRecordView, InvoiceActionView
from bot.services.orders import reference
from bot.store import SyncStatus

if TYPE_CHECKING:
    from bot.runtime import Runtime

ORDER_PREFIX = reference("")


@dataclass
class Tally:
    linked: int = 0  # a store record without a Billecta id got one
    added: int = 0  # a Billecta record the store lacked was added
    already: int = 0  # already linked to the same Billecta record
    skipped: int = 0  # no numeric external id, so the store cannot key it
    conflicts: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.linked + self.added


@dataclass
class LinkReport:
    debtors: Tally = field(default_factory=Tally)
    products: Tally = field(default_factory=Tally)
    orders: Tally = field(default_factory=Tally)
    # "added", "linked", "already linked", "unchanged" (several creditors in the store), or why not linked
    creditor: str = "unchanged"

    def describe(self) -> str:
        """'Linked 5 debtors, 4 products, the creditor and 1 order draft from Billecta.' plus the details."""
        parts = [_count(self.debtors.total, "debtor"), _count(self.products.total, "product")]
        if self.creditor in ("added", "linked"):
            parts.append("the creditor")
        parts.append(_count(self.orders.total, "order draft"))
        if self.debtors.total + self.products.total + self.orders.total == 0 and len(parts) == 3:
            head = "Nothing new to link from Billecta."
        else:
            head = f"Linked {', '.join(parts[:-1])} and {parts[-1]} from Billecta."
        notes = []
        for noun, tally in (("debtor", self.debtors), ("product", self.products), ("order draft", self.orders)):
            if tally.added:
                notes.append(f"{_count(tally.added, noun)} added to the store")
            if tally.already:
                notes.append(f"{_count(tally.already, noun)} already linked")
            if tally.skipped:
                notes.append(f"{_count(tally.skipped, noun)} skipped (no numeric external id)")
        lines = [head + (f" ({'; '.join(notes)}.)" if notes else "")]
        conflicts = self.debtors.conflicts + self.products.conflicts + self.orders.conflicts
        if self.creditor.startswith("creditor "):
            conflicts.append(self.creditor)
        lines += [f"Not linked: {conflict}" for conflict in conflicts]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        def tally(t: Tally) -> dict[str, Any]:
            return {"linked": t.linked, "added": t.added, "already": t.already, "skipped": t.skipped,
                    "conflicts": t.conflicts}
        return {"debtors": tally(self.debtors), "products": tally(self.products), "orders": tally(self.orders),
                "creditor": self.creditor}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def link_billecta(rt: Runtime) -> LinkReport:
    report = LinkReport()
    for debtor in rt.billecta.list_debtors():
        _link(rt, report.debtors, "debtor", debtor.debtor_external_id, debtor.debtor_public_id, {
            "name": debtor.name, "org_no": debtor.org_no, "debtor_type": debtor.debtor_type.value,
            "email": debtor.email, "phone": debtor.phone, "address": debtor.address, "zip_code": debtor.zip_code,
            "city": debtor.city, "country_code": debtor.country_code, "contact_name": debtor.contact_name,
        })
    for product in rt.billecta.list_products():
        _link(rt, report.products, "article", product.product_external_id, product.product_public_id, {
            "name": product.description, "article_number": product.article_number,
            "unit_price": f"{product.unit_price:.2f}", "vat_rate": str(product.vat.normalize()),
            "unit": product.units, "product_type": product.product_type.value, "is_active": int(product.is_active),
        })
    report.creditor = _link_creditor(rt)
    _link_orders(rt, report.orders)
    return report


def _link(rt: Runtime, tally: Tally, table: str, external_id: str | None, billecta_id: str | None,
          values: dict[str, Any]) -> None:
    if not (external_id or "").isdigit() or not billecta_id:
        tally.skipped += 1
        return
    record_id = int(external_id or 0)
    existing = rt.store.get(table, record_id)
    if existing is None:
        rt.store.upsert_records(table, [{"id": record_id, **values}])
        rt.store.mark_synced(table, record_id, billecta_id)
        tally.added += 1
    elif not existing.get("billecta_id"):
        rt.store.update(table, record_id, {"billecta_id": billecta_id, "sync_status": SyncStatus.CHANGED})
        tally.linked += 1
    elif existing["billecta_id"] == billecta_id:
        tally.already += 1
    else:
        tally.conflicts.append(f"{table} {record_id} is linked to Billecta {existing['billecta_id']}, but Billecta's "
                               f"{billecta_id} also has external id {record_id}.")


def _link_creditor(rt: Runtime) -> str:
    creditor_id = rt.billecta.creditor_id
    rows = rt.store.rows("creditor", order_by="id")
    if len(rows) > 1:
        return "unchanged"  # which one is this account's is the user's call (creditor update <id>)
    if rows:
        row = rows[0]
        if row.get("billecta_id") == creditor_id:
            return "already linked"
        if row.get("billecta_id"):
            return f"creditor {row['id']} is Billecta creditor {row['billecta_id']}, not this account's {creditor_id}"
        rt.store.update("creditor", row["id"], {"billecta_id": creditor_id, "sync_status": SyncStatus.CHANGED})
        return "linked"
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
    rt.store.mark_synced("creditor", 1, creditor_id)
    return "added"


def _link_orders(rt: Runtime, tally: Tally) -> None:
    """Drafts carrying `order:<id>`, among the open invoices of each linked debtor (creditor-wide open
    lists leave drafts out); each draft not linked yet is fetched, as list rows lack ExternalReference."""
    with rt.store.lock:
        linked = {row[0] for row in rt.store.db.conn.execute(
            "SELECT billecta_id FROM [order] WHERE billecta_id IS NOT NULL")}
    for debtor in rt.store.rows("debtor", "billecta_id IS NOT NULL", order_by="id"):
        for row in rt.billecta.open_invoices_by_debtor(debtor["billecta_id"]):
            if row.stage is not enums.InvoiceStage.Created:
                continue
            if row.action_public_id in linked:
                tally.already += 1
                continue
            view = rt.billecta.get_invoice(row.action_public_id)
            ref = view.external_reference or ""
            if ref.startswith(ORDER_PREFIX) and ref[len(ORDER_PREFIX):].isdigit():
                _link_order(rt, tally, int(ref[len(ORDER_PREFIX):]), debtor["id"], view)


def _link_order(rt: Runtime, tally: Tally, order_id: int, debtor_id: int, view: InvoiceActionView) -> None:
    existing = rt.store.get("order", order_id)
    if existing is not None:
        if not existing.get("billecta_id"):
            rt.store.update("order", order_id, {"billecta_id": view.action_public_id,
                                                "sync_status": SyncStatus.CHANGED})
            tally.linked += 1
        else:
            tally.conflicts.append(f"order {order_id} is linked to Billecta {existing['billecta_id']}, but draft "
                                   f"{view.action_public_id} also carries {reference(order_id)}.")
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
    tally.added += 1


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
