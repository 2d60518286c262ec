"""A known sandbox state for the reports: the demo plus three debtors of our own whose invoices have
known amounts, dates, payments, credits, write-offs and a reminder fee, made through the sandbox.

Dates are relative to today (bot.timefmt: pinned by tests/conftest.py, or by a test to the sandbox's
own day), so each invoice's aging bucket is known, today and on the days before:

    debtor          invoice  invoiced   moved                                     remaining  due        bucket
    Rapport AB      A        1 000,00   paid 300,00, written off 100,00             600,00  95 d ago   over 90
    Rapport AB      B        2 000,00   credited 500,00, reminder fee 60,00       1 560,00  40 d ago   31-60
    Åsa Öberg       C          500,00   paid 500,00 (closed: not in the ledger)         0   in 20 d    -
    Åsa Öberg       D        1 250,00   -                                         1 250,00  70 d ago   61-90
    Åsa Öberg       E          125,00   -                                           125,00  in 5 d     not due
    Kvitto HB       F        2 000,00   paid 800,00 10 d ago                      1 200,00  20 d ago   1-30
    Kvitto HB       G        1 000,00   paid 400,00 25 d ago, 600,00 5 d ago (closed)   0   45 d ago   -

The movements of A to E are made today; F and G are the ones a snapshot in the past tells apart. The
pull dates them (bot.services.pulled_movements: payments by their payment date, the credit and the
write-off by their events):

    at            F (issued 50 d ago)                 G (issued 60 d ago)
    12 days ago   2 000,00 open, 8 d past due, 1-30    600,00 open, 33 d past due, 31-60
    8 days ago    1 200,00 open, 12 d past due, 1-30   600,00 open, 37 d past due, 31-60
    today         1 200,00 open, 20 d past due, 1-30   closed: not in the ledger
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

RAPPORT, OBERG, KVITTO = "Rapport AB", "Åsa Öberg", "Kvitto HB"


@dataclass(frozen=True)
class Known:
    numbers: dict[str, str]  # A… → invoice number
    ids: dict[str, str]  # A… → action public id


def make_ledger(rt: Runtime) -> Known:
    client = rt.billecta
    now = datetime.combine(timefmt.today(), time(12), STOCKHOLM)  # the day the tests pin as today
    rapport = client.create_debtor(DebtorView(name=RAPPORT, org_no="556677-8899", address="Gatan 1",
                                              zip_code="11122", city="Stockholm", email="a@rapport.example"))
    oberg = client.create_debtor(DebtorView(name=OBERG, address="Vägen 2", zip_code="41101", city="Göteborg",
                                            email="asa@example.se"))
    kvitto = client.create_debtor(DebtorView(name=KVITTO, org_no="969612-3456", address="Torget 3", zip_code="75310",
                                             city="Uppsala", email="ekonomi@kvitto.example"))

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
    f = invoice(kvitto, "1600.00", 50, -20)
    g = invoice(kvitto, "800.00", 60, -45)
    client.register_payment(RegisterPaymentView(action_public_id=a, amount=AmountView.of(Decimal("300.00")), date=now))
    client.write_off(a, AmountView.of(Decimal("100.00")), now, "goodwill")
    client.credit_invoice(CreditActionView(action_public_id=b, value=AmountView.of(Decimal("500.00"))))
    client.send_reminder(SendReminderInvoiceView(invoice_action_public_id=b,
                                                 reminder_fee=AmountView.of(Decimal("60.00"))))
    client.register_payment(RegisterPaymentView(action_public_id=c, amount=AmountView.of(Decimal("500.00")), date=now))
    for aid, amount, days_ago in ((f, "800.00", 10), (g, "400.00", 25), (g, "600.00", 5)):
        client.register_payment(RegisterPaymentView(action_public_id=aid, amount=AmountView.of(Decimal(amount)),
                                                    date=now - timedelta(days=days_ago)))
    ids = {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "G": g}
    return Known({key: client.get_invoice(aid).invoice_number or "" for key, aid in ids.items()}, ids)

