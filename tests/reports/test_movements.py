"""Dated movements (bot.reports.movements): kept once per reference in a real store, and counted by
day against the invoice's own totals, with the undated part dated by the closing day or the last pull."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.config import Settings
from bot.reports.movements import CREDIT, PAYMENT, WRITEOFF, Movement, Settled, load, record, settled
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.store import Store


@pytest.fixture
def rt() -> Iterator[Runtime]:
    box = Sandbox(":memory:", seed="demo")
    runtime = build_runtime(Settings(), store=Store(":memory:"), transport=box.transport())
    yield runtime
    runtime.close()
    box.close()


def _row(paid: int = 0, credited: int = 0, written_off: int = 0, closed: str | None = None) -> dict[str, object]:
    return {"paid_amount": paid, "credited_amount": credited, "write_off_amount": written_off, "closed_date": closed}


def test_a_movement_is_kept_once_per_reference_and_loaded_by_invoice_in_day_order(rt: Runtime) -> None:
    kept = [record(rt, action_public_id="A", kind=PAYMENT, amount=500_00, currency="SEK", day=date(2026, 11, 20),
                   reference="ref-2", source="incoming_payment"),
            record(rt, action_public_id="A", kind=PAYMENT, amount=250_00, currency="SEK", day=date(2026, 11, 3),
                   reference="ref-1", source="incoming_payment"),
            record(rt, action_public_id="A", kind=PAYMENT, amount=500_00, currency="SEK", day=date(2026, 11, 20),
                   reference="ref-2", source="incoming_payment"),
            record(rt, action_public_id="B", kind=WRITEOFF, amount=100_00, currency="SEK", day=date(2026, 11, 5),
                   reference="ref-2", source="event")]
    assert kept == [True, True, False, True]  # the same payment seen by a second pull adds nothing
    assert load(rt) == {"A": [Movement(PAYMENT, 250_00, date(2026, 11, 3)),
                              Movement(PAYMENT, 500_00, date(2026, 11, 20))],
                        "B": [Movement(WRITEOFF, 100_00, date(2026, 11, 5))]}
    with pytest.raises(ValueError):
        record(rt, action_public_id="A", kind="refund", amount=1, currency="SEK", day=date(2026, 11, 5),
               reference="x", source="event")


def test_settled_counts_each_movement_on_its_day() -> None:
    moves = [Movement(PAYMENT, 250_00, date(2026, 11, 3)), Movement(CREDIT, 100_00, date(2026, 11, 10)),
             Movement(PAYMENT, 500_00, date(2026, 11, 20))]
    row = _row(paid=750_00, credited=100_00)
    assert settled(row, moves, until=date(2026, 11, 2)).total == 0
    assert settled(row, moves, until=date(2026, 11, 10)) == Settled(paid=250_00, credited=100_00)
    assert settled(row, moves, until=date(2026, 11, 30), since=date(2026, 11, 4)).paid == 500_00
    assert not settled(row, moves, until=date(2026, 11, 30)).estimated


def test_an_undated_part_is_dated_by_the_closing_day_or_the_last_pull_and_marked_estimated() -> None:
    moves = [Movement(PAYMENT, 250_00, date(2026, 11, 3))]
    closed = _row(paid=1000_00, closed="2026-11-25 10:00:00+01:00")
    before_close = settled(closed, moves, until=date(2026, 11, 24))
    assert (before_close.paid, before_close.estimated) == (250_00, True)
    assert settled(closed, moves, until=date(2026, 11, 25)).paid == 1000_00
    still_open = _row(paid=1000_00)
    assert settled(still_open, moves, until=date(2026, 11, 30), pulled_on=date(2026, 12, 1)).paid == 250_00
    assert settled(still_open, moves, until=date(2026, 12, 1), pulled_on=date(2026, 12, 1)).paid == 1000_00


def test_movements_past_the_invoices_total_are_not_counted() -> None:
    moves = [Movement(PAYMENT, 600_00, date(2026, 11, 3)), Movement(PAYMENT, 600_00, date(2026, 11, 4))]
    result = settled(_row(paid=1000_00), moves, until=date(2026, 11, 30))
    assert (result.paid, result.estimated) == (1000_00, True)


def test_an_invoice_not_read_in_full_counts_its_movements_alone() -> None:
    moves = [Movement(PAYMENT, 600_00, date(2026, 11, 3))]
    row = {"paid_amount": None, "credited_amount": None, "write_off_amount": None, "closed_date": None}
    result = settled(row, moves, until=date(2026, 11, 30))
    assert (result.paid, result.credited, result.estimated) == (600_00, 0, True)
