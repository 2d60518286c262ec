"""Which open invoice an unhandled payment was meant for: ranked suggestions for `payment match`.

Pure: the caller passes the payment and the open invoices it has (from the store); nothing here reads
the store or calls Billecta. Each invoice of the payment's creditor and currency is scored on these
signals, each worth points (`bot.services.match_signals`):

- the reference: the invoice's OCR exactly, or within one typing mistake of it (two digits swapped,
  one wrong, missing or extra); the OCR's Luhn check digit tells whether the paid number itself
  was mistyped; or the invoice number written in the reference;
- the amount: equal to the remaining amount (worth less when other open invoices have the same), a
  part of it, or more than it (the excess is noted: Billecta keeps it as an overpayment);
- the sender's name against the debtor's name, fuzzily (rapidfuzz), ignoring case, diacritics,
  punctuation and company forms ("NORDIC CAFE" ~ "Nordic Café AB");
- the due date near the payment date;
- the debtor, when Billecta itself recognised the sender (`UnhandledPaymentView.DebtorPublicId`).

The points of all candidates, next to a "none of these" baseline, become each candidate's confidence
by a softmax: two invoices with the same evidence share it, so one mistyped OCR near two open OCRs
gives neither a high confidence. Invoices of another creditor or currency are never candidates.
`bench/matching.py` measures how often the right invoice comes first.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bot.billecta.dates import STOCKHOLM, parse_datetime
from bot.billecta.enums import InvoiceStage
from bot.money import DEFAULT_CURRENCY, format_amount, to_minor
from bot.services import match_signals as signals
from bot.services.match_signals import Signal

# The stages in which an invoice still waits for its money. Not drafts (no OCR yet), not closed ones,
# not sold ones (the buyer is paid) nor those whose sale is pending; Billecta has the last word when
# the match is sent.
OPEN_STAGES = frozenset({
    InvoiceStage.Attested, InvoiceStage.InvoiceSent, InvoiceStage.ReminderInvoiceSent, InvoiceStage.Manual,
    InvoiceStage.SentToDebtCollection, InvoiceStage.SalesRequestedCancelled, InvoiceStage.SalesRequestedDenied,
})


@dataclass(frozen=True)
class PaymentFacts:
    """What is known of an unhandled payment: Billecta's `UnhandledPaymentView`, as the store keeps it."""

    creditor_id: str
    amount_minor: int
    currency: str
    paid_on: date
    reference: str | None = None  # an OCR number, an invoice number or free text, as the payer typed it
    sender_name: str | None = None
    debtor_id: str | None = None  # set when Billecta recognised the sender as one of the debtors

    @classmethod
    def of(cls, *, creditor_id: str, amount: Decimal | int, currency: str, paid_on: date,
           reference: str | None = None, sender_name: str | None = None,
           debtor_id: str | None = None) -> PaymentFacts:
        """`amount` as a Decimal in major units (1250.00) or an int in minor units (125000)."""
        minor = to_minor(amount, currency) if isinstance(amount, Decimal) else amount
        return cls(creditor_id, minor, currency, paid_on, reference, sender_name, debtor_id)


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice that can still take a payment, as the store's invoice mirror row has it."""

    number: str
    creditor_id: str
    currency: str
    remaining_minor: int
    debtor_name: str | None = None
    ocr: str | None = None
    due_on: date | None = None
    debtor_id: str | None = None
    action_id: str | None = None  # Billecta's ActionPublicId, what the match call names


def _local_day(value: str | None) -> date | None:
    return parse_datetime(value).astimezone(STOCKHOLM).date() if value else None


def payment_from_row(row: Mapping[str, Any], creditor_id: str) -> PaymentFacts:
    """The store's payment mirror row (bot.services.mirror.payment_values) as the engine reads it."""
    paid_on = _local_day(row.get("payment_date"))
    if paid_on is None:
        raise ValueError(f"payment {row.get('billecta_id')} has no payment date")
    return PaymentFacts(creditor_id, int(row["amount"]), row.get("currency") or DEFAULT_CURRENCY, paid_on,
                        row.get("reference"), row.get("sender_name"), row.get("debtor_public_id"))


def open_invoices(rows: Iterable[Mapping[str, Any]], creditor_id: str) -> list[OpenInvoice]:
    """The store's invoice mirror rows (bot.services.mirror.invoice_values) that can still take a payment."""
    return [OpenInvoice(number=row["invoice_number"] or row["action_public_id"], creditor_id=creditor_id,
                        currency=row.get("currency") or DEFAULT_CURRENCY, remaining_minor=row["current_amount"],
                        debtor_name=row.get("debtor_name"), ocr=row.get("ocr"), due_on=_local_day(row.get("due_date")),
                        debtor_id=row.get("debtor_public_id"), action_id=row["action_public_id"])
            for row in rows if row.get("stage") in OPEN_STAGES and (row.get("current_amount") or 0) > 0]


class Level(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


HIGH_FROM = 80
MEDIUM_FROM = 50


@dataclass(frozen=True)
class Suggestion:
    invoice: OpenInvoice
    confidence: int  # 0-100: how likely this is the payment's invoice, given what the signals say
    reasons: tuple[str, ...]  # in words for the user, strongest first
    excess_minor: int = 0  # what the payment leaves over once this invoice's remaining amount is paid
    points: float = field(default=0.0, repr=False)

    @property
    def level(self) -> Level:
        return Level.HIGH if self.confidence >= HIGH_FROM else (
            Level.MEDIUM if self.confidence >= MEDIUM_FROM else Level.LOW)

    @property
    def excess_note(self) -> str | None:
        if self.excess_minor <= 0:
            return None
        excess = format_amount(self.excess_minor, self.invoice.currency)
        return (f"the payment is {excess} more than the remaining amount: Billecta keeps {excess} as an "
                f"overpayment, a balance for the debtor that shows as a new unhandled payment")

    @property
    def why(self) -> str:
        """One line: the reasons, then the note on the excess."""
        parts = [*self.reasons, *([self.excess_note] if self.excess_note else [])]
        text = "; ".join(parts) or "no signal"
        return text[:1].upper() + text[1:]


# The "none of these" option's points: a candidate needs more evidence than this to be likely, and
# one piece of evidence alone (an amount, a name) stays below it. Softmax temperature in points.
NONE_POINTS = 30.0
TEMPERATURE = 6.0
MIN_POINTS = 8.0  # below this an invoice is not suggested at all
LIMIT = 5


def eligible(payment: PaymentFacts, invoices: Iterable[OpenInvoice]) -> list[OpenInvoice]:
    """The invoices the payment may go to: its creditor's, in its currency, with something left to pay."""
    currency = payment.currency.upper()
    return [inv for inv in invoices if inv.creditor_id == payment.creditor_id
            and inv.currency.upper() == currency and inv.remaining_minor > 0]


def suggest(payment: PaymentFacts, invoices: Iterable[OpenInvoice], *, limit: int = LIMIT) -> list[Suggestion]:
    """The likeliest invoices for the payment, best first, each with its confidence and reasons."""
    candidates = eligible(payment, invoices)
    ocr = signals.OcrIndex.build(payment.reference, (inv.ocr for inv in candidates))
    names = signals.Names.build(payment.sender_name, {inv.debtor_name for inv in candidates if inv.debtor_name})
    amounts = Counter(inv.remaining_minor for inv in candidates)
    kept = [s for s in (_score(payment, inv, ocr, names, amounts) for inv in candidates) if s.points >= MIN_POINTS]
    kept.sort(key=lambda s: (-s.points, s.days_off, s.invoice.number))
    total = math.exp(NONE_POINTS / TEMPERATURE) + sum(math.exp(s.points / TEMPERATURE) for s in kept)
    ranked = [_suggestion(payment, s, total) for s in kept[:limit]]
    # Under 1 % next to a likely first is noise in the modal; the first is kept whatever its confidence.
    return ranked[:1] + [s for s in ranked[1:] if s.confidence >= 1]


@dataclass(frozen=True)
class _Scored:
    invoice: OpenInvoice
    points: float
    days_off: int  # from the due date; breaks ties between one debtor's invoices
    signals: tuple[Signal, ...]


def _score(payment: PaymentFacts, inv: OpenInvoice, ocr: signals.OcrIndex, names: signals.Names,
           amounts: Counter[int]) -> _Scored:
    found = (
        signals.reference(ocr, ocr=inv.ocr, number=inv.number),
        signals.amount(payment.amount_minor, inv.remaining_minor, inv.currency, sharing=amounts[payment.amount_minor]),
        signals.name(payment.sender_name, inv.debtor_name, names),
        signals.debtor(payment.debtor_id, inv.debtor_id),
        signals.due(payment.paid_on, inv.due_on),
    )
    days_off = abs((payment.paid_on - inv.due_on).days) if inv.due_on else 10_000
    return _Scored(inv, sum(s.points for s in found), days_off, tuple(s for s in found if s.points or s.words))


def _suggestion(payment: PaymentFacts, scored: _Scored, total: float) -> Suggestion:
    confidence = min(99, round(100 * math.exp(scored.points / TEMPERATURE) / total))  # never certain
    strongest = sorted(scored.signals, key=lambda s: -s.points)
    reasons = tuple(reason for reason in (s.reason for s in strongest) if reason)
    excess = max(0, payment.amount_minor - scored.invoice.remaining_minor)
    return Suggestion(scored.invoice, confidence, reasons, excess, scored.points)
