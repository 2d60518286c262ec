"""The report creator's field catalogue (command 31, `report create`): every field a report can show,
filter on or sum, over the store's mirror of Billecta's invoices and the store's own orders.

Each field has a type that decides how it is filtered (bot.reports.filters) and shown:
text (equals, contains), date (YYYY-MM-DD: before, after, on), amount (exact: integer minor units
of the row's currency, compared as Decimals) and number (whole numbers, e.g. days past due).
Billecta's side is the mirror's invoice; the store's side is the bot's order it was made from (its
date, status, references, its rows' amount as Billecta computes it, their count and articles) and the
order's debtor. A row is built once per invoice from its mirror row joined with its order
(`INVOICE_ROWS`, one query) at the report's day, with each order's rows and each invoice's dated
payments read once for the whole report (`Sources`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from bot.reports.movements import PAYMENT, Movement, fees_by, settled
from bot.reports.orders import OrderRows
from bot.reports.receivables import BUCKETS
from bot.reports.table import CURRENCY, Cell, Column


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    AMOUNT = "amount"
    NUMBER = "number"


@dataclass(frozen=True)
class Field:
    key: str
    title: str
    kind: Kind
    about: str
    width: float = 22  # mm in the PDF

    @property
    def column(self) -> Column:
        cell = {Kind.AMOUNT: Cell.AMOUNT, Kind.NUMBER: Cell.NUMBER}.get(self.kind, Cell.TEXT)
        return Column(self.key, self.title, cell, width=self.width)

    @property
    def summable(self) -> bool:
        return self.kind in (Kind.AMOUNT, Kind.NUMBER)


T, D, A, N = Kind.TEXT, Kind.DATE, Kind.AMOUNT, Kind.NUMBER
FIELDS: tuple[Field, ...] = (
    Field("invoice_number", "Invoice number", T, "Billecta's invoice number", 24),
    Field("debtor", "Debtor", T, "the debtor's name", 44),
    Field("debtor_id", "Debtor id", T, "Billecta's public id of the debtor", 40),
    Field("invoice_date", "Invoice date", D, "the day the invoice is dated"),
    Field("due_date", "Due date", D, "the day it falls due"),
    Field("closed_date", "Closed date", D, "the day it was closed (paid, credited or written off in full)"),
    Field(CURRENCY, "Currency", T, "SEK, EUR...", 16),
    Field("invoiced", "Invoiced", A, "the invoiced amount"),
    Field("paid", "Paid", A, "paid by the report's day"),
    Field("credited", "Credited", A, "credited by the report's day"),
    Field("written_off", "Written off", A, "written off by the report's day"),
    Field("fees", "Fees", A, "added after invoicing (reminder fees, interest)"),
    Field("remaining", "Remaining", A, "left to pay at the report's day"),
    Field("days_past_due", "Days past due", N, "days since the due date at the report's day (0 if not due)", 18),
    Field("status", "Status", T, "at the report's day: open (not due), overdue, or closed", 18),
    Field("stage", "Stage", T, "Billecta's stage of the invoice (Attested, ReminderInvoiceSent...)", 30),
    Field("ocr", "OCR", T, "the payment reference", 30),
    Field("aging", "Aging", T, "not due, 1-30, 31-60, 61-90 or over 90 days past due at the report's day", 18),
    Field("paused", "Paused", T, "yes or no", 14),
    Field("disputed", "Disputed", T, "yes or no", 14),
    Field("debt_collection", "Debt collection", T, "yes if it went to debt collection", 18),
    Field("paid_ahead", "Paid ahead", T, "yes if a payment is dated before its due date (Prepaid payments)", 16),
    Field("paid_date", "Paid date", D, "the day of its last payment (by the report's day)"),
    # The store's side: the bot's order the invoice was made from, its rows and its debtor.
    Field("order_reference", "Order reference", T, "the bot's order the invoice was made from", 20),
    Field("order_date", "Order date", D, "the order's date in the store"),
    Field("order_status", "Order status", T, "the order in the store: synced, changed (edited since sent), new, "
          "failed", 18),
    Field("order_amount", "Order amount", A, "the order's rows as Billecta would invoice them now (incl. VAT)"),
    Field("order_rows", "Order rows", N, "how many rows the order has (message rows too)", 16),
    Field("articles", "Articles", T, "the article numbers on the order's rows", 30),
    Field("our_reference", "Our reference", T, "the order's our reference", 26),
    Field("your_reference", "Your reference", T, "the order's your reference", 26),
    Field("delivery_method", "Delivery", T, "the order's delivery method (Email, Manual...)", 18),
    Field("payment_terms", "Payment terms", N, "the order's payment terms in days", 16),
    Field("debtor_org_no", "Org no", T, "the store's debtor's organisation or personal number", 24),
)
BY_KEY = {f.key: f for f in FIELDS}

# One row per invoice with its order and the order's debtor joined: no query per invoice.
INVOICE_ROWS = """
SELECT i.invoice_number, i.action_public_id, i.debtor_public_id, i.debtor_name, i.currency, i.invoiced_amount,
       i.current_amount, i.paid_amount, i.credited_amount, i.write_off_amount, i.invoice_date, i.due_date,
       i.closed_date, i.stage, i.ocr, i.order_id, i.is_paused, i.is_disputed, i.debt_collection_action_public_id,
       o.order_date, o.sync_status AS order_status, o.our_reference, o.your_reference, o.delivery_method,
       o.payment_terms_days, o.currency AS order_currency, d.org_no AS debtor_org_no
FROM invoice AS i LEFT JOIN [order] AS o ON o.id = i.order_id LEFT JOIN debtor AS d ON d.id = o.debtor_id
WHERE COALESCE(i.sync_status, '') != 'deleted' AND i.stage NOT IN ('Created', 'None')
"""


@dataclass(frozen=True)
class Sources:
    """What a row needs beside its invoice: each order's rows (bot.reports.orders) and each invoice's
    dated movements (bot.reports.movements), each read once for the whole report."""

    orders: dict[int, OrderRows] = field(default_factory=dict)
    moves: dict[str, list[Movement]] = field(default_factory=dict)
    # The last pull's day: the latest day an undated payment on an open invoice can have happened.
    pulled_on: date | None = None


def catalogue() -> str:
    """The fields as `report create --help` lists them: name, type, what it is."""
    width = max(len(f.key) for f in FIELDS)
    return "\n".join(f"  {f.key.ljust(width)}  {f.kind.value:<6}  {f.about}" for f in FIELDS)


def invoice_row(row: dict[str, Any], day: date, sources: Sources) -> dict[str, Any]:
    """One invoice's fields at `day`: amounts in minor units, dates as YYYY-MM-DD. Closed means closed
    by `day`; paid, credited and written off are what was by `day` (bot.reports.movements.settled: a
    part no movement dates counts from the day the invoice closed, or while open from the last pull),
    and remaining is what was left then. Fees are those raised by `day` (movements.fees_by: the pull dates
    them by their reminder; an undated part as the settlements). `estimated` (not a field) says some of it
    was dated so."""
    invoiced, remaining = row["invoiced_amount"] or 0, row["current_amount"] or 0
    moves = sources.moves.get(row["action_public_id"], [])
    at = settled(row, moves, until=day, pulled_on=sources.pulled_on)
    fees, fees_estimated = fees_by(row, moves, until=day, pulled_on=sources.pulled_on)
    paid, credited, written_off = at.paid, at.credited, at.written_off
    remaining = invoiced + fees - at.total
    due = _day(row["due_date"])
    closed_on = _day(row["closed_date"])
    closed = closed_on if closed_on and closed_on <= day else None
    days = max((day - due).days, 0) if due and not closed else 0
    undated = closed_on or sources.pulled_on or day
    payments, dated = _payment_days(paid, moves, undated, day)
    order = sources.orders.get(row["order_id"]) if row["order_id"] else None
    return {
        "invoice_number": row["invoice_number"] or row["action_public_id"],
        "debtor": row["debtor_name"] or row["debtor_public_id"] or "(no debtor)",
        "debtor_id": row["debtor_public_id"] or "", "invoice_date": _iso(_day(row["invoice_date"])),
        "due_date": _iso(due), "closed_date": _iso(closed), CURRENCY: row["currency"] or "SEK",
        "invoiced": invoiced, "paid": paid, "credited": credited, "written_off": written_off,
        "fees": fees, "remaining": remaining, "estimated": at.estimated or fees_estimated,
        "days_past_due": days, "status": "closed" if closed else ("overdue" if days else "open"),
        "aging": "" if closed else _aging(days, due), "stage": row["stage"] or "", "ocr": row["ocr"] or "",
        "paused": _yes(row["is_paused"]), "disputed": _yes(row["is_disputed"]),
        "debt_collection": _yes(row["debt_collection_action_public_id"]),
        "paid_ahead": _yes(due is not None and any(paid_on < due for paid_on in payments)),
        # The last payment's day when it is known: dated, or the day a fully paid invoice closed.
        "paid_date": _iso(max(payments)) if payments and (dated or closed) else None,
        "order_reference": str(row["order_id"]) if row["order_id"] else "",
        "order_date": _iso(_day(row["order_date"])), "order_status": row["order_status"] or "",
        "order_amount": order.amount if order else None, "order_rows": order.rows if order else None,
        "articles": ", ".join(order.articles) if order else "", "our_reference": row["our_reference"] or "",
        "your_reference": row["your_reference"] or "", "delivery_method": row["delivery_method"] or "",
        "payment_terms": row["payment_terms_days"], "debtor_org_no": row["debtor_org_no"] or "",
    }


def _payment_days(paid: int, moves: list[Movement], undated: date, day: date) -> tuple[list[date], bool]:
    """The days of its payments by `day` (`paid`: what was paid by then), and whether they are dated
    (bot.reports.movements). Without a dated payment kept (paid before the bot kept movements), a paid
    invoice is taken as paid on `undated`: the day it closed, or while open the last pull's, the latest
    it can have been (as movements.settled dates it)."""
    if paid <= 0:  # nothing paid by `day` (or a payment kept was reversed since)
        return [], False
    days = [m.day for m in moves if m.kind == PAYMENT]
    dated = bool(days)
    if not dated:
        days = [undated]
    return [paid_on for paid_on in days if paid_on <= day], dated


def _aging(days_past_due: int, due: date | None) -> str:
    if due is None:
        return ""
    return next(label for _, label, upper in BUCKETS if upper is None or days_past_due <= upper)


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _yes(value: Any) -> str:
    return "yes" if value else "no"
