"""Invoice state actions: pause, resume, dispute, undispute.

`refusal(view, verb)` reads Billecta's Can* flags: Slack and the CLI call `precheck` (a fresh
read) before asking anyone to confirm, so a paused invoice is never offered "Pause" — the answer
names the state and the command that applies instead. Each action re-checks on its own fresh read
(the confirmation may be old), acts, then mirrors the new state into the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot import timefmt
from bot.billecta import enums
from bot.billecta.models import InvoiceActionView
from bot.errors import InvoiceStateError, NotInBillecta
from bot.roles import Actor
from bot.services import Outcome
from bot.services.labels import label, stage_words
from bot.services.mirror import mirror_invoice
from bot.timefmt import format_day

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True)
class Refusal:
    message: str
    instead: str | None = None  # the verb of the invoice command that applies now


def fresh_view(rt: Runtime, invoice: dict[str, Any]) -> InvoiceActionView:
    aid = invoice.get("action_public_id")
    if not aid:
        raise NotInBillecta(f"{label('invoice', invoice)} has no Billecta id yet; sync it first.")
    view = rt.billecta.get_invoice(aid)
    mirror_invoice(rt, view)
    return view


def refusal(view: InvoiceActionView, verb: str) -> Refusal | None:
    """Why Billecta would refuse `verb` on the invoice, from its Can* flags; None when it may run."""
    if verb not in _RULES:
        return None
    allowed, why = _RULES[verb]
    if allowed(view):
        return None
    name = f"Invoice {view.invoice_number or view.action_public_id}"
    if view.is_closed:
        return Refusal(f"{name} is {stage_words(view.state.stage)}; "
                       "nothing can be changed on a closed invoice.")
    if view.state.stage is enums.InvoiceStage.Created:
        return Refusal(f"{name} is a draft that has not been attested yet.")
    return why(view, name)


def precheck(rt: Runtime, invoice: dict[str, Any], verb: str) -> InvoiceActionView:
    """Read the invoice fresh from Billecta; raise the refusal (InvoiceStateError) if `verb` would be refused."""
    view = fresh_view(rt, invoice)
    found = refusal(view, verb)
    if found is not None:
        raise InvoiceStateError(found.message, instead=found.instead, key=_key(view))
    return view


def _key(view: InvoiceActionView) -> str:
    return str(view.invoice_number or view.action_public_id)


def _since(view: InvoiceActionView, event_type: enums.EventType, fallback: Any = None) -> str:
    """' since 28 Nov': when the latest event of that type happened, if Billecta says."""
    dates = [e.event_date for e in view.events if e.event_type is event_type and e.event_date]
    when = max(dates) if dates else fallback
    return f" since {format_day(when.astimezone(timefmt.zone()).date())}" if when else ""


def _not(state: str, instead: str | None, allowed: bool) -> Refusal:
    return Refusal(state, instead if allowed else None)


def _why_not_pause(view: InvoiceActionView, name: str) -> Refusal:
    if view.state.is_paused:
        return _not(f"{name} has been paused{_since(view, enums.EventType.Paused)}.", "resume", view.can_resume)
    return Refusal(f"Billecta does not allow pausing {name.lower()} while it is {_stage(view)}.")


def _why_not_resume(view: InvoiceActionView, name: str) -> Refusal:
    if not view.state.is_paused:
        return _not(f"{name} is not paused, so there is nothing to resume.", "pause", view.can_pause)
    return Refusal(f"Billecta does not allow resuming {name.lower()} while it is {_stage(view)}.")


def _why_not_dispute(view: InvoiceActionView, name: str) -> Refusal:
    if view.is_disputed:
        since = _since(view, enums.EventType.Disputed, view.state.disputed_date)
        return _not(f"{name} has been disputed{since}.", "undispute", view.can_un_dispute)
    return Refusal(f"Billecta does not allow disputing {name.lower()} while it is {_stage(view)}.")


def _why_not_undispute(view: InvoiceActionView, name: str) -> Refusal:
    if not view.is_disputed:
        return _not(f"{name} is not disputed, so there is no dispute to cancel.", "dispute", view.can_dispute)
    return Refusal(f"Billecta does not allow cancelling the dispute on {name.lower()} while it is {_stage(view)}.")


def _stage(view: InvoiceActionView) -> str:
    return stage_words(view.state.stage)


_RULES: dict[str, tuple[Callable[[InvoiceActionView], bool], Callable[[InvoiceActionView, str], Refusal]]] = {
    "pause": (lambda v: v.can_pause, _why_not_pause),
    "resume": (lambda v: v.can_resume, _why_not_resume),
    "dispute": (lambda v: v.can_dispute, _why_not_dispute),
    "undispute": (lambda v: v.can_un_dispute, _why_not_undispute),
}


def _act(rt: Runtime, invoice: dict[str, Any], verb: str, call: Callable[[str], None], done: str) -> Outcome:
    """Re-check on a fresh read (the confirmation may be minutes old), act, mirror the new state."""
    name = label("invoice", invoice)
    view = precheck(rt, invoice, verb)
    call(view.action_public_id)
    row = mirror_invoice(rt, rt.billecta.get_invoice(view.action_public_id))
    return Outcome(done.format(name=name), "invoice", [str(row["invoice_number"] or row["action_public_id"])],
                   details={"stage": row["stage"], "is_paused": bool(row["is_paused"]),
                            "is_disputed": bool(row["is_disputed"])})


def pause(rt: Runtime, invoice: dict[str, Any], actor: Actor) -> Outcome:
    return _act(rt, invoice, "pause", rt.billecta.pause_invoice,
                "{name} is paused. No reminders or escalations until it is resumed.")


def resume(rt: Runtime, invoice: dict[str, Any], actor: Actor) -> Outcome:
    return _act(rt, invoice, "resume", rt.billecta.resume_invoice,
                "{name} is resumed. Reminders and escalations continue as configured.")


def dispute(rt: Runtime, invoice: dict[str, Any], actor: Actor) -> Outcome:
    return _act(rt, invoice, "dispute", rt.billecta.dispute_invoice,
                "{name} is disputed. Collection is stopped until the dispute is cancelled.")


def undispute(rt: Runtime, invoice: dict[str, Any], actor: Actor) -> Outcome:
    return _act(rt, invoice, "undispute", rt.billecta.undispute_invoice,
                "The dispute on {name} is cancelled. Normal collection resumes.")


def precheck_pause(rt: Runtime, invoice: dict[str, Any]) -> None:
    precheck(rt, invoice, "pause")


def precheck_resume(rt: Runtime, invoice: dict[str, Any]) -> None:
    precheck(rt, invoice, "resume")


def precheck_dispute(rt: Runtime, invoice: dict[str, Any]) -> None:
    precheck(rt, invoice, "dispute")


def precheck_undispute(rt: Runtime, invoice: dict[str, Any]) -> None:
    precheck(rt, invoice, "undispute")
