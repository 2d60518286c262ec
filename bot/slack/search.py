"""Record search for the palette's external_select: the bot's store only, never Billecta.

Slack wants the options within 3 seconds with no way to fill them later, so this reads SQLite.
"""

from __future__ import annotations

from typing import Any

from bot.services.labels import OPTION_TEXT, enrich, line
from bot.store import Store

LIMIT = 50
# table → (columns searched, the key a target is given by); each option shows the record line
_SEARCH: dict[str, tuple[tuple[str, ...], str]] = {
    "invoice": (("invoice_number", "debtor_name", "action_public_id", "ocr"), "invoice_number"),
    "debtcollection": (("invoice_number", "debtor_name", "action_public_id"), "action_public_id"),
    "payment": (("reference", "sender_name", "billecta_id"), "id"),
    "article": (("name", "article_number"), "id"),
    "debtor": (("name", "org_no", "email"), "id"),
    "creditor": (("name", "org_no"), "id"),
    "order": (("your_reference", "our_reference"), "id"),
    "orderrow": (("description",), "id"),
}


def search(store: Store, record_type: str, query: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """(option text, target key) pairs matching `query` (by id, number, name…), newest first."""
    if record_type not in _SEARCH:
        return []
    columns, key_column = _SEARCH[record_type]
    query = query.strip()
    where, params = None, []
    if query:
        parts = [f"CAST([{c}] AS TEXT) LIKE ?" for c in columns] + ["CAST(id AS TEXT) = ?"]
        where = " OR ".join(parts)
        params = [f"%{query}%"] * len(columns) + [query]
    rows = enrich(store, record_type, store.rows(record_type, where, params, order_by="id desc", limit=limit))
    return [(line(record_type, row, limit=OPTION_TEXT), _key(row, key_column)) for row in rows]


def _key(row: dict[str, Any], key_column: str) -> str:
    return str(row.get(key_column) or row["id"])


def lines_for(store: Store, record_type: str, keys: list[str]) -> dict[str, str]:
    """Record lines (within Slack's option limit) for the keys a message shortcut found, by key."""
    if record_type not in _SEARCH or not keys:
        return {}
    _, key_column = _SEARCH[record_type]
    marks = ", ".join("?" for _ in keys)
    where = f"CAST([{key_column}] AS TEXT) IN ({marks}) OR CAST(id AS TEXT) IN ({marks})"
    rows = enrich(store, record_type, store.rows(record_type, where, [*keys, *keys], limit=2 * len(keys)))
    found: dict[str, str] = {}
    for row in rows:
        text = line(record_type, row, limit=OPTION_TEXT)
        found.setdefault(_key(row, key_column), text)
    return found
