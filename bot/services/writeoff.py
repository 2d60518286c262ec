"""Write off an amount on an invoice (command 10, `invoice writeoff <id>`): what Billecta will not collect.

Billecta has no write-off call: a write-off is a payment registration with `WriteOff` set and
`Amount` 0 (billecta-api.md §2.4 note 9), booked as a WrittenOff event that carries the comment.
`prepare` reads the invoice fresh for the form (or refuses with the reason), `WriteOffForm.parse`
(`bot.services.writeoff_form`) validates the fields, and `write_off` sends it once through
`bot.once` (driven by `bot.runner.run_dialog`) with the run's token in the comment, then mirrors the
invoice and keeps the write-off in the store's payment table. `find_writeoff` finds, by that token,
a write-off whose reply was lost.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from bot.billecta.dates import STOCKHOLM, stockholm_date
from bot.billecta.enums import ActionType, EventType, InvoiceStage
from bot.billecta.models import AmountView, InvoiceActionView
from bot.errors import BotError, InvalidInput, InvoiceStateError
from bot.money import MoneyError, check_bounds, format_amount, to_minor
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome, prefill
from bot.services.invoices import fresh_view
from bot.services.labels import REGISTERED, label, stage_words
from bot.services.mirror import mirror_invoice
from bot.services.payment_form import stockholm_today
from bot.services.writeoff_form import REASON_MAX, WriteOffForm, amount_problem, date_problem
from bot.store import utcnow

if TYPE_CHECKING:
    from bot.runtime import Runtime

__all__ = ["REASON_MAX", "WriteOffForm", "find_writeoff", "prepare", "prepare_from_mirror", "write_off",
           "writeoff_refusal"]

KIND = "writeoff"



def writeoff_refusal(view: InvoiceActionView, name: str) -> str | None:
    """Why nothing can be written off on the invoice now (with what applies instead), or None."""
    stage = view.state.stage
    key = view.invoice_number or view.action_public_id
    if view.action_type is ActionType.CreditInvoiceAction:
        return (f"{name} is a credit invoice: it owes the debtor, there is nothing to collect on it. To use its "
                f"credit on another invoice: `invoice use-credit {key}` (`target=` the invoice's number).")
    if stage is InvoiceStage.Completed:
        return f"{name} is completed (fully paid, credited or written off); nothing is left to write off."
    if stage is InvoiceStage.Cancelled:
        return f"{name} is cancelled; nothing can be written off on it."
    if stage is InvoiceStage.Created:
        return f"{name} is a draft that has not been attested yet; a draft can still be changed or deleted instead."
    if view.current_amount.value <= 0:
        return f"{name} has nothing left to collect, so nothing to write off."
    if not view.can_register_payment:
        return f"Billecta does not allow a write-off on {name} while it is {stage_words(stage)}."
    return None


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """What the form shows and checks against, read fresh from Billecta (slow: after views.open).

    Small JSON scalars (private_metadata). Raises InvoiceStateError with the reason when nothing can
    be written off, so the modal shows that instead of a form. The amount is not prefilled: what is
    written off is the user's decision, stated in the modal before they submit."""
    view = fresh_view(rt, record)
    name = label("invoice", record)
    reason = writeoff_refusal(view, name)
    if reason:
        raise InvoiceStateError(reason)
    currency = (view.current_amount.currency_code or view.invoiced_amount.currency_code or "SEK").upper()
    invoice_date = stockholm_date(view.invoice_date or (view.invoices[0].invoice_date if view.invoices else None))
    return _prepared(name, currency, view.current_amount.value, view.invoiced_amount.value, invoice_date,
                     view.debtor.name if view.debtor else record.get("debtor_name"), view.state.stage.value)


# Where the mirror may stand in for Billecta; why nothing can be written off is Billecta's to say, fresh.
_MIRROR_OPEN = frozenset(stage.value for stage in InvoiceStage) - {
    InvoiceStage.Completed.value, InvoiceStage.Cancelled.value, InvoiceStage.Created.value}


def prepare_from_mirror(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """`prepare`'s keys from the store's mirror alone (no Billecta call), marked `as_of`; None when the
    mirror cannot stand in: never read from Billecta, a credit invoice, nothing left, a closed state."""
    synced, remaining = record.get("last_synced_at"), record.get("current_amount")
    if not synced or remaining is None or int(remaining) <= 0 or record.get("stage") not in _MIRROR_OPEN \
            or record.get("action_type") == ActionType.CreditInvoiceAction.value:
        return None
    currency = (record.get("currency") or "SEK").upper()
    invoiced = record.get("invoiced_amount")
    prepared = _prepared(label("invoice", record), currency, int(remaining),
                         int(invoiced) if invoiced is not None else int(remaining),
                         prefill.stored_day(record.get("invoice_date")), record.get("debtor_name"), record["stage"])
    return {**prepared, prefill.AS_OF: str(synced)}


def _prepared(name: str, currency: str, remaining: int, invoiced: int, invoice_date: dt.date | None,
              debtor: str | None, stage: str) -> dict[str, Any]:
    return {
        "record": name, "currency": currency, "remaining_minor": remaining,
        "remaining": format_amount(remaining, currency), "invoiced": format_amount(invoiced, currency),
        "invoice_date": invoice_date.isoformat() if invoice_date else None, "debtor": debtor,
        "stage": stage, "date": stockholm_today().isoformat(), "allowed": True,
    }


def write_off(rt: Runtime, record: dict[str, Any], form: WriteOffForm, actor: Actor, once: Once) -> Outcome:
    """Write the amount off once (`bot.once`), checked against a fresh read and stamped with the run's token."""
    view, minor, currency = _checked(rt, record, form)
    name = label("invoice", record)
    on = dt.datetime.combine(form.date, dt.time(), STOCKHOLM)
    comment = _comment(form, actor, once.token)
    row = _writeoff_row(view, minor, currency, form, actor)
    once.send(lambda: rt.billecta.write_off(view.action_public_id, AmountView.from_minor(minor, currency), on, comment),
              f"{format_amount(minor, currency)} written off on {name}", local={"payment": [row]})
    return _written_off(rt, record, view, minor, currency, row)


def find_writeoff(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the write-off of `once` is on the invoice: its token is in a WrittenOff event's comment."""
    view = fresh_view(rt, record)
    for event in view.events:
        if event.event_type is EventType.WrittenOff and once.token in f"{event.content or ''} {event.title or ''}":
            what = (event.title or "An amount was written off").rstrip(".")
            return Found(f"{what} on {label('invoice', record)}; {_rest(view)}",
                         {"remaining_minor": view.current_amount.value})
    return None


def _comment(form: WriteOffForm, actor: Actor, token: str) -> str:
    stamp = f"Written off by {actor.display} with billecta-bot ({token})"
    return f"{form.reason} — {stamp}" if form.reason else stamp


def _checked(rt: Runtime, record: dict[str, Any], form: WriteOffForm) -> tuple[InvoiceActionView, int, str]:
    """The fresh invoice and the amount in minor units, or why not: the form was checked against what
    was prepared, which may be stale (a payment since) or forged."""
    name = label("invoice", record)
    view = fresh_view(rt, record)
    reason = writeoff_refusal(view, name)
    if reason:
        raise InvoiceStateError(reason)
    currency = (view.current_amount.currency_code or "SEK").upper()
    try:
        minor = check_bounds(to_minor(form.amount, currency), currency)
    except MoneyError as exc:
        raise InvalidInput(f"{name} is in {currency}: {exc}", field_errors={"amount": str(exc)}) from exc
    problem = amount_problem(minor, {"remaining_minor": view.current_amount.value, "currency": currency,
                                     "record": name})
    if problem:
        raise InvalidInput(problem, field_errors={"amount": problem})
    invoice_date = stockholm_date(view.invoice_date or (view.invoices[0].invoice_date if view.invoices else None))
    late = date_problem(form.date, invoice_date.isoformat() if invoice_date else None)
    if late:
        raise InvalidInput(late, field_errors={"date": late})
    return view, minor, currency


def _rest(view: InvoiceActionView) -> str:
    remaining = view.current_amount.value
    if remaining > 0:
        return f"{format_amount(remaining, view.current_amount.currency_code)} remains to collect"
    return "nothing remains to collect"


def _written_off(rt: Runtime, record: dict[str, Any], before: InvoiceActionView, minor: int, currency: str,
                 row: dict[str, Any]) -> Outcome:
    """Mirror the invoice's new state, keep the write-off in the store, and say what happened."""
    try:
        after: InvoiceActionView | None = rt.billecta.get_invoice(before.action_public_id)
    except BotError:
        after = None
    if after is not None:
        mirror_invoice(rt, after)
    payment_id = rt.store.insert("payment", row)
    name = label("invoice", record)
    message = f"Wrote off {format_amount(minor, currency)} on {name}: it will not be collected"
    if after is None:
        message += "; the new remaining amount could not be read from Billecta just now."
    elif after.current_amount.value > 0:
        message += f"; {_rest(after)}."
    else:
        message += f"; {name} is now {stage_words(after.state.stage)}, with nothing left to collect."
    record_id = str(record.get("invoice_number") or before.invoice_number or before.action_public_id)
    return Outcome(message, "invoice", [record_id], details={
        "payment_id": payment_id, "amount_minor": minor, "currency": currency,
        "remaining_minor": after.current_amount.value if after else None,
        "stage": str(after.state.stage) if after else None,
    })


def _writeoff_row(view: InvoiceActionView, minor: int, currency: str, form: WriteOffForm,
                  actor: Actor) -> dict[str, Any]:
    """The store's record of the write-off (written after Billecta booked it, or by `pull`'s repair)."""
    return {
        "kind": KIND, "payment_type": "WriteOff", "state": REGISTERED, "amount": minor, "currency": currency,
        "payment_date": form.date.isoformat(), "reference": form.reason, "action_public_id": view.action_public_id,
        "debtor_public_id": view.debtor.debtor_public_id if view.debtor else None,
        "sender_name": view.debtor.name if view.debtor else None, "last_synced_at": utcnow(),
        "raw": json.dumps({"registered_by": actor.id, "source": actor.source, "write_off": True}),
    }
