"""The reconciliation report from a known state (tests/reports/recon_state.py): each discrepancy named
with the command that resolves it (a payment missing on either side, a status changed in Billecta
named once, a credit invoice shown on the invoice it credits), each side's balances dated by the
movements, the PDF's text and the CSV read back against those balances, a period refused under its
fields; nothing in the store or Billecta is changed by it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from bot import commands as registry
from bot import timefmt
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import AmountView, InvoiceActionEntryView, InvoiceActionRecordView, RegisterPaymentView
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import InvalidInput
from bot.money import format_amount
from bot.reports.params import period
from bot.reports.reconciliation import (
    AMOUNT_DIFFERS,
    NEVER_SENT,
    NO_ORDER,
    PAYMENT_MISSING,
    STATUS_DIFFERS,
    Known,
    ReconciliationReport,
    build,
    known,
    reconciliation_report,
)
from bot.roles import Actor, Role
from bot.runner import Dialog, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.services.credit import credit_invoice
from bot.services.payments import PaymentForm, prepare
from bot.services.pull import VIEWS_PER_PULL
from bot.store import Store
from tests.pdf_check import read_pdf
from tests.reports.recon_state import State, make_state

TODAY = date(2026, 12, 1)  # the pinned today (tests/conftest.py): the state's orders and invoices
DAY = {"from": "2026-12-01", "to": "2026-12-01"}
OPERATOR = Actor("U123", Role.OPERATOR, "slack", name="Olle Operator")


@pytest.fixture
def box() -> Iterator[Sandbox]:
    sandbox = Sandbox(":memory:", seed="demo")
    yield sandbox
    sandbox.close()


@pytest.fixture
def rt(box: Sandbox) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(_env_file=None), store=Store(":memory:"),  # type: ignore[call-arg]
                            transport=box.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()


@pytest.fixture
def state(rt: Runtime) -> State:
    return make_state(rt)


def report(rt: Runtime, options: dict[str, Any]) -> ReconciliationReport:
    return reconciliation_report(rt, None, dict(options))


def aid_of(rt: Runtime, number: str) -> str:
    row = rt.store.find_by("invoice", "invoice_number", number)
    assert row is not None
    return str(row["action_public_id"])


def pay_in_billecta(rt: Runtime, number: str, amount: str, day: date = TODAY) -> None:
    """A payment booked in Billecta outside the bot (the pull finds it among the incoming payments)."""
    rt.billecta.register_payment(RegisterPaymentView(action_public_id=aid_of(rt, number),
                                                     amount=AmountView.of(Decimal(amount)),
                                                     date=datetime.combine(day, time(12), STOCKHOLM)))


def found(report: ReconciliationReport) -> dict[tuple[int | None, str | None], list[str]]:
    return {(line.order_id, line.invoice_number): [d.kind for d in line.discrepancies]
            for line in report.lines}


def said(report: ReconciliationReport, kind: str) -> list[str]:
    return [d.text for d in report.discrepancies if d.kind == kind]


def test_each_discrepancy_is_named_with_the_command_that_resolves_it(rt: Runtime, state: State) -> None:
    done = report(rt, DAY)
    kinds = found(done)
    assert kinds[(2001, state.numbers[2001])] == []
    assert kinds[(2002, state.numbers[2002])] == [AMOUNT_DIFFERS]
    assert kinds[(2003, state.numbers[2003])] == [PAYMENT_MISSING]
    assert kinds[(2004, None)] == [NEVER_SENT]
    assert kinds[(None, state.direct)] == [NO_ORDER]
    assert kinds[(1010, None)] == []  # the demo's order sent as a draft
    actions = {d.kind: d.action for d in done.discrepancies if d.kind != NO_ORDER}
    assert "`order upsert 2004`" in actions[NEVER_SENT]
    assert f"`invoice events {state.numbers[2002]}`" in actions[AMOUNT_DIFFERS]
    third = state.numbers[2003]
    assert said(done, PAYMENT_MISSING) == [
        f"A payment of 100,00\u00a0kr on invoice {third} is in Billecta only, paid on 1 Dec; the store's last "
        f"mirror had 0,00\u00a0kr paid."]
    assert f"`invoice events {third}`" in actions[PAYMENT_MISSING]
    direct = next(d for d in done.discrepancies if d.kind == NO_ORDER and state.direct in d.text)
    assert f"`invoice events {state.direct}`" in direct.action
    # Five demo invoices dated before the period are still open at its start, and no order explains them.
    assert done.counts == {NO_ORDER: 6, AMOUNT_DIFFERS: 1, PAYMENT_MISSING: 1, NEVER_SENT: 1}
    assert done.matched == 2 and len(done.lines) == 11
    line = next(line for line in done.lines if line.order_id == 2002)
    assert (line.store.invoiced, line.billecta.invoiced, line.difference) == (150000, 50000, -100000)


def test_each_sides_opening_balance_movements_and_closing_balance(rt: Runtime, state: State) -> None:
    done = report(rt, DAY)
    store, billecta = done.balances[("store", "SEK")], done.balances[("billecta", "SEK")]
    # Opening: the demo's five invoices open at the period's start, nothing settled on them (both sides).
    assert store["opening"] == billecta["opening"] == 1347250
    # Store: orders 2001-2004 at their rows now (2 500 + 1 500 + 224 + 100) and the demo's draft 8 862,50.
    assert store["invoiced"] == 250000 + 150000 + 22400 + 10000 + 886250
    # Billecta: the three attested invoices as booked (2 500 + 500 + 224) and the direct one (640).
    assert billecta["invoiced"] == 250000 + 50000 + 22400 + 64000
    assert (store["settled"], billecta["settled"]) == (0, 10000)
    for side in (store, billecta):
        assert side["closing"] == side["opening"] + side["invoiced"] + side["fees"] - side["settled"]
    assert billecta["closing"] == 1347250 + 386400 - 10000
    # Every settlement is dated by a movement: nothing estimated, on either side.
    assert len(done.notes) == 1 and "estimated" not in " ".join(done.notes)


def test_the_opening_balance_at_from_is_less_what_was_paid_before_it(rt: Runtime, state: State) -> None:
    pay_in_billecta(rt, "1001", "250.00", date(2026, 11, 25))  # demo invoice 1001 of 1 250,00, 22 Nov
    pay_in_billecta(rt, "1001", "500.00")
    done = report(rt, {"from": "2026-11-28", "to": "2026-12-01"})
    billecta, store = done.balances[("billecta", "SEK")], done.balances[("store", "SEK")]
    line = next(line for line in done.lines if line.invoice_number == "1001")
    assert line.before_period and (line.billecta.settled_before, line.billecta.settled_within) == (25000, 50000)
    assert line.figures("billecta") == {"opening": 100000, "invoiced": 0, "fees": 0, "settled": 50000,
                                        "closing": 50000}
    assert billecta == {"opening": 1347250 - 25000, "invoiced": 386400, "fees": 0, "settled": 50000 + 10000,
                        "closing": 1347250 - 25000 + 386400 - 60000}
    # The store's last mirror knew neither payment: it opens with all of 1001 and settles nothing.
    assert (store["opening"], store["settled"], store["closing"]) == (1347250, 0, 1347250 + 1318650)
    assert said(done, PAYMENT_MISSING)[0] == ("A payment of 750,00\u00a0kr on invoice 1001 is in Billecta only, "
                                              "paid on 25 Nov, 1 Dec; the store's last mirror had 0,00\u00a0kr paid.")
    # To the 30th, the payment of the 1st is after the period: it is not in the closing balance.
    to_30 = report(rt, {"from": "2026-11-28", "to": "2026-11-30"})
    assert to_30.balances[("billecta", "SEK")]["closing"] == 1347250 - 25000  # no invoice of the 1st counts


def test_a_settlement_no_movement_dates_is_counted_at_the_last_pull_and_said(rt: Runtime, state: State) -> None:
    report(rt, DAY)
    # A store whose mirror predates its movements: the 100,00 it mirrored on 2003's invoice has no day.
    last = known(rt)
    done = build(rt, period(DAY), None, Known(last.rows, {}, last.pulled_on))
    line = next(line for line in done.lines if line.order_id == 2003)
    assert (line.store.paid, line.store.settled_within, line.store.estimated) == (10000, 10000, True)
    assert not line.billecta.estimated
    assert done.notes[1:] == ["Store: 1 of 9 invoices has a settlement no dated movement accounts for; it is "
                              "dated by the day the invoice closed, or while it is open by the last pull (1 Dec)."]
    assert done.notes[1] in " ".join(read_pdf(done.files[0].data).text.split("\n"))


def test_an_invoice_known_only_by_its_list_row_counts_its_movements_and_is_said(rt: Runtime, state: State) -> None:
    report(rt, DAY)
    third = aid_of(rt, state.numbers[2003])
    # As a pull that ran out of reads leaves an invoice whose list row changed: its totals unknown.
    rt.store.db.execute("UPDATE invoice SET paid_amount = NULL, credited_amount = NULL, write_off_amount = NULL "
                        "WHERE action_public_id = ?", [third])
    done = reconciliation_report(rt, None, {**DAY, "refresh": False})
    line = next(line for line in done.lines if line.order_id == 2003)
    # Its payment of 100,00 is known from its movement: paid, and settled in the period, on both sides.
    assert (line.billecta.paid, line.billecta.remaining, line.billecta.estimated) == (10000, 12400, True)
    assert line.figures("billecta") == {"opening": 0, "invoiced": 22400, "fees": 0, "settled": 10000,
                                        "closing": 12400}
    assert done.notes[-1] == ("Billecta: 1 invoice(s) are known only by their list row so far: the next pulls "
                              f"read them in full, at most {VIEWS_PER_PULL} a pull.")


def test_a_payment_the_bot_registered_matches_and_one_billecta_does_not_show_is_named(rt: Runtime,
                                                                                        state: State) -> None:
    first = state.numbers[2001]
    row = rt.store.find_by("invoice", "invoice_number", first)
    assert row is not None
    prepared = prepare(rt, row)
    form = PaymentForm.parse({"amount": "300", "payment_date": TODAY.isoformat(), "payment_means": "BANK"}, prepared)
    run_dialog(rt, Dialog(registry.find("invoice", "payment"), first, row, form, {}), OPERATOR)
    done = report(rt, DAY)
    line = next(line for line in done.lines if line.order_id == 2001)
    # The bot's record, its mirror and Billecta agree: counted once, on the day the bot registered it.
    assert line.discrepancies == [] and (line.store.paid, line.billecta.paid) == (30000, 30000)
    assert (line.store.remaining, line.store.settled_within, line.store.estimated) == (220000, 30000, False)
    # A payment the store holds (as bot.services.payments records one) that Billecta does not show.
    second = state.numbers[2002]
    rt.store.insert("payment", {"kind": "manual", "payment_type": "ManualPayment", "state": "Registered",
                                "amount": 20000, "currency": "SEK", "payment_date": "2026-12-01",
                                "action_public_id": aid_of(rt, second)})
    for _ in range(2):  # the store still holds it after the next pull: named each time until resolved
        done = report(rt, DAY)
        line = next(line for line in done.lines if line.order_id == 2002)
        assert [d.kind for d in line.discrepancies] == [AMOUNT_DIFFERS, PAYMENT_MISSING]
        missing = line.discrepancies[1]
        assert missing.text == (f"A payment of 200,00\u00a0kr on invoice {second} is in the store only (the bot's "
                                f"own record), paid on 1 Dec; Billecta shows 0,00\u00a0kr paid.")
        assert f"`invoice payment {second}`" in missing.action and missing.command == f"invoice payment {second}"
        assert (line.store.paid, line.store.remaining, line.difference) == (20000, 130000, 50000 - 130000)
        assert line.figures("store")["settled"] == 20000


def test_a_status_changed_in_billecta_is_named_once_and_matched_after_its_pull(rt: Runtime, state: State) -> None:
    pay_in_billecta(rt, state.numbers[2001], "2500.00")
    done = report(rt, DAY)
    first = state.numbers[2001]
    assert found(done)[(2001, first)] == [STATUS_DIFFERS, PAYMENT_MISSING]
    assert said(done, STATUS_DIFFERS) == [f"Invoice {first} is Completed in Billecta; the store had it InvoiceSent."]
    status = next(d for d in done.discrepancies if d.kind == STATUS_DIFFERS)
    assert status.command == f"invoice events {first}" and "this report's pull" in status.action
    # That report's pull mirrored it: the next report finds both sides alike.
    again = report(rt, DAY)
    assert found(again)[(2001, first)] == [] and found(again)[(2003, state.numbers[2003])] == []
    assert STATUS_DIFFERS not in again.counts and PAYMENT_MISSING not in again.counts
    store, billecta = again.balances[("store", "SEK")], again.balances[("billecta", "SEK")]
    assert store["settled"] == billecta["settled"] == 250000 + 10000
    line = next(line for line in again.lines if line.order_id == 2001)
    assert line.store.status == line.billecta.status == "Completed" and line.figures("store")["closing"] == 0


def test_a_re_run_without_a_pull_names_what_the_last_pull_changed_with_the_same_figures(rt: Runtime,
                                                                                      state: State) -> None:
    # A Slack modal's date change re-runs the report with refresh=False: it still names the status and
    # the payment that the pull of its first run brought, with the same figures, until the next pull.
    pay_in_billecta(rt, state.numbers[2001], "2500.00")
    done = report(rt, DAY)
    first, third = state.numbers[2001], state.numbers[2003]
    assert found(done)[(2001, first)] == [STATUS_DIFFERS, PAYMENT_MISSING]
    assert found(done)[(2003, third)] == [PAYMENT_MISSING]
    rerun = reconciliation_report(rt, None, {**DAY, "refresh": False})
    assert found(rerun) == found(done) and said(rerun, STATUS_DIFFERS) == said(done, STATUS_DIFFERS)
    assert said(rerun, PAYMENT_MISSING) == said(done, PAYMENT_MISSING)
    assert rerun.balances == done.balances and rerun.balances[("store", "SEK")] != rerun.balances[("billecta", "SEK")]
    line = next(line for line in rerun.lines if line.order_id == 2001)
    assert (line.store.status, line.billecta.status, line.store.paid) == ("InvoiceSent", "Completed", 0)
    # The next pull brings nothing new: both sides alike, in it and in its re-runs.
    report(rt, DAY)
    calm = reconciliation_report(rt, None, {**DAY, "refresh": False})
    assert found(calm)[(2001, first)] == [] and found(calm)[(2003, third)] == []


def test_the_pull_keeps_the_changes_of_its_last_pulls_only(rt: Runtime, state: State) -> None:
    from bot.services import mirror_changes
    from bot.services.pull import pull
    aid = aid_of(rt, state.numbers[2001])
    for _ in range(mirror_changes.KEPT_PULLS + 2):
        pull(rt)  # each pull changes that invoice's row, as far as the changes know
        with rt.store.lock:
            last = rt.store.db.execute("SELECT MAX(id) FROM mirror_pull").fetchone()[0]
        assert mirror_changes.keep(rt, last, {aid: {"stage": "InvoiceSent"}}) == 1
    with rt.store.lock:
        pulls = rt.store.db.execute("SELECT COUNT(DISTINCT pull_id), MIN(pull_id) FROM mirror_change").fetchone()
        last = rt.store.db.execute("SELECT MAX(id) FROM mirror_pull").fetchone()[0]
    assert tuple(pulls) == (mirror_changes.KEPT_PULLS, last - mirror_changes.KEPT_PULLS + 1)


def test_a_credit_invoice_shows_as_credited_on_the_invoice_it_credits(rt: Runtime, state: State,
                                                                     box: Sandbox) -> None:
    client, first = rt.billecta, state.numbers[2001]
    source = rt.store.find_by("invoice", "invoice_number", first)
    assert source is not None
    now = datetime.combine(TODAY, time(12), STOCKHOLM)
    note = client.create_invoice(InvoiceActionEntryView(
        creditor_public_id=client.creditor_id, debtor_public_id=source["debtor_public_id"], invoice_date=now,
        due_date=now, crediting_invoice_public_id=source["action_public_id"],
        records=[InvoiceActionRecordView(article_description="Credit", quantity=Decimal(1),
                                         unit_price=AmountView.of(Decimal("-400.00")))]))
    client.attest_invoice(note)
    note_number = client.get_invoice(note).invoice_number or ""
    # Billecta credits it when the credit invoice is attested: on the sandbox clock's day (real time,
    # on or after the pinned today), so the period runs to that day.
    credited_on = box.now().date()
    period_ = {"from": "2026-12-01", "to": credited_on.isoformat()}
    done = report(rt, period_)
    # No line of its own, so never "an invoice no order explains": order 2001 explains it.
    assert note_number not in {line.invoice_number for line in done.lines}
    assert done.counts[NO_ORDER] == 6 and not any(note_number in d.text for d in done.discrepancies)
    line = next(line for line in done.lines if line.order_id == 2001)
    assert (line.billecta.credited, line.billecta.remaining, line.store.credited) == (50000, 200000, 0)
    assert said(done, PAYMENT_MISSING)[0] == (
        f"A credit of 500,00\u00a0kr on invoice {first} is in Billecta only, credited on "
        f"{timefmt.format_day(credited_on)}; the store's last mirror had 0,00\u00a0kr credited.")
    again = report(rt, period_)
    line = next(line for line in again.lines if line.order_id == 2001)
    assert line.discrepancies == [] and line.store.credited == line.billecta.credited == 50000
    assert again.balances[("billecta", "SEK")]["settled"] == 50000 + 10000
    # Credited through the bot (`invoice credit`): the bot mirrors it at once, so both sides agree.
    second = state.numbers[2002]
    credit_invoice(rt, second)
    after = report(rt, period_)
    line = next(line for line in after.lines if line.order_id == 2002)
    assert [d.kind for d in line.discrepancies] == [AMOUNT_DIFFERS]  # the edit since attest, as before
    assert (line.store.credited, line.billecta.credited, line.billecta.status) == (50000, 50000, "Completed")


def test_the_csv_and_the_pdf_agree_with_the_balances(rt: Runtime, state: State) -> None:
    pay_in_billecta(rt, "1001", "250.00", date(2026, 11, 25))
    done = report(rt, {"from": "2026-11-28", "to": "2026-12-01"})
    pdf_file, csv_file = done.files
    assert csv_file.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(csv_file.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == len(done.lines) == 11

    def minor(text: str) -> int:
        return int(Decimal(text.replace(",", ".") or "0") * 100)

    for side, who in (("store", "Store"), ("billecta", "Billecta")):
        figures = done.balances[(side, "SEK")]
        assert sum(minor(r[f"{who} opening"]) for r in rows) == figures["opening"]
        assert sum(minor(r[f"{who} settled in period"]) for r in rows) == figures["settled"]
        assert sum(minor(r[f"{who} closing"]) for r in rows) == figures["closing"]
    assert all(minor(r["Difference"]) == minor(r["Billecta remaining"]) - minor(r["Store remaining"]) for r in rows)
    old = next(r for r in rows if r["Invoice"] == "1001")
    assert (old["Billecta opening"], old["Billecta paid"], old["Billecta closing"], old["Store closing"]) == (
        "1000,00", "250,00", "1000,00", "1250,00")
    edited = next(row for row in rows if row["Order"] == "2002")
    assert (edited["Store invoiced"], edited["Billecta invoiced"], edited["Difference"]) == ("1500,00", "500,00",
                                                                                             "-1000,00")
    assert edited["Matched"] == "no" and "invoice events" in edited["Actions"]
    assert next(row for row in rows if row["Order"] == "2001")["Matched"] == "yes"
    text = read_pdf(pdf_file.data).text
    assert "Reconciliation: the bot's store and Billecta" in text and "Period: 2026-11-28 to 2026-12-01" in text
    assert "Billecta data as of" in text and "Order never sent" in text
    assert "order upsert 2004" in text and f"invoice events {state.numbers[2002]}" in text
    for label, value in done.summary():  # every balance as the summary says it, in the PDF's text
        assert label in text and value.replace("\u00a0", " ") in text.replace("\u00a0", " ")
    billecta = done.balances[("billecta", "SEK")]
    assert format_amount(billecta["closing"], "SEK") == "16\u00a0986,50\u00a0kr"  # 13 472,50 - 250 + 3 864 - 100
    assert "TOTAL billecta SEK" in text


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
    # The report's pull refreshes each mirrored payment's last_synced_at (to the second); that stamp is
    # the pull's, not a change the report made, so it is left out of the comparison.
    payments = ("SELECT id, billecta_id, kind, payment_type, state, amount, currency, payment_date, reference, "
                "action_public_id, sync_status, last_error FROM payment ORDER BY id")
    payments_before = rt.store.db.execute(payments).fetchall()
    reconciliation_report(rt, None, dict(DAY))
    assert rt.store.db.execute("SELECT * FROM [order] ORDER BY id").fetchall() == orders_before
    assert rt.store.db.execute("SELECT * FROM orderrow ORDER BY id").fetchall() == rows_before
    assert rt.store.db.execute(payments).fetchall() == payments_before
    assert timefmt.today() == TODAY
