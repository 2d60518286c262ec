"""Debt-collection case actions (commands 20 and 21: `debtcollection cancel|surveillance <id>`) and what
the four case commands share: the fresh read, the refusals and the answer after a change.

A case is addressed by its local id, its Billecta id or the invoice number it came from (bot/records.py).
Billecta's `Can*` flags on a fresh read decide what a case can take; `refusal` only picks the words (the
stage, and the case commands that do apply). `precheck_*` run before anyone confirms; each action checks
again on its own fresh read (a confirmation may be minutes old), writes once through `run_action`
(the client settles a lost reply from the case's stage), then mirrors the case into the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot import timefmt
from bot.billecta.enums import DebtCollectionStage
from bot.billecta.models import DebtCollectionActionView
from bot.errors import BotError, InvoiceStateError, NotInBillecta
from bot.money import DEFAULT_CURRENCY, format_amount
from bot.roles import Actor
from bot.services import Outcome
from bot.services.labels import debt_collection_stage, label
from bot.services.mirror import mirror_debtcollection
from bot.services.next_event import capital

if TYPE_CHECKING:
    from bot.runtime import Runtime

CLOSED = frozenset({DebtCollectionStage.Cancelled, DebtCollectionStage.Completed})
# The verbs of the case commands in the order a refusal offers them, with the flag that allows each.
_OFFERS: tuple[tuple[str, Callable[[DebtCollectionActionView], bool], str], ...] = (
    ("postpone", lambda v: v.can_postpone, "postpone its next event"),
    ("bailiff", lambda v: v.can_send_to_bailiff, "send it to the bailiff"),
    ("surveillance", lambda v: v.can_send_to_long_term_surveilance, "move it to long-term surveillance"),
    ("cancel", lambda v: v.can_cancel, "cancel it"),
)


def fresh_case(rt: Runtime, record: dict[str, Any]) -> DebtCollectionActionView:
    """The case as Billecta has it now, mirrored (its stage) into the store."""
    aid = record.get("action_public_id")
    if not aid:
        raise NotInBillecta(f"{label('debtcollection', record)} has no Billecta id yet; run `billecta-bot pull` "
                            "to bring the case from Billecta.")
    view = rt.billecta.get_debt_collection(aid)
    mirror_debtcollection(rt, view)
    return view


def key_of(view: DebtCollectionActionView, record: dict[str, Any] | None = None) -> str:
    """How a user names the case: the invoice number it came from, else its Billecta id."""
    return str((record or {}).get("invoice_number") or view.original_invoice_number or view.action_public_id)


def stage_of(view: DebtCollectionActionView) -> str:
    return debt_collection_stage(view.state.stage.value)


def what_applies(view: DebtCollectionActionView, key: str, but: str) -> str:
    """' What it can take now: …' — the case commands Billecta allows on it, other than `but`."""
    offers = [f"{words} (`/billecta debtcollection {verb} {key}`)" for verb, allowed, words in _OFFERS
              if verb != but and allowed(view)]
    return f" What it can take now: {'; '.join(offers)}." if offers else ""


def refusal(view: DebtCollectionActionView, name: str, verb: str, allowed: bool, why: str) -> InvoiceStateError | None:
    """None when `allowed`; else the refusal: closed, or `why` (the stage rule), with what applies."""
    if allowed:
        return None
    key, who = key_of(view), capital(name)
    if view.state.stage in CLOSED:
        return InvoiceStateError(f"{who} is {stage_of(view)}; nothing more can be done on a closed case.")
    return InvoiceStateError(f"{who} stands at “{stage_of(view)}”: {why}{what_applies(view, key, verb)}")


def _cancel_refusal(view: DebtCollectionActionView, name: str) -> InvoiceStateError | None:
    return refusal(view, name, "cancel", view.can_cancel, "Billecta does not allow cancelling it in this stage.")


def _surveillance_refusal(view: DebtCollectionActionView, name: str) -> InvoiceStateError | None:
    if view.state.stage is DebtCollectionStage.LongTermSurveilance:
        why = "it is already in long-term surveillance."
    else:
        why = ("Billecta allows long-term surveillance only once the claim has fallen due unpaid "
               "(from the claim's due date on).")
    return refusal(view, name, "surveillance", view.can_send_to_long_term_surveilance, why)


def _checked(rt: Runtime, record: dict[str, Any],
             rule: Callable[[DebtCollectionActionView, str], InvoiceStateError | None]) -> DebtCollectionActionView:
    view = fresh_case(rt, record)
    found = rule(view, label("debtcollection", record))
    if found is not None:
        raise found
    return view


def precheck_cancel(rt: Runtime, record: dict[str, Any]) -> None:
    _checked(rt, record, _cancel_refusal)


def precheck_surveillance(rt: Runtime, record: dict[str, Any]) -> None:
    _checked(rt, record, _surveillance_refusal)


def owed(view: DebtCollectionActionView) -> str:
    """'4 510,22 kr (3 550,00 kr debt + 180,00 kr fee + 17,72 kr interest)'."""
    currency = (view.current_amount.currency_code or DEFAULT_CURRENCY).upper()
    parts = [(view.debt_amount, "debt"), (view.fee_amount, "fee"), (view.interest_amount, "interest")]
    shown = " + ".join(f"{format_amount(a.value, currency)} {what}" for a, what in parts if a and a.value)
    total = format_amount(view.current_amount.value, currency)
    return f"{total} ({shown})" if shown else total


def after_change(rt: Runtime, record: dict[str, Any], before: DebtCollectionActionView, done: str) -> Outcome:
    """Billecta said yes: mirror the case as it is now and say where it stands. A failed re-read is
    not "nothing changed": the write is done, the mirror is set from what was asked, `pull` repairs."""
    try:
        after: DebtCollectionActionView = rt.billecta.get_debt_collection(before.action_public_id)
        row = mirror_debtcollection(rt, after)
    except BotError:
        after, row = before, record
    key = key_of(after, record)
    stage = after.state.stage.value
    next_day = timefmt.local(after.state.next_event_date).date() if after.state.next_event_date else None
    return Outcome(done, "debtcollection", [key], details={
        "case_id": after.action_public_id, "stage": stage, "debtcollection_id": row.get("id"),
        "current_minor": after.current_amount.value,
        "next_event_date": next_day.isoformat() if next_day else None,
    })


def cancel(rt: Runtime, record: dict[str, Any], actor: Actor) -> Outcome:
    """Cancel the case for good: the debtor is no longer charged the case's fee and interest, and the
    invoice goes back to being an ordinary unpaid invoice in Billecta."""
    name = label("debtcollection", record)
    view = _checked(rt, record, _cancel_refusal)
    rt.billecta.cancel_debt_collection(view.action_public_id)
    fees = _fees(view)
    invoice = f"invoice {view.original_invoice_number}" if view.original_invoice_number else "the invoice"
    done = (f"Cancelled {name}: collection has stopped for good.{fees} {capital(invoice)} is an ordinary unpaid "
            "invoice again; reminders or a new case start from there.")
    return after_change(rt, record, view, done)


def _fees(view: DebtCollectionActionView) -> str:
    currency = (view.current_amount.currency_code or DEFAULT_CURRENCY).upper()
    parts = [f"{format_amount(a.value, currency)} {what}" for a, what in
             ((view.fee_amount, "collection fee"), (view.interest_amount, "collection interest")) if a and a.value]
    return f" The debtor is no longer charged the case's {' and '.join(parts)}." if parts else ""


def surveillance(rt: Runtime, record: dict[str, Any], actor: Actor) -> Outcome:
    name = label("debtcollection", record)
    view = _checked(rt, record, _surveillance_refusal)
    rt.billecta.send_to_long_term_surveillance(view.action_public_id)
    done = (f"Moved {name} to long-term surveillance: no more letters or bailiff steps for now; Billecta keeps "
            f"the claim alive and follows the debtor's ability to pay, and {owed(view)} stays owed.")
    return after_change(rt, record, view, done)
