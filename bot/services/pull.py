"""Refresh the store's mirror of Billecta's side: invoices, unhandled payments, debt-collection cases.

Reports, search and autocomplete read this mirror so Slack never waits on Billecta for them.
Billecta's lists only show what is open (and invoices closed lately): a mirrored open invoice or
unhandled payment missing from them was closed, handled or deleted meanwhile, so it is fetched on
its own (or marked gone) rather than left showing a state it no longer has.

The pull is incremental: closed invoices are listed since the last pull (the first one looks back
CLOSED_LOOKBACK_DAYS), and an invoice is read in full (its paid, credited and written-off amounts,
which the lists do not carry and the reports need) only when it is new to the mirror or its list
row changed (amount, stage, closed date, next event) since it was last read. Each pull is recorded
(`mirror_pull`), so a report can say "Billecta data as of" when it finished.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import once
from bot.errors import BillectaNotFound
from bot.services.creditor import default_config
from bot.services.mirror import (
    invoice_values,
    mirror_debtcollection,
    mirror_invoice,
    mirror_invoice_row,
    mirror_payment,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

CLOSED_LOOKBACK_DAYS = 90
# Whole views read per pull for open invoices the store has only a list row of (or one the list now
# contradicts): what the dialogs' forms are drawn from before Billecta answers (mirror.stored_view).
# Bounded so a first pull of a large ledger spreads the reads over a few pulls.
VIEWS_PER_PULL = 100
_OPEN_STAGES = ("Created", "Completed", "Cancelled")
GONE = "Billecta no longer has it."
# The list row's values that change when money moves or the invoice closes: any of them differing
# from the mirror means the full invoice is read again.
_MOVED = ("invoiced_amount", "current_amount", "stage", "closed_date", "next_event", "next_event_date")
_FULL_AMOUNTS = ("paid_amount", "credited_amount", "write_off_amount")


@dataclass
class PullReport:
    invoices: int = 0
    payments: int = 0
    debtcollections: int = 0
    # Work done in Billecta whose local record failed (bot.once): recorded now.
    repaired: int = 0
    # Invoices read in full because they were new or had changed (the incremental part).
    detailed: int = 0
    # (kind, before, after) for changes people care about; the notifier turns them into messages.
    changes: list[tuple[str, dict[str, Any] | None, dict[str, Any]]] = field(default_factory=list)
    # When the pull began: everything Billecta said by then is in the mirror ("Billecta data as of").
    started_at: datetime | None = None


def pull(rt: Runtime, *, today: Any = None) -> PullReport:
    report = PullReport(started_at=datetime.now(UTC))
    today = today or date.today()
    rows = rt.billecta.open_invoices() + rt.billecta.closed_invoices(closed_since(rt, today), today)
    seen = set()
    for sub in rows:
        seen.add(sub.action_public_id)
        before, after = mirror_invoice_row(rt, sub)
        if _needs_full_read(before, after):
            after = _read_full(rt, sub.action_public_id) or after
            report.detailed += 1
        report.invoices += 1
        if _invoice_change_matters(before, after):
            report.changes.append(("invoice", before, after))
        if sub.debt_collection_action_public_id:
            report.debtcollections += _pull_case(rt, sub.debt_collection_action_public_id)
    _refresh_unlisted_invoices(rt, seen)
    _read_whole_views(rt, seen)
    unhandled = set()
    # The first pull into an empty mirror finds every existing payment "new"; nobody needs those posted.
    first_pull = rt.store.count("payment", "kind = 'unhandled'") == 0
    for payment in rt.billecta.list_unhandled_payments():
        unhandled.add(payment.unhandled_payment_public_id)
        before = rt.store.find_by("payment", "billecta_id", payment.unhandled_payment_public_id)
        after = mirror_payment(rt, payment)
        report.payments += 1
        if before is None and not first_pull:
            report.changes.append(("payment", None, after))
    _refresh_unlisted_payments(rt, unhandled)
    default_config(rt)  # one read: the reminder form's fee and terms, drawn from the store (bot.services.reminders)
    report.repaired = once.repair(rt.store)
    _record(rt, report)
    return report


def closed_since(rt: Runtime, today: date) -> date:
    """From when to list closed invoices: the day before the last pull began (a day's overlap, so an
    invoice closed while it ran is not missed), or CLOSED_LOOKBACK_DAYS back for the first pull."""
    last = last_pull(rt)
    lookback = today - timedelta(days=CLOSED_LOOKBACK_DAYS)
    return lookback if last is None else max(lookback, last.date() - timedelta(days=1))


def last_pull(rt: Runtime) -> datetime | None:
    """When the last finished pull began (UTC), or None if the mirror was never pulled."""
    found = rt.store.rows("mirror_pull", order_by="id desc", limit=1)
    return datetime.fromisoformat(found[0]["started_at"]) if found else None


def _record(rt: Runtime, report: PullReport) -> None:
    started = report.started_at or datetime.now(UTC)
    rt.store.insert("mirror_pull", {"started_at": started.isoformat(), "finished_at": datetime.now(UTC).isoformat(),
                                    "invoices": report.invoices, "detailed": report.detailed})


def _needs_full_read(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    if before is None or any(before.get(column) is None for column in _FULL_AMOUNTS):
        return True
    return any(before.get(column) != after.get(column) for column in _MOVED)


def _read_full(rt: Runtime, action_public_id: str) -> dict[str, Any] | None:
    try:
        view = rt.billecta.get_invoice(action_public_id)
    except BillectaNotFound:  # listed a moment ago, gone now: the next pull marks it
        return None
    values = invoice_values(view)
    if view.is_closed:  # its amounts are for the reports; no form is drawn from a closed invoice's view
        values["raw"] = None
    return rt.store.mirror("invoice", "action_public_id", values)


def _refresh_unlisted_invoices(rt: Runtime, listed: set[str]) -> None:
    """Open invoices in the mirror that Billecta's lists no longer show (closed long ago, deleted drafts)."""
    for row in rt.store.rows("invoice", "closed_date IS NULL AND COALESCE(sync_status, '') != 'deleted'"):
        if row["action_public_id"] in listed:
            continue
        try:
            mirror_invoice(rt, rt.billecta.get_invoice(row["action_public_id"]))
        except BillectaNotFound:
            rt.store.update("invoice", row["id"], {"sync_status": "deleted", "last_error": GONE})


def _read_whole_views(rt: Runtime, listed: set[str]) -> None:
    marks = ", ".join("?" for _ in _OPEN_STAGES)
    rows = rt.store.rows("invoice", f"raw IS NULL AND closed_date IS NULL AND stage NOT IN ({marks})",
                         list(_OPEN_STAGES), order_by="due_date")
    for row in [r for r in rows if r["action_public_id"] in listed][:VIEWS_PER_PULL]:
        try:
            mirror_invoice(rt, rt.billecta.get_invoice(row["action_public_id"]))
        except BillectaNotFound:
            continue  # gone between the list and the read: the next pull's list says so


def _refresh_unlisted_payments(rt: Runtime, listed: set[str]) -> None:
    """Unhandled payments in the mirror that Billecta no longer lists: matched or deleted outside the bot."""
    for row in rt.store.rows("payment", "kind = 'unhandled' AND state = 'Unhandled'"):
        if row["billecta_id"] in listed:
            continue
        try:
            mirror_payment(rt, rt.billecta.get_unhandled_payment(row["billecta_id"]))
        except BillectaNotFound:
            rt.store.update("payment", row["id"], {"state": "Deleted", "last_error": GONE})


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
