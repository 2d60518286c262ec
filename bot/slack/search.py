"""Record search for the palette's external_select: the bot's store only, never Billecta.

Slack wants the options within 3 seconds with no way to fill them later, so this reads SQLite.
"""

from __future__ import annotations

from typing import Any

from bot.money import format_amount
from bot.services.labels import label
from bot.store import Store

LIMIT = 50
# table → (columns searched, the key a target is given by, details shown after the label)
_SEARCH: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "invoice": (("invoice_number", "debtor_name", "action_public_id", "ocr"), "invoice_number",
                ("debtor_name", "stage")),
    "debtcollection": (("invoice_number", "debtor_name", "action_public_id"), "action_public_id",
                       ("stage",)),
    "payment": (("reference", "sender_name", "billecta_id"), "id", ("amount_text", "state")),
    "article": (("name", "article_number"), "id", ()),
    "debtor": (("name", "org_no", "email"), "id", ("city",)),
    "creditor": (("name", "org_no"), "id", ()),
    "order": (("your_reference", "our_reference"), "id", ("order_date",)),
    "orderrow": (("description",), "id", ()),
}


def search(store: Store, record_type: str, query: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """(option text, target key) pairs matching `query` (by id, number, name…), newest first."""
    if record_type not in _SEARCH:
        return []
    columns, key_column, details = _SEARCH[record_type]
    query = query.strip()
    where, params = None, []
    if query:
        parts = [f"CAST([{c}] AS TEXT) LIKE ?" for c in columns] + ["CAST(id AS TEXT) = ?"]
        where = " OR ".join(parts)
        params = [f"%{query}%"] * len(columns) + [query]
    rows = store.rows(record_type, where, params, order_by="id desc", limit=limit)
    return [(_text(record_type, row, details), str(row.get(key_column) or row["id"])) for row in rows]


def _text(record_type: str, row: dict[str, Any], details: tuple[str, ...]) -> str:
    if record_type == "payment" and row.get("amount") is not None:
        row = {**row, "amount_text": format_amount(row["amount"], row.get("currency"))}
    extra = ", ".join(str(row[d]) for d in details if row.get(d))
    return label(record_type, row) + (f" — {extra}" if extra else "")
