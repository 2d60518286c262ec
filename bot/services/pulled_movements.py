"""The pull's dated movements (bot.reports.movements): what was paid, credited and written off, and when.

Payments come from Billecta's incoming payments, one call per pull over the days since the last pull
(a day's overlap; each payment is kept once by its PaymentReferenceId), dated by their PaymentDate.
A payment registered later than the day it is dated falls outside those days: when an invoice read
in full was paid more than its kept payments say, a second call asks for that invoice's payments
since it was issued. A payment on an invoice the mirror does not know yet is kept all the same: the
invoice comes with the lists. Credits and write-offs have no such list: when the pull reads an invoice in full, what its
credited or written-off total holds beyond the movements already kept is kept as one movement, dated
by the latest Credited or WrittenOff event that happened (else the day it closed, else today). Fees
(reminder fees, interest) are dated the same way: what the fee total (movements.fee_total) holds beyond
the kept fee movements, by the latest ReminderInvoiceSent, the one event here that raises a fee
(interest has no event of its own, so it goes with the reminder it came with, or the closing day).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.billecta import enums
from bot.billecta.dates import stockholm_date
from bot.billecta.models import AmountView, EventView, IncomingPaymentView, InvoiceActionSubView, InvoiceActionView
from bot.reports import movements

if TYPE_CHECKING:
    from bot.runtime import Runtime

PAYMENT_SOURCE, EVENT_SOURCE, TOTAL_SOURCE = "incoming_payment", "event", "total"
# Each settled kind a full read dates from the invoice's events: (kind, its total, its event type).
_SETTLED = ((movements.CREDIT, "credited_amount", enums.EventType.Credited),
            (movements.WRITEOFF, "write_off_amount", enums.EventType.WrittenOff))


def payments_since(last_began: date | None, today: date, open_rows: list[InvoiceActionSubView],
                   lookback_days: int) -> date:
    """The first day to ask payments for: the day before the last pull began; for the first pull (None),
    the earliest invoice date among the open invoices or `lookback_days` back, whichever is earlier (an
    open invoice's part payments can be older than the closed invoices' lookback)."""
    if last_began is not None:
        return last_began - timedelta(days=1)
    earliest = today - timedelta(days=lookback_days)
    dates = [d for d in (stockholm_date(row.invoice_date) for row in open_rows) if d is not None]
    return min([earliest, *dates])


def record_payments(rt: Runtime, payments: list[IncomingPaymentView]) -> int:
    """Keep each payment applied to an invoice once; how many were new."""
    kept = 0
    for payment in payments:
        if not payment.action_public_id or payment.amount is None or payment.amount.value == 0:
            continue  # not on an invoice (nothing for the ledger) or nothing moved
        day = stockholm_date(payment.payment_date)
        assert day is not None  # payment_date is required by the model
        kept += movements.record(rt, action_public_id=payment.action_public_id, kind=movements.PAYMENT,
                                 amount=payment.amount.value, currency=payment.amount.currency_code or "SEK",
                                 day=day, reference=payment.payment_reference_id, source=PAYMENT_SOURCE)
    return kept


def payments_unlisted(rt: Runtime, view: InvoiceActionView) -> bool:
    """The invoice's paid total holds more than its kept payments: a payment registered after the days
    the pull asked for but dated before them (a late bank file, a back-dated registration)."""
    return view.paid_amount.value > movements.held(rt, view.action_public_id).get(movements.PAYMENT, 0)


def record_settlements(rt: Runtime, view: InvoiceActionView, today: date) -> int:
    """Date what the invoice's credited, written-off and fee totals hold beyond the kept movements; how many
    movements were new."""
    held = movements.held(rt, view.action_public_id)
    kept = 0
    for kind, total_field, event_type in _SETTLED:
        total: AmountView = getattr(view, total_field)
        if total.value > held.get(kind, 0):
            kept += _keep_rest(rt, view, kind, total, total.value - held.get(kind, 0), _latest(view, event_type), today)
    fees = view.current_amount.value + view.paid_amount.value + view.credited_amount.value \
        + view.write_off_amount.value - view.invoiced_amount.value
    if fees > held.get(movements.FEE, 0):
        fee_total = AmountView.from_minor(fees, view.invoiced_amount.currency_code)
        kept += _keep_rest(rt, view, movements.FEE, fee_total, fees - held.get(movements.FEE, 0),
                           _latest(view, enums.EventType.ReminderInvoiceSent), today)
    return kept


def _keep_rest(rt: Runtime, view: InvoiceActionView, kind: str, total: AmountView, missing: int,
               latest: EventView | None, today: date) -> bool:
    day = stockholm_date(latest.event_date if latest else view.state.closed_date) or today

    def keep(reference: str, source: str) -> bool:
        return movements.record(rt, action_public_id=view.action_public_id, kind=kind, amount=missing,
                                currency=total.currency_code or "SEK", day=day, reference=reference, source=source)

    # A reference already kept (the same event seen again after a credit was reversed and made anew)
    # falls back to the total's own reference, so the difference is still kept, and once.
    if latest is not None and latest.event_public_id and keep(latest.event_public_id, EVENT_SOURCE):
        return True
    return keep(f"total:{kind}:{view.action_public_id}:{total.value}", TOTAL_SOURCE)


def _latest(view: InvoiceActionView, event_type: enums.EventType) -> EventView | None:
    """The invoice's last event of the type that has happened (the scheduled ones have not)."""
    found: EventView | None = None
    for event in view.events:
        if event.event_type is event_type and event.has_occured and event.event_date is not None and \
                (found is None or found.event_date is None or event.event_date >= found.event_date):
            found = event
    return found
