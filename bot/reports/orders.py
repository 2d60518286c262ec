"""The bot's own orders as Billecta would invoice their rows now, for the reports: the reconciliation's
store side (bot.reports.reconciliation) and the report creator's order fields (bot.reports.fields).

An order's amount is computed as Billecta computes an invoice's rows: per row, quantity times unit
price rounded half-up to the minor unit, then the row's VAT on that rounded to the minor unit the same
way; a message row carries no amount; a row without a price (on the row or its article) leaves the
order's amount unknown (None). One query over every row of every order, whatever the count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from bot.money import decimals_for

if TYPE_CHECKING:
    from bot.runtime import Runtime

ROWS = """
SELECT r.order_id, r.quantity, r.record_type, COALESCE(r.unit_price, a.unit_price) AS unit_price,
       COALESCE(r.vat_rate, a.vat_rate, '25') AS vat_rate, a.article_number
FROM orderrow AS r LEFT JOIN article AS a ON a.id = r.article_id
ORDER BY r.order_id, r.position, r.id
"""


@dataclass
class OrderRows:
    """One order's rows: its amount in minor units of the order's currency (None: a row has no price),
    how many rows it has (message rows too) and its article numbers in row order, each once."""

    amount: int | None = 0
    rows: int = 0
    articles: list[str] = field(default_factory=list)


def order_rows(rt: Runtime, currencies: dict[int, str]) -> dict[int, OrderRows]:
    """The rows of each order in `currencies` (order id → its currency); an order without rows is absent."""
    found: dict[int, OrderRows] = defaultdict(OrderRows)
    with rt.store.lock:
        cursor = rt.store.db.execute(ROWS)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        order_id = row["order_id"]
        if order_id not in currencies:
            continue
        order = found[order_id]
        order.rows += 1
        if row["article_number"] and row["article_number"] not in order.articles:
            order.articles.append(row["article_number"])
        if (row["record_type"] or "Standard") == "Message" or order.amount is None:
            continue
        order.amount = None if row["unit_price"] in (None, "") else order.amount + _row_amount(
            row, currencies[order_id])
    return dict(found)


def order_totals(rt: Runtime, currencies: dict[int, str]) -> dict[int, int | None]:
    """Each order's amount in minor units as Billecta would invoice its rows now (None: a row has no price)."""
    return {order_id: order.amount for order_id, order in order_rows(rt, currencies).items()}


def _row_amount(row: dict[str, Any], currency: str) -> int:
    scale = Decimal(10) ** decimals_for(currency)
    net = _round(Decimal(str(row["quantity"])) * Decimal(str(row["unit_price"])) * scale)
    return net + _round(Decimal(net) * Decimal(str(row["vat_rate"])) / 100)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
