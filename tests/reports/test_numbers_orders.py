"""The report creator's number formats (bot.reports.numbers: rounded half-up from exact minor units, the
currency's decimals respected) and the orders' rows as Billecta computes them (bot.reports.orders)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bot.reports.numbers import NBSP, Numbers, cell, money
from bot.reports.orders import order_rows, order_totals
from bot.store import Store


@pytest.mark.parametrize(("minor", "currency", "numbers", "shown"), [
    (125050, "SEK", Numbers.EXACT, f"1{NBSP}250,50"),
    (125050, "SEK", Numbers.WHOLE, f"1{NBSP}251"),  # half up, not to even
    (125049, "SEK", Numbers.WHOLE, f"1{NBSP}250"),
    (-125050, "SEK", Numbers.WHOLE, f"-1{NBSP}251"),
    (125000, "SEK", Numbers.THOUSANDS, f"1,3{NBSP}tkr"),
    (124999, "SEK", Numbers.THOUSANDS, f"1,2{NBSP}tkr"),
    (4999, "SEK", Numbers.THOUSANDS, f"0,0{NBSP}tkr"),
    (123456789, "SEK", Numbers.THOUSANDS, f"1{NBSP}234,6{NBSP}tkr"),
    (125000, "EUR", Numbers.THOUSANDS, f"1,3{NBSP}TEUR"),
    (1250, "ISK", Numbers.WHOLE, f"1{NBSP}250"),  # no minor unit: already whole
])
def test_cells_round_half_up_from_exact_minor_units(minor: int, currency: str, numbers: Numbers, shown: str) -> None:
    assert cell(minor, currency, numbers) == shown


def test_money_keeps_the_currency_as_slack_shows_it() -> None:
    assert money(125050, "SEK") == f"1{NBSP}250,50{NBSP}kr"
    assert money(125050, "SEK", Numbers.WHOLE) == f"1{NBSP}251{NBSP}kr"
    assert money(125050, "SEK", Numbers.THOUSANDS) == f"1,3{NBSP}tkr"


def test_order_rows_count_every_row_and_price_all_but_messages() -> None:
    store = Store(":memory:")
    rt: Any = SimpleNamespace(store=store)
    store.upsert_records("article", [{"id": 1, "article_number": "A-1", "unit_price": "10.05", "vat_rate": "25"}])
    store.upsert_records("order", [{"id": 1, "currency": "SEK"}, {"id": 2, "currency": "SEK"}])
    store.upsert_records("orderrow", [
        # 3 x 10,05 = 30,15; VAT 25 % = 7,5375 -> 7,54: 37,69
        {"id": 10, "order_id": 1, "article_id": 1, "quantity": "3"},
        {"id": 11, "order_id": 1, "record_type": "Message", "description": "Thanks"},
        {"id": 12, "order_id": 1, "article_id": 1, "quantity": "1", "unit_price": "0.50", "vat_rate": "0"},
        {"id": 20, "order_id": 2, "quantity": "1", "description": "no price"},
    ])
    found = order_rows(rt, {1: "SEK", 2: "SEK"})
    assert (found[1].amount, found[1].rows, found[1].articles) == (3769 + 50, 3, ["A-1"])
    assert (found[2].amount, found[2].rows) == (None, 1)
    assert order_totals(rt, {1: "SEK"}) == {1: 3819}
    store.close()


def test_each_field_is_listed_once() -> None:
    from bot.reports.fields import FIELDS

    keys = [f.key for f in FIELDS]
    assert len(keys) == len(set(keys)) == 34
