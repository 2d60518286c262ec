"""Invoice state actions: pause, resume, dispute, undispute.

Each reads Billecta's current view first so a refusal names the real reason ("already paused",
"completed"), then acts, then mirrors the new state into the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.billecta import enums
from bot.billecta.models import InvoiceActionView
from bot.errors import BotError, NotInBillecta
from bot.roles import Actor
from bot.services import Outcome
from bot.services.labels import label
from bot.services.mirror import mirror_invoice

if TYPE_CHECKING:
    from bot.runtime import Runtime


class InvoiceStateError(BotError):
    """The invoice is in a state where the action makes no sense; the message says why."""

    exit_code = 6


def fresh_view(rt: Runtime, invoice: dict[str, Any]) -> InvoiceActionView:
    aid = invoice.get("action_public_id")
    if not aid:
        raise NotInBillecta(f"{label('invoice', invoice)} has no Billecta id yet; sync it first.")
    view = rt.billecta.get_invoice(aid)
    mirror_invoice(rt, view)
    return view


def _closed_reason(view: InvoiceActionView, name: str) -> str | None:
    if view.is_closed:
        return f"{name} is {view.state.stage.value.lower()}; nothing can be changed on a closed invoice."
    if view.state.stage is enums.InvoiceStage.Created:
        return f"{name} is a draft that has not been attested yet."
    return None


def _act(rt: Runtime, invoice: dict[str, Any], *, allowed: Callable[[InvoiceActionView], bool],
         refusal: Callable[[InvoiceActionView, str], str], call: Callable[[str], None],
         done: str) -> Outcome:
    name = label("invoice", invoice)
    view = fresh_view(rt, invoice)
    if not allowed(view):
        raise InvoiceStateError(_closed_reason(view, name) or refusal(view, name))
    call(view.action_public_id)
    row = mirror_invoice(rt, rt.billecta.get_invoice(view.action_public_id))
    return Outcome(done.format(name=name), "invoice", [str(row["invoice_number"] or row["action_public_id"])],
                   details={"stage": row["stage"], "is_paused": bool(row["is_paused"]),
                            "is_disputed": bool(row["is_disputed"])})


def pause(rt: Runtime, invoice: dict[str, Any], actor: Actor) -> Outcome:
    return _act(rt, invoice, allowed=lambda v: v.can_pause,
                refusal=lambda v, n: f"{n} is already paused." if v.state.is_paused
                else f"Billecta does not allow pausing {n} in stage {v.state.stage.value}.",
                call=rt.billecta.pause_invoice,
                done="{name} is paused. No reminders or escalations until it is resumed.")


def resume(rt: Runtime, invoice: dict[str, Any], actor: Actor) -> Outcome:
    return _act(rt, invoice, allowed=lambda v: v.can_resume,
                refusal=lambda v, n: f"{n} is not paused, so there is nothing to resume.",
                call=rt.billecta.resume_invoice,
                done="{name} is resumed. Reminders and escalations continue as configured.")


def dispute(rt: Runtime, invoice: dict[str, Any], actor: Actor) -> Outcome:
    return _act(rt, invoice, allowed=lambda v: v.can_dispute,
                refusal=lambda v, n: f"{n} is already disputed." if v.is_disputed
                else f"Billecta does not allow disputing {n} in stage {v.state.stage.value}.",
                call=rt.billecta.dispute_invoice,
                done="{name} is disputed. Collection is stopped until the dispute is cancelled.")


def undispute(rt: Runtime, invoice: dict[str, Any], actor: Actor) -> Outcome:
    return _act(rt, invoice, allowed=lambda v: v.can_un_dispute,
                refusal=lambda v, n: f"{n} is not disputed, so there is no dispute to cancel.",
                call=rt.billecta.undispute_invoice,
                done="The dispute on {name} is cancelled. Normal collection resumes.")
