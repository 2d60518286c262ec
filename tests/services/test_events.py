"""The event log of each record type against the demo sandbox: order, scheduled events, cache, exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from bot import commands as registry
from bot.billecta.dates import STOCKHOLM
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import UsageError
from bot.roles import Actor, Role
from bot.runner import Dialog, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import DEMO, Sandbox
from bot.services.events import (
    CSV_COLUMNS,
    NO_EVENTS,
    PENDING,
    SUCCESS,
    EventLog,
    LogEvent,
    build_log,
    creditor_period,
    event_log,
    event_types,
    export_csv,
    export_json,
    filter_log,
    type_label,
)
from bot.services.mirror import resolve
from bot.services.payments import PaymentForm, prepare
from bot.store import Store


@pytest.fixture
def rt() -> Iterator[Runtime]:
    sandbox = Sandbox(":memory:", seed="demo")
    runtime = build_runtime(Settings(), store=Store(":memory:"), transport=sandbox.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()
    sandbox.close()


def log_of(rt: Runtime, record_type: str, key: str | None, **options: Any) -> EventLog:
    record = resolve(rt, record_type, key) if key else None
    return event_log(rt, record, {"record_type": record_type, **options})


def assert_newest_first(log: EventLog) -> None:
    times = [e.occurred_at for e in log.occurred if e.occurred_at]
    assert times == sorted(times, reverse=True)
    planned = [e.occurred_at for e in log.scheduled if e.occurred_at]
    assert planned == sorted(planned)


def test_invoice_log_newest_first_with_scheduled_events_apart(rt: Runtime) -> None:
    log = log_of(rt, "invoice", "1001")
    assert log.record == "invoice 1001" and log.record_key == "1001"
    assert [e.event_type for e in log.occurred] == ["InvoiceSent", "Attested", "Created"]
    assert [e.event_type for e in log.scheduled] == ["OriginalInvoiceDue"]
    assert all(e.status == SUCCESS for e in log.occurred) and log.scheduled[0].status == PENDING
    assert log.scheduled[0].occurred_at and log.scheduled[0].occurred_at > datetime.now(STOCKHOLM)
    assert log.occurred[0].type_label == "Invoice sent" and log.occurred[0].by == "Billecta"
    assert (datetime.now(STOCKHOLM) - log.updated_at).total_seconds() < 60
    assert_newest_first(log)


def test_the_log_is_cached_and_filter_changes_are_served_from_the_store(rt: Runtime,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = log_of(rt, "invoice", "1001")
    aid = resolve(rt, "invoice", "1001")["action_public_id"]
    rows = rt.store.rows("event", "object_type = 'invoice' AND object_key = ?", [aid])
    assert len(rows) == fresh.count

    def offline(*args: Any) -> Any:
        raise AssertionError("a filter change must not call Billecta")

    monkeypatch.setattr(rt.billecta, "get_invoice", offline)
    cached = log_of(rt, "invoice", "1001", refresh=False)
    assert [(e.event_type, e.occurred_at, e.title) for e in cached.events] == [
        (e.event_type, e.occurred_at, e.title) for e in fresh.events]


def test_payments_appear_in_the_invoice_log_and_the_payment_log(rt: Runtime) -> None:
    row = resolve(rt, "invoice", "1001")
    prepared = prepare(rt, row)
    form = PaymentForm.parse({"amount": "200", "payment_date": prepared["payment_date"], "payment_means": "CASH",
                              "reference": "Kvitto 9"}, prepared)
    outcome = run_dialog(rt, Dialog(registry.find("invoice", "payment"), "1001", row, form, prepared),
                         Actor("U1", Role.OPERATOR, "slack"))
    log = log_of(rt, "invoice", "1001")
    assert log.occurred[0].event_type == "Paid" and log.occurred[0].reference == "Kvitto 9"
    payment_log = log_of(rt, "payment", str(outcome.details["payment_id"]))
    assert payment_log.record_type == "payment" and payment_log.occurred[0].event_type == "Paid"


def test_a_payment_reference_formula_is_exported_as_text_not_a_formula(rt: Runtime) -> None:
    row = resolve(rt, "invoice", "1001")
    prepared = prepare(rt, row)
    formula = '=HYPERLINK("http://x.io","Open")'
    form = PaymentForm.parse({"amount": "200", "payment_date": prepared["payment_date"], "payment_means": "CASH",
                              "reference": formula}, prepared)
    run_dialog(rt, Dialog(registry.find("invoice", "payment"), "1001", row, form, prepared),
               Actor("U1", Role.OPERATOR, "slack"))
    exported = export_csv(log_of(rt, "invoice", "1001"))
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r["reference"] for r in rows if r["reference"]] == ["'" + formula]
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_debtor_log(rt: Runtime) -> None:
    log = log_of(rt, "debtor", "2")
    assert log.record == "debtor 2 (Nordic Café AB)" and log.count > 5
    assert log.occurred[-1].title == "Debtor created"
    assert_newest_first(log)


def test_creditor_log_covers_the_last_30_days_and_names_each_record(rt: Runtime) -> None:
    log = log_of(rt, "creditor", None)
    assert log.period is not None and (log.period[1] - log.period[0]).days == 30
    assert log.record.startswith("creditor 1") and not log.is_empty
    assert "invoice 1004" in {e.source for e in log.occurred}
    assert any(e.source and e.source.startswith("debtcollection") for e in log.occurred)
    assert_newest_first(log)
    narrow = log_of(rt, "creditor", "1", **{"from": "2026-01-01", "to": "2026-01-02"})
    assert narrow.is_empty and narrow.period == (date(2026, 1, 1), date(2026, 1, 2))


def test_creditor_period_options() -> None:
    today = date(2026, 11, 25)
    assert creditor_period({}, today) == (date(2026, 10, 26), today)
    assert creditor_period({"days": "7"}, today) == (date(2026, 11, 18), today)
    with pytest.raises(UsageError):
        creditor_period({"from": "2026-12-01", "to": "2026-11-01"}, today)
    with pytest.raises(UsageError):
        creditor_period({"from": "yesterday"}, today)


def test_debtcollection_log(rt: Runtime) -> None:
    log = log_of(rt, "debtcollection", "1007")
    assert log.record.startswith("debtcollection ") and "(invoice 1007)" in log.record
    assert {"Created", "DebtCollectionSent"} <= {e.event_type for e in log.occurred}
    assert log.record_key == resolve(rt, "debtcollection", "1007")["action_public_id"]


def test_order_log_is_its_draft_invoices(rt: Runtime) -> None:
    draft = resolve(rt, "invoice", "1010")
    rt.store.upsert_records("order", [{"id": 1, "debtor_id": 3, "order_date": "2026-11-24"}])
    rt.store.mark_synced("order", 1, draft["action_public_id"])
    log = log_of(rt, "order", "1")
    assert log.record == "order 1" and [e.title for e in log.occurred] == ["Invoice 1010 created"]
    assert export_csv(log).filename == "events-order-1-1-row.csv"


def test_unmatched_payment_has_the_bots_own_history(rt: Runtime) -> None:
    payment = resolve(rt, "payment", DEMO.unhandled_payments["unmatched"])
    rt.store.audit(actor="U9", source="slack", command="payment match", record_type="payment",
                   record_ids=[str(payment["id"])], outcome="failed", detail="No invoice has that OCR.")
    log = log_of(rt, "payment", str(payment["id"]))
    assert [e.event_type for e in log.occurred] == ["BotCommandFailed", "PaymentReceived"]
    assert log.occurred[0].status == "Error" and log.occurred[0].by == "U9"
    assert "1\u00a0250,00\u00a0kr" in log.occurred[1].title and log.occurred[1].type_label == "Payment received"


def test_records_without_billecta_history_have_no_events(rt: Runtime) -> None:
    rt.store.upsert_records("debtor", [{"id": 9, "name": "New Kund AB"}])
    log = log_of(rt, "debtor", "9")
    assert log.is_empty and log.note and "not in Billecta yet" in log.note
    assert NO_EVENTS == "No events available"
    assert json.loads(export_json(log).content)["occurred"] == []


def test_unknown_record_types_and_missing_records_are_usage_errors(rt: Runtime) -> None:
    with pytest.raises(UsageError):
        event_log(rt, {"id": 1}, {"record_type": "article"})
    with pytest.raises(UsageError):
        event_log(rt, None, {"record_type": "invoice"})
    with pytest.raises(UsageError):
        event_log(rt, {"id": 1}, {})


# -- pure parts ----------------------------------------------------------------------------------

def sample() -> EventLog:
    at = datetime(2026, 11, 2, 9, tzinfo=STOCKHOLM)
    return build_log("invoice", "1001", "invoice 1001", [
        LogEvent("Created", at, True, title="Faktura skapad", by="Åsa Öberg"),
        LogEvent("InvoiceSent", at.replace(hour=10), True, title='Sent "by e-mail", twice',
                 description="line one\nline two", reference="OCR 1001"),
        LogEvent("WillSendReminderInvoice", at.replace(day=30), False, title="Reminder planned"),
    ], updated_at=at.replace(hour=12))


def test_same_time_events_keep_billecta_order_reversed_and_undated_go_last() -> None:
    at = datetime(2026, 11, 2, 9, tzinfo=STOCKHOLM)
    log = build_log("invoice", "1", "invoice 1", [LogEvent("A", None, True), LogEvent("B", at, True),
                                                  LogEvent("C", at, True), LogEvent("D", None, False),
                                                  LogEvent("E", at, False)])
    assert [e.event_type for e in log.occurred] == ["C", "B", "A"]
    assert [e.event_type for e in log.scheduled] == ["E", "D"]


def test_filters_by_text_and_type() -> None:
    log = sample()
    assert [e.event_type for e in filter_log(log, "öberg").events] == ["Created"]
    assert [e.event_type for e in filter_log(log, "reminder").events] == ["WillSendReminderInvoice"]
    assert [e.event_type for e in filter_log(log, "ocr 1001").events] == ["InvoiceSent"]
    assert [e.event_type for e in filter_log(log, None, "Created").events] == ["Created"]
    assert filter_log(log, "sent", "Created").is_empty
    assert filter_log(log, "x").total == 3 and filter_log(log) is log
    assert event_types(log)[0] == ("Created", "Created")


def test_type_labels() -> None:
    assert type_label("InvoiceSent") == "Invoice sent"
    assert type_label("EInvoiceWasRejected") == "E-invoice was rejected"
    assert type_label("SupplementSentToKFM") == "Supplement sent to Kronofogden"
    assert type_label("UnDisputed") == "Dispute cancelled"
    assert type_label("SmsSent") == "SMS sent"
    assert type_label("LongTermSurveilance") == "Long-term surveillance"


def test_csv_export_parses_back_in_excel_friendly_utf8() -> None:
    exported = export_csv(sample())
    assert exported.filename == "events-invoice-1001-3-rows.csv" and exported.mimetype == "text/csv"
    assert exported.rows == 3
    assert exported.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [(r["section"], r["type"], r["status"]) for r in rows] == [
        ("scheduled", "WillSendReminderInvoice", "Pending"), ("occurred", "InvoiceSent", "Success"),
        ("occurred", "Created", "Success")]
    assert rows[1]["title"] == 'Sent "by e-mail", twice' and rows[1]["description"] == "line one\nline two"
    assert rows[2]["by"] == "Åsa Öberg" and rows[2]["time"] == "2026-11-02 09:00"
    assert rows[2]["timestamp"] == "2026-11-02T09:00:00+01:00"


def test_json_export_parses_back() -> None:
    exported = export_json(sample())
    assert exported.filename == "events-invoice-1001-3-rows.json" and exported.rows == 3
    data = json.loads(exported.content.decode("utf-8"))
    assert data["record"] == "invoice 1001" and data["updated_at"] == "2026-11-02T12:00:00+01:00"
    assert [e["type"] for e in data["occurred"]] == ["InvoiceSent", "Created"]
    assert data["scheduled"][0]["type_label"] == "Will send reminder invoice"
    assert data["occurred"][1]["by"] == "Åsa Öberg"
