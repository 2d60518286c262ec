"""Refresh the store's mirror of Billecta's side: invoices, unhandled payments, debt-collection cases.

Reports, search and autocomplete read this mirror so Slack never waits on Billecta for them.
Billecta's lists only show what is open (and invoices closed lately): a mirrored open invoice or
unhandled payment missing from them was closed, handled or deleted meanwhile, so it is fetched on
its own (or marked gone) rather than left showing a state it no longer has.

The pull is incremental: closed invoices are listed since the last pull (the first one looks back
CLOSED_LOOKBACK_DAYS), and an invoice is read in full (its paid, credited and written-off amounts,
which the lists do not carry and the reports need) when it is new to the mirror or its list row
changed (amount, stage, closed date, next event) since it was last read: at most VIEWS_PER_PULL a
pull, the rest carried over (`unread_in_full`). Payments, credits and write-offs are kept with their
days (bot.services.pulled_movements). Each pull is recorded (`mirror_pull`), so a report can say
"Billecta data as of" when it began; a pull that fails records nothing and the next one covers it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import once
from bot.billecta.dates import STOCKHOLM, stockholm_date
from bot.billecta.models import InvoiceActionView
from bot.errors import BillectaNotFound
from bot.services import mirror_changes, pulled_movements
from bot.services.creditor import default_config
from bot.services.mirror import invoice_values, mirror_debtcollection, mirror_invoice_row, mirror_payment

if TYPE_CHECKING:
    from bot.runtime import Runtime

CLOSED_LOOKBACK_DAYS = 90
# Whole invoices read per pull (GET /v1/invoice/action/{aid}, which Billecta allows 600 times a minute):
# about a minute of that limit, less room for what people do meanwhile. A first pull of a large ledger
# reads the most urgent part and leaves the rest to the next pulls (the schedule runs every 15 minutes).
VIEWS_PER_PULL = 500
_OPEN_STAGES = ("Created", "Completed", "Cancelled")
GONE = "Billecta no longer has it."
# The list row's values that change when money moves or the invoice closes: any of them differing
# from the mirror means the full invoice is read again.
_MOVED = ("invoiced_amount", "current_amount", "stage", "closed_date", "next_event", "next_event_date")
_FULL_AMOUNTS = ("paid_amount", "credited_amount", "write_off_amount")
_LIVE = "COALESCE(sync_status, '') != 'deleted'"
_UNREAD = f"paid_amount IS NULL AND {_LIVE}"


@dataclass
class PullReport:
    invoices: int = 0
    payments: int = 0
    debtcollections: int = 0
    # Work done in Billecta whose local record failed (bot.once): recorded now.
    repaired: int = 0
    # Invoices read in full because they were new or had changed (or were left so by an earlier pull);
    # with the views refreshed for the forms, at most VIEWS_PER_PULL reads.
    detailed: int = 0
    # Invoices still known only by their list row when the pull ended: the next pulls read them.
    unread: int = 0
    # Dated movements (payments, credits, write-offs) kept for the first time.
    movements: int = 0
    # (kind, before, after) for changes people care about; the notifier turns them into messages.
    changes: list[tuple[str, dict[str, Any] | None, dict[str, Any]]] = field(default_factory=list)
    # When the pull began: everything Billecta said by then is in the mirror ("Billecta data as of").
    started_at: datetime | None = None
    # Each invoice's reconciled columns before this pull first changed it (bot.services.mirror_changes).
    before: dict[str, dict[str, Any] | None] = field(default_factory=dict)


def pull(rt: Runtime, *, today: Any = None) -> PullReport:
    report = PullReport(started_at=datetime.now(UTC))
    today = today or datetime.now(STOCKHOLM).date()  # Billecta's days are Stockholm's
    last = last_pull(rt)
    open_rows = rt.billecta.open_invoices()
    rows = open_rows + rt.billecta.closed_invoices(closed_since(rt, today), today)
    since = pulled_movements.payments_since(last.date() if last else None, today, open_rows, CLOSED_LOOKBACK_DAYS)
    # Asked before anything is stored, so a pull that cannot get them leaves the mirror as it was.
    paid = rt.billecta.incoming_payments(since, today)
    report.movements += pulled_movements.record_payments(rt, paid)
    seen, changed = set(), []
    for sub in rows:
        seen.add(sub.action_public_id)
        before, after = mirror_invoice_row(rt, sub)
        report.before.setdefault(sub.action_public_id, mirror_changes.snapshot(before))
        if _changed(before, after):
            # Its totals are stale from now on: unread until it is read again, in this pull or, if this
            # one stops or runs out of reads, in a later one.
            rt.store.update("invoice", after["id"], dict.fromkeys(_FULL_AMOUNTS))
            changed.append(after)
        report.invoices += 1
        if _invoice_change_matters(before, after):
            report.changes.append(("invoice", before, after))
        if sub.debt_collection_action_public_id:
            report.debtcollections += _pull_case(rt, sub.debt_collection_action_public_id)
    report.detailed = _read_in_full(rt, report, changed, seen, today)
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
    report.unread = unread_in_full(rt)
    _record(rt, report)
    return report


def unread_in_full(rt: Runtime) -> int:
    """Invoices the mirror knows only by a list row (paid, credited and written-off totals unknown): the
    pulls read them in full VIEWS_PER_PULL at a time; a report says how many it had to count without."""
    return rt.store.count("invoice", _UNREAD)


def unread_note(unread: int) -> str:
    """What a pull that left invoices unread says of them."""
    return (f"{unread} invoice(s) are known only by their list row so far: the next pulls read them in full, "
            f"at most {VIEWS_PER_PULL} a pull.")


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
    pulled = rt.store.insert("mirror_pull", {"started_at": started.isoformat(),
                                             "finished_at": datetime.now(UTC).isoformat(),
                                             "invoices": report.invoices, "detailed": report.detailed,
                                             "unread": report.unread})
    mirror_changes.keep(rt, pulled, report.before)


def _changed(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    """A list row that moved since the invoice was last read in full (one never read is not "changed")."""
    if before is None or any(before.get(column) is None for column in _FULL_AMOUNTS):
        return False
    return any(before.get(column) != after.get(column) for column in _MOVED)


def _read_in_full(rt: Runtime, report: PullReport, changed: list[dict[str, Any]], listed: set[str],
                  today: date) -> int:
    """Read at most VIEWS_PER_PULL invoices in full, most needed first: those whose list row changed and
    open ones the lists no longer show, then open ones never read (by due date), open ones whose view a
    form needs, then closed ones never read (latest closed first)."""
    marks = ", ".join("?" for _ in _OPEN_STAGES)
    unlisted = [row for row in _ids(rt, f"closed_date IS NULL AND {_LIVE}") if row[1] not in listed]
    views = [row for row in _ids(rt, f"raw IS NULL AND closed_date IS NULL AND stage NOT IN ({marks})",
                                 list(_OPEN_STAGES), "due_date") if row[1] in listed]
    never_read_open = _ids(rt, f"closed_date IS NULL AND {_UNREAD}", order_by="due_date")
    never_read_closed = _ids(rt, f"closed_date IS NOT NULL AND {_UNREAD}", order_by="closed_date DESC")
    # Each invoice once, in order of need; "new" marks reads of an invoice new or changed (PullReport.detailed).
    queue: dict[str, tuple[int, bool]] = {}
    for group, is_new in ((((row["id"], row["action_public_id"]) for row in changed), True), (unlisted, False),
                          (never_read_open, True), (views, False), (never_read_closed, True)):
        for record_id, action_public_id in group:
            queue.setdefault(action_public_id, (record_id, is_new))
    chosen = list(queue.items())[:VIEWS_PER_PULL]
    unlisted_paid: dict[str, date] = {}  # invoices paid more than their kept payments: since when to ask
    for action_public_id, (record_id, _) in chosen:
        if action_public_id not in report.before:  # an open invoice the lists no longer show
            report.before[action_public_id] = mirror_changes.snapshot(
                rt.store.find_by("invoice", "action_public_id", action_public_id))
        try:
            view = rt.billecta.get_invoice(action_public_id)
        except BillectaNotFound:
            if action_public_id not in listed:  # an open invoice Billecta no longer has (a deleted draft)
                rt.store.update("invoice", record_id, {"sync_status": "deleted", "last_error": GONE})
            continue  # listed a moment ago, gone now: the next pull's list says so
        _mirror_full(rt, view)
        report.movements += pulled_movements.record_settlements(rt, view, today)
        if pulled_movements.payments_unlisted(rt, view):
            issued = stockholm_date(view.invoice_date or view.created) or today
            unlisted_paid[action_public_id] = min(issued, unlisted_paid.get(action_public_id, issued))
    if unlisted_paid:  # one more call, for just those invoices, back to the first one's invoice date
        found = rt.billecta.incoming_payments(min(unlisted_paid.values()), today, action_ids=list(unlisted_paid))
        report.movements += pulled_movements.record_payments(rt, found)
    return sum(1 for _, (_, is_new) in chosen if is_new)


def _ids(rt: Runtime, where: str, params: list[Any] | None = None, order_by: str = "id") -> list[tuple[int, str]]:
    """(id, action_public_id) of the mirror's invoices that match, without their stored views."""
    with rt.store.lock:
        found = rt.store.db.execute(f"SELECT id, action_public_id FROM invoice WHERE {where} ORDER BY {order_by}",
                                    params or []).fetchall()
    return [(record_id, action_public_id) for record_id, action_public_id in found]


def _mirror_full(rt: Runtime, view: InvoiceActionView) -> dict[str, Any]:
    values = invoice_values(view)
    if view.is_closed:  # its amounts are for the reports; no form is drawn from a closed invoice's view
        values["raw"] = None
    return rt.store.mirror("invoice", "action_public_id", values)


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
