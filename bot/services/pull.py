"""Refresh the store's mirror of Billecta's side: invoices, unhandled payments, debt-collection cases.

Reports, search and autocomplete read this mirror so Slack never waits on Billecta for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.errors import BillectaNotFound
from bot.services.mirror import (
    invoice_values_from_row,
    mirror_debtcollection,
    mirror_payment,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

CLOSED_LOOKBACK_DAYS = 90


@dataclass
class PullReport:
    invoices: int = 0
    payments: int = 0
    debtcollections: int = 0
    # (kind, before, after) for changes people care about; the notifier turns them into messages.
    changes: list[tuple[str, dict[str, Any] | None, dict[str, Any]]] = field(default_factory=list)


def pull(rt: Runtime, *, today: Any = None) -> PullReport:
    from datetime import date

    report = PullReport()
    today = today or date.today()
    rows = rt.billecta.open_invoices() + rt.billecta.closed_invoices(
        today - timedelta(days=CLOSED_LOOKBACK_DAYS), today)
    for sub in rows:
        values = invoice_values_from_row(sub)
        before = rt.store.find_by("invoice", "action_public_id", sub.action_public_id)
        after = rt.store.mirror("invoice", "action_public_id", values)
        report.invoices += 1
        if _invoice_change_matters(before, after):
            report.changes.append(("invoice", before, after))
        if sub.debt_collection_action_public_id:
            report.debtcollections += _pull_case(rt, sub.debt_collection_action_public_id)
    for payment in rt.billecta.list_unhandled_payments():
        before = rt.store.find_by("payment", "billecta_id", payment.unhandled_payment_public_id)
        after = mirror_payment(rt, payment)
        report.payments += 1
        if before is None:
            report.changes.append(("payment", None, after))
    return report


def _pull_case(rt: Runtime, action_public_id: str) -> int:
    try:
        mirror_debtcollection(rt, rt.billecta.get_debt_collection(action_public_id))
    except BillectaNotFound:
        return 0
    return 1


def _invoice_change_matters(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    """Disputed or sent to debt collection outside the bot: people want to know."""
    if before is None:
        return False
    became_disputed = after.get("is_disputed") and not before.get("is_disputed")
    collected = after.get("stage") == "SentToDebtCollection" and before.get("stage") != "SentToDebtCollection"
    return bool(became_disputed or collected)
