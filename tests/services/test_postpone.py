"""Postponing an invoice's next event: the days, the refusals before the form, the service against the
demo sandbox (the event moves, once, mirrored; a lost reply is looked up), and the next event in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot import commands as registry
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import InvoiceActionView
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import BillectaUnavailable, InvalidInput, InvoiceStateError, OutcomeUnknown, Unresolved
from bot.process import this_process
from bot.roles import Actor, Role
from bot.runner import prepare_dialog, resolve_dead_claims, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import DEMO, Sandbox
from bot.services.mirror import resolve
from bot.services.next_event import next_event
from bot.services.postpone import PostponeForm, prepare
from bot.store import Store
from bot.timefmt import format_day
from tests.sandbox.helpers import Api, client_for
from tests.served import serving

ACTOR = Actor("U123", Role.OPERATOR, "slack", name="Olle Operator")
POSTPONE = registry.find("invoice", "postpone")
DEAD = "999999/1/" + this_process().split("/")[2]  # a pid that is not running, on this boot


def shown_next(sandbox: Sandbox, number: str = "1001") -> tuple[str, str]:
    """(NextEvent, NextEventDate's day) as the sandbox itself shows them."""
    with client_for(sandbox) as client:
        state = Api(sandbox, client).invoice(number)["State"]
    return state["NextEvent"], (state["NextEventDate"] or "")[:10]


def due_of(sandbox: Sandbox, number: str = "1001") -> dt.date:
    return dt.date.fromisoformat(shown_next(sandbox, number)[1])


# -- the form ------------------------------------------------------------------------------------

CONTEXT = {"allowed": True, "event": "the invoice falls due", "event_date": "2099-01-10"}


@pytest.mark.parametrize(("typed", "says"), [
    ("", "Enter how many days"), ("0", "between 1 and 365"), ("366", "between 1 and 365"), ("-3", "between 1"),
    ("1.5", "not a whole number"), ("two", "not a whole number"),
])
def test_bad_days_are_refused_under_the_days(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        PostponeForm.parse({"days": typed}, CONTEXT)
    assert says in caught.value.field_errors["days"]


def test_the_form_keeps_the_date_it_moves_from() -> None:
    form = PostponeForm.parse({"days": "21"}, CONTEXT)
    assert form.days == 21 and form.from_day == dt.date(2099, 1, 10)
    assert form.new_day(dt.date(2099, 1, 10)) == dt.date(2099, 1, 31)
    assert form.confirmation(None) == "21 days: from 10 Jan 2099 to 31 Jan 2099"


def test_a_date_that_would_still_be_in_the_past_says_how_many_days_are_needed() -> None:
    past = (dt.datetime.now(STOCKHOLM).date() - dt.timedelta(days=5)).isoformat()
    with pytest.raises(InvalidInput) as caught:
        PostponeForm.parse({"days": "3"}, {**CONTEXT, "event_date": past})
    assert "postpone by at least 6 days" in caught.value.field_errors["days"]


def test_the_next_event_reads_as_words_never_as_an_enum() -> None:
    view = InvoiceActionView.model_validate({
        "ActionPublicId": "1", "State": {"NextEvent": "WillSendReminderInvoice",
                                         "NextEventDate": "2026-12-20 00:00:00+01:00"}})
    assert next_event(view).words == "a reminder is sent"  # type: ignore[union-attr]
    view.state.next_event = "SomeEventBillectaAddsLater"
    assert next_event(view).words == "some event billecta adds later"  # type: ignore[union-attr]


# -- before the form -----------------------------------------------------------------------------

def test_prepare_shows_the_next_event_in_words_and_its_date(rt: Runtime, sandbox: Sandbox) -> None:
    prepared = prepare(rt, resolve(rt, "invoice", "1001"))
    assert prepared["event"] == "the invoice falls due"
    assert prepared["event_date"] == shown_next(sandbox)[1]


@pytest.mark.parametrize(("role", "says"), [
    ("overdue", "Invoice 1002 has no next event scheduled (automatic reminders and debt collection are off for "
                "it), so there is nothing to postpone. To remind the debtor now: `/billecta invoice reminder 1002`."),
    ("paused", "Invoice 1003 is paused, so nothing is scheduled to postpone. Resume it first "
               "(`/billecta invoice resume 1003`)."),
    ("disputed", "Invoice 1004 is disputed, so nothing is scheduled to postpone. End the dispute first "
                 "(`/billecta invoice undispute 1004`)."),
    ("in_debt_collection", "postpone the debt-collection case's next event instead "
                           "(`/billecta debtcollection postpone"),
    ("completed", "Invoice 1008 is completed; nothing more is scheduled on it, so there is nothing to postpone."),
    ("draft", "Invoice 1010 is a draft that has not been attested yet; nothing is scheduled on it"),
])
def test_nothing_to_postpone_is_refused_before_the_form(rt: Runtime, role: str, says: str) -> None:
    with pytest.raises(InvoiceStateError) as caught:
        prepare_dialog(rt, POSTPONE, DEMO[role], {"days": "5"}, ACTOR)
    assert says in caught.value.user_message
    audited = rt.store.rows("audit", "command = 'invoice postpone'", order_by="id desc", limit=1)[0]
    assert audited["outcome"] == "refused"


# -- the service ---------------------------------------------------------------------------------

def test_the_next_event_moves_by_the_days_and_is_mirrored(rt: Runtime, sandbox: Sandbox) -> None:
    due = due_of(sandbox)
    dialog = prepare_dialog(rt, POSTPONE, "1001", {"days": "10"}, ACTOR)
    outcome = run_dialog(rt, dialog, ACTOR)
    moved = due + dt.timedelta(days=10)
    assert outcome.message == (f"Postponed the next event of invoice 1001 by 10 days: the invoice falls due on "
                               f"{format_day(moved)} instead of {format_day(due)}; 1\u00a0250,00\u00a0kr remains "
                               "to pay.")
    assert shown_next(sandbox) == ("Invoice due", moved.isoformat())
    assert resolve(rt, "invoice", "1001")["next_event_date"].startswith(moved.isoformat())
    audited = rt.store.rows("audit", "command = 'invoice postpone'", order_by="id desc", limit=1)[0]
    assert audited["outcome"] == "ok" and format_day(moved) in audited["detail"]


def test_an_event_that_moved_since_the_form_opened_is_not_moved_blindly(rt: Runtime, sandbox: Sandbox) -> None:
    dialog = prepare_dialog(rt, POSTPONE, "1001", {"days": "10"}, ACTOR)
    run_dialog(rt, prepare_dialog(rt, POSTPONE, "1001", {"days": "3"}, ACTOR), ACTOR)  # someone else, first
    with pytest.raises(InvalidInput) as caught:
        run_dialog(rt, dialog, ACTOR)
    assert "The next event moved since the form was opened" in caught.value.field_errors["days"]
    assert due_of(sandbox) == dt.date.fromisoformat(dialog.prepared["event_date"]) + dt.timedelta(days=3)


def test_a_lost_reply_is_found_in_billecta(rt: Runtime, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    due = due_of(sandbox)
    real = rt.billecta.postpone_invoice

    def applied_then_lost(aid: str, day: dt.date) -> None:
        real(aid, day)
        raise OutcomeUnknown("postponing invoice 1001", "the invoice's event log in Billecta")

    dialog = prepare_dialog(rt, POSTPONE, "1001", {"days": "7"}, ACTOR)
    monkeypatch.setattr(rt.billecta, "postpone_invoice", applied_then_lost)
    with pytest.raises(Unresolved):
        run_dialog(rt, dialog, ACTOR, attempt="k")
    monkeypatch.undo()
    again = run_dialog(rt, dialog, ACTOR, attempt="k")
    assert again.details["resolved"] and "was postponed to" in again.message
    assert due_of(sandbox) == due + dt.timedelta(days=7), "moved once, not twice"


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_served_sandbox_losing_the_reply_moves_the_event_once(tmp_path: Path, mode: str) -> None:
    box = Sandbox(":memory:", seed="demo")
    with serving(box) as server:
        settings = Settings(_env_file=None, billecta_base_url=server.url,  # type: ignore[call-arg]
                            billecta_secure_token="sandbox", billecta_creditor_id=box.creditor_id)
        runtime = build_runtime(settings, store=Store(tmp_path / "bot.db"))
        try:
            mirror_demo_into_store(runtime)
            due = due_of(box)
            dialog = prepare_dialog(runtime, POSTPONE, "1001", {"days": "5"}, ACTOR)
            box.set_faults(lose_next=1, lose_reply_mode=mode)
            outcome = run_dialog(runtime, dialog, ACTOR)
            assert box.faults.lose_next == 0, "the postpone's reply was lost"
            assert outcome.message.startswith("Postponed the next event of invoice 1001 by 5 days")
            assert due_of(box) == due + dt.timedelta(days=5)
        finally:
            runtime.close()
    box.close()


def test_an_automatic_reminder_postponed_stays_a_reminder(rt: Runtime, sandbox: Sandbox) -> None:
    config = rt.billecta.get_default_config()
    rt.billecta.update_default_config(config.model_copy(update={"send_reminder_invoice": True,
                                                                "send_reminder_invoice_days_after_due_date": 20}))
    prepared = prepare(rt, resolve(rt, "invoice", "1002"))
    assert prepared["event"] == "a reminder is sent"
    outcome = run_dialog(rt, prepare_dialog(rt, POSTPONE, "1002", {"days": "30"}, ACTOR), ACTOR)
    assert "a reminder is sent on" in outcome.message
    assert shown_next(sandbox, "1002")[0] == "A reminder will be sent"


def test_a_bot_killed_mid_postpone_is_settled_from_billecta_on_restart(rt: Runtime, sandbox: Sandbox) -> None:
    due = due_of(sandbox)
    moved = due + dt.timedelta(days=9)
    key = f"dialog:{POSTPONE.slug}:1001:killed"
    assert rt.store.claim(key, owner=DEAD)
    rt.store.mark_claim(key, "sending", {"token": "t", "reference": "postponing", "local": {},
                                         "facts": {"from_day": due.isoformat(), "new_day": moved.isoformat()}})
    rt.billecta.postpone_invoice(resolve(rt, "invoice", "1001")["action_public_id"], moved)  # before it died
    done = dict(resolve_dead_claims(rt, f"dialog:{POSTPONE.slug}:"))[key]
    assert done is not None and f"was postponed to {format_day(moved)}" in done.message
    assert due_of(sandbox) == moved


def test_what_was_sent_survives_a_look_up_that_failed_too(rt: Runtime, sandbox: Sandbox,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    due = due_of(sandbox)
    real = rt.billecta.postpone_invoice

    def applied_then_lost(aid: str, day: dt.date) -> None:
        real(aid, day)
        raise OutcomeUnknown("postponing invoice 1001", "the invoice's event log in Billecta")

    def billecta_down(aid: str) -> None:
        raise BillectaUnavailable("Billecta is not answering")

    dialog = prepare_dialog(rt, POSTPONE, "1001", {"days": "4"}, ACTOR)
    monkeypatch.setattr(rt.billecta, "postpone_invoice", applied_then_lost)
    with pytest.raises(Unresolved):
        run_dialog(rt, dialog, ACTOR, attempt="k")
    monkeypatch.setattr(rt.billecta, "get_invoice", billecta_down)
    with pytest.raises(Unresolved):  # the resubmit cannot look it up either: still unknown
        run_dialog(rt, dialog, ACTOR, attempt="k")
    monkeypatch.undo()
    again = run_dialog(rt, dialog, ACTOR, attempt="k")  # the new date was kept with the claim
    assert again.details["resolved"] and due_of(sandbox) == due + dt.timedelta(days=4)
