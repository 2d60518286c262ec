"""Postpone an invoice's next event (command 16, `invoice postpone <id> days=`): the next scheduled step
(the due date, an automatic reminder, the move to debt collection) waits that many more days.

`prepare` reads the invoice fresh and refuses before the form when nothing is scheduled (paused,
disputed, no automatic step) or the invoice is closed or in collection, saying what applies; it
returns the next event in words and its date, which the form moves by the days typed. Billecta takes
the new date (`PUT /v1/invoice/postpone/{aid}?date=`, billecta-api.md §2.4 note 3), so `postpone`
sends the event's date plus the days, through `once.send`; `find_postponed` tells whether a postpone
whose reply was lost went through (the next event then falls on the new date).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import InvoiceActionView
from bot.errors import BotError, InvalidInput, InvoiceStateError
from bot.forms import validate_form
from bot.money import DEFAULT_CURRENCY, format_amount
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome, prefill
from bot.services.invoices import fresh_view
from bot.services.labels import label
from bot.services.mirror import mirror_invoice, stored_view
from bot.services.next_event import NextEvent, capital, closed_refusal, key_of, next_event, paused_or_disputed
from bot.timefmt import format_day

if TYPE_CHECKING:
    from bot.runtime import Runtime

DAYS_MIN, DAYS_MAX = 1, 365


def _today() -> dt.date:
    return dt.datetime.now(STOCKHOLM).date()


def _error(message: str) -> PydanticCustomError:
    return PydanticCustomError("postpone_form", "{message}", {"message": message})


def days_problem(text: Any, from_day: dt.date | None, today: dt.date | None = None) -> tuple[int | None, str | None]:
    """(days, None) or (None, why not): a whole number 1–365 that lands after `today` (Stockholm's)."""
    typed = str(text if text is not None else "").strip()
    if not typed:
        return None, "Enter how many days to postpone the next event by."
    if not re.fullmatch(r"[+-]?\d+", typed):
        return None, f"{typed!r} is not a whole number of days."
    days = int(typed)
    if not DAYS_MIN <= days <= DAYS_MAX:
        return None, f"Give between {DAYS_MIN} and {DAYS_MAX} days (this is {days})."
    today = today or _today()
    if from_day is not None and from_day + dt.timedelta(days=days) <= today:
        least = (today - from_day).days + 1
        return None, (f"That is {format_day(from_day + dt.timedelta(days=days))}, not after today; "
                      f"postpone by at least {least} days.")
    return days, None


class PostponeForm(BaseModel):
    """The days to postpone by, as typed in the modal (block id `days`) or on the CLI (`days=`).

    Validated with `context=prepare(...)`: the new date is the event's date (`event_date`) plus the
    days, which the form keeps (`from_day`) so the service can tell when the event moved meanwhile."""

    model_config = ConfigDict(frozen=True)
    FIELDS: ClassVar[tuple[str, ...]] = ("days",)

    days: int = Field(title="Days to postpone", description=f"{DAYS_MIN}-{DAYS_MAX}, added to the next event's date",
                      examples=[14], json_schema_extra={"kind": "number"})
    _from_day: dt.date | None = PrivateAttr(None)

    @model_validator(mode="before")
    @classmethod
    def _allowed(cls, data: Any, info: ValidationInfo) -> Any:
        context = info.context if isinstance(info.context, dict) else {}
        if context.get("allowed") is False:
            raise _error(context.get("reason") or "The next event of this invoice cannot be postponed.")
        return {"days": None, **data} if isinstance(data, dict) else data

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: Any, info: ValidationInfo) -> int:
        days, problem = days_problem(value, _event_day(info.context))
        if problem:
            raise _error(problem)
        assert days is not None
        return days

    def model_post_init(self, context: Any) -> None:
        self._from_day = _event_day(context)

    @property
    def from_day(self) -> dt.date | None:
        return self._from_day

    def confirmation(self, currency: str | None) -> str:
        if self._from_day is None:
            return f"{self.days} days"
        return f"{self.days} days: from {format_day(self._from_day)} to {format_day(self.new_day(self._from_day))}"

    def new_day(self, from_day: dt.date) -> dt.date:
        return from_day + dt.timedelta(days=self.days)

    @classmethod
    def parse(cls, values: dict[str, Any], prepared: dict[str, Any]) -> PostponeForm:
        form = validate_form(cls, values, prepared)
        assert isinstance(form, PostponeForm)
        return form


def _event_day(context: Any) -> dt.date | None:
    text = context.get("event_date") if isinstance(context, dict) else None
    return dt.date.fromisoformat(text) if text else None


def postpone_refusal(view: InvoiceActionView, name: str) -> InvoiceStateError | None:
    """Why the invoice has no next event that can be postponed now (with what applies), or None."""
    key = key_of(view)
    refusal = closed_refusal(view, name, "nothing more is scheduled on it, so there is nothing to postpone.",
                             "nothing is scheduled on it until it is attested and sent.",
                             "postpone the debt-collection case's next event instead "
                             "(`/billecta debtcollection postpone {case}`).")
    refusal = refusal or paused_or_disputed(view, name, "nothing is scheduled to postpone")
    if refusal:
        return refusal
    if next_event(view) is None:
        can_remind = view.can_send_manual_reminder_invoice
        remind = f" To remind the debtor now: `/billecta invoice reminder {key}`." if can_remind else ""
        return InvoiceStateError(f"{capital(name)} has no next event scheduled (automatic reminders and debt "
                                 f"collection are off for it), so there is nothing to postpone.{remind}")
    if not view.can_postpone:
        return InvoiceStateError(f"Billecta does not allow postponing the next event of {name} now.")
    return None


def _checked_event(view: InvoiceActionView, name: str) -> NextEvent:
    refusal = postpone_refusal(view, name)
    if refusal:
        raise refusal
    event = next_event(view)
    assert event is not None  # postpone_refusal refuses an invoice without one
    return event


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """The next event in words and its date, read fresh (slow: after views.open); refuses before the form."""
    view = fresh_view(rt, record)
    return _prepared(record, view, _checked_event(view, label("invoice", record)))


def prepare_from_mirror(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """`prepare`'s keys from the invoice as Billecta last showed it whole (mirror.stored_view), marked
    `as_of`; None when the store has only a list row of it, or nothing it could postpone (refused fresh)."""
    view = stored_view(record)
    if view is None or postpone_refusal(view, label("invoice", record)) is not None:
        return None
    event = next_event(view)
    assert event is not None  # postpone_refusal refuses an invoice without one
    return {**_prepared(record, view, event), prefill.AS_OF: str(record["last_synced_at"])}


def _prepared(record: dict[str, Any], view: InvoiceActionView, event: NextEvent) -> dict[str, Any]:
    name = label("invoice", record)
    currency = (view.current_amount.currency_code or DEFAULT_CURRENCY).upper()
    return {"record": name, "event": event.words, "event_date": event.day.isoformat(), "today": _today().isoformat(),
            "remaining": format_amount(view.current_amount.value, currency), "allowed": True,
            "debtor": view.debtor.name if view.debtor else record.get("debtor_name")}


def postpone(rt: Runtime, record: dict[str, Any], form: PostponeForm, actor: Actor, once: Once) -> Outcome:
    """Move the next event by the days, once (`bot.once`), checked against a fresh read."""
    name = label("invoice", record)
    view = fresh_view(rt, record)
    event = _checked_event(view, name)
    if form.from_day is not None and form.from_day != event.day:
        text = (f"The next event moved since the form was opened: {event.words} on {format_day(event.day)} now. "
                f"Nothing was changed; start `/billecta invoice postpone {key_of(view)}` again to postpone it "
                "from that date.")
        raise InvalidInput(text, field_errors={"days": text})
    new_day = form.new_day(event.day)
    _, problem = days_problem(form.days, event.day)
    if problem:
        raise InvalidInput(problem, field_errors={"days": problem})
    reference = f"postponing the next event of {name} ({event.words}) to {new_day.isoformat()}"
    once.send(lambda: rt.billecta.postpone_invoice(view.action_public_id, new_day), reference,
              facts={"from_day": event.day.isoformat(), "new_day": new_day.isoformat()})
    return _postponed(rt, record, view, event, form.days, new_day)


def find_postponed(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the postpone of `once` went through: the next event falls on the day it was moved to."""
    target = once.facts.get("new_day")
    if not target:
        return None
    view = fresh_view(rt, record)
    event = next_event(view)
    if event is None or event.day.isoformat() != target:
        return None
    return Found(f"The next event of {label('invoice', record)} ({event.words}) was postponed to "
                 f"{format_day(event.day)}", {"new_date": target})


def _postponed(rt: Runtime, record: dict[str, Any], before: InvoiceActionView, event: NextEvent, days: int,
               new_day: dt.date) -> Outcome:
    try:
        after: InvoiceActionView | None = rt.billecta.get_invoice(before.action_public_id)
    except BotError:
        after = None
    if after is not None:
        mirror_invoice(rt, after)
    now = next_event(after) if after is not None else None
    currency = (before.current_amount.currency_code or DEFAULT_CURRENCY).upper()
    remaining = after.current_amount.value if after else before.current_amount.value
    message = (f"Postponed the next event of {label('invoice', record)} by {days} days: {event.words} on "
               f"{format_day(new_day)} instead of {format_day(event.day)}; {format_amount(remaining, currency)} "
               "remains to pay.")
    record_id = str(record.get("invoice_number") or before.invoice_number or before.action_public_id)
    return Outcome(message, "invoice", [record_id], details={
        "event": event.words, "from_date": event.day.isoformat(), "new_date": new_day.isoformat(), "days": days,
        "next_event_date": now.day.isoformat() if now else None, "remaining_minor": remaining, "currency": currency,
    })
