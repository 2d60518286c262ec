"""One side's figures for one invoice in the reconciliation report (bot.reports.reconciliation), dated:
what it invoiced and what was paid, credited and written off on it, split by the movements' days
(bot.reports.movements) into before the period and within it, so each side has an opening balance at
`from`, its movements and a closing balance at `to`.

The store's side is the invoice as the bot last mirrored it, with the movements it knew then, and the
store's own records of what the bot did on it (`invoice payment`, a paid Swish request, `invoice
writeoff`: rows of the payment table) where they say more than that mirror: what the bot holds.
Billecta's side is the freshly pulled mirror with every movement known now.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bot.reports.movements import CREDIT, PAYMENT, TOTAL_COLUMN, WRITEOFF, Movement, fees_by, settled

if TYPE_CHECKING:
    from bot.runtime import Runtime

# The store's own records of money the bot moved on an invoice (bot.services.payments, bot.jobs.swish,
# bot.services.writeoff), by the payment table's kind.
RECORDED_KINDS = {"manual": PAYMENT, "swish": PAYMENT, "writeoff": WRITEOFF}
_RECORDED = """
SELECT action_public_id, kind, amount, payment_date FROM payment
WHERE kind IN ('manual', 'swish', 'writeoff') AND action_public_id IS NOT NULL AND COALESCE(state, '') != 'Deleted'
ORDER BY payment_date, id
"""
FIGURES = ("opening", "invoiced", "fees", "settled", "closing")


@dataclass(frozen=True)
class Dating:
    """The period's days and what one side knows to date its settlements by."""

    start: date
    end: date
    moves: dict[str, list[Movement]]  # by action public id
    pulled_on: date  # that side's last pull (today if never): the latest day an undated part can have happened


@dataclass
class Side:
    """One side's figures for one invoice (minor units); `status` None when the side has no invoice."""

    invoiced: int = 0
    paid: int = 0
    credited: int = 0
    written_off: int = 0
    remaining: int = 0
    status: str | None = None
    settled_before: int = 0  # settled before the period's first day
    settled_within: int = 0  # settled from the period's first day to its last
    estimated: bool = False  # part of it dated by the closing day or the last pull, not by a movement
    moves: tuple[Movement, ...] = ()  # what dated it
    invoice: bool = False  # the side has the invoice (not only an order, or nothing)
    # Fees raised before the period and within it (bot.reports.movements.fees_by); None: not dated,
    # all of them before it.
    fees_before: int | None = None
    fees_within: int = 0

    @property
    def settled(self) -> int:
        return self.paid + self.credited + self.written_off

    @property
    def fees(self) -> int:
        return self.remaining + self.settled - self.invoiced

    def figures(self, before_period: bool) -> dict[str, int]:
        """Its part of the side's balances: an invoice dated before the period opens with what was open
        of it at the start; one dated in it is invoiced (and settled) within it."""
        before, within = (self.fees, 0) if self.fees_before is None else (self.fees_before, self.fees_within)
        if before_period:
            opening, invoiced, fees, paid_off = self.invoiced + before - self.settled_before, 0, within, \
                self.settled_within
        else:
            opening, invoiced, fees, paid_off = 0, self.invoiced, before + within, \
                self.settled_before + self.settled_within
        return {"opening": opening, "invoiced": invoiced, "fees": fees, "settled": paid_off,
                "closing": opening + invoiced + fees - paid_off}


def recorded(rt: Runtime) -> dict[str, list[Movement]]:
    """The store's own records of payments and write-offs by invoice (action public id), oldest first."""
    with rt.store.lock:
        found = rt.store.db.execute(_RECORDED).fetchall()
    by_invoice: dict[str, list[Movement]] = defaultdict(list)
    for aid, kind, amount, day in found:
        if amount and day:
            by_invoice[aid].append(Movement(RECORDED_KINDS[kind], int(amount), date.fromisoformat(str(day)[:10])))
    return dict(by_invoice)


def side_of(row: dict[str, Any] | None, dating: Dating) -> Side:
    """An invoice's side from its mirror row, dated by that side's movements."""
    if row is None:
        return Side()
    moves = dating.moves.get(row["action_public_id"], [])

    def total(kind: str) -> int:  # not read in full yet (a list row only): its movements are what is known
        known = row.get(TOTAL_COLUMN[kind])
        return int(known) if known is not None else sum(m.amount for m in moves if m.kind == kind)

    side = Side(row["invoiced_amount"] or 0, total(PAYMENT), total(CREDIT), total(WRITEOFF), row["current_amount"] or 0,
                row["stage"], moves=tuple(moves), invoice=True)
    _date(side, row, dating)
    return side


def store_side(row: dict[str, Any] | None, dating: Dating, records: list[Movement]) -> Side:
    """The store's side: the last mirror, its movements and the bot's own records, which date what the
    bot did and, where they say more was paid or written off than that mirror shows, count it."""
    side = side_of(row, dating)
    if row is None or not records:
        return side
    extra = unseen(tuple(records), side.moves, PAYMENT) + unseen(tuple(records), side.moves, WRITEOFF)
    if not extra:
        return side
    fees = side.fees
    for kind, attr in ((PAYMENT, "paid"), (WRITEOFF, "written_off")):
        setattr(side, attr, max(getattr(side, attr), sum(m.amount for m in records if m.kind == kind)))
    side.remaining = side.invoiced + fees - side.settled
    side.moves = tuple(sorted((*side.moves, *extra), key=lambda m: m.day))
    widened = {**row, TOTAL_COLUMN[PAYMENT]: side.paid, TOTAL_COLUMN[WRITEOFF]: side.written_off}
    _date(side, widened, dating)
    return side


def _date(side: Side, row: dict[str, Any], dating: Dating) -> None:
    """Split what was settled, and the fees raised, into before the period and within it."""
    moves = list(side.moves)
    # The fees are the side's own (its remaining: the store's side may count more settled than its row).
    fee_row = {**row, "current_amount": side.remaining}
    fees_end, fees_estimated = fees_by(fee_row, moves, until=dating.end, pulled_on=dating.pulled_on)
    side.fees_before, _ = fees_by(fee_row, moves, until=dating.start - timedelta(days=1), pulled_on=dating.pulled_on)
    side.fees_within = fees_end - side.fees_before
    side.estimated = fees_estimated
    if not moves and all(row.get(column) == 0 for column in TOTAL_COLUMN.values()):
        return  # nothing settled, nothing to date (most open invoices): no need to ask settled()
    by_end = settled(row, moves, until=dating.end, pulled_on=dating.pulled_on)
    before = settled(row, moves, until=dating.start - timedelta(days=1), pulled_on=dating.pulled_on)
    side.settled_before, side.settled_within = before.total, by_end.total - before.total
    side.estimated = side.estimated or by_end.estimated


def unseen(now: tuple[Movement, ...], before: tuple[Movement, ...], kind: str) -> list[Movement]:
    """The movements of a kind one side has that the other has not (each counted once)."""
    known = Counter(m for m in before if m.kind == kind)
    out = []
    for move in (m for m in now if m.kind == kind):
        if known[move]:
            known[move] -= 1
        else:
            out.append(move)
    return out
