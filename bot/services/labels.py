"""How records are named to users: 'invoice 1001', 'debtor 3 (Lund Fastigheter AB)'.

Every message the bot posts names its records this way so message shortcuts can find them again.
"""

from __future__ import annotations

from typing import Any


def label(record_type: str, row: dict[str, Any]) -> str:
    if record_type == "invoice":
        return f"invoice {row.get('invoice_number') or row.get('action_public_id')}"
    if record_type == "debtcollection":
        number = row.get("invoice_number")
        suffix = f" (invoice {number})" if number else ""
        return f"debtcollection {row.get('action_public_id')}{suffix}"
    if record_type == "payment":
        return f"payment {row.get('id')}"
    name = row.get("name") or row.get("description")
    return f"{record_type} {row['id']}" + (f" ({name})" if name else "")
