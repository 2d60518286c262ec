"""What each pull changed in the mirror's invoices (table mirror_change): per pull, each changed invoice's
reconciled columns as they were before it. The reconciliation (bot.reports.reconciliation) lays the last
pull's before-values back over the mirror as the store's side ("what the bot last mirrored"), so the same
report shows the same discrepancies whether it pulled or not (a Slack modal's date change re-runs it
without a pull). Only the last KEPT_PULLS pulls' changes are kept: older ones no report reads.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.runtime import Runtime

KEPT_PULLS = 10
# What the reconciliation reads of an invoice row (bot.reports.reconciliation._INVOICES and its filter).
COLUMNS = ("action_public_id", "invoice_number", "debtor_name", "debtor_public_id", "order_id", "stage", "currency",
           "invoiced_amount", "current_amount", "paid_amount", "credited_amount", "write_off_amount", "invoice_date",
           "closed_date", "sync_status", "action_type")


def snapshot(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """The reconciled columns of a mirror row (None: the invoice was not in the mirror)."""
    return None if row is None else {column: row.get(column) for column in COLUMNS}


def keep(rt: Runtime, pull_id: int, before: dict[str, dict[str, Any] | None]) -> int:
    """Record the invoices whose reconciled columns the pull changed, then drop the changes of pulls
    older than the last KEPT_PULLS. Returns how many were recorded."""
    marks = ", ".join(COLUMNS)
    with rt.store.lock:
        rows: list[tuple[Any, ...]] = []
        ids = list(before)
        for i in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = ids[i:i + 500]
            rows += rt.store.db.execute(f"SELECT {marks} FROM invoice WHERE action_public_id IN "
                                        f"({', '.join('?' for _ in chunk)})", chunk).fetchall()
        now = {values[0]: dict(zip(COLUMNS, values, strict=True)) for values in rows}
        changed = [(pull_id, aid, json.dumps(old)) for aid, old in before.items() if old != now.get(aid)]
        rt.store.db.conn.executemany(
            "INSERT INTO mirror_change (pull_id, action_public_id, before) VALUES (?, ?, ?)", changed)
        rt.store.db.conn.execute(
            "DELETE FROM mirror_change WHERE pull_id NOT IN (SELECT id FROM mirror_pull ORDER BY id DESC LIMIT ?)",
            [KEPT_PULLS])
        rt.store.db.conn.commit()
    return len(changed)


def last_changes(rt: Runtime) -> tuple[str | None, dict[str, dict[str, Any] | None]]:
    """When the last pull began (UTC, ISO) and what it changed: each invoice's row before it (None: new)."""
    with rt.store.lock:
        found = rt.store.db.execute("SELECT id, started_at FROM mirror_pull ORDER BY id DESC LIMIT 1").fetchone()
        if found is None:
            return None, {}
        changes = rt.store.db.execute("SELECT action_public_id, before FROM mirror_change WHERE pull_id = ?",
                                      [found[0]]).fetchall()
    return found[1], {aid: json.loads(before) if before else None for aid, before in changes}
