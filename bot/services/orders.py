"""Orders ↔ Billecta draft invoices: upsert, attest, and both in one item.

Billecta has no orders API: an order and its rows become a draft invoice action (Stage Created)
whose ExternalReference is `order:<id>` and whose rows come from the order rows, with the article's
number, name, unit, price and VAT as defaults. The draft's action public id is the order's
`billecta_id`. Attesting books and locks the draft; from then on the order cannot be changed, and
the invoice is mirrored into the store linked to its order (`invoice.order_id`).

An order row edited after its order's last sync makes the order changed: `flag_changed_rows` marks
such orders before `--changed` selects, and an upsert that raced with a row edit leaves its order
changed, so the edit is pushed next time.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.billecta import enums
from bot.billecta.dates import parse_datetime
from bot.billecta.models import AmountView, InvoiceActionEntryView, InvoiceActionRecordView, InvoiceActionView
from bot.errors import BillectaNotFound, BillectaRejected, InvalidInput, InvoiceStateError, NotInBillecta
from bot.money import MoneyError, format_amount
from bot.services import ItemResult, known
from bot.services.labels import label, stage_words
from bot.services.mirror import invoice_values, resolve_source
from bot.store import Store, SyncStatus

if TYPE_CHECKING:
    from bot.runtime import Runtime

DRAFT = enums.InvoiceStage.Created


def reference(order_id: int | str) -> str:
    return f"order:{order_id}"


def draft_entry(rt: Runtime, order: dict[str, Any]) -> InvoiceActionEntryView:
    """The draft invoice for an order: its debtor, dates, references and rows."""
    debtor = rt.store.require("debtor", order["debtor_id"])
    if not debtor.get("billecta_id"):
        raise NotInBillecta(f"{label('debtor', debtor)} of order {order['id']} is not in Billecta yet. "
                            f"Run `debtor upsert {debtor['id']}` first.")
    rows = rt.store.rows("orderrow", "order_id = ?", [order["id"]], order_by="position, id")
    if not rows:
        raise InvalidInput(f"order {order['id']} has no rows; an invoice needs at least one.")
    invoice_date = parse_datetime(order["order_date"])
    terms = order.get("payment_terms_days")
    currency = order.get("currency") or "SEK"
    entry = InvoiceActionEntryView(
        creditor_public_id=rt.billecta.creditor_id,
        debtor_public_id=debtor["billecta_id"],
        invoice_date=invoice_date,
        due_date=invoice_date + timedelta(days=int(terms if terms is not None else 30)),
        records=[_record(rt, row, seq, currency) for seq, row in enumerate(rows, start=1)],
        our_reference=order.get("our_reference"),
        your_reference=order.get("your_reference"),
        external_reference=reference(order["id"]),
    )
    if order.get("delivery_method"):
        entry.delivery_method = enums.DeliveryMethod(enums.DeliveryMethod.coerce(order["delivery_method"]))
    return entry


def _record(rt: Runtime, row: dict[str, Any], seq: int, currency: str) -> InvoiceActionRecordView:
    """One invoice row: the order row's own values, else its article's."""
    if (row.get("record_type") or "Standard") == enums.RecordType.Message.value:
        return InvoiceActionRecordView(sequence_no=seq, record_type=enums.RecordType.Message,
                                       article_description=row.get("description"),
                                       external_reference=f"orderrow:{row['id']}")
    article = rt.store.get("article", row["article_id"]) if row.get("article_id") else None
    article = article or {}
    price = row.get("unit_price") or article.get("unit_price")
    if price is None:
        raise InvalidInput(f"orderrow {row['id']} has no unit price and no article to take one from.")
    try:
        unit_price = AmountView.of(Decimal(str(price)), currency)
    except MoneyError as exc:
        raise InvalidInput(f"orderrow {row['id']}: {exc}") from None
    return InvoiceActionRecordView.model_validate({
        "SequenceNo": seq,
        "ProductPublicId": article.get("billecta_id"),
        "ArticleNumber": article.get("article_number"),
        "ArticleDescription": row.get("description") or article.get("name"),
        "Units": article.get("unit"),
        "Quantity": Decimal(str(row["quantity"])),
        "UnitPrice": unit_price,
        "VAT": Decimal(str(row.get("vat_rate") or article.get("vat_rate") or "25")),
        "ExternalReference": f"orderrow:{row['id']}",
    })


def find_by_reference(rt: Runtime, order_id: int, debtor_public_id: str) -> InvoiceActionView | None:
    """The order's invoice in Billecta, found by its ExternalReference among the debtor's open invoices
    (drafts first), leaving out those already linked to other orders."""
    return rt.billecta.find_invoice_by_external_reference(debtor_public_id, reference(order_id),
                                                          skip=_linked(rt.store, order_id))


def _linked(store: Store, order_id: int | None = None) -> set[str]:
    """Billecta invoices the store links to an order (other than `order_id`)."""
    with store.lock:
        return {row[0] for row in store.db.conn.execute(
            "SELECT billecta_id FROM [order] WHERE billecta_id IS NOT NULL AND id IS NOT ? UNION "
            "SELECT action_public_id FROM invoice WHERE order_id IS NOT NULL AND order_id IS NOT ?",
            [order_id, order_id])}


def index_drafts(rt: Runtime) -> known.ExternalIndex:
    """A large job's orders find their drafts by reference from one listing per debtor (made when the
    first of its orders asks) rather than each listing and fetching the debtor's open invoices itself."""
    def listing(debtor_public_id: str) -> list[tuple[str | None, str | None]]:
        linked = _linked(rt.store)
        return [(rt.billecta.get_invoice(row.action_public_id).external_reference, row.action_public_id)
                for row in rt.billecta.open_invoices_by_debtor(debtor_public_id) if row.action_public_id not in linked]
    return known.ExternalIndex("order", listing, scope=None)


def flag_changed_rows(store: Store) -> int:
    """Mark synced orders whose rows were added or edited since the order's last sync as changed;
    returns how many. (Rows have no sync of their own: they are pushed as part of their order.)"""
    with store.lock:
        cursor = store.db.conn.execute(
            "UPDATE [order] SET sync_status = ? WHERE sync_status = ? AND last_synced_at IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM orderrow WHERE orderrow.order_id = [order].id "
            "AND orderrow.updated_at > [order].last_synced_at)", [SyncStatus.CHANGED, SyncStatus.SYNCED])
        return cursor.rowcount


def _rows_version(store: Store, order_id: int) -> list[tuple[Any, ...]]:
    with store.lock:
        rows = store.db.conn.execute("SELECT updated_at, * FROM orderrow WHERE order_id = ? ORDER BY position, id",
                                     [order_id]).fetchall()
    return [tuple(row) for row in rows]


def _rows_changed_since_sync(store: Store, order: dict[str, Any]) -> bool:
    return any(row[0] and row[0] > (order.get("last_synced_at") or "") for row in _rows_version(store, order["id"]))


def upsert_order(rt: Runtime, record_id: str, *, resumed: bool = False) -> ItemResult:
    """Create or update an order's draft; an open invoice in Billecta with the order's reference is it."""
    order = resolve_source(rt, "order", record_id)
    rows_version = _rows_version(rt.store, order["id"])
    try:
        entry = draft_entry(rt, order)
        action_id, verb = _push(rt, order, entry, resumed=resumed)
    except (BillectaRejected, InvalidInput, InvoiceStateError, NotInBillecta) as exc:
        rt.store.mark_failed("order", order["id"], getattr(exc, "billecta_message", exc.user_message))
        raise
    rt.store.mark_synced("order", order["id"], action_id, pushed_version=order["updated_at"])
    if _rows_version(rt.store, order["id"]) != rows_version:  # a row was edited while the draft was pushed
        rt.store.update("order", order["id"], {"sync_status": SyncStatus.CHANGED})
    return ItemResult(str(order["id"]), label("order", order), action_id, f"draft {verb}")


def _push(rt: Runtime, order: dict[str, Any], entry: InvoiceActionEntryView, *, resumed: bool) -> tuple[str, str]:
    draft = _current(rt, order, entry, resumed=resumed)
    if draft is not None:
        if draft.state.stage is not DRAFT:
            raise InvoiceStateError(
                f"order {order['id']} is already attested as invoice {draft.invoice_number or draft.action_public_id} "
                f"({stage_words(draft.state.stage)}); an attested invoice cannot be changed. Credit it and make a new "
                "order instead.")
        try:
            rt.billecta.update_invoice(draft.action_public_id, entry)
            return draft.action_public_id, "updated"
        except BillectaNotFound:
            pass  # deleted in Billecta's portal meanwhile: create it again
    return rt.billecta.create_invoice(entry), "created"


def _current(rt: Runtime, order: dict[str, Any], entry: InvoiceActionEntryView, *,
             resumed: bool) -> InvoiceActionView | None:
    if order.get("billecta_id"):
        try:
            return rt.billecta.get_invoice(order["billecta_id"])
        except BillectaNotFound:
            pass  # deleted in Billecta's portal; another draft may still carry the order's reference
    return known.look_up("order", reference(order["id"]), resumed=resumed, scope=entry.debtor_public_id,
                         get=rt.billecta.get_invoice,
                         find=lambda: find_by_reference(rt, order["id"], entry.debtor_public_id))


def attest_order(rt: Runtime, record_id: str, *, resumed: bool = False) -> ItemResult:
    """Attest an order's draft, then mirror the invoice (number, amounts, state) linked to the order."""
    order = resolve_source(rt, "order", record_id)
    view = _draft_of(rt, order)
    if view.state.stage is DRAFT:
        rt.billecta.attest_invoice(view.action_public_id)
        view, verb = rt.billecta.get_invoice(view.action_public_id), "attested"
    elif view.state.attested_date is not None or not view.is_closed:
        verb = "was already attested"
    else:
        raise InvoiceStateError(f"order {order['id']}'s draft is {stage_words(view.state.stage)}; "
                                "it cannot be attested.")
    row = rt.store.mirror("invoice", "action_public_id", {**invoice_values(view), "order_id": order["id"]})
    name = f"invoice {row['invoice_number']}" if row.get("invoice_number") else "an invoice"
    invoiced = view.invoiced_amount
    amount = format_amount(invoiced.value, invoiced.currency_code)
    return ItemResult(str(order["id"]), label("order", order), view.action_public_id, f"{verb} as {name} ({amount})",
                      amount_minor=invoiced.value, currency=invoiced.currency_code)


def _draft_of(rt: Runtime, order: dict[str, Any]) -> InvoiceActionView:
    if order.get("billecta_id"):
        try:
            return rt.billecta.get_invoice(order["billecta_id"])
        except BillectaNotFound:
            pass
    debtor = rt.store.get("debtor", order["debtor_id"]) or {}
    found = find_by_reference(rt, order["id"], debtor["billecta_id"]) if debtor.get("billecta_id") else None
    if found is None:
        raise NotInBillecta(f"order {order['id']} has no draft in Billecta. Run `order upsert {order['id']}` first.")
    return found


def upsert_attest_order(rt: Runtime, record_id: str, *, resumed: bool = False) -> ItemResult:
    """Upsert, then attest only if the upsert succeeded; one job item for both."""
    order = resolve_source(rt, "order", record_id)
    # Only an order with nothing left to push may have been attested by an interrupted earlier attempt
    # (whose upsert marked it synced); an order edited since its invoice was attested must say so.
    unchanged = order["sync_status"] == SyncStatus.SYNCED and not _rows_changed_since_sync(rt.store, order)
    try:
        upserted = upsert_order(rt, record_id, resumed=resumed)
    except InvoiceStateError:
        if not (resumed and unchanged):
            raise
        upserted = None  # an interrupted earlier attempt got as far as attesting it
    attested = attest_order(rt, record_id, resumed=resumed)
    if upserted is None:
        rt.store.mark_synced("order", int(attested.record_id), attested.billecta_id)
    first = f"{upserted.message}, " if upserted else ""
    return ItemResult(attested.record_id, attested.label, attested.billecta_id, first + attested.message,
                      amount_minor=attested.amount_minor, currency=attested.currency)
