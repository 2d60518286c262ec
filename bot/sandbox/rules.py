"""The invoice state rules: one `why_not_*` per operation, used both to refuse it (400 with the
returned sentence) and to compute the matching `Can*` flag, so the two can never disagree.

Also the invoice's next scheduled step (`next_event`), which fills `State.NextEvent`/`NextEventDate`,
shows as a `HasOccured=false` event and is what the clock's automation performs when it falls due.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.billecta.dates import parse_datetime
from bot.sandbox.errors import bad_request

Invoice = dict[str, Any]
SENT = ("InvoiceSent", "ReminderInvoiceSent")
CLOSED = ("Completed", "Cancelled")
AUTOMATIC = ("WillSendReminderInvoice", "WillBeSentToDebtCollection")
# Postponing one of these gives the debtor more time: the due date itself moves (and what follows it).
DUE_EVENTS = ("OriginalInvoiceDue", "ReminderDue")


def require(reason: str | None) -> None:
    if reason:
        raise bad_request(reason)


def stage(inv: Invoice) -> str:
    return str(inv["state"]["Stage"])


def is_credit_note(inv: Invoice) -> bool:
    return inv["ActionType"] == "CreditInvoiceAction"


def is_disputed(inv: Invoice) -> bool:
    return inv["state"]["DisputedDate"] is not None


def reminders_sent(inv: Invoice) -> int:
    return sum(1 for doc in inv["docs"] if doc["kind"] == "reminder")


def effective_due(inv: Invoice) -> datetime:
    """The due date of the latest document sent, or the date that due date was postponed to."""
    due = parse_datetime(inv["docs"][-1]["DueDate"] if inv["docs"] else inv["entry"]["DueDate"])
    postponed = inv.get("postponed_until")
    if postponed and inv.get("postponed_event", DUE_EVENTS[0]) in DUE_EVENTS:
        return max(due, parse_datetime(postponed))
    return due


def is_overdue(inv: Invoice, now: datetime) -> bool:
    return now.date() > effective_due(inv).date()


def _not_open(inv: Invoice) -> str | None:
    return {
        "Created": "The invoice is a draft; attest it first.",
        "Completed": "The invoice is already completed.",
        "Cancelled": "The invoice is cancelled.",
    }.get(stage(inv))


def why_not_update(inv: Invoice, now: datetime) -> str | None:
    return None if stage(inv) == "Created" else "Only a draft invoice can be changed; this one is attested."


def why_not_delete(inv: Invoice, now: datetime) -> str | None:
    return None if stage(inv) == "Created" else "Only a draft invoice can be deleted; this one is attested."


def why_not_attest(inv: Invoice, now: datetime) -> str | None:
    return None if stage(inv) == "Created" else "The invoice is already attested."


def why_not_pause(inv: Invoice, now: datetime) -> str | None:
    return _not_open(inv) or ("The invoice is already paused." if inv["state"]["IsPaused"] else None)


def why_not_resume(inv: Invoice, now: datetime) -> str | None:
    return _not_open(inv) if inv["state"]["IsPaused"] else "The invoice is not paused."


def why_not_dispute(inv: Invoice, now: datetime) -> str | None:
    return _not_open(inv) or ("The invoice is already disputed." if is_disputed(inv) else None)


def why_not_undispute(inv: Invoice, now: datetime) -> str | None:
    return _not_open(inv) if is_disputed(inv) else "The invoice is not disputed."


def why_not_postpone(inv: Invoice, now: datetime, config: dict[str, Any]) -> str | None:
    if stage(inv) == "SentToDebtCollection":
        return "The invoice is in debt collection; postpone the debt collection case instead."
    if reason := _not_open(inv):
        return reason
    if inv["state"]["IsPaused"]:
        return "The invoice is paused; it has no next event to postpone."
    if is_disputed(inv):
        return "The invoice is disputed; it has no next event to postpone."
    return None if next_event(inv, now, config) else "The invoice has no next event to postpone."


def why_not_pay(inv: Invoice, now: datetime) -> str | None:
    return _not_open(inv)


def why_not_credit(inv: Invoice, now: datetime) -> str | None:
    if is_credit_note(inv):
        return "A credit invoice cannot be credited."
    return _not_open(inv) or ("Nothing remains to credit on the invoice." if inv["amounts"]["current"] <= 0 else None)


def why_not_credit_invoice(inv: Invoice, now: datetime) -> str | None:
    """A credit note may credit any attested invoice, a paid one too (the credit becomes a balance)."""
    if is_credit_note(inv):
        return "A credit invoice cannot be credited."
    if stage(inv) in ("Created", "Cancelled"):
        return _not_open(inv)
    return None


def why_not_remind(inv: Invoice, now: datetime) -> str | None:
    if reason := _not_open(inv):
        return reason
    if is_disputed(inv):
        return "The invoice is disputed; no reminder can be sent."
    if stage(inv) == "SentToDebtCollection":
        return "The invoice is in debt collection."
    if inv["state"]["IsPaused"]:
        return "The invoice is paused; no reminder can be sent."
    if stage(inv) not in SENT:
        return "A reminder can only be sent for an invoice that has been sent."
    return None if is_overdue(inv, now) else "The invoice is not overdue yet."


def why_not_collect(inv: Invoice, now: datetime) -> str | None:
    """Send to debt collection."""
    if reason := _not_open(inv):
        return reason
    if is_disputed(inv):
        return "A disputed invoice cannot be sent to debt collection."
    if stage(inv) == "SentToDebtCollection":
        return "The invoice is already in debt collection."
    if inv["state"]["IsPaused"]:
        return "The invoice is paused; resume it before sending it to debt collection."
    if stage(inv) not in SENT or is_credit_note(inv):
        return "Only a sent invoice can be sent to debt collection."
    return None if is_overdue(inv, now) else "The invoice is not overdue yet."


def why_not_swish(inv: Invoice, now: datetime) -> str | None:
    if reason := _not_open(inv):
        return reason
    if stage(inv) == "SentToDebtCollection":  # the debt is the collection case's now, with its own fees
        return "The invoice is in debt collection; a Swish request cannot be sent for it."
    return "Nothing remains to pay on the invoice." if inv["amounts"]["current"] <= 0 else None


FLAGS: dict[str, Callable[[Invoice, datetime], str | None]] = {
    "CanPause": why_not_pause, "CanResume": why_not_resume, "CanDispute": why_not_dispute,
    "CanUnDispute": why_not_undispute, "CanRegisterPayment": why_not_pay,
    "CanCreateCreditInvoice": why_not_credit_invoice, "CanSendManualReminderInvoice": why_not_remind,
    "CanSendToDebtCollection": why_not_collect,
}


def flags(inv: Invoice, now: datetime, config: dict[str, Any]) -> dict[str, bool]:
    """The `Can*` flags the sandbox supports; the others (sale, autogiro, manual) stay false.
    Postponing needs a next event, which depends on the creditor's settings."""
    return {**{name: rule(inv, now) is None for name, rule in FLAGS.items()},
            "CanPostpone": why_not_postpone(inv, now, config) is None}


# --- automation -----------------------------------------------------------------------------------

def reminder_delay(inv: Invoice, config: dict[str, Any]) -> int | None:
    """Days after the due date an automatic reminder goes out, or None when reminders are manual."""
    details = inv["entry"].get("ReminderInvoiceDetails")
    if details is not None:
        return int(details.get("DaysDelayAfterDueDate", 0)) if details.get("SendReminderInvoice") else None
    return int(config["SendReminderInvoiceDaysAfterDueDate"]) if config["SendReminderInvoice"] else None


def collection_delay(inv: Invoice, config: dict[str, Any]) -> tuple[int, int] | None:
    """(days after the due date, reminders needed first) for automatic debt collection, or None."""
    details = inv["entry"].get("DebtCollectionDetails")
    if details is not None:
        if not details.get("SendToDebtCollection"):
            return None
        return int(details.get("DaysDelayAfterDueDate", 0)), int(details.get("NumberOfReminders", 0))
    if not config["SendInvoiceToDebtCollection"]:
        return None
    return int(config["SendInvoiceToDebtCollectionAfterDays"]), int(config["NumberOfReminders"])


Step = tuple[str, str, datetime]


def next_event(inv: Invoice, now: datetime, config: dict[str, Any]) -> Step | None:
    """(EventType, title, date) of the invoice's next scheduled step; None when nothing is planned.
    Paused and disputed invoices have none: their automation is stopped. A postponed automatic step
    (a reminder, debt collection) keeps its kind and waits for the date it was postponed to."""
    step = _scheduled(inv, now, config)
    postponed = inv.get("postponed_until")
    if step is None or not postponed or inv.get("postponed_event") != step[0] or step[0] in DUE_EVENTS:
        return step
    return step[0], step[1], max(step[2], parse_datetime(postponed))


def _scheduled(inv: Invoice, now: datetime, config: dict[str, Any]) -> Step | None:
    if _not_open(inv) or inv["state"]["IsPaused"] or is_disputed(inv) or stage(inv) == "SentToDebtCollection":
        return None
    due = effective_due(inv)
    if not is_overdue(inv, now):
        if inv["docs"][-1]["kind"] == "reminder":
            return "ReminderDue", "Reminder due", due
        return "OriginalInvoiceDue", "Invoice due", due
    if stage(inv) not in SENT or is_credit_note(inv):
        return None
    delay = reminder_delay(inv, config)
    if delay is not None and reminders_sent(inv) == 0:
        return "WillSendReminderInvoice", "A reminder will be sent", due + timedelta(days=max(delay, 1))
    collection = collection_delay(inv, config)
    if collection is not None and reminders_sent(inv) >= collection[1]:
        when = due + timedelta(days=max(collection[0], 1))
        return "WillBeSentToDebtCollection", "The invoice will be sent to debt collection", when
    return None
