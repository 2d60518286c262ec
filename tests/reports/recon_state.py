"""A known state for the reconciliation report, made through the store, the bot's services and the
sandbox (on top of the demo, whose invoices no order in the store explains):

    order  rows                                   what happened                                   kind
    2001   2 x 1 000,00 + 25 % VAT = 2 500,00     upserted and attested                           matched
    2002   1 x 400,00 + 25 % VAT   =   500,00     attested, then a row edited to 3 x 400,00       amounts differ
    2003   1 x 200,00 + 12 % VAT   =   224,00     attested; 100,00 paid in Billecta only          payment missing
    2004   1 x 80,00 + 25 % VAT    =   100,00     never sent                                       never sent
    -      invoice of 640,00 created and attested directly in the sandbox                         no order explains
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from bot import timefmt
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import AmountView, InvoiceActionEntryView, InvoiceActionRecordView, RegisterPaymentView
from bot.runtime import Runtime
from bot.services import orders
from bot.services.pull import pull

DEBTOR = 3  # a demo debtor that is in Billecta


@dataclass(frozen=True)
class State:
    numbers: dict[int, str]  # order id → its invoice number
    direct: str  # the invoice made in the sandbox without an order


def _order(rt: Runtime, order_id: int, quantity: str, price: str, vat: str) -> None:
    day = timefmt.today().isoformat()
    rt.store.upsert_records("order", [{"id": order_id, "debtor_id": DEBTOR, "order_date": day,
                                       "payment_terms_days": 30, "delivery_method": "Email", "currency": "SEK"}])
    rt.store.upsert_records("orderrow", [{"id": order_id * 10, "order_id": order_id, "quantity": quantity,
                                          "unit_price": price, "vat_rate": vat, "description": "Work"}])


def make_state(rt: Runtime) -> State:
    for order_id, quantity, price, vat in ((2001, "2", "1000.00", "25"), (2002, "1", "400.00", "25"),
                                           (2003, "1", "200.00", "12"), (2004, "1", "80.00", "25")):
        _order(rt, order_id, quantity, price, vat)
    for order_id in (2001, 2002, 2003):
        orders.upsert_attest_order(rt, str(order_id))  # raises if Billecta refuses
    rt.store.upsert_records("orderrow", [{"id": 20020, "order_id": 2002, "quantity": "3", "unit_price": "400.00",
                                          "vat_rate": "25", "description": "Work"}])  # edited after attest
    pull(rt, today=timefmt.today())  # the store's mirror knows the three invoices as attested, unpaid
    numbers = {}
    for order_id in (2001, 2002, 2003):
        invoice = rt.store.find_by("invoice", "order_id", order_id)
        assert invoice is not None
        numbers[order_id] = invoice["invoice_number"]
    client = rt.billecta
    now = datetime.combine(timefmt.today(), time(12), STOCKHOLM)
    third = rt.store.find_by("invoice", "order_id", 2003)
    assert third is not None
    client.register_payment(RegisterPaymentView(action_public_id=third["action_public_id"],
                                                amount=AmountView.of(Decimal("100.00")), date=now))
    debtor = rt.store.require("debtor", DEBTOR)
    aid = client.create_invoice(InvoiceActionEntryView(
        creditor_public_id=client.creditor_id, debtor_public_id=debtor["billecta_id"], invoice_date=now,
        due_date=now, records=[InvoiceActionRecordView(article_description="Direct", quantity=Decimal(1),
                                                       unit_price=AmountView.of(Decimal("512.00")))]))
    client.attest_invoice(aid)
    return State(numbers, client.get_invoice(aid).invoice_number or "")
