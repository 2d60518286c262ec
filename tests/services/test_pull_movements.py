"""The pull's dated movements and its bounded full reads, against the in-process sandbox and a real store:
a known ledger gives known payments, credits and write-offs on known days, each kept once however often
the pull runs; an invoice made and closed between two pulls arrives closed with its payment; a first pull
of more invoices than VIEWS_PER_PULL reads the most needed first and leaves the rest for the next pulls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from bot.billecta.models import AmountView, CreditActionView, DebtorView, IncomingPaymentView
from bot.config import Settings
from bot.reports import movements
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.services import pull as pulling
from bot.services.pulled_movements import record_payments
from bot.store import Store

from .pull_ledger import Ledger, invoice, known_moves, make_ledger, moves, noon, pay, today


@pytest.fixture
def rt(sandbox: Sandbox) -> Iterator[Runtime]:
    """A store that has never pulled: the first pull here is the mirror's first."""
    runtime = build_runtime(Settings(_env_file=None), store=Store(":memory:"),  # type: ignore[call-arg]
                            transport=sandbox.transport())
    yield runtime
    runtime.close()


def test_a_known_ledger_gives_its_movements_on_their_days_once_however_often_it_is_pulled(rt: Runtime) -> None:
    ledger = make_ledger(rt)
    first = pulling.pull(rt)
    assert moves(rt, ledger) == known_moves()
    assert first.movements >= 5 and first.unread == 0
    again = pulling.pull(rt)
    assert again.movements == 0 and moves(rt, ledger) == known_moves()  # the day's overlap adds nothing
    row = rt.store.find_by("invoice", "action_public_id", ledger.ids["X"])
    assert row is not None
    settled = movements.settled(row, movements.load(rt)[ledger.ids["X"]], until=today() - timedelta(days=1))
    assert (settled.paid, settled.written_off, settled.estimated) == (300_00, 0, False)


def test_a_credit_made_after_a_pull_is_dated_by_its_event_and_only_the_difference_is_kept(rt: Runtime) -> None:
    ledger = make_ledger(rt)
    pulling.pull(rt)
    rt.billecta.credit_invoice(CreditActionView(action_public_id=ledger.ids["Y"], value=AmountView.of(Decimal("250"))))
    second = pulling.pull(rt)
    assert second.detailed == 1 and second.movements == 1  # Y's list row changed: read again
    credits = [m for m in moves(rt, ledger) if m[0] == "Y"]
    assert [(m[1], m[2], m[3]) for m in credits] == [(movements.CREDIT, 250_00, today()),
                                                     (movements.CREDIT, 500_00, today())]
    assert movements.held(rt, ledger.ids["Y"]) == {movements.CREDIT: 750_00}


def test_an_invoice_made_and_closed_between_two_pulls_arrives_closed_with_its_payment(rt: Runtime) -> None:
    pulling.pull(rt)
    debtor = rt.billecta.create_debtor(DebtorView(name="Snabb AB"))
    aid = invoice(rt, debtor, "800.00", 30, issued_days_ago=0)
    pay(rt, aid, "1000.00", today())
    pulling.pull(rt)
    row = rt.store.find_by("invoice", "action_public_id", aid)
    assert row is not None and row["stage"] == "Completed" and row["closed_date"] is not None
    assert (row["paid_amount"], row["current_amount"]) == (1000_00, 0)
    assert moves(rt, Ledger({"N": aid})) == [("N", movements.PAYMENT, 1000_00, today(), "incoming_payment")]


def test_a_payment_on_an_invoice_the_mirror_does_not_know_is_kept_all_the_same(rt: Runtime) -> None:
    paid = IncomingPaymentView(payment_reference_id="2b6f3c1e-4d5a-4e7f-9a8b-1c2d3e4f5a6b",
                               action_public_id="7549999999", amount=AmountView.of(Decimal("99.50")),
                               payment_date=noon(today()))
    assert record_payments(rt, [paid, paid]) == 1
    assert rt.store.find_by("invoice", "action_public_id", "7549999999") is None
    assert movements.load(rt)["7549999999"] == [movements.Movement(movements.PAYMENT, 99_50, today())]


def test_the_first_pull_asks_payments_back_to_the_oldest_open_invoice(rt: Runtime, sandbox: Sandbox) -> None:
    debtor = rt.billecta.create_debtor(DebtorView(name="Gammal AB"))
    old = invoice(rt, debtor, "1000.00", -150, issued_days_ago=200)
    pay(rt, old, "100.00", today() - timedelta(days=180))  # older than the closed invoices' lookback
    pulling.pull(rt)
    assert moves(rt, Ledger({"O": old})) == [("O", movements.PAYMENT, 100_00, today() - timedelta(days=180),
                                              "incoming_payment")]


def test_a_first_pull_over_the_bound_reads_the_most_needed_first_and_the_next_pulls_the_rest(
        rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pulling, "VIEWS_PER_PULL", 2)
    ledger = make_ledger(rt)  # X due in 20 days, Y overdue, Z closed
    before = rt.store.count("invoice")
    first = pulling.pull(rt)
    demo_invoices = rt.store.count("invoice") - before - 3
    assert first.detailed == 2 and first.unread == pulling.unread_in_full(rt) == demo_invoices + 3 - 2
    read = {key for key, aid in ledger.ids.items()
            if (rt.store.find_by("invoice", "action_public_id", aid) or {}).get("paid_amount") is not None}
    assert read == set()  # the demo's open invoices fall due before ours: read first
    recorded = rt.store.rows("mirror_pull", order_by="id desc", limit=1)[0]
    assert (recorded["detailed"], recorded["unread"]) == (2, first.unread)
    assert [m for m in moves(rt, ledger) if m[1] == movements.PAYMENT] == \
        [m for m in known_moves() if m[1] == movements.PAYMENT]  # payments are dated all the same
    pulls = 1
    while pulling.unread_in_full(rt):
        pulls += 1
        assert pulling.pull(rt).detailed <= 2 and pulls < 20
    assert moves(rt, ledger) == known_moves()
    assert pulls == 1 + -(-first.unread // 2)


def test_a_changed_invoice_is_read_before_the_backlog_and_one_left_over_is_counted_unread(
        rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = make_ledger(rt)
    pulling.pull(rt)  # everything read
    monkeypatch.setattr(pulling, "VIEWS_PER_PULL", 1)
    debtor = rt.billecta.create_debtor(DebtorView(name="Ny AB"))
    fresh = invoice(rt, debtor, "100.00", -30, issued_days_ago=40)  # never read, and due before X
    pay(rt, ledger.ids["X"], "50.00", today())
    rt.billecta.credit_invoice(CreditActionView(action_public_id=ledger.ids["Y"], value=AmountView.of(Decimal("10"))))
    second = pulling.pull(rt)
    assert second.detailed == 1 and second.unread == 2  # X or Y read, the other and the new one wait
    left = [key for key in ("X", "Y") if rt.store.find_by("invoice", "action_public_id",
                                                          ledger.ids[key])["paid_amount"] is None]
    assert len(left) == 1  # its totals are no longer shown as current
    assert rt.store.find_by("invoice", "action_public_id", fresh)["paid_amount"] is None
    pulling.pull(rt)
    pulling.pull(rt)
    assert pulling.unread_in_full(rt) == 0
    assert movements.held(rt, ledger.ids["Y"]) == {movements.CREDIT: 510_00}
