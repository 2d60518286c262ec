"""What the store knows of a record type: one query for `billecta-bot list` and the Slack palette's search.

Reads SQLite only, never Billecta: the palette has 3 seconds to answer a search and no way to fill
its options later, and a script listing records should not depend on Billecta being up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.services.labels import debt_collection_stage, enrich, invoice_stage, line, payment_state
from bot.store import Store

LIMIT = 50


@dataclass(frozen=True)
class Searched:
    """How one record type is found: the columns a text matches, the key a target is given by,
    the column with its Billecta id and the one with its status."""

    columns: tuple[str, ...]
    key: str
    billecta_id: str
    status: str


SEARCHED: dict[str, Searched] = {
    "invoice": Searched(("invoice_number", "debtor_name", "action_public_id", "ocr"), "invoice_number",
                        "action_public_id", "stage"),
    "debtcollection": Searched(("invoice_number", "debtor_name", "action_public_id"), "action_public_id",
                               "action_public_id", "stage"),
    "payment": Searched(("reference", "sender_name", "billecta_id"), "id", "billecta_id", "state"),
    "article": Searched(("name", "article_number"), "id", "billecta_id", "sync_status"),
    "debtor": Searched(("name", "org_no", "email"), "id", "billecta_id", "sync_status"),
    "creditor": Searched(("name", "org_no"), "id", "billecta_id", "sync_status"),
    "order": Searched(("your_reference", "our_reference"), "id", "billecta_id", "sync_status"),
    "orderrow": Searched(("description",), "id", "billecta_id", "sync_status"),
}
LISTED_TYPES = tuple(SEARCHED)


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
        if self.record_type == "invoice":
            return invoice_stage(self.row)
        if self.record_type == "debtcollection":
            return debt_collection_stage(self.status)
        if self.record_type == "payment":
            invoice = self.row.get("invoice_number")
            if self.row.get("kind") == "manual" and invoice:
                return f"registered on invoice {invoice}"
            return payment_state(self.status)
        if self.record_type == "orderrow":
            return f"{self.status}, with order {self.row.get('order_id')}"
        return self.status or ""

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.record_type, "id": self.key, "line": self.line, "billecta_id": self.billecta_id,
                "status": self.status, "status_text": self.status_text, "unhandled": self.unhandled}


def find(store: Store, record_type: str, text: str = "", limit: int | None = LIMIT) -> list[Listed]:
    """The records of `record_type` whose id, number, name, reference… contain `text`, newest first."""
    searched = SEARCHED.get(record_type)
    if searched is None:
        return []
    text = text.strip()
    where, params = None, []
    if text:
        where = " OR ".join([f"CAST([{c}] AS TEXT) LIKE ?" for c in searched.columns] + ["CAST(id AS TEXT) = ?"])
        params = [f"%{text}%"] * len(searched.columns) + [text]
    rows = enrich(store, record_type, store.rows(record_type, where, params, order_by="id desc", limit=limit))
    if record_type == "orderrow":
        rows = _with_order_status(store, rows)
    if record_type == "payment":
        rows = _with_invoice(store, rows)
    return [_listed(record_type, searched, row) for row in rows]


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
        if row.get("kind") == "manual" and row.get("action_public_id") and not row.get("billecta_id"):
            found = store.rows("invoice", "action_public_id = ?", [row["action_public_id"]], limit=1)
            invoice = found[0] if found else {}
            row = {**row, "invoice_number": invoice.get("invoice_number"), "billecta_id": row["action_public_id"]}
        shown.append(row)
    return shown


def _listed(record_type: str, searched: Searched, row: dict[str, Any]) -> Listed:
    unhandled = record_type == "payment" and row.get("kind") == "unhandled" and row.get("state") == "Unhandled"
    return Listed(record_type, key_of(searched, row), line(record_type, row), row.get(searched.billecta_id) or None,
                  row.get(searched.status) or None, unhandled, row)


def key_of(searched: Searched, row: dict[str, Any]) -> str:
    """The target a command takes for this row: an invoice by its number, a case by its id, others by id."""
    return str(row.get(searched.key) or row["id"])
