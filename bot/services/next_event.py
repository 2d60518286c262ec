"""What an invoice has scheduled next, in words, and the refusals the reminder and postpone commands share.

Billecta lists the planned step as an event that has not happened yet (`HasOccured=false`) and repeats
it in `State.NextEvent`/`NextEventDate` (billecta-api.md §2.9). Users read it as words ('a reminder
is sent'), never as `WillSendReminderInvoice`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.billecta.dates import STOCKHOLM
from bot.billecta.enums import EventType, InvoiceStage
from bot.billecta.models import DebtCollectionActionView, InvoiceActionView
from bot.errors import InvoiceStateError
from bot.services.labels import stage_words

# The scheduled steps an invoice can have, as the sentence "Next: … on 21 Dec" reads them.
SCHEDULED_WORDS: dict[EventType, str] = {
    EventType.OriginalInvoiceDue: "the invoice falls due",
    EventType.ReminderDue: "the reminder falls due",
    EventType.InvoiceDue: "payment falls due",
    EventType.PartialInvoiceDue: "the instalment falls due",
    EventType.DebtCollectionDue: "the collection notice falls due",
    EventType.WillSendReminderInvoice: "a reminder is sent",
    EventType.WillBeSentToDebtCollection: "the invoice goes to debt collection",
    EventType.WillSendDebtCollectionInvoice: "a collection notice is sent",
    EventType.WillSendInvoice: "the invoice is sent",
    EventType.WillSendLatePaymentInvoice: "a late-payment invoice is sent",
    EventType.WillSendPartialInvoice: "an instalment invoice is sent",
    EventType.SmsWillBeSent: "a text message is sent",
    EventType.PaymentWillBeMade: "a payment is made",
    EventType.WillBeManagedForBailiffRegistration: "the case is registered with the bailiff",
}


@dataclass(frozen=True)
class NextEvent:
    words: str  # 'a reminder is sent'
    day: dt.date  # its calendar day in Stockholm, as Billecta dates it


def next_event(view: InvoiceActionView | DebtCollectionActionView) -> NextEvent | None:
    """The invoice's (or debt-collection case's) next scheduled step, or None when nothing is planned."""
    when = view.state.next_event_date
    if when is None:
        return None
    day = when.astimezone(STOCKHOLM).date()
    planned = [e for e in view.events if not e.has_occured and e.event_type in SCHEDULED_WORDS]
    planned.sort(key=lambda e: e.event_date or when)
    if planned:
        return NextEvent(SCHEDULED_WORDS[planned[0].event_type], day)
    return NextEvent(_words(view.state.next_event), day)


def _words(text: str | None) -> str:
    """Billecta's NextEvent text in words: an event type's name is looked up or spelled out."""
    if not text:
        return "the next step"
    try:
        return SCHEDULED_WORDS[EventType(text)]
    except (ValueError, KeyError):
        pass
    if re.fullmatch(r"[A-Z][A-Za-z]+", text):  # 'SomeNewEvent' → 'some new event'
        return re.sub(r"(?<!^)(?=[A-Z])", " ", text).lower()
    return text[:1].lower() + text[1:]


def key_of(view: InvoiceActionView) -> str:
    return str(view.invoice_number or view.action_public_id)


def capital(name: str) -> str:
    """'Invoice 1001' at the start of a sentence ('invoice 1001' inside one)."""
    return name[:1].upper() + name[1:]


def closed_refusal(view: InvoiceActionView, name: str, closed: str, draft: str,
                   in_collection: str) -> InvoiceStateError | None:
    """Why the invoice takes no collection step now: closed, a draft, or in debt collection; each
    followed by the command's own words (`in_collection` may name the case as `{case}`)."""
    stage, who = view.state.stage, capital(name)
    if view.is_closed:
        return InvoiceStateError(f"{who} is {stage_words(stage)}; {closed}")
    if stage is InvoiceStage.Created:
        return InvoiceStateError(f"{who} is a draft that has not been attested yet; {draft}")
    if stage is InvoiceStage.SentToDebtCollection or view.debt_collection_action_public_id:
        case = view.debt_collection_action_public_id or "its case"
        return InvoiceStateError(f"{who} is in debt collection: {in_collection.format(case=case)}")
    return None


def paused_or_disputed(view: InvoiceActionView, name: str, what: str) -> InvoiceStateError | None:
    """A paused or disputed invoice has its automation stopped: say so, and what to do first."""
    key, who = key_of(view), capital(name)
    if view.is_disputed:
        return InvoiceStateError(f"{who} is disputed, so {what}. End the dispute first "
                                 f"(`/billecta invoice undispute {key}`).", instead="undispute", key=key)
    if view.state.is_paused:
        return InvoiceStateError(f"{who} is paused, so {what}. Resume it first "
                                 f"(`/billecta invoice resume {key}`).", instead="resume", key=key)
    return None
