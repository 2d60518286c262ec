"""The one record line per record type: names, money, dates and stages in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.billecta.enums import DebtCollectionStage, InvoiceStage, UnhandledPaymentState
from bot.services.labels import (
    DEBT_COLLECTION_STAGES,
    INVOICE_STAGES,
    OPTION_TEXT,
    PAYMENT_STATES,
    enrich,
    line,
    titled,
)
from bot.slack.search import search
from bot.store import Store

NBSP = "\u00a0"
THIS_YEAR = 2026  # tests/conftest.py pins today to 2026-12-01
INVOICE = {"invoice_number": "1001", "debtor_name": "Nordic Café AB", "current_amount": 125000,
           "invoiced_amount": 125000, "currency": "SEK", "due_date": f"{THIS_YEAR}-12-21 00:00:00+01:00",
           "stage": "InvoiceSent", "is_paused": 0, "is_disputed": 0}


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_the_issues_invoice_line() -> None:
    assert plain(line("invoice", INVOICE)) == "1001 · Nordic Café AB · 1 250,00 kr · due 21 Dec · sent"
    assert plain(titled("invoice", INVOICE)).startswith("invoice 1001 · Nordic Café AB")


def test_flags_and_closed_invoices() -> None:
    assert line("invoice", {**INVOICE, "is_paused": 1}).endswith("sent, paused")
    closed = {**INVOICE, "stage": "Completed", "current_amount": 0}
    assert plain(line("invoice", closed)) == "1001 · Nordic Café AB · 1 250,00 kr · completed"


@pytest.mark.parametrize(("words", "enum"), [(INVOICE_STAGES, InvoiceStage), (DEBT_COLLECTION_STAGES,
                                              DebtCollectionStage), (PAYMENT_STATES, UnhandledPaymentState)])
def test_every_stage_has_words_and_no_raw_enum_name_shows(words: dict, enum: type) -> None:
    assert set(words) == set(enum)
    assert all(value.value not in text for value, text in words.items() if len(value.value) > 8)


def test_other_record_lines() -> None:
    assert line("debtor", {"id": 12, "name": "Nordic Café AB", "org_no": "556677-8899"}) == \
        "12 · Nordic Café AB · 556677-8899"
    article = {"id": 1, "name": "Consulting hour", "article_number": "A-100", "unit_price": "1150.00", "unit": "h"}
    assert plain(line("article", article)) == "1 · Consulting hour · A-100 · 1 150,00 kr / h"
    payment = {"id": 3, "amount": 35000, "currency": "SEK", "payment_date": f"{THIS_YEAR}-11-28 10:00:00+01:00",
               "sender_name": "Okänd AB", "reference": "123", "state": "Unhandled"}
    assert plain(line("payment", payment)) == "3 · 350,00 kr · 28 Nov · from Okänd AB · ref 123 · unhandled"
    case = {"action_public_id": "7540000005", "invoice_number": "1007", "debtor_name": "Bergström Konsult AB",
            "current_amount": 373486, "currency": "SEK", "stage": "ReadyForBailiff"}
    assert plain(line("debtcollection", case)) == \
        "7540000005 · Bergström Konsult AB · invoice 1007 · 3 734,86 kr · ready for the bailiff"
    guid = {**case, "action_public_id": "0b6f4a52-43a4-4d3e-9a57-5a2f0c7b9e11"}
    assert line("debtcollection", guid).startswith("0b6f4a52… · Bergström Konsult AB")


def test_order_line_has_its_debtor_total_and_date(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.upsert_records("debtor", [{"id": 3, "name": "Lund Fastigheter AB"}])
    store.upsert_records("order", [{"id": 7, "debtor_id": 3, "order_date": f"{THIS_YEAR}-11-30", "currency": "SEK"}])
    store.upsert_records("orderrow", [{"id": 1, "order_id": 7, "quantity": "4", "unit_price": "1150.00"},
                                      {"id": 2, "order_id": 7, "quantity": "0.5", "unit_price": "99.98"}])
    [order] = enrich(store, "order", store.rows("order"))
    assert plain(line("order", order)) == "7 · Lund Fastigheter AB · 4 649,99 kr excl. VAT · 30 Nov"


def test_search_options_fit_slacks_limit_by_cutting_the_name_not_the_amount(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    long_name = "Aktiebolaget Nordiska Kaffe- och Konditorivaruhandeln i Stockholm med filialer"
    store.db["invoice"].insert({**INVOICE, "id": 1, "action_public_id": "A1", "debtor_name": long_name,
                                "current_amount": 12345678900})
    [(text, key)] = search(store, "invoice", "1001")
    assert key == "1001" and len(text) <= OPTION_TEXT
    assert "123 456 789,00 kr" in plain(text) and "…" in text and text.startswith("1001 · Aktiebolaget")


def test_change_notices_name_stages_in_words() -> None:
    from bot.notify import describe_change

    after = {"invoice_number": "1001", "stage": "ReminderInvoiceSent"}
    assert describe_change(("invoice", {"stage": "InvoiceSent"}, after)) == \
        "invoice 1001 changed in Billecta (now reminder sent)."
