"""The report creator's field catalogue (command 31, `report create`): every field a report can show,
filter on or sum, over the store's mirror of Billecta's invoices and the store's own orders.

Each field has a type that decides how it is filtered (bot.reports.filters) and shown:
text (equals, contains), date (YYYY-MM-DD: before, after, on), amount (exact: integer minor units
of the row's currency, compared as Decimals) and number (whole numbers, e.g. days past due).
A row is built once per invoice from its mirror row (`invoice_row`) at the report's day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

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
    Field("paid", "Paid", A, "paid so far"),
    Field("credited", "Credited", A, "credited so far"),
    Field("written_off", "Written off", A, "written off so far"),
    Field("fees", "Fees", A, "added after invoicing (reminder fees, interest)"),
    Field("remaining", "Remaining", A, "left to pay"),
    Field("days_past_due", "Days past due", N, "days since the due date at the report's day (0 if not due)", 18),
    Field("status", "Status", T, "open (not due), overdue, or closed", 18),
    Field("stage", "Stage", T, "Billecta's stage of the invoice (Attested, ReminderInvoiceSent...)", 30),
    Field("ocr", "OCR", T, "the payment reference", 30),
    Field("order_reference", "Order reference", T, "the bot's order the invoice was made from", 20),
    Field("paused", "Paused", T, "yes or no", 14),
    Field("disputed", "Disputed", T, "yes or no", 14),
    Field("debt_collection", "Debt collection", T, "yes if it went to debt collection", 18),
    Field("paid_ahead", "Paid ahead", T, "yes if paid before its due date (Prepaid payments)", 16),
)
BY_KEY = {f.key: f for f in FIELDS}

INVOICE_ROWS = """
SELECT invoice_number, action_public_id, debtor_public_id, debtor_name, currency, invoiced_amount,
       current_amount, paid_amount, credited_amount, write_off_amount, invoice_date, due_date, closed_date,
       stage, ocr, order_id, is_paused, is_disputed, debt_collection_action_public_id
FROM invoice
WHERE COALESCE(sync_status, '') != 'deleted' AND stage NOT IN ('Created', 'None')
"""


def catalogue() -> str:
    """The fields as `report create --help` lists them: name, type, what it is."""
    width = max(len(f.key) for f in FIELDS)
    return "\n".join(f"  {f.key.ljust(width)}  {f.kind.value:<6}  {f.about}" for f in FIELDS)


def invoice_row(row: dict[str, Any], day: date) -> dict[str, Any]:
    """One invoice's fields at `day`: amounts in minor units, dates as YYYY-MM-DD."""
    invoiced, remaining = row["invoiced_amount"] or 0, row["current_amount"] or 0
    paid, credited = row["paid_amount"] or 0, row["credited_amount"] or 0
    written_off = row["write_off_amount"] or 0
    due = (row["due_date"] or "")[:10] or None
    closed = (row["closed_date"] or "")[:10] or None
    days = (day - date.fromisoformat(due)).days if due else 0
    return {
        "invoice_number": row["invoice_number"] or row["action_public_id"],
        "debtor": row["debtor_name"] or row["debtor_public_id"] or "(no debtor)",
        "debtor_id": row["debtor_public_id"] or "", "invoice_date": (row["invoice_date"] or "")[:10] or None,
        "due_date": due, "closed_date": closed, CURRENCY: row["currency"] or "SEK",
        "invoiced": invoiced, "paid": paid, "credited": credited, "written_off": written_off,
        "fees": remaining + paid + credited + written_off - invoiced, "remaining": remaining,
        "days_past_due": max(days, 0) if not closed else 0, "status": _status(closed, days),
        "stage": row["stage"] or "", "ocr": row["ocr"] or "",
        "order_reference": str(row["order_id"]) if row["order_id"] else "",
        "paused": _yes(row["is_paused"]), "disputed": _yes(row["is_disputed"]),
        "debt_collection": _yes(row["debt_collection_action_public_id"]),
        "paid_ahead": _yes(_paid_ahead(paid, due, closed, day)),
    }


def _status(closed: str | None, days_past_due: int) -> str:
    if closed:
        return "closed"
    return "overdue" if days_past_due > 0 else "open"


def _paid_ahead(paid: int, due: str | None, closed: str | None, day: date) -> bool:
    """Paid before it fell due: closed by payment before its due date, or (still open) partly paid
    while its due date is still to come. The mirror keeps no payment dates of its own, so an open
    invoice's payments are taken as made by the report's day."""
    if paid <= 0 or due is None:
        return False
    return closed < due if closed else day.isoformat() < due


def _yes(value: Any) -> str:
    return "yes" if value else "no"
