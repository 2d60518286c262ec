"""The receivables report's figures from a known sandbox state (tests/reports/ledger.py): totals per
debtor and overall, aging buckets, today and at past dates (a payment after the day still open, an
invoice closed since still in the ledger), the PDF's text read back, the CSV parsed back, the notes on
estimated figures and undated fees; the parameters refused under their fields; the pull that brings
the mirror up to date first."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from bot import timefmt
from bot.billecta.enums import EventType
from bot.config import Settings
from bot.errors import InvalidInput
from bot.reports.receivables import ReceivablesReport, receivables_report
from bot.runtime import Runtime, build_runtime
from bot.services.export import safe_cell
from bot.services.pull import pull
from bot.store import Store
from tests.pdf_check import read_pdf
from tests.reports.ledger import KVITTO, OBERG, RAPPORT, make_ledger


def report(rt: Runtime, **options: object) -> ReceivablesReport:
    return receivables_report(rt, None, dict(options))


def debtor(result: ReceivablesReport, name: str) -> dict[str, Decimal]:
    ((_, _, currency), totals), = [(k, t) for k, t in result.debtors.items() if k[0] == name]
    return {key: Decimal(value).scaleb(-2) for key, value in {**totals.amounts, **totals.buckets}.items()}


def test_known_invoices_give_known_totals_and_buckets_per_debtor(rt: Runtime) -> None:
    known = make_ledger(rt)  # made in Billecta after the mirror was pulled: the report pulls them in
    result = report(rt)
    assert debtor(result, RAPPORT) == {
        "invoiced": Decimal("3000.00"), "paid": Decimal("300.00"), "credited": Decimal("500.00"),
        "written_off": Decimal("100.00"), "fees": Decimal("60.00"), "remaining": Decimal("2160.00"),
        "not_due": 0, "1_30": 0, "31_60": Decimal("1560.00"), "61_90": 0, "over_90": Decimal("600.00")}
    assert debtor(result, OBERG) == {
        "invoiced": Decimal("1375.00"), "paid": 0, "credited": 0, "written_off": 0, "fees": 0,
        "remaining": Decimal("1375.00"), "not_due": Decimal("125.00"), "1_30": 0, "31_60": 0,
        "61_90": Decimal("1250.00"), "over_90": 0}
    numbers = {line["invoice_number"] for line in result.lines}
    assert {known.numbers[k] for k in "ABDE"} <= numbers and known.numbers["C"] not in numbers  # C is paid
    by_number = {line["invoice_number"]: line for line in result.lines}
    assert by_number[known.numbers["A"]]["days_past_due"] == 95
    assert by_number[known.numbers["E"]]["bucket"] == "Not due"


def test_overall_totals_are_the_sum_of_the_debtors_and_of_the_buckets(rt: Runtime) -> None:
    before = report(rt).totals["SEK"]
    make_ledger(rt)
    after = report(rt).totals["SEK"]
    assert after.count == before.count + 5  # A, B, D, E, F: C and G are closed
    assert after.amounts["remaining"] - before.amounts["remaining"] == 216000 + 137500 + 120000
    assert after.amounts["fees"] - before.amounts["fees"] == 6000
    assert sum(after.buckets.values()) == after.amounts["remaining"]
    result = report(rt)
    assert sum(t.amounts["remaining"] for t in result.debtors.values()) == result.totals["SEK"].amounts["remaining"]
    assert after.amounts["invoiced"] - after.amounts["paid"] - after.amounts["credited"] \
        - after.amounts["written_off"] + after.amounts["fees"] == after.amounts["remaining"]


def test_the_pdf_states_title_parameters_as_of_each_invoice_and_the_totals(rt: Runtime) -> None:
    known = make_ledger(rt)
    result = report(rt)
    pdf_file, csv_file, png = result.files
    assert pdf_file.name == f"receivables-{timefmt.today()}.pdf" and png.data.startswith(b"\x89PNG")
    pdf = read_pdf(pdf_file.data)
    lines = pdf.text.splitlines()
    assert pdf.title == "Accounts receivable (kundreskontra)"
    assert f"Date: {timefmt.today()}" in lines
    assert result.as_of_line.startswith("Billecta data as of ") and "(+0" in result.as_of_line
    assert result.as_of_line in lines
    assert "Total Rapport AB" in lines and "Total Åsa Öberg" in lines
    at = lines.index(known.numbers["A"])
    assert lines[at:at + 12][-6:] == ["1\xa0000,00", "300,00", "0,00", "100,00", "0,00", "600,00"]
    total = lines.index("Total Rapport AB")
    assert lines[total + 1:total + 8] == ["SEK", "3\xa0000,00", "300,00", "500,00", "100,00", "60,00", "2\xa0160,00"]
    overall = result.totals["SEK"].amounts["remaining"]
    assert f"{overall // 100:,}".replace(",", "\xa0") + f",{overall % 100:02d}" in lines
    assert any(line.startswith("TOTAL SEK (") for line in lines)


def test_the_pdf_table_pages_with_its_header_on_every_page(rt: Runtime) -> None:
    for number in range(60):  # more rows than a landscape page holds
        rt.store.insert("invoice", {"action_public_id": f"bulk-{number}", "invoice_number": f"9{number:03d}",
                                    "debtor_name": f"Debtor {number % 7}", "debtor_public_id": f"d{number % 7}",
                                    "stage": "InvoiceSent", "currency": "SEK", "invoiced_amount": 10000,
                                    "current_amount": 10000, "paid_amount": 0, "credited_amount": 0,
                                    "write_off_amount": 0, "invoice_date": "2026-01-01T00:00:00+01:00",
                                    "due_date": "2026-01-31T00:00:00+01:00"})
    result = report(rt, refresh=False)
    pdf = read_pdf(result.files[0].data)
    assert pdf.pages >= 2
    assert pdf.text.count("Invoice number") == pdf.pages  # the header row again on each page
    assert all(f"9{n:03d}" in pdf.text.splitlines() for n in range(60))


def test_the_csv_reads_back_in_excels_swedish_settings_with_equal_totals(rt: Runtime) -> None:
    known = make_ledger(rt)
    pull(rt)
    rt.store.update("invoice", rt.store.find_by("invoice", "invoice_number", known.numbers["D"])["id"],
                    {"debtor_name": "=HYPERLINK(\"http://x\")"})  # a name a spreadsheet would run
    result = report(rt, refresh=False)
    data = result.files[1].data
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == len(result.lines) == result.totals["SEK"].count
    by_number = {row["Invoice number"]: row for row in rows}
    a = by_number[known.numbers["A"]]
    assert (a["Debtor"], a["Invoiced"], a["Paid"], a["Written off"], a["Remaining"], a["Aging"]) == \
        (RAPPORT, "1000,00", "300,00", "100,00", "600,00", "Over 90 days")
    assert by_number[known.numbers["D"]]["Debtor"] == safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    remaining = sum(Decimal(row["Remaining"].replace(",", ".")) for row in rows)
    assert remaining == Decimal(result.totals["SEK"].amounts["remaining"]).scaleb(-2)


def test_a_snapshot_in_the_past_leaves_out_later_invoices_and_ages_at_that_date(rt: Runtime) -> None:
    known = make_ledger(rt)
    day = timefmt.today() - timedelta(days=60)
    result = report(rt, date=day.isoformat())
    numbers = {line["invoice_number"]: line for line in result.lines}
    assert known.numbers["E"] not in numbers  # issued 25 days ago
    a, b = numbers[known.numbers["A"]], numbers[known.numbers["B"]]
    assert (a["days_past_due"], a["bucket"]) == (35, "31-60 days")
    assert (b["days_past_due"], b["bucket"]) == (0, "Not due")


def days_ago(days: int) -> str:
    return (timefmt.today() - timedelta(days=days)).isoformat()


def line_of(result: ReceivablesReport, number: str) -> dict[str, object] | None:
    found = [line for line in result.lines if line["invoice_number"] == number]
    return found[0] if found else None


def figures(line: dict[str, object] | None) -> tuple[object, ...] | None:
    keys = ("invoiced", "paid", "credited", "written_off", "fees", "remaining", "days_past_due", "bucket")
    return None if line is None else tuple(line[key] for key in keys)


def test_a_snapshot_before_a_payment_shows_the_full_amount_open_and_after_it_the_rest(rt: Runtime) -> None:
    known = make_ledger(rt)  # F: 2 000,00 due 20 days ago, 800,00 paid 10 days ago
    f = known.numbers["F"]
    assert figures(line_of(report(rt, date=days_ago(12)), f)) == (200000, 0, 0, 0, 0, 200000, 8, "1-30 days")
    assert figures(line_of(report(rt, date=days_ago(10)), f)) == (200000, 80000, 0, 0, 0, 120000, 10, "1-30 days")
    assert figures(line_of(report(rt, date=days_ago(8)), f)) == (200000, 80000, 0, 0, 0, 120000, 12, "1-30 days")
    assert figures(line_of(report(rt), f)) == (200000, 80000, 0, 0, 0, 120000, 20, "1-30 days")


def test_an_invoice_closed_after_the_day_is_in_the_ledger_with_what_was_open_then(rt: Runtime) -> None:
    known = make_ledger(rt)  # G: 1 000,00 due 45 days ago, 400,00 paid 25 days ago, the last 600,00 5 days ago
    g = known.numbers["G"]
    assert figures(line_of(report(rt, date=days_ago(30)), g)) == (100000, 0, 0, 0, 0, 100000, 15, "1-30 days")
    assert figures(line_of(report(rt, date=days_ago(8)), g)) == (100000, 40000, 0, 0, 0, 60000, 37, "31-60 days")
    assert line_of(report(rt, date=days_ago(5)), g) is None  # paid in full that day
    assert line_of(report(rt), g) is None
    # A, paid and written off today, was open yesterday with all of it; B without today's credit and fee.
    yesterday = report(rt, date=days_ago(1))
    assert figures(line_of(yesterday, known.numbers["A"])) == (100000, 0, 0, 0, 0, 100000, 94, "Over 90 days")
    assert figures(line_of(yesterday, known.numbers["B"])) == (200000, 0, 0, 0, 0, 200000, 39, "31-60 days")
    assert figures(line_of(yesterday, known.numbers["C"])) == (50000, 0, 0, 0, 0, 50000, 0, "Not due")
    # A period is the ledger at its last day; excluding the invoices dated before it leaves G (60 days ago) out.
    period = report(rt, **{"from": days_ago(55), "to": days_ago(8)})
    assert figures(line_of(period, g)) == figures(line_of(report(rt, date=days_ago(8)), g))
    within = report(rt, **{"from": days_ago(55), "to": days_ago(8), "exclude_outside_period": "true"})
    assert line_of(within, g) is None and line_of(within, known.numbers["F"]) is not None


def test_a_past_snapshots_totals_per_debtor_overall_and_per_bucket_are_exact(rt: Runtime) -> None:
    before = report(rt, date=days_ago(8)).totals["SEK"]  # the demo's own invoices
    make_ledger(rt)
    result = report(rt, date=days_ago(8))
    assert debtor(result, RAPPORT) == {
        "invoiced": Decimal("3000.00"), "paid": 0, "credited": 0, "written_off": 0, "fees": 0,
        "remaining": Decimal("3000.00"), "not_due": 0, "1_30": 0, "31_60": Decimal("2000.00"),
        "61_90": Decimal("1000.00"), "over_90": 0}
    assert debtor(result, OBERG) == {
        "invoiced": Decimal("1875.00"), "paid": 0, "credited": 0, "written_off": 0, "fees": 0,
        "remaining": Decimal("1875.00"), "not_due": Decimal("625.00"), "1_30": 0, "31_60": 0,
        "61_90": Decimal("1250.00"), "over_90": 0}
    assert debtor(result, KVITTO) == {
        "invoiced": Decimal("3000.00"), "paid": Decimal("1200.00"), "credited": 0, "written_off": 0, "fees": 0,
        "remaining": Decimal("1800.00"), "not_due": 0, "1_30": Decimal("1200.00"), "31_60": Decimal("600.00"),
        "61_90": 0, "over_90": 0}
    after = result.totals["SEK"]
    assert after.count - before.count == 7  # A to G: C and G were open then
    assert {key: after.buckets[key] - before.buckets[key] for key in after.buckets} == {
        "not_due": 62500, "1_30": 120000, "31_60": 260000, "61_90": 225000, "over_90": 0}
    assert {key: after.amounts[key] - before.amounts[key] for key in after.amounts} == {
        "invoiced": 787500, "paid": 120000, "credited": 0, "written_off": 0, "fees": 0, "remaining": 667500}
    assert sum(after.buckets.values()) == after.amounts["remaining"]


def test_a_past_snapshots_pdf_and_csv_agree_with_its_figures(rt: Runtime) -> None:
    known = make_ledger(rt)
    result = report(rt, date=days_ago(8))
    pdf = read_pdf(result.files[0].data)
    lines = pdf.text.splitlines()
    total = lines.index(f"Total {KVITTO}")
    assert lines[total + 1:total + 8] == ["SEK", "3\xa0000,00", "1\xa0200,00", "0,00", "0,00", "0,00", "1\xa0800,00"]
    at = lines.index(known.numbers["G"])
    assert lines[at + 3:at + 12] == ["37", "31-60 days", "SEK", "1\xa0000,00", "400,00", "0,00", "0,00", "0,00",
                                     "600,00"]  # after its invoice and due dates
    overall = result.totals["SEK"].amounts["remaining"]
    assert f"{overall // 100:,}".replace(",", "\xa0") + f",{overall % 100:02d}" in lines
    assert "counted in full at" not in " ".join(lines)  # B's reminder fee is dated: after the day, not counted
    rows = list(csv.DictReader(io.StringIO(result.files[1].data.decode("utf-8-sig")), delimiter=";"))
    by_number = {row["Invoice number"]: row for row in rows}
    g = by_number[known.numbers["G"]]
    assert (g["Paid"], g["Remaining"], g["Days past due"], g["Aging"]) == ("400,00", "600,00", "37", "31-60 days")
    kvitto = [row for row in rows if row["Debtor"] == KVITTO]
    assert sum(Decimal(row["Remaining"].replace(",", ".")) for row in kvitto) == Decimal("1800.00")
    assert sum(Decimal(row["Remaining"].replace(",", ".")) for row in rows) == Decimal(overall).scaleb(-2)
    assert known.numbers["C"] in by_number and len(rows) == result.totals["SEK"].count


def test_today_with_every_movement_dated_has_no_note(rt: Runtime) -> None:
    make_ledger(rt)
    result = report(rt)
    assert result.notes == [] and (result.estimated, result.undated_fees) == (0, 0)
    assert result.text().splitlines()[-1].strip().startswith("Aging: Over 90 days")


def test_a_payment_without_its_date_is_taken_as_made_at_the_last_pull_and_counted_as_estimated(
        rt: Runtime) -> None:
    known = make_ledger(rt)
    pull(rt)
    # F's and G's payments as if made before the bot's first pull looked back: their totals are known,
    # their days not; F is open (dated by the last pull, today), G closed (dated by its closing day, today).
    for key in "FG":
        rt.store.db.execute("DELETE FROM invoice_movement WHERE action_public_id = ?", [known.ids[key]])
    past = report(rt, refresh=False, date=days_ago(8))
    assert figures(line_of(past, known.numbers["F"])) == (200000, 0, 0, 0, 0, 200000, 12, "1-30 days")
    assert figures(line_of(past, known.numbers["G"])) == (100000, 0, 0, 0, 0, 100000, 37, "31-60 days")
    assert past.estimated == 2
    assert past.notes[0].startswith("2 invoice(s) have estimated figures at ") and "last pull" in past.notes[0]
    assert past.notes[0] in past.text().splitlines()
    today = report(rt, refresh=False)  # dated by the last pull, which was today: counted, and exact
    assert figures(line_of(today, known.numbers["F"]))[5] == 120000 and today.notes == []  # type: ignore[index]


def test_an_invoice_known_only_by_its_list_row_counts_its_dated_movements_and_is_estimated(rt: Runtime) -> None:
    known = make_ledger(rt)
    pull(rt)
    row = rt.store.find_by("invoice", "invoice_number", known.numbers["F"])
    rt.store.update("invoice", row["id"], {"paid_amount": None, "credited_amount": None, "write_off_amount": None})
    for days, paid, remaining in ((12, 0, 200000), (8, 80000, 120000), (0, 80000, 120000)):
        result = report(rt, refresh=False, date=days_ago(days))
        line = line_of(result, known.numbers["F"])
        assert line is not None and (line["paid"], line["remaining"]) == (paid, remaining)
        assert result.estimated == 1  # whatever the day: the invoice's own totals are not known
        assert result.unread == 1 and result.notes[-1].startswith("1 invoice(s) are known only by their list row")
        assert result.notes[-1].endswith("are only those with a dated record.")


def test_exclude_outside_period(rt: Runtime) -> None:
    known = make_ledger(rt)
    today = timefmt.today()
    snapshot = {line["invoice_number"] for line in report(rt, exclude_outside_period="true").lines}
    assert known.numbers["E"] not in snapshot and known.numbers["A"] in snapshot  # E is due after the date
    start = today - timedelta(days=80)
    period = report(rt, **{"from": start.isoformat(), "to": today.isoformat(), "exclude_outside_period": "true"})
    numbers = {line["invoice_number"] for line in period.lines}
    assert numbers >= {known.numbers[k] for k in "BE"} and not numbers & {known.numbers[k] for k in "AD"}
    everything = report(rt, **{"from": start.isoformat(), "to": today.isoformat()})
    assert {known.numbers[k] for k in "ABDE"} <= {line["invoice_number"] for line in everything.lines}
    assert period.parameters[0] == ("Period", f"{start} to {today}")


@pytest.mark.parametrize(("options", "field", "says"), [
    ({"date": "2026-13-01"}, "date", "is not a date: write it YYYY-MM-DD"),
    ({"date": "30/11/2026"}, "date", "is not a date"),
    ({"from": "2026-11-30", "to": "2026-11-01"}, "to", "ends (2026-11-01) before it starts (2026-11-30)"),
    ({"date": "2026-11-30", "from": "2026-11-01", "to": "2026-11-30"}, "date", "not both"),
    ({"to": "2026-11-30"}, "from", "needs its first day"),
    ({"exclude_outside_period": "maybe"}, "exclude_outside_period", "true or false"),
])
def test_bad_parameters_are_refused_under_their_fields(rt: Runtime, options: dict[str, str], field: str,
                                                      says: str) -> None:
    pulls = rt.store.count("mirror_pull")
    with pytest.raises(InvalidInput) as refused:
        report(rt, **options)
    assert says in refused.value.field_errors[field]
    assert rt.store.count("mirror_pull") == pulls  # refused before anything was pulled


def test_the_pull_reads_only_new_or_changed_invoices_in_full_and_lists_closed_ones_since_the_last(
        rt: Runtime) -> None:
    known = make_ledger(rt)
    first = pull(rt)
    assert first.detailed == 7  # A to G are new to the mirror (C and G among the closed invoices listed)
    assert pull(rt).detailed == 0  # nothing moved since
    a = rt.billecta.find_invoice_by_number(known.numbers["A"])
    assert a is not None
    from datetime import datetime

    from bot.billecta.dates import STOCKHOLM
    from bot.billecta.models import AmountView, RegisterPaymentView
    rt.billecta.register_payment(RegisterPaymentView(action_public_id=a.action_public_id,
                                                     amount=AmountView.of(Decimal("600.00")),
                                                     date=datetime.now(STOCKHOLM)))
    third = pull(rt)
    assert third.detailed == 1
    row = rt.store.find_by("invoice", "invoice_number", known.numbers["A"])
    assert (row["paid_amount"], row["current_amount"], row["closed_date"] is not None) == (90000, 0, True)
    closed_on = row["closed_date"][:10]
    on_the_day = report(rt, refresh=False, date=closed_on)
    assert known.numbers["A"] not in {line["invoice_number"] for line in on_the_day.lines}
    # Closed after the day before: open that day, with what was open then (all of it was settled today).
    earlier = report(rt, refresh=False, date=(timefmt.today() - timedelta(days=1)).isoformat())
    (line,) = [line for line in earlier.lines if line["invoice_number"] == known.numbers["A"]]
    assert (line["remaining"], line["paid"], line["written_off"]) == (100000, 0, 0)


def test_closed_invoices_are_listed_since_the_day_before_the_last_pull(rt: Runtime) -> None:
    from datetime import date

    from bot.services.pull import CLOSED_LOOKBACK_DAYS, closed_since, last_pull

    today = date.today()
    last = last_pull(rt)  # the demo's mirror was pulled by the fixture
    assert last is not None and closed_since(rt, today) == last.date() - timedelta(days=1)
    fresh = build_runtime(Settings(), store=Store(":memory:"))  # never pulled
    try:
        assert last_pull(fresh) is None
        assert closed_since(fresh, today) == today - timedelta(days=CLOSED_LOOKBACK_DAYS)
    finally:
        fresh.close()


def test_a_reminder_fee_is_dated_by_its_reminder_before_it_b_has_none_from_it_all(rt: Runtime) -> None:
    known = make_ledger(rt)  # B: 2 000,00, credited 500,00 and reminded with a 60,00 fee today
    pull(rt)
    kept = rt.store.db.execute("SELECT amount, moved_on, reference, source FROM invoice_movement "
                               "WHERE kind = 'fee' AND action_public_id = ?", [known.ids["B"]]).fetchall()
    events = [e for e in rt.billecta.get_invoice(known.ids["B"]).events
              if e.event_type is EventType.ReminderInvoiceSent]
    assert [tuple(row) for row in kept] == [(6000, timefmt.today().isoformat(), events[-1].event_public_id, "event")]
    pull(rt)  # seen again: kept once
    assert rt.store.db.execute("SELECT COUNT(*) FROM invoice_movement WHERE kind = 'fee'").fetchone()[0] == 1
    b = known.numbers["B"]
    assert figures(line_of(report(rt, refresh=False, date=days_ago(1)), b)) == (
        200000, 0, 0, 0, 0, 200000, 39, "31-60 days")
    today = report(rt, refresh=False)
    assert figures(line_of(today, b)) == (200000, 0, 50000, 0, 6000, 156000, 40, "31-60 days")
    assert today.notes == [] and report(rt, refresh=False, date=days_ago(1)).undated_fees == 0


def test_a_fee_without_its_movement_is_dated_by_the_last_pull_and_named_in_the_notes(rt: Runtime) -> None:
    known = make_ledger(rt)
    pull(rt)
    rt.store.db.execute("DELETE FROM invoice_movement WHERE kind = 'fee'")
    past = report(rt, refresh=False, date=days_ago(1))
    line = line_of(past, known.numbers["B"])
    assert line is not None and (line["fees"], line["remaining"]) == (0, 200000)  # the last pull was today
    assert past.undated_fees == 1
    assert any(note.startswith("1 invoice(s) carry reminder fees or interest the mirror has no date for")
               for note in past.notes)
    assert figures(line_of(report(rt, refresh=False), known.numbers["B"]))[4:6] == (6000, 156000)  # type: ignore[index]
