"""A known sandbox state for the reports: the demo plus two debtors of our own whose invoices have
known amounts, dates, payments, credits, write-offs and a reminder fee, made through the sandbox.

Dates are relative to the pinned today (tests/conftest.py), so each invoice's aging bucket is known:

    debtor          invoice  invoiced   moved                                     remaining  due        bucket
    Rapport AB      A        1 000,00   paid 300,00, written off 100,00             600,00  95 d ago   over 90
    Rapport AB      B        2 000,00   credited 500,00, reminder fee 60,00       1 560,00  40 d ago   31-60
    Åsa Öberg       C          500,00   paid 500,00 (closed: not in the ledger)         0   in 20 d    -
    Åsa Öberg       D        1 250,00   -                                         1 250,00  70 d ago   61-90
    Åsa Öberg       E          125,00   -                                           125,00  in 5 d     not due
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from bot import timefmt
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import (
    AmountView,
    CreditActionView,
    DebtorView,
    InvoiceActionEntryView,
    InvoiceActionRecordView,
    RegisterPaymentView,
    SendReminderInvoiceView,
)
from bot.runtime import Runtime

RAPPORT, OBERG = "Rapport AB", "Åsa Öberg"


@dataclass(frozen=True)
class Known:
    numbers: dict[str, str]  # A… → invoice number


def make_ledger(rt: Runtime) -> Known:
    client = rt.billecta
    now = datetime.combine(timefmt.today(), time(12), STOCKHOLM)  # the day the tests pin as today
    rapport = client.create_debtor(DebtorView(name=RAPPORT, org_no="556677-8899", address="Gatan 1",
                                              zip_code="11122", city="Stockholm", email="a@rapport.example"))
    oberg = client.create_debtor(DebtorView(name=OBERG, address="Vägen 2", zip_code="41101", city="Göteborg",
                                            email="asa@example.se"))

    def invoice(debtor: str, excl_vat: str, issued_days_ago: int, due_in_days: int) -> str:
        aid = client.create_invoice(InvoiceActionEntryView(
            creditor_public_id=client.creditor_id, debtor_public_id=debtor,
            invoice_date=now - timedelta(days=issued_days_ago), due_date=now + timedelta(days=due_in_days),
            records=[InvoiceActionRecordView(article_description="Consulting", quantity=Decimal(1),
                                             unit_price=AmountView.of(Decimal(excl_vat)))]))
        client.attest_invoice(aid)
        return aid

    a = invoice(rapport, "800.00", 110, -95)
    b = invoice(rapport, "1600.00", 70, -40)
    c = invoice(oberg, "400.00", 25, 20)
    d = invoice(oberg, "1000.00", 100, -70)
    e = invoice(oberg, "100.00", 25, 5)
    client.register_payment(RegisterPaymentView(action_public_id=a, amount=AmountView.of(Decimal("300.00")), date=now))
    client.write_off(a, AmountView.of(Decimal("100.00")), now, "goodwill")
    client.credit_invoice(CreditActionView(action_public_id=b, value=AmountView.of(Decimal("500.00"))))
    client.send_reminder(SendReminderInvoiceView(invoice_action_public_id=b,
                                                 reminder_fee=AmountView.of(Decimal("60.00"))))
    client.register_payment(RegisterPaymentView(action_public_id=c, amount=AmountView.of(Decimal("500.00")), date=now))
    numbers = {key: client.get_invoice(aid).invoice_number or "" for key, aid in
               {"A": a, "B": b, "C": c, "D": d, "E": e}.items()}
    return Known(numbers)
