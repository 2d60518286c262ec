"""A known ledger of our own for the pull's movement tests (tests/reports/ledger.py is the reports'):

    X  1 250,00  paid 300,00 six days ago, 100,00 written off today        open, due in 20 days
    Y  2 500,00  credited 500,00 today                                     open, 5 days overdue
    Z    625,00  paid 400,00 three days ago and 225,00 yesterday           closed

made through the client, so it works on the in-process sandbox and the served one alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import (
    AmountView,
    CreditActionView,
    DebtorView,
    InvoiceActionEntryView,
    InvoiceActionRecordView,
    RegisterPaymentView,
)
from bot.reports import movements
from bot.runtime import Runtime

Move = tuple[str, str, int, date, str]  # (invoice key, kind, amount, day, source)


def today() -> date:
    return datetime.now(STOCKHOLM).date()


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=STOCKHOLM)


@dataclass
class Ledger:
    ids: dict[str, str]  # key → ActionPublicId

    def key(self, action_public_id: str) -> str | None:
        return next((k for k, v in self.ids.items() if v == action_public_id), None)


def invoice(rt: Runtime, debtor: str, excl_vat: str, due_in_days: int, issued_days_ago: int = 10) -> str:
    aid = rt.billecta.create_invoice(InvoiceActionEntryView(
        creditor_public_id=rt.billecta.creditor_id, debtor_public_id=debtor,
        invoice_date=noon(today() - timedelta(days=issued_days_ago)),
        due_date=noon(today() + timedelta(days=due_in_days)),
        records=[InvoiceActionRecordView(article_description="Service", quantity=Decimal(1),
                                         unit_price=AmountView.of(Decimal(excl_vat)))]))
    rt.billecta.attest_invoice(aid)
    return aid


def pay(rt: Runtime, aid: str, amount: str, on: date) -> None:
    rt.billecta.register_payment(RegisterPaymentView(action_public_id=aid, amount=AmountView.of(Decimal(amount)),
                                                     date=noon(on)))


def make_ledger(rt: Runtime) -> Ledger:
    """X 1 250,00: paid 300,00 six days ago, 100,00 written off; Y 2 500,00: credited 500,00;
    Z 625,00: paid in full (two payments, three and one days ago), so closed."""
    debtor = rt.billecta.create_debtor(DebtorView(name="Rörelse AB", email="ap@rorelse.example"))
    ledger = Ledger({"X": invoice(rt, debtor, "1000.00", 20), "Y": invoice(rt, debtor, "2000.00", -5),
                     "Z": invoice(rt, debtor, "500.00", 10)})
    pay(rt, ledger.ids["X"], "300.00", today() - timedelta(days=6))
    rt.billecta.write_off(ledger.ids["X"], AmountView.of(Decimal("100.00")), noon(today()), "goodwill")
    rt.billecta.credit_invoice(CreditActionView(action_public_id=ledger.ids["Y"], value=AmountView.of(Decimal("500"))))
    pay(rt, ledger.ids["Z"], "400.00", today() - timedelta(days=3))
    pay(rt, ledger.ids["Z"], "225.00", today() - timedelta(days=1))
    return ledger


def moves(rt: Runtime, ledger: Ledger) -> list[Move]:
    with rt.store.lock:
        rows = rt.store.db.execute("SELECT action_public_id, kind, amount, moved_on, source FROM invoice_movement "
                                   "ORDER BY moved_on, kind, amount").fetchall()
    return [(key, kind, amount, date.fromisoformat(day), source) for aid, kind, amount, day, source in rows
            if (key := ledger.key(aid)) is not None]


def known_moves() -> list[Move]:
    return sorted([
        ("X", movements.PAYMENT, 300_00, today() - timedelta(days=6), "incoming_payment"),
        ("X", movements.WRITEOFF, 100_00, today(), "event"),
        ("Y", movements.CREDIT, 500_00, today(), "event"),
        ("Z", movements.PAYMENT, 400_00, today() - timedelta(days=3), "incoming_payment"),
        ("Z", movements.PAYMENT, 225_00, today() - timedelta(days=1), "incoming_payment"),
    ], key=lambda m: (m[3], m[1], m[2]))
