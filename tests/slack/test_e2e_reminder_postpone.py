"""`invoice reminder` and `invoice postpone` end to end: signed Slack requests through the HTTP endpoint,
against the strict fake Slack and the demo sandbox. Loading… (or the form from the mirror) → the form
with its prefills → bad input under each field → (postpone) the new date shown as the days are typed →
submit → the result in the modal and in NOTIFY_CHANNEL, the store's mirror updated; refused invoices say
why instead of a form."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from blocks.ids import ActionId, unique_id
from bot.services.mirror import resolve
from bot.timefmt import format_day

from .conftest import Stack
from .payloads import field


def _open(stack: Stack, text: str) -> str:
    reply, _ = stack.client.command(text)
    assert reply.status == 200 and reply.text == ""
    stack.settle()
    opened = stack.fake.calls("views.open", ok=True)
    assert len(opened) == 1  # Loading…, or the form drawn from the mirror (tests/slack/test_e2e_mirror_form.py)
    return str(opened[0].result["view"]["id"])


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def _text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def _reminder(fee: str, terms: str, method: str) -> dict[str, Any]:
    return {**field("fee", unique_id(ActionId.FORM_FIELD, "fee"), "plain_text_input", fee),
            **field("payment_terms_days", unique_id(ActionId.FORM_FIELD, "payment_terms_days"), "number_input",
                    terms),
            **field("delivery_method", unique_id(ActionId.FORM_FIELD, "delivery_method"), "radio_buttons", method)}


def _days(days: str) -> dict[str, Any]:
    return field("days", unique_id(ActionId.FORM_FIELD, "days"), "number_input", days)


def test_reminder_dialog(stack: Stack) -> None:
    view_id = _open(stack, "invoice reminder 1002")
    form = stack.fake.view(view_id)
    assert form["callback_id"] == "dialog-form-view"
    fee = _block(form, "fee")
    assert fee["label"]["text"] == "Reminder fee (SEK)" and fee["element"]["initial_value"] == "60.00"
    assert _block(form, "payment_terms_days")["element"]["initial_value"] == "10"
    method = _block(form, "delivery_method")["element"]
    assert method["initial_option"]["value"] == "Email" and method["initial_option"]["text"]["text"] == "E-mail"
    assert [o["text"]["text"] for o in method["options"]][:2] == ["E-mail", "Letter"]
    assert "4\u00a0312,50\u00a0kr" in _text(form)

    bad = stack.client.submit(view_id, _reminder("-5", "0", "Pigeon"))
    assert bad.json["response_action"] == "errors"
    errors = bad.json["errors"]
    assert "negative" in errors["fee"] and "between 1 and 365" in errors["payment_terms_days"]
    assert "'Pigeon' is not a delivery method" in errors["delivery_method"]
    for values, block_id in ((_reminder("abc", "10", "Email"), "fee"), (_reminder("60", "400", "Email"),
                                                                         "payment_terms_days")):
        stack.client.view_action(view_id, unique_id(ActionId.FORM_FIELD, block_id), block_id=block_id,
                                 values=values)
        stack.settle()
        assert _block(stack.fake.view(view_id), f"{block_id}-error"), "the error is shown under the field"

    good = stack.client.submit(view_id, _reminder("60", "10", "Mail"))
    assert good.json["response_action"] == "update"
    again = stack.client.submit(view_id, _reminder("60", "10", "Mail"))  # a resubmitted modal
    assert again.status == 200
    stack.settle()
    result = _text(stack.fake.view(view_id))
    assert "Reminder 1002-P1 for invoice 1002 sent by letter: fee 60,00\u00a0kr, due" in result
    assert "4\u00a0372,50\u00a0kr is now to pay" in result
    assert stack.billecta.count("POST", "/v1/invoice/reminder") == 1
    assert any("1002-P1" in p["text"] and "60,00" in p["text"] for p in stack.posts("CNOTIFY"))
    row = resolve(stack.rt, "invoice", "1002")
    assert (row["stage"], row["current_amount"]) == ("ReminderInvoiceSent", 437_250)
    audited = stack.rt.store.rows("audit", "command = 'invoice reminder'", order_by="id desc", limit=1)[0]
    assert audited["outcome"] == "ok" and audited["actor"] == "UOPER"


def test_a_paused_invoice_says_to_resume_it_instead_of_a_reminder_form(stack: Stack) -> None:
    view_id = _open(stack, "invoice reminder 1003")
    shown = stack.fake.view(view_id)
    assert not any(b.get("type") == "input" for b in shown["blocks"])
    assert "Resume it first" in _text(shown) and "invoice resume 1003" in _text(shown)
    assert stack.billecta.count("POST", "/v1/invoice/reminder") == 0


def test_postpone_dialog_shows_the_new_date_as_the_days_are_typed(stack: Stack) -> None:
    view_id = _open(stack, "invoice postpone 1001")
    form = stack.fake.view(view_id)
    event_day = dt.date.fromisoformat(resolve(stack.rt, "invoice", "1001")["next_event_date"][:10])
    assert "The invoice falls due" in _text(form) and format_day(event_day) in _text(form)
    days_input = _block(form, "days")["element"]
    assert days_input["type"] == "number_input"
    assert days_input["dispatch_action_config"] == {"trigger_actions_on": ["on_character_entered"]}
    assert "Type the days" in _text(form)

    for typed in ("1", "14"):  # one character, then the next: each dispatches and updates the modal
        stack.client.view_action(view_id, unique_id(ActionId.FORM_FIELD, "days"), block_id="days",
                                 values=_days(typed))
        stack.settle()
        shown = _block(stack.fake.view(view_id), "postpone-new-date")["elements"][0]["text"]
        assert f"New date: *{format_day(event_day + dt.timedelta(days=int(typed)))}*" in shown, shown

    stack.client.view_action(view_id, unique_id(ActionId.FORM_FIELD, "days"), block_id="days", values=_days("400"))
    stack.settle()
    assert "between 1 and 365" in _text(stack.fake.view(view_id))
    for typed in ("0", "abc"):
        bad = stack.client.submit(view_id, _days(typed))
        assert bad.json["response_action"] == "errors" and bad.json["errors"]["days"]

    good = stack.client.submit(view_id, _days("14"))
    assert good.json["response_action"] == "update"
    stack.settle()
    moved = event_day + dt.timedelta(days=14)
    result = _text(stack.fake.view(view_id))
    assert f"by 14 days: the invoice falls due on {format_day(moved)} instead of {format_day(event_day)}" in result
    assert stack.billecta.count("PUT", "/v1/invoice/postpone/") == 1
    assert any("invoice 1001" in p["text"] and format_day(moved) in p["text"] for p in stack.posts("CNOTIFY"))
    assert resolve(stack.rt, "invoice", "1001")["next_event_date"].startswith(moved.isoformat())


def test_postpone_without_a_next_event_says_so_instead_of_a_form(stack: Stack) -> None:
    view_id = _open(stack, "invoice postpone 1002")
    shown = stack.fake.view(view_id)
    assert not any(b.get("type") == "input" for b in shown["blocks"])
    assert "no next event scheduled" in _text(shown) and "invoice reminder 1002" in _text(shown)


def test_a_reminder_whose_reply_billecta_lost_is_sent_once_and_reported_sent(stack: Stack) -> None:
    view_id = _open(stack, "invoice reminder 1002")
    stack.sandbox.set_faults(lose_next=1, lose_reply_mode="503")  # applied, then answered 503
    assert stack.client.submit(view_id, _reminder("60", "10", "Email")).json["response_action"] == "update"
    stack.settle()
    assert stack.sandbox.faults.lose_next == 0, "the reminder's reply was lost"
    assert "Reminder 1002-P1 for invoice 1002 sent by e-mail" in _text(stack.fake.view(view_id))
    assert stack.billecta.count("POST", "/v1/invoice/reminder") == 1, "looked up, not sent again"
    assert not stack.posts("CALERT")
