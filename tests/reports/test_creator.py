"""The report creator (command 31) from a known sandbox state (tests/reports/ledger.py): the exact rows
and sums for field, filter and sum choices and both presets; every bad option refused under its field;
the CSV parsed back; the PDF's text read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest

from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import AmountView, RegisterPaymentView
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import InvalidInput
from bot.reports.creator import CreatedReport, create_report
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.store import Store
from tests.pdf_check import read_pdf
from tests.reports.ledger import OBERG, RAPPORT, Known, make_ledger


@pytest.fixture
def rt() -> Iterator[Runtime]:
    box = Sandbox(":memory:", seed="demo")
    runtime = build_runtime(Settings(), store=Store(":memory:"), transport=box.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()
    box.close()


@pytest.fixture
def known(rt: Runtime) -> Known:
    return make_ledger(rt)


def report(rt: Runtime, **options: object) -> CreatedReport:
    return create_report(rt, None, dict(options))


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


def test_prepaid_preset_finds_the_invoice_paid_before_it_fell_due(rt: Runtime, known: Known) -> None:
    aid = _action_id(rt, known.numbers["E"])
    rt.billecta.register_payment(RegisterPaymentView(action_public_id=aid, amount=AmountView.of(Decimal("25.00")),
                                                     date=datetime.now(STOCKHOLM)))
    result = report(rt, preset="prepaid", filter=f"debtor~{OBERG}")
    assert numbers(result) == [known.numbers["E"]]  # paid in part, due in five days
    assert result.sums == {"SEK": {"invoiced": 12500, "paid": 2500, "remaining": 10000}}
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
