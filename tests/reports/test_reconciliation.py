"""The reconciliation report from a known state (tests/reports/recon_state.py): each discrepancy named
with the command that resolves it, each side's balances, the PDF's text read back, the CSV parsed
back, a period refused under its fields; nothing in the store or Billecta is changed by it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest

from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import InvalidInput
from bot.reports.reconciliation import (
    AMOUNT_DIFFERS,
    NEVER_SENT,
    NO_ORDER,
    PAYMENT_MISSING,
    STATUS_DIFFERS,
    ReconciliationReport,
    reconciliation_report,
)
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.store import Store
from tests.pdf_check import read_pdf
from tests.reports.recon_state import State, make_state

DAY = {"from": "2026-12-01", "to": "2026-12-01"}  # the pinned today: the state's orders and invoices


@pytest.fixture
def rt() -> Iterator[Runtime]:
    box = Sandbox(":memory:", seed="demo")
    runtime = build_runtime(Settings(_env_file=None), store=Store(":memory:"),  # type: ignore[call-arg]
                            transport=box.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()
    box.close()


@pytest.fixture
def state(rt: Runtime) -> State:
    return make_state(rt)


def found(report: ReconciliationReport) -> dict[tuple[int | None, str | None], list[str]]:
    return {(line.order_id, line.invoice_number): [d.kind for d in line.discrepancies]
            for line in report.lines}


def test_each_discrepancy_is_named_with_the_command_that_resolves_it(rt: Runtime, state: State) -> None:
    report = reconciliation_report(rt, None, dict(DAY))
    kinds = found(report)
    assert kinds[(2001, state.numbers[2001])] == []
    assert kinds[(2002, state.numbers[2002])] == [AMOUNT_DIFFERS]
    assert kinds[(2003, state.numbers[2003])] == [PAYMENT_MISSING]
    assert kinds[(2004, None)] == [NEVER_SENT]
    assert kinds[(None, state.direct)] == [NO_ORDER]
    assert kinds[(1010, None)] == []  # the demo's order sent as a draft
    actions = {d.kind: d.action for d in report.discrepancies if d.kind != NO_ORDER}
    assert "`order upsert 2004`" in actions[NEVER_SENT]
    assert f"`invoice events {state.numbers[2002]}`" in actions[AMOUNT_DIFFERS]
    assert f"`invoice events {state.numbers[2003]}`" in actions[PAYMENT_MISSING]
    assert "`billecta-bot pull`" in actions[PAYMENT_MISSING]
    direct = next(d for d in report.discrepancies if d.kind == NO_ORDER and state.direct in d.text)
    assert f"`invoice events {state.direct}`" in direct.action
    # Five demo invoices dated before the period are still open at its start, and no order explains them.
    assert report.counts == {NO_ORDER: 6, AMOUNT_DIFFERS: 1, PAYMENT_MISSING: 1, NEVER_SENT: 1}
    assert report.matched == 2 and len(report.lines) == 11
    line = next(line for line in report.lines if line.order_id == 2002)
    assert (line.store.invoiced, line.billecta.invoiced, line.difference) == (150000, 50000, -100000)


def test_each_sides_opening_balance_movements_and_closing_balance(rt: Runtime, state: State) -> None:
    report = reconciliation_report(rt, None, dict(DAY))
    store, billecta = report.balances[("store", "SEK")], report.balances[("billecta", "SEK")]
    # Opening: the demo's five invoices open at the period's start (the same on both sides).
    assert store["opening"] == billecta["opening"] == 1347250
    # Store: orders 2001-2004 at their rows now (2 500 + 1 500 + 224 + 100) and the demo's draft 8 862,50.
    assert store["invoiced"] == 250000 + 150000 + 22400 + 10000 + 886250
    # Billecta: the three attested invoices as booked (2 500 + 500 + 224) and the direct one (640).
    assert billecta["invoiced"] == 250000 + 50000 + 22400 + 64000
    assert (store["settled"], billecta["settled"]) == (0, 10000)
    for side in (store, billecta):
        assert side["closing"] == side["opening"] + side["invoiced"] + side["fees"] - side["settled"]
    assert billecta["closing"] == 1347250 + 386400 - 10000


def test_a_status_changed_in_billecta_since_the_last_pull_is_named(rt: Runtime, state: State) -> None:
    from datetime import datetime, time

    from bot import timefmt
    from bot.billecta.dates import STOCKHOLM
    from bot.billecta.models import AmountView, RegisterPaymentView
    invoice = rt.store.find_by("invoice", "order_id", 2001)
    assert invoice is not None
    rt.billecta.register_payment(RegisterPaymentView(
        action_public_id=invoice["action_public_id"], amount=AmountView.of(Decimal("2500.00")),
        date=datetime.combine(timefmt.today(), time(12), STOCKHOLM)))
    report = reconciliation_report(rt, None, dict(DAY))
    assert found(report)[(2001, state.numbers[2001])] == [STATUS_DIFFERS, PAYMENT_MISSING]
    said = [d.text for d in report.discrepancies if d.kind == STATUS_DIFFERS]
    assert said == [f"Invoice {state.numbers[2001]} is Completed in Billecta; the store had it InvoiceSent."]


def test_the_pdf_and_the_csv_carry_both_sides_and_the_difference(rt: Runtime, state: State) -> None:
    report = reconciliation_report(rt, None, dict(DAY))
    pdf_file, csv_file = report.files
    text = read_pdf(pdf_file.data).text
    assert "Reconciliation: the bot's store and Billecta" in text and "Period: 2026-12-01 to 2026-12-01" in text
    assert "Billecta data as of" in text and "Order never sent" in text
    assert "order upsert 2004" in text and f"invoice events {state.numbers[2002]}" in text
    assert csv_file.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(csv_file.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 11
    edited = next(row for row in rows if row["Order"] == "2002")
    assert (edited["Store invoiced"], edited["Billecta invoiced"], edited["Difference"]) == ("1500,00", "500,00",
                                                                                             "-1000,00")
    assert edited["Matched"] == "no" and "invoice events" in edited["Actions"]
    assert next(row for row in rows if row["Order"] == "2001")["Matched"] == "yes"


def test_a_bad_period_is_refused_under_its_fields(rt: Runtime) -> None:
    with pytest.raises(InvalidInput) as bad:
        reconciliation_report(rt, None, {"from": "2026-12-05", "to": "2026-12-01"})
    assert set(bad.value.field_errors or {}) == {"to"}
    with pytest.raises(InvalidInput) as bad:
        reconciliation_report(rt, None, {"from": "1 Dec"})
    assert "not a date" in (bad.value.field_errors or {})["from"]


def test_the_report_changes_nothing(rt: Runtime, state: State) -> None:
    orders_before = rt.store.db.execute("SELECT * FROM [order] ORDER BY id").fetchall()
    rows_before = rt.store.db.execute("SELECT * FROM orderrow ORDER BY id").fetchall()
    reconciliation_report(rt, None, dict(DAY))
    assert rt.store.db.execute("SELECT * FROM [order] ORDER BY id").fetchall() == orders_before
    assert rt.store.db.execute("SELECT * FROM orderrow ORDER BY id").fetchall() == rows_before
