"""Dated money movements on the mirror's invoices: what was paid, credited and written off, the fees
raised (reminder fees, interest), and on which Stockholm day, so a report at a past date (`report
receivables date=`) or over a period (`report reconciliation from= to=`) counts only what had
happened by then.

The pull records them (table invoice_movement, migration 017): payments from Billecta's incoming
payments, credits, write-offs and fees from the invoice's events. An invoice's own totals (paid_amount,
credited_amount, write_off_amount on its mirror row) stay the truth of how much; the movements say
when. A part of a total no movement dates (paid before the bot's first pull looked back, say) is
dated on the day the invoice closed, or, while it is open, on the day of the last pull: the latest
day it can have happened. An invoice the pull has not read in full yet (only its list row, whose
totals are None) counts its movements alone. A report counts both as `estimated` and says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from bot.billecta.dates import STOCKHOLM

if TYPE_CHECKING:
    from bot.runtime import Runtime

PAYMENT, CREDIT, WRITEOFF, FEE = "payment", "credit", "writeoff", "fee"
KINDS = (PAYMENT, CREDIT, WRITEOFF)  # what settles an invoice (Settled)
# Fees (reminder fees, interest) add to what is owed; their total is no column but the invoice's
# remaining + paid + credited + written off − invoiced (fee_total).
RECORDED = (*KINDS, FEE)
# The mirror row's total of each kind.
TOTAL_COLUMN = {PAYMENT: "paid_amount", CREDIT: "credited_amount", WRITEOFF: "write_off_amount"}


@dataclass(frozen=True)
class Movement:
    kind: str
    amount: int  # minor units of the invoice's currency
    day: date


@dataclass(frozen=True)
class Settled:
    """What was settled on one invoice within the asked days, in minor units."""

    paid: int = 0
    credited: int = 0
    written_off: int = 0
    # Some of it was dated by the invoice's closed day or the last pull, not by a movement.
    estimated: bool = False

    @property
    def total(self) -> int:
        return self.paid + self.credited + self.written_off


def record(rt: Runtime, *, action_public_id: str, kind: str, amount: int, currency: str, day: date,
           reference: str, source: str) -> bool:
    """Keep one movement; False when it was already kept (the same kind and reference)."""
    if kind not in RECORDED:
        raise ValueError(f"not a movement kind: {kind}")
    with rt.store.lock:
        cursor = rt.store.db.execute(
            "INSERT OR IGNORE INTO invoice_movement (action_public_id, kind, amount, currency, moved_on, reference, "
            "source, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [action_public_id, kind, int(amount), currency, day.isoformat(), reference, source,
             datetime.now(UTC).isoformat()])
        rt.store.db.conn.commit()
        return cursor.rowcount == 1


def held(rt: Runtime, action_public_id: str) -> dict[str, int]:
    """What the kept movements of one invoice add up to, by kind."""
    with rt.store.lock:
        found = rt.store.db.execute("SELECT kind, SUM(amount) FROM invoice_movement WHERE action_public_id = ? "
                                    "GROUP BY kind", [action_public_id]).fetchall()
    return {kind: int(total) for kind, total in found}


def load(rt: Runtime) -> dict[str, list[Movement]]:
    """Every kept movement by invoice (action_public_id), oldest first: one query for a whole report."""
    with rt.store.lock:
        found = rt.store.db.execute(
            "SELECT action_public_id, kind, amount, moved_on FROM invoice_movement ORDER BY moved_on, id").fetchall()
    by_invoice: dict[str, list[Movement]] = defaultdict(list)
    for action_public_id, kind, amount, moved_on in found:
        by_invoice[action_public_id].append(Movement(kind, amount, date.fromisoformat(moved_on)))
    return dict(by_invoice)


def settled(row: dict[str, Any], moves: list[Movement], *, until: date, since: date | None = None,
            pulled_on: date | None = None) -> Settled:
    """What of the invoice's paid, credited and written-off totals happened from `since` (None: from
    the start) to `until`, both days included. `pulled_on` is the last pull's day (default today), the
    latest day an undated part of an open invoice can have happened."""
    closed = _day(row.get("closed_date"))
    latest = closed or pulled_on or datetime.now(STOCKHOLM).date()  # Billecta's days are Stockholm's
    amounts: dict[str, int] = {}
    estimated = False
    for kind in KINDS:
        total = row.get(TOTAL_COLUMN[kind])
        if total is None:  # not read in full yet (a list row only): the movements are all that is known
            estimated = True
            total = sum(m.amount for m in moves if m.kind == kind)
        left = int(total)
        counted = 0
        for move in (m for m in moves if m.kind == kind):
            taken = min(move.amount, left)  # a movement past the total (a reversed payment) is not counted
            left -= taken
            estimated = estimated or taken != move.amount
            counted += taken if _within(move.day, since, until) else 0
        if left > 0:
            estimated = True
            counted += left if _within(latest, since, until) else 0
        amounts[kind] = counted
    return Settled(amounts[PAYMENT], amounts[CREDIT], amounts[WRITEOFF], estimated)


def fee_total(row: dict[str, Any]) -> int | None:
    """What Billecta added to the invoice after invoicing, in minor units; None before a full read."""
    columns = ("current_amount", "invoiced_amount", *TOTAL_COLUMN.values())
    if any(row.get(column) is None for column in columns):
        return None
    settled_total = sum(int(row[TOTAL_COLUMN[kind]]) for kind in KINDS)
    return int(row["current_amount"]) + settled_total - int(row["invoiced_amount"])


def fees_by(row: dict[str, Any], moves: list[Movement], *, until: date, since: date | None = None,
            pulled_on: date | None = None) -> tuple[int, bool]:
    """The invoice's fees raised from `since` to `until` (as settled counts its kinds), and whether part
    of them was dated by the closing day or the last pull rather than by a fee movement. A fee total
    at or below zero (none, or a correction we cannot date) counts in full on every day, undated only
    when it is below zero."""
    total = fee_total(row)
    fees = [m for m in moves if m.kind == FEE]
    estimated = total is None
    left = sum(m.amount for m in fees) if total is None else total
    if left <= 0:
        return (left if since is None else 0), left < 0
    counted = 0
    for move in fees:
        taken = min(move.amount, left)
        left -= taken
        estimated = estimated or taken != move.amount
        counted += taken if _within(move.day, since, until) else 0
    if left > 0:
        latest = _day(row.get("closed_date")) or pulled_on or datetime.now(STOCKHOLM).date()
        estimated = True
        counted += left if _within(latest, since, until) else 0
    return counted, estimated


def payment_days(moves: list[Movement]) -> list[date]:
    return [m.day for m in moves if m.kind == PAYMENT]


def _within(day: date, since: date | None, until: date) -> bool:
    return (since is None or day >= since) and day <= until


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None
