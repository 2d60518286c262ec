"""Postpone a debt-collection case's next event (command 19, `debtcollection postpone <id> days=`).

The invoice command's form and blocks serve as they are (`bot.services.postpone.PostponeForm`,
blocks/forms/postpone.py: the new date shown as the user types). `prepare` reads the case fresh behind
"Loading…" and refuses before the form in a stage with no next event (Billecta's `CanPostpone`), naming
what the case can take instead; when the case cannot be read, the modal says so and what to do (the
seed: "shows error message if event date cannot be fetched"). Billecta takes the new date
(`PUT /v1/debtcollection/postpone/{aid}?date=`); `postpone` sends it once through `once.send` and
`find_postponed` settles a lost reply: the case's next event then falls on that date.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from bot.billecta.models import DebtCollectionActionView
from bot.errors import BillectaError, InvalidInput
from bot.money import DEFAULT_CURRENCY, format_amount
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome
from bot.services.cases import after_change, fresh_case, key_of, owed, refusal
from bot.services.labels import label
from bot.services.next_event import NextEvent, next_event
from bot.services.postpone import PostponeForm, days_problem
from bot.timefmt import format_day, today

if TYPE_CHECKING:
    from bot.runtime import Runtime

__all__ = ["PostponeForm", "find_postponed", "postpone", "prepare"]


def _checked_event(view: DebtCollectionActionView, name: str) -> NextEvent:
    event = next_event(view)
    found = refusal(view, name, "postpone", view.can_postpone and event is not None,
                    "it has no next event scheduled, so there is nothing to postpone.")
    if found is not None:
        raise found
    assert event is not None
    return event


def _read(rt: Runtime, record: dict[str, Any]) -> DebtCollectionActionView:
    """The case read fresh; a failed read says what could not be fetched and what to do."""
    try:
        return fresh_case(rt, record)
    except BillectaError as exc:
        name = label("debtcollection", record)
        exc.user_message = (f"Could not fetch the next event of {name} and its date from Billecta: "
                            f"{exc.user_message.rstrip('.')}. Nothing was changed; start "
                            f"`/billecta debtcollection postpone {record.get('invoice_number') or record.get('id')}` "
                            "again in a minute.")
        exc.args = (exc.user_message,)
        raise


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """The next event in words and its date, read fresh (slow: after views.open); refuses before the form."""
    view = _read(rt, record)
    name = label("debtcollection", record)
    event = _checked_event(view, name)
    currency = (view.current_amount.currency_code or DEFAULT_CURRENCY).upper()
    return {"record": name, "event": event.words, "event_date": event.day.isoformat(), "today": today().isoformat(),
            "remaining": format_amount(view.current_amount.value, currency), "allowed": True,
            "debtor": view.debtor.name if view.debtor else record.get("debtor_name")}


def postpone(rt: Runtime, record: dict[str, Any], form: PostponeForm, actor: Actor, once: Once) -> Outcome:
    """Move the case's next event by the days, once (`bot.once`), checked against a fresh read."""
    name = label("debtcollection", record)
    view = fresh_case(rt, record)
    event = _checked_event(view, name)
    if form.from_day is not None and form.from_day != event.day:
        text = (f"The next event moved since the form was opened: {event.words} on {format_day(event.day)} now. "
                f"Nothing was changed; start `/billecta debtcollection postpone {key_of(view, record)}` again.")
        raise InvalidInput(text, field_errors={"days": text})
    _, problem = days_problem(form.days, event.day)
    if problem:
        raise InvalidInput(problem, field_errors={"days": problem})
    new_day = event.day + dt.timedelta(days=form.days)
    once.send(lambda: rt.billecta.postpone_debt_collection(view.action_public_id, new_day),
              f"postponing the next event of {name} ({event.words}) to {new_day.isoformat()}",
              facts={"from_day": event.day.isoformat(), "new_day": new_day.isoformat()})
    outcome = after_change(rt, record, view, (
        f"Postponed the next event of {name} by {form.days} days: {event.words} on {format_day(new_day)} instead "
        f"of {format_day(event.day)}; {owed(view)} stays owed."))
    outcome.details.update(event=event.words, from_date=event.day.isoformat(), new_date=new_day.isoformat(),
                           days=form.days)
    return outcome


def find_postponed(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the postpone of `once` went through: the case's next event falls on the day it was moved to."""
    target = once.facts.get("new_day")
    if not target:
        return None
    event = next_event(fresh_case(rt, record))
    if event is None or event.day.isoformat() != target:
        return None
    return Found(f"The next event of {label('debtcollection', record)} ({event.words}) was postponed to "
                 f"{format_day(event.day)}", {"new_date": target})
