"""What the store knows of a record type: one query for `billecta-bot list` and the Slack palette's search.

Reads SQLite only, never Billecta: the palette has 3 seconds to answer a search and no way to fill
its options later, and a script listing records should not depend on Billecta being up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import records
from bot.records import RecordType
from bot.services.labels import ON_INVOICE, debt_collection_stage, enrich, invoice_stage, line, payment_state
from bot.store import Store

LIMIT = 50


LISTED_TYPES = records.IN_STORE


@dataclass(frozen=True)
class Listed:
    """One record as the store knows it. `key` is what a command takes as its target."""

    record_type: str
    key: str
    line: str
    billecta_id: str | None
    status: str | None  # as stored: a sync status, or Billecta's stage or state
    unhandled: bool  # a payment Billecta could not match to an invoice: someone has to act on it
    row: dict[str, Any]

    @property
    def status_text(self) -> str:
        """The status in words ('in debt collection', 'sent, paused'), never Billecta's enum name."""
        if self.unhandled:
            return "unhandled: Billecta could not match it to an invoice"
        words = _STATUS_TEXT.get(self.record_type)
        return words(self) if words else self.status or ""

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.record_type, "id": self.key, "line": self.line, "billecta_id": self.billecta_id,
                "status": self.status, "status_text": self.status_text, "unhandled": self.unhandled}


def find(store: Store, record_type: str, text: str = "", limit: int | None = LIMIT) -> list[Listed]:
    """The records of `record_type` whose id, number, name, reference… contain `text`, newest first."""
    kind = records.BY_NAME.get(record_type)
    if kind is None or kind.table is None:
        return []
    text = text.strip()
    where, params = None, []
    if text:
        where = " OR ".join([f"CAST([{c}] AS TEXT) LIKE ?" for c in kind.search_columns] + ["CAST(id AS TEXT) = ?"])
        params = [f"%{text}%"] * len(kind.search_columns) + [text]
    rows = enrich(store, record_type, store.rows(kind.table, where, params, order_by="id desc", limit=limit))
    shown = _SHOWN_WITH.get(record_type)
    return [_listed(kind, row) for row in (shown(store, rows) if shown else rows)]
def _with_order_status(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order rows have no sync of their own (they are pushed with their order): a row is synced when
    its order was pushed after the row's last edit, changed when edited since, new when the order
    was never pushed."""
    orders: dict[Any, dict[str, Any] | None] = {}
    shown = []
    for row in rows:
        order_id = row.get("order_id")
        if order_id not in orders:
            orders[order_id] = store.get("order", order_id) if order_id is not None else None
        order = orders[order_id] or {}
        pushed = order.get("last_synced_at") if order.get("billecta_id") else None
        status = "new" if not pushed else ("changed" if (row.get("updated_at") or "") > pushed else "synced")
        shown.append({**row, "sync_status": status, "billecta_id": order.get("billecta_id") if pushed else None})
    return shown


def _with_invoice(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A payment the bot registered has no Billecta id of its own: it lives on its invoice, so it is
    listed with the invoice's number and Billecta id (not as "not in Billecta", which it is)."""
    shown = []
    for row in rows:
        if row.get("kind") in ON_INVOICE and row.get("action_public_id") and not row.get("billecta_id"):
            found = store.rows("invoice", "action_public_id = ?", [row["action_public_id"]], limit=1)
            invoice = found[0] if found else {}
            row = {**row, "invoice_number": invoice.get("invoice_number"), "billecta_id": row["action_public_id"]}
        shown.append(row)
    return shown


def _listed(kind: RecordType, row: dict[str, Any]) -> Listed:
    unhandled = bool(kind.needs_action) and all(row.get(column) == value for column, value in kind.needs_action)
    return Listed(kind.name, kind.key(row), line(kind.name, row), kind.billecta_id(row), row.get(kind.status_column)
                  or None, unhandled, row)


def _payment_status(listed: Listed) -> str:
    invoice = listed.row.get("invoice_number")
    if listed.row.get("kind") in ON_INVOICE and invoice:
        return f"{ON_INVOICE[listed.row['kind']]} {invoice}"
    if listed.status == "UsedOnInvoice" and invoice:
        return f"used on invoice {invoice}"
    return payment_state(listed.status)


# A status in words, by type (the rest show their sync status as stored).
_STATUS_TEXT: dict[str, Callable[[Listed], str]] = {
    "invoice": lambda listed: invoice_stage(listed.row),
    "debtcollection": lambda listed: debt_collection_stage(listed.status),
    "payment": _payment_status,
    "orderrow": lambda listed: f"{listed.status}, with order {listed.row.get('order_id')}",
}
# Rows listed with what another table says of them, by type.
_SHOWN_WITH: dict[str, Callable[[Store, list[dict[str, Any]]], list[dict[str, Any]]]] = {
    "orderrow": _with_order_status, "payment": _with_invoice,
}
