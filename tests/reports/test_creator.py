"""The report creator (command 31) from a known sandbox state (tests/reports/ledger.py): the exact rows
and sums for field, filter and sum choices and both presets; every bad option refused under its field;
the CSV parsed back; the PDF's text read back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from bot import timefmt
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import (
    AmountView,
    DebtorView,
    InvoiceActionEntryView,
    InvoiceActionRecordView,
    RegisterPaymentView,
)
from bot.errors import InvalidInput
from bot.reports import movements, saved
from bot.reports.creator import ESTIMATED_NOTE, CreatedReport, build, create_report
from bot.reports.definition import definition
from bot.reports.numbers import Numbers
from bot.runtime import Runtime
from tests.pdf_check import read_pdf
from tests.reports.ledger import OBERG, RAPPORT, Known, make_ledger
from tests.reports.recon_state import make_state


@pytest.fixture
def known(rt: Runtime) -> Known:
    return make_ledger(rt)


def report(rt: Runtime, **options: object) -> CreatedReport:
    return create_report(rt, None, dict(options))


def still(rt: Runtime, **options: object) -> CreatedReport:
    """A report from the mirror as it is, not pulled first."""
    return report(rt, refresh=False, **options)


def numbers(result: CreatedReport) -> list[str]:
    return [line["invoice_number"] for line in result.lines]


def test_text_and_amount_conditions_pick_the_known_invoices(rt: Runtime, known: Known) -> None:
    result = report(rt, filter="debtor~rapport;remaining>1000", sum="remaining,invoiced")
    assert numbers(result) == [known.numbers["B"]]
    assert result.sums == {"SEK": {"remaining": 156000, "invoiced": 200000}}
    oberg = report(rt, filter=f"debtor={OBERG.upper()};status!=closed", sum="remaining,days_past_due")
    assert numbers(oberg) == [known.numbers["D"], known.numbers["E"]]  # by due date; C is closed
    assert oberg.sums["SEK"] == {"remaining": 137500, "days_past_due": 70}


def test_exact_amount_and_date_comparisons(rt: Runtime, known: Known) -> None:
    assert numbers(report(rt, filter="debtor~rapport;remaining=600,00")) == [known.numbers["A"]]
    assert numbers(report(rt, filter="debtor~rapport;remaining>=1560.00")) == [known.numbers["B"]]
    assert numbers(report(rt, filter="debtor~rapport;remaining<600.01")) == [known.numbers["A"]]
    due_a = report(rt, filter=f"invoice_number={known.numbers['A']}").lines[0]["due_date"]
    assert numbers(report(rt, filter=f"debtor~rapport;due_date<{due_a}")) == []
    assert numbers(report(rt, filter=f"debtor~rapport;due_date>{due_a}")) == [known.numbers["B"]]
    assert numbers(report(rt, filter=f"debtor~rapport;due_date<={due_a}")) == [known.numbers["A"]]


def test_receivables_preset_sums_every_open_invoice(rt: Runtime, known: Known) -> None:
    result = report(rt, preset="receivables", filter="debtor~rapport")
    assert numbers(result) == [known.numbers["A"], known.numbers["B"]]
    assert result.sums == {"SEK": {"invoiced": 300000, "paid": 30000, "credited": 50000, "written_off": 10000,
                                   "fees": 6000, "remaining": 216000}}
    assert result.spec.title == "Accounts Receivable (Kundreskontra)"


def test_fees_are_those_raised_by_the_reports_day(rt: Runtime, known: Known) -> None:
    # B's 60,00 reminder fee was raised today (the sandbox's day), with its 500,00 credit.
    b = f"invoice_number={known.numbers['B']}"
    yesterday = (timefmt.today() - timedelta(days=1)).isoformat()
    before = report(rt, fields="invoice_number,credited,fees,remaining", filter=b, date=yesterday).lines
    assert [(line["credited"], line["fees"], line["remaining"]) for line in before] == [(0, 0, 200000)]
    now = report(rt, fields="invoice_number,credited,fees,remaining", filter=b).lines
    assert [(line["credited"], line["fees"], line["remaining"]) for line in now] == [(50000, 6000, 156000)]


def test_prepaid_preset_finds_the_invoice_paid_before_it_fell_due(rt: Runtime, known: Known) -> None:
    aid = _action_id(rt, known.numbers["E"])
    rt.billecta.register_payment(RegisterPaymentView(action_public_id=aid, amount=AmountView.of(Decimal("25.00")),
                                                     date=datetime.now(STOCKHOLM)))
    result = report(rt, preset="prepaid", filter=f"debtor~{OBERG}")
    # E paid in part, due in five days; C paid in full today, due in twenty
    assert numbers(result) == [known.numbers["E"], known.numbers["C"]]
    assert result.sums == {"SEK": {"invoiced": 62500, "paid": 52500, "remaining": 10000}}
    assert known.numbers["A"] not in numbers(report(rt, preset="prepaid"))  # paid in part, after it fell due


def _action_id(rt: Runtime, number: str) -> str:
    report(rt, filter=f"invoice_number={number}")  # pulls it into the mirror
    row = rt.store.find_by("invoice", "invoice_number", number)
    assert row is not None
    return str(row["action_public_id"])


def test_csv_parsed_back_and_pdf_text(rt: Runtime, known: Known) -> None:
    result = report(rt, fields="invoice_number,debtor,remaining", filter=f"debtor~{RAPPORT}", sum="remaining",
                    name="rapport")
    pdf_file, csv_file = result.files
    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Invoice number", "Debtor", "Remaining", "Currency"],
                    [known.numbers["A"], RAPPORT, "600,00", "SEK"], [known.numbers["B"], RAPPORT, "1560,00", "SEK"]]
    text = read_pdf(pdf_file.data).text
    assert "rapport" in text and "2\u00a0160,00" in text and "Billecta data as of" in text
    assert result.as_json()["sums"] == {"SEK": {"remaining": str(Decimal("2160.00"))}}


@pytest.mark.parametrize(("options", "field", "says"), [
    ({"filter": "remaining>lots"}, "filter", "remaining: 'lots' is not an amount"),
    ({"filter": "due_date<30/11/2026"}, "filter", "due_date: '30/11/2026' is not a date"),
    ({"filter": "debtor<abc"}, "filter", "debtor is a text field: use = != ~, not <."),
    ({"filter": "remaining~10"}, "filter", "remaining is a amount field"),
    ({"filter": "colour=red"}, "filter", "'colour' is not a field"),
    ({"filter": "remaining"}, "filter", "'remaining' is not a condition"),
    ({"filter": "days_past_due>1.5"}, "filter", "days_past_due: '1.5' is not a whole number."),
    ({"filter": "remaining>"}, "filter", "remaining: give a value after the operator."),
    ({"fields": "debtor,colour"}, "fields", "Not a field: 'colour'"),
    ({"sum": "debtor"}, "sum", "debtor is a text field: only amounts and numbers are summed."),
    ({"preset": "payroll"}, "preset", "'payroll' is not a preset"),
    ({"date": "30/11/2026"}, "date", "'30/11/2026' is not a date: write it YYYY-MM-DD"),
    ({"date": "2026-11-30", "from": "2026-11-01"}, "date", "Give a date, or a period (from and to), not both."),
    ({"from": "2026-11-30", "to": "2026-11-01"}, "to", "The period ends (2026-11-01) before it starts (2026-11-30)."),
    ({"to": "2026-11-30"}, "from", "A period needs its first day (from) as well."),
    ({"period_on": "paid_date"}, "period_on", "'paid_date' is not one of invoice_date, due_date, closed_date."),
    ({"numbers": "rounded"}, "numbers", "'rounded' is not one of exact, whole, thousands."),
])
def test_every_bad_option_is_refused_under_its_field(rt: Runtime, options: dict[str, str], field: str,
                                                     says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        report(rt, **options)
    assert says in caught.value.field_errors[field]


def test_several_bad_conditions_are_all_named(rt: Runtime) -> None:
    with pytest.raises(InvalidInput) as caught:
        report(rt, filter="remaining>x;colour=1;status=open")
    message = caught.value.field_errors["filter"]
    assert "remaining: 'x'" in message and "'colour'" in message


def test_a_saved_report_runs_again_by_its_name(rt: Runtime, known: Known) -> None:
    first = report(rt, name="rapport", fields="invoice_number,remaining", filter="debtor~rapport", sum="remaining",
                   save="true")
    again = report(rt, name="rapport")
    assert numbers(again) == numbers(first) == [known.numbers["A"], known.numbers["B"]]
    assert again.sums == {"SEK": {"remaining": 216000}} and again.spec.title == "rapport"
    narrowed = report(rt, name="rapport", filter="debtor~rapport;remaining>1000")  # this run only
    assert numbers(narrowed) == [known.numbers["B"]]
    assert numbers(report(rt, name="rapport")) == numbers(first)


@pytest.mark.parametrize(("options", "says"), [
    ({"name": "nothing-saved"}, "No report is saved as 'nothing-saved'"),
    ({"fields": "debtor", "save": "true"}, "Give the report a name to save it under"),
    ({"name": "x" * 61, "fields": "debtor"}, "At most 60 characters."),
])
def test_saving_and_running_by_name_refused_under_the_name(rt: Runtime, options: dict[str, str], says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        report(rt, **options)
    assert says in caught.value.field_errors["name"]


def test_a_report_refused_is_not_saved(rt: Runtime) -> None:
    with pytest.raises(InvalidInput):
        report(rt, name="broken", filter="remaining>lots", save="true")
    assert rt.store.rows("saved_report") == []


# -- date parameters ------------------------------------------------------------------------------

def _ours(result: CreatedReport, known: Known, keys: str = "ABCDE") -> list[str]:
    """The ledger's invoices A to E in the report (the demo's own and others are beside them)."""
    mine = {known.numbers[k] for k in keys}
    return [n for n in numbers(result) if n in mine]


def _close_e(rt: Runtime, known: Known) -> date:
    """E paid in full, after the mirror has seen it open (so the pull reads it closed); the day it
    closed, as the mirror has it (the sandbox closes it on the real clock's day, not the pinned today)."""
    aid = _action_id(rt, known.numbers["E"])
    rt.billecta.register_payment(RegisterPaymentView(action_public_id=aid, amount=AmountView.of(Decimal("125.00")),
                                                     date=datetime.combine(timefmt.today(), time(12), STOCKHOLM)))
    report(rt)
    row = rt.store.find_by("invoice", "action_public_id", aid)
    assert row is not None and row["closed_date"]
    return date.fromisoformat(row["closed_date"][:10])


def test_a_date_ages_the_invoices_at_that_day_and_leaves_out_later_ones(rt: Runtime, known: Known) -> None:
    closed = _close_e(rt, known)
    day = timefmt.today() - timedelta(days=20)
    result = report(rt, date=day.isoformat(), fields="invoice_number,days_past_due,status,aging,closed_date",
                    filter=f"debtor={OBERG}", sum="days_past_due")
    by_number = {line["invoice_number"]: line for line in result.lines}
    d, e = (by_number[known.numbers[k]] for k in "DE")
    assert (d["days_past_due"], d["status"], d["aging"]) == (50, "overdue", "31-60 days")
    # E closed since: open 20 days ago, 25 days before it fell due.
    assert (e["status"], e["days_past_due"], e["aging"], e["closed_date"]) == ("open", 0, "Not due", None)
    at_close = report(rt, date=closed.isoformat(), filter=f"invoice_number={known.numbers['E']}").lines[0]
    assert (at_close["status"], at_close["closed_date"], at_close["aging"]) == ("closed", closed.isoformat(), "")
    assert result.sums == {"SEK": {"days_past_due": 50}}
    earlier = report(rt, date=(day - timedelta(days=10)).isoformat(), filter=f"debtor={OBERG}")
    assert numbers(earlier) == [known.numbers["D"]]  # E was dated 25 days ago
    assert result.parameters[0] == ("Date", day.isoformat())
    pdf_file, csv_file = result.files
    assert f"Date: {day.isoformat()}" in read_pdf(pdf_file.data).text
    assert day.isoformat() in csv_file.name


def test_amounts_at_a_day_count_what_was_settled_by_then(rt: Runtime, known: Known) -> None:
    report(rt)  # the ledger mirrored
    _forget_moves(rt, known.numbers["A"])
    today = timefmt.today()
    _move(rt, known.numbers["A"], 30000, today - timedelta(days=30), "pay-a")  # its write-off stays undated
    fields = "invoice_number,paid,written_off,remaining"
    then = still(rt, fields=fields, filter=f"invoice_number={known.numbers['A']}",
                 date=(today - timedelta(days=20)).isoformat())
    assert [(x["paid"], x["written_off"], x["remaining"]) for x in then.lines] == [(30000, 0, 70000)]
    assert then.notes == [ESTIMATED_NOTE.format(count=1, day=timefmt.format_day(today))]
    assert "1 invoice(s) have payments, credits or write-offs the store keeps no date for" in read_pdf(
        then.files[0].data).text
    before = still(rt, fields=fields, filter=f"invoice_number={known.numbers['A']}",
                   date=(today - timedelta(days=31)).isoformat())
    assert [(x["paid"], x["written_off"], x["remaining"]) for x in before.lines] == [(0, 0, 100000)]
    now = still(rt, fields=fields, filter=f"invoice_number={known.numbers['A']}")
    assert [(x["paid"], x["written_off"], x["remaining"]) for x in now.lines] == [(30000, 10000, 60000)]
    assert now.notes == []


@pytest.mark.parametrize(("period_on", "days", "keys"), [
    ("invoice_date", (105, 60), "BD"),  # A was dated 110 days ago, B 70, D 100
    ("due_date", (100, 50), "AD"),  # A fell due 95 days ago, B 40, D 70
    ("closed_date", None, "CE"),  # C and E closed today
])
def test_a_period_keeps_the_invoices_whose_chosen_date_is_in_it(rt: Runtime, known: Known, period_on: str,
                                                                days: tuple[int, int] | None, keys: str) -> None:
    closed = _close_e(rt, known)
    start, end = (timefmt.today() - timedelta(days=n) for n in days) if days else (closed, closed)
    result = report(rt, **{"from": start.isoformat(), "to": end.isoformat(), "period_on": period_on})
    assert sorted(_ours(result, known)) == sorted(known.numbers[k] for k in keys)
    label = period_on.replace("_", " ")
    assert ("Period", f"{start} to {end} by {label}, aged at {end}") in result.parameters
    assert result.csv().filters == {"from": str(start), "to": str(end), "period_on": period_on}


def test_a_period_ages_at_its_last_day(rt: Runtime, known: Known) -> None:
    end = timefmt.today() - timedelta(days=60)
    result = report(rt, **{"from": (end - timedelta(days=60)).isoformat(), "to": end.isoformat()},
                    filter=f"invoice_number={known.numbers['D']}")
    assert [(line["days_past_due"], line["aging"]) for line in result.lines] == [(10, "1-30 days")]


# -- number format --------------------------------------------------------------------------------

def _halves(rt: Runtime) -> None:
    """Two invoices of 126,50 each (101,20 + 25 % VAT) for a debtor of their own: 253,00 in all."""
    client = rt.billecta
    now = datetime.combine(timefmt.today(), time(12), STOCKHOLM)
    debtor = client.create_debtor(DebtorView(name="Avrundning AB", address="Gatan 3", zip_code="11122",
                                             city="Stockholm", email="a@avrundning.example"))
    for _ in range(2):
        aid = client.create_invoice(InvoiceActionEntryView(
            creditor_public_id=client.creditor_id, debtor_public_id=debtor, invoice_date=now,
            due_date=now + timedelta(days=30),
            records=[InvoiceActionRecordView(article_description="Rounding", quantity=Decimal(1),
                                             unit_price=AmountView.of(Decimal("101.20")))]))
        client.attest_invoice(aid)


@pytest.mark.parametrize(("numbers_", "row", "total", "note"), [
    ("whole", "127", "253\u00a0kr", "Amounts rounded to whole units (half up); sums exact"),
    ("thousands", "0,1\u00a0tkr", "0,3\u00a0tkr", "Amounts rounded to thousands with one decimal (tkr, half up)"),
    ("exact", "126,50", "253,00\u00a0kr", None),
])
def test_numbers_round_the_display_only_and_the_sums_are_exact(rt: Runtime, numbers_: str, row: str, total: str,
                                                               note: str | None) -> None:
    _halves(rt)
    result = report(rt, fields="invoice_number,remaining", filter="debtor=Avrundning AB", sum="remaining",
                    numbers=numbers_)
    assert result.sums == {"SEK": {"remaining": 25300}}  # not 2 x 127
    assert dict(result.summary())["Sum Remaining (SEK)"] == total
    pdf_file, csv_file = result.files
    text = read_pdf(pdf_file.data).text.splitlines()
    assert text.count(row) == 2 and total.replace("\u00a0kr", "") in text
    assert (note in " ".join(text)) if note else "rounded" not in " ".join(text)
    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig")), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["126,50", "126,50"]  # the CSV is exact whatever the format
    assert result.as_json()["sums"] == {"SEK": {"remaining": "253.00"}}


# -- store-side fields ----------------------------------------------------------------------------

STORE_FIELDS = ("invoice_number,order_reference,order_date,order_status,order_amount,order_rows,articles,"
                "payment_terms,delivery_method,debtor_org_no,invoiced")


def test_store_fields_come_from_the_order_behind_each_invoice(rt: Runtime) -> None:
    state = make_state(rt)  # orders 2001-2003 attested; 2002's row edited after attest
    rt.store.upsert_records("orderrow", [{"id": 20011, "order_id": 2001, "article_id": 1, "quantity": "2"}])
    result = report(rt, fields=STORE_FIELDS, filter="order_reference~200", sum="order_amount,invoiced,order_rows")
    by_order = {line["order_reference"]: line for line in result.lines}
    assert sorted(by_order) == ["2001", "2002", "2003"]
    first = by_order["2001"]
    # 2 x 1 000,00 + 25 % = 2 500,00 as attested, then 2 x A-100 (1 150,00 + 25 %) = 2 875,00 added.
    assert (first["order_amount"], first["invoiced"], first["order_rows"], first["articles"]) == (537500, 250000, 2,
                                                                                                  "A-100")
    assert (first["order_date"], first["payment_terms"], first["delivery_method"], first["debtor_org_no"]) == (
        timefmt.today().isoformat(), 30, "Email", "556000-2222")
    assert first["order_status"] in ("synced", "changed")
    assert (by_order["2002"]["order_amount"], by_order["2002"]["invoiced"]) == (150000, 50000)
    assert by_order["2003"]["order_amount"] == by_order["2003"]["invoiced"] == 22400
    assert result.sums == {"SEK": {"order_amount": 537500 + 150000 + 22400, "invoiced": 250000 + 50000 + 22400,
                                   "order_rows": 4}}
    over = numbers(report(rt, filter="order_amount>1000;order_reference~200"))
    assert sorted(over) == sorted([state.numbers[2001], state.numbers[2002]])
    assert numbers(report(rt, filter="articles~A-100")) == [state.numbers[2001]]


def test_the_order_fields_cost_a_fixed_number_of_queries(rt: Runtime) -> None:
    make_state(rt)
    spec = definition({"fields": STORE_FIELDS})
    traced: list[str] = []
    rt.store.db.conn.set_trace_callback(traced.append)
    try:
        build(rt, spec, None)
    finally:
        rt.store.db.conn.set_trace_callback(None)
    selects = [sql for sql in traced if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3, selects  # invoices with orders, the orders' rows, the movements


# -- prepaid from dated payments ------------------------------------------------------------------

def _move(rt: Runtime, number: str, amount: int, day: date, reference: str) -> None:
    row = rt.store.find_by("invoice", "invoice_number", number)
    assert row is not None
    movements.record(rt, action_public_id=row["action_public_id"], kind=movements.PAYMENT, amount=amount,
                     currency="SEK", day=day, reference=reference, source="test")


def _forget_moves(rt: Runtime, number: str) -> None:
    """The invoice's kept movements gone (the pull's or the ledger's), so a test dates its own."""
    row = rt.store.find_by("invoice", "invoice_number", number)
    assert row is not None
    with rt.store.lock:
        rt.store.db.execute("DELETE FROM invoice_movement WHERE action_public_id = ?", [row["action_public_id"]])


def test_prepaid_uses_the_payment_dates_kept(rt: Runtime, known: Known) -> None:
    """Each invoice's kept movements are replaced by the test's own; the mirror is not pulled again
    after (refresh=False), which would keep Billecta's own dated payments once more."""
    today = timefmt.today()
    rt.billecta.register_payment(RegisterPaymentView(action_public_id=_action_id(rt, known.numbers["E"]),
                                                     amount=AmountView.of(Decimal("25.00")),
                                                     date=datetime.combine(today, time(12), STOCKHOLM)))
    report(rt)  # the ledger and E's payment mirrored
    for key in "AE":
        _forget_moves(rt, known.numbers[key])
    # A (due 95 days ago) was paid 300,00: dated 100 days ago, it was paid ahead.
    _move(rt, known.numbers["A"], 30000, today - timedelta(days=100), "pay-a")
    result = still(rt, preset="prepaid", fields="invoice_number,due_date,paid_date,paid,paid_ahead",
                   filter="debtor~rapport")
    assert [(line["invoice_number"], line["paid_date"]) for line in result.lines] == [
        (known.numbers["A"], (today - timedelta(days=100)).isoformat())]
    # On a day before that payment, A was not paid at all.
    before = still(rt, preset="prepaid", filter="debtor~rapport", date=(today - timedelta(days=101)).isoformat())
    assert numbers(before) == []
    # E (due in 5 days), paid 25,00: a payment kept as dated today makes it paid ahead; only one dated
    # after its due date does not.
    _move(rt, known.numbers["E"], 2500, today, "pay-e")
    assert [(line["invoice_number"], line["paid_date"]) for line in still(
        rt, preset="prepaid", fields="invoice_number,paid_date", filter=f"invoice_number={known.numbers['E']}").lines
        ] == [(known.numbers["E"], today.isoformat())]
    _forget_moves(rt, known.numbers["E"])
    _move(rt, known.numbers["E"], 2500, today + timedelta(days=6), "pay-e-late")
    assert known.numbers["E"] not in numbers(still(rt, preset="prepaid"))  # not paid by today
    later = still(rt, preset="prepaid", date=(today + timedelta(days=10)).isoformat(),
                  filter=f"invoice_number={known.numbers['E']}")
    assert numbers(later) == []
    assert still(rt, fields="invoice_number,paid_date", filter=f"invoice_number={known.numbers['E']}",
                 date=(today + timedelta(days=10)).isoformat()).lines[0]["paid_date"] == str(today + timedelta(days=6))


# -- saved reports: who and when, replaced, listed ------------------------------------------------

def test_a_saved_report_keeps_who_saved_it_its_dates_and_format_and_is_replaced_by_saving_again(
        rt: Runtime, known: Known) -> None:
    day = (timefmt.today() - timedelta(days=20)).isoformat()
    report(rt, name="rapport", fields="invoice_number,remaining", filter="debtor~rapport", sum="remaining",
           date=day, numbers="whole", save="true", requested_by="anna")
    (first,) = saved.listing(rt)
    assert (first.name, first.saved_by) == ("rapport", "anna") and first.saved_at
    again = report(rt, name="rapport", requested_by="someone else")
    assert again.spec.numbers is Numbers.WHOLE and again.day.isoformat() == day
    # 20 days ago nothing had been paid, credited or written off yet, nor B's fee raised: 1 000,00 + 2 000,00.
    assert dict(again.summary())["Sum Remaining (SEK)"] == "3\u00a0000\u00a0kr"
    assert saved.listing(rt)[0].saved_by == "anna"  # running it saves nothing
    replaced = report(rt, name="rapport", filter="debtor~rapport;remaining>1000", numbers="exact", save="true",
                      requested_by="bo")
    (second,) = saved.listing(rt)
    assert second.saved_by == "bo" and second.saved_at >= first.saved_at
    assert numbers(report(rt, name="rapport")) == numbers(replaced) == [known.numbers["B"]]
    assert report(rt, name="rapport").spec.numbers is Numbers.EXACT


def test_a_name_nothing_is_saved_under_lists_what_is_saved(rt: Runtime) -> None:
    report(rt, name="overdue", filter="status=overdue", save="true", requested_by="anna")
    with pytest.raises(InvalidInput) as caught:
        report(rt, name="overdu")
    message = caught.value.field_errors["name"]
    assert message.startswith("No report is saved as 'overdu'. Saved: overdue (anna, ")


def test_the_modal_select_runs_a_saved_report_and_a_new_name_saves_a_copy(rt: Runtime, known: Known) -> None:
    report(rt, name="rapport", fields="invoice_number,remaining", filter="debtor~rapport", sum="remaining",
           save="true", requested_by="anna")
    loaded = report(rt, saved="rapport")
    assert loaded.spec.name == "rapport" and loaded.sums == {"SEK": {"remaining": 216000}}
    report(rt, saved="rapport", name="rapport-b", filter="debtor~rapport;remaining>1000", save="true",
           requested_by="bo")
    assert sorted((s.name, s.saved_by) for s in saved.listing(rt)) == [("rapport", "anna"), ("rapport-b", "bo")]
    assert numbers(report(rt, name="rapport-b")) == [known.numbers["B"]]
    assert report(rt, name="rapport-b").spec.fields[1].key == "remaining"  # the loaded report's fields
