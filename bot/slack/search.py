"""Record search for the palette's external_select: the store's records of a type (bot.services.listing,
the same query as `billecta-bot list`), as option texts with the target each stands for.

Slack wants the options within 3 seconds with no way to fill them later, so this reads SQLite only.
"""

from __future__ import annotations

from bot import records
from bot.services.labels import OPTION_TEXT, enrich, line
from bot.services.listing import LIMIT, find
from bot.store import Store


def search(store: Store, record_type: str, query: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """(option text, target key) pairs matching `query` (by id, number, name…), newest first."""
    return [(line(record_type, found.row, limit=OPTION_TEXT), found.key)
            for found in find(store, record_type, query, limit)]


def lines_for(store: Store, record_type: str, keys: list[str]) -> dict[str, str]:
    """Record lines (within Slack's option limit) for the keys a message shortcut found, by key."""
    kind = records.BY_NAME.get(record_type)
    if kind is None or kind.table is None or not keys:
        return {}
    key_column = kind.key_column
    marks = ", ".join("?" for _ in keys)
    where = f"CAST([{key_column}] AS TEXT) IN ({marks}) OR CAST(id AS TEXT) IN ({marks})"
    rows = enrich(store, record_type, store.rows(record_type, where, [*keys, *keys], limit=2 * len(keys)))
    found: dict[str, str] = {}
    for row in rows:
        found.setdefault(kind.key(row), line(record_type, row, limit=OPTION_TEXT))
    return found
