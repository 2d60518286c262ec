"""One side's dated figures for one invoice (bot.reports.recon_sides), without a store: a mirror row,
its movements and the bot's own records in, the split before and within the period and the line's
part of the balances out."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.reports.movements import FEE, PAYMENT, WRITEOFF, Movement
from bot.reports.recon_sides import Dating, side_of, store_side

START, END = date(2026, 11, 1), date(2026, 11, 30)


def _row(**given: Any) -> dict[str, Any]:
    return {"action_public_id": "A", "invoiced_amount": 1000_00, "current_amount": 700_00, "stage": "InvoiceSent",
            "paid_amount": 300_00, "credited_amount": 0, "write_off_amount": 0, "closed_date": None, **given}


def _dating(*moves: Movement) -> Dating:
    return Dating(START, END, {"A": list(moves)}, END)


def test_an_invoice_of_before_the_period_opens_with_what_was_open_at_its_start() -> None:
    side = side_of(_row(), _dating(Movement(PAYMENT, 100_00, date(2026, 10, 20)),
                                   Movement(PAYMENT, 200_00, date(2026, 11, 10))))
    assert (side.settled_before, side.settled_within, side.estimated) == (100_00, 200_00, False)
    assert side.figures(before_period=True) == {"opening": 900_00, "invoiced": 0, "fees": 0, "settled": 200_00,
                                                "closing": 700_00}
    # Dated in the period, the same invoice is invoiced and settled within it.
    assert side.figures(before_period=False) == {"opening": 0, "invoiced": 1000_00, "fees": 0, "settled": 300_00,
                                                 "closing": 700_00}


def test_a_fee_raised_in_the_period_on_an_older_invoice_is_a_fee_of_the_period_not_of_its_opening() -> None:
    # 1 000,00 of October, 300,00 paid in it, a 60,00 reminder fee on 15 Nov: 760,00 open now.
    row = _row(current_amount=760_00)
    paid, fee = Movement(PAYMENT, 300_00, date(2026, 10, 20)), Movement(FEE, 60_00, date(2026, 11, 15))
    side = side_of(row, _dating(paid, fee))
    assert (side.fees, side.fees_before, side.fees_within, side.estimated) == (60_00, 0, 60_00, False)
    assert side.figures(before_period=True) == {"opening": 700_00, "invoiced": 0, "fees": 60_00, "settled": 0,
                                                "closing": 760_00}
    # Raised after the period, the fee is in neither its movements nor its closing balance.
    late = side_of(row, Dating(START, date(2026, 11, 14), {"A": [paid, fee]}, END))
    assert late.figures(before_period=True) == {"opening": 700_00, "invoiced": 0, "fees": 0, "settled": 0,
                                                "closing": 700_00}
    # Without its movement the fee is dated by the last pull (the period's end here) and counted as estimated.
    undated = side_of(row, _dating(paid))
    assert (undated.fees_within, undated.estimated) == (60_00, True)


def test_an_invoice_known_only_by_its_list_row_counts_its_movements() -> None:
    row = _row(paid_amount=None, credited_amount=None, write_off_amount=None)
    side = side_of(row, _dating(Movement(PAYMENT, 300_00, date(2026, 11, 10))))
    assert (side.paid, side.fees, side.estimated) == (300_00, 0, True)
    assert side.figures(before_period=True)["closing"] == 700_00


def test_the_bots_own_records_date_its_payments_and_count_what_the_mirror_lacks() -> None:
    mirrored = Movement(PAYMENT, 300_00, date(2026, 11, 10))
    # The bot's record of the mirrored payment dates it (no movement did): counted once.
    side = store_side(_row(), _dating(), [mirrored])
    assert (side.paid, side.remaining, side.settled_within, side.estimated) == (300_00, 700_00, 300_00, False)
    # The same payment as a pulled movement and a record: still once.
    assert store_side(_row(), _dating(mirrored), [mirrored]).paid == 300_00
    # A write-off the bot recorded that the mirror does not show: counted, and the remaining less by it.
    lost = Movement(WRITEOFF, 50_00, date(2026, 11, 20))
    side = store_side(_row(), _dating(mirrored), [mirrored, lost])
    assert (side.written_off, side.remaining, side.settled_within) == (50_00, 650_00, 350_00)
