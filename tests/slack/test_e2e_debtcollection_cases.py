"""The four debt-collection case commands end to end: signed Slack requests through the HTTP endpoint
against the strict fake Slack and the sandbox. postpone (the new date as the days are typed, the
fetch error in the modal), cancel (the invoice number typed), surveillance, bailiff (two options),
every refused stage answered with what applies, and a lost reply written once."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from blocks.ids import ActionId, BlockId, unique_id
from bot.sandbox import journal
from bot.services.mirror import resolve
from bot.timefmt import format_day

from .conftest import Stack
from .payloads import field, find_element

ADMIN = "UADMIN"


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _case(stack: Stack, stage: str | None = None) -> str:
    """The demo's case (invoice 1007), put in `stage` by the sandbox's own control."""
    case_id = str(resolve(stack.rt, "debtcollection", "1007")["action_public_id"])
    if stage:
        stack.sandbox.set_debtcollection_stage(case_id, stage)
    return case_id


def _stage(stack: Stack, case_id: str) -> str:
    return str(stack.sandbox._store.get("debtcollection", case_id)["state"]["Stage"])


def _open(stack: Stack, text: str, user: str = ADMIN) -> str:
    reply, _ = stack.client.command(text, user=user)
    assert reply.status == 200 and reply.text == ""
    stack.settle()
    assert "Loading" in str(stack.fake.calls("views.open", ok=True)[-1].args["view"])
    return str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])


def _days(days: str) -> dict[str, Any]:
    return field("days", unique_id(ActionId.FORM_FIELD, "days"), "number_input", days)


def _option(option: str) -> dict[str, Any]:
    return field("option", unique_id(ActionId.FORM_FIELD, "option"), "radio_buttons", option)


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_postpone_shows_the_new_date_as_the_days_are_typed_and_moves_the_event(stack: Stack) -> None:
    case_id = _case(stack, "DebtCollectionClaimDue")
    view_id = _open(stack, "debtcollection postpone 1007", user="UOPER")
    form = stack.fake.view(view_id)
    stored = stack.sandbox._store.get("debtcollection", case_id)
    event_day = dt.date.fromisoformat(stored["state"]["NextEventDate"][:10])
    assert "The case is registered with the bailiff" in _text(form) and format_day(event_day) in _text(form)
    assert _block(form, "days")["element"]["dispatch_action_config"] == {"trigger_actions_on": ["on_character_entered"]}
    for typed in ("2", "21"):
        stack.client.view_action(view_id, unique_id(ActionId.FORM_FIELD, "days"), block_id="days", values=_days(typed))
        stack.settle()
        shown = _block(stack.fake.view(view_id), "postpone-new-date")["elements"][0]["text"]
        assert f"New date: *{format_day(event_day + dt.timedelta(days=int(typed)))}*" in shown, shown
    for bad in ("0", "366", "abc", ""):
        reply = stack.client.submit(view_id, _days(bad), user="UOPER")
        assert reply.json["response_action"] == "errors" and reply.json["errors"]["days"], (bad, reply.json)
    assert stack.client.submit(view_id, _days("21"), user="UOPER").json["response_action"] == "update"
    stack.settle()
    moved = event_day + dt.timedelta(days=21)
    result = _text(stack.fake.view(view_id))
    assert f"by 21 days: the case is registered with the bailiff on {format_day(moved)}" in result, result
    assert stack.billecta.count("PUT", "/v1/debtcollection/postpone/") == 1
    assert any("invoice 1007" in p["text"] and format_day(moved) in p["text"] for p in stack.posts("CNOTIFY"))
    assert resolve(stack.rt, "debtcollection", "1007")["next_event_date"].startswith(moved.isoformat())


def test_postpone_in_a_stage_without_a_next_event_is_refused_before_the_form(stack: Stack) -> None:
    for stage, says in (("ReadyForBailiff", "no next event scheduled"), ("SentToBailiff", "no next event"),
                        ("Cancelled", "closed case")):
        _case(stack, stage)
        shown = stack.fake.view(_open(stack, "debtcollection postpone 1007", user="UOPER"))
        assert says in _text(shown) and not any(b.get("type") == "input" for b in shown["blocks"]), stage
    assert stack.billecta.count("PUT", "/v1/debtcollection/postpone/") == 0
    assert not stack.posts("CALERT"), "a refusal by Billecta's rules is an answer, not an alert"


def test_postpone_says_in_the_modal_when_the_event_date_cannot_be_fetched(stack: Stack) -> None:
    _case(stack, "DebtCollectionClaimDue")
    stack.sandbox.inject_faults(fail_next=10, status=503)
    shown = _text(stack.fake.view(_open(stack, "debtcollection postpone 1007", user="UOPER")))
    stack.sandbox.inject_faults(fail_next=0)
    assert "Could not fetch the next event of debtcollection" in shown, shown
    assert "debtcollection postpone 1007" in shown and "again in a minute" in shown
    assert stack.billecta.count("PUT", "/v1/debtcollection/postpone/") == 0


def test_cancel_needs_the_invoice_number_typed(stack: Stack) -> None:
    case_id = _case(stack)
    reply, response_url = stack.client.command("debtcollection cancel 1007", user=ADMIN)
    stack.settle()
    message = stack.responses(response_url)[-1]
    assert "Collection stops for good" in _text(message) and "collection fee" in _text(message)
    assert ActionId.ACTION_CONFIRM not in _text(message["blocks"])
    forged = {**find_element(message["blocks"], ActionId.ACTION_TYPED_OPEN), "action_id": ActionId.ACTION_CONFIRM}
    stack.client.click_message(forged, user=ADMIN, response_url=response_url)
    stack.settle()
    assert "invoice number typed" in stack.responses(response_url)[-1]["text"]
    assert _stage(stack, case_id) == "ReadyForBailiff"

    stack.client.click_message(find_element(message["blocks"], ActionId.ACTION_TYPED_OPEN), user=ADMIN,
                               response_url=response_url)
    stack.settle()
    view_id = str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])
    assert "type the invoice number, 1007" in _text(stack.fake.view(view_id))
    for wrong in ("", "1008", case_id):
        bad = stack.client.submit(view_id, field(BlockId.TYPED_ANSWER, ActionId.TYPED_ANSWER, "plain_text_input",
                                                 wrong), user=ADMIN)
        assert bad.json["response_action"] == "errors" and "Type 1007" in bad.json["errors"][BlockId.TYPED_ANSWER]
    right = field(BlockId.TYPED_ANSWER, ActionId.TYPED_ANSWER, "plain_text_input", "1007")
    assert stack.client.submit(view_id, right, user=ADMIN).json["response_action"] == "update"
    stack.client.submit(view_id, right, user=ADMIN)  # a resubmitted modal runs once
    stack.settle()
    assert "collection has stopped for good" in _text(stack.fake.view(view_id))
    assert stack.billecta.count("PUT", "/v1/debtcollection/cancel/") == 1 and _stage(stack, case_id) == "Cancelled"
    assert resolve(stack.rt, "debtcollection", "1007")["stage"] == "Cancelled"
    assert any("1007" in p["text"] and "stopped for good" in p["text"] for p in stack.posts("CNOTIFY"))
    assert "stopped for good" in stack.responses(response_url)[-1]["text"], "the spent button is replaced"


def test_cancel_of_a_closed_case_and_by_an_operator_is_refused(stack: Stack) -> None:
    _case(stack, "Completed")
    _, response_url = stack.client.command("debtcollection cancel 1007", user=ADMIN)
    stack.settle()
    assert "nothing more can be done on a closed case" in stack.responses(response_url)[-1]["text"]
    _, response_url = stack.client.command("debtcollection cancel 1007", user="UOPER")
    stack.settle()
    assert "admin" in _text(stack.responses(response_url)).lower()
    assert stack.billecta.count("PUT", "/v1/debtcollection/cancel/") == 0 and not stack.posts("CALERT")


def test_surveillance_says_what_changes_for_the_debtor_and_moves_the_case(stack: Stack) -> None:
    case_id = _case(stack)
    _, response_url = stack.client.command("debtcollection surveillance 1007", user=ADMIN)
    stack.settle()
    message = stack.responses(response_url)[-1]
    assert "no more letters" in _text(message) and "still owes" in _text(message)
    stack.client.click_message(find_element(message["blocks"], ActionId.ACTION_CONFIRM), user=ADMIN,
                               response_url=response_url)
    stack.settle()
    assert "long-term surveillance" in stack.responses(response_url)[-1]["text"]
    assert _stage(stack, case_id) == "LongTermSurveilance"
    assert resolve(stack.rt, "debtcollection", "1007")["stage"] == "LongTermSurveilance"
    assert any("1007" in p["text"] for p in stack.posts("CNOTIFY"))


def test_surveillance_where_billecta_does_not_allow_it_names_what_applies(stack: Stack) -> None:
    for stage, says in (("DebtCollectionInvoiceSent", "only once the claim has fallen due"),
                        ("LongTermSurveilance", "already in long-term surveillance"),
                        ("Cancelled", "closed case")):
        _case(stack, stage)
        _, response_url = stack.client.command("debtcollection surveillance 1007", user=ADMIN)
        stack.settle()
        said = stack.responses(response_url)[-1]["text"]
        assert says in said, (stage, said)
    assert "debtcollection postpone 1007" in said or "closed" in said
    assert stack.billecta.count("PUT", "/v1/debtcollection/sendtolongtermsurveilance/") == 0
    assert not stack.posts("CALERT")


def test_bailiff_form_explains_each_option_and_sends_once(stack: Stack) -> None:
    case_id = _case(stack)
    view_id = _open(stack, "debtcollection bailiff 1007")
    form = stack.fake.view(view_id)
    assert "Dangerous" in _text(form) and "Kronofogden" in _text(form)
    options = _block(form, "option")["element"]["options"]
    assert [o["value"] for o in options] == ["bailiff", "eviction"]
    assert all("Kronofogden" in o["description"]["text"] and "fee" in o["description"]["text"] for o in options)
    for bad in ("", "court"):
        reply = stack.client.submit(view_id, _option(bad), user=ADMIN)
        assert reply.json["response_action"] == "errors" and reply.json["errors"]["option"], (bad, reply.json)
    assert stack.client.submit(view_id, _option("bailiff"), user=ADMIN).json["response_action"] == "update"
    stack.settle()
    assert "sent to the bailiff (Kronofogden)" in _text(stack.fake.view(view_id))
    assert stack.billecta.count("PUT", "/v1/debtcollection/SendToBailiff/") == 1
    assert _stage(stack, case_id) == "SentToBailiff" and resolve(stack.rt, "debtcollection", "1007")["stage"] == \
        "SentToBailiff"
    assert any("1007" in p["text"] and "Kronofogden" in p["text"] for p in stack.posts("CNOTIFY"))


def test_bailiff_with_eviction_whose_reply_was_lost_is_sent_once(stack: Stack) -> None:
    case_id = _case(stack)
    view_id = _open(stack, "debtcollection bailiff 1007")
    stack.sandbox.set_faults(lose_next=1, lose_reply_mode="503")
    stack.client.submit(view_id, _option("eviction"), user=ADMIN)
    stack.settle()
    assert stack.sandbox.faults.lose_next == 0, "the write's reply was lost"
    assert "eviction and the bailiff" in _text(stack.fake.view(view_id))
    assert _stage(stack, case_id) == "AssistedWithBailiff"
    sent = [e for e in journal.action_events(stack.sandbox._store, case_id) if e.get("EventType") == "SentToBailiff"]
    assert len(sent) == 1 and not stack.posts("CALERT")


def test_bailiff_before_the_case_is_ready_is_refused_before_the_form(stack: Stack) -> None:
    for stage in ("DebtCollectionInvoiceSent", "DebtCollectionClaimDue", "LongTermSurveilance", "SentToBailiff"):
        _case(stack, stage)
        shown = stack.fake.view(_open(stack, "debtcollection bailiff 1007"))
        assert "readied for the bailiff" in _text(shown) and not any(
            b.get("type") == "input" for b in shown["blocks"]), stage
    reply, response_url = stack.client.command("debtcollection bailiff 1007", user="UOPER")
    stack.settle()
    assert "admin" in (str(stack.responses(response_url)) + reply.text).lower()
    assert stack.billecta.count("PUT", "SendToBailiff") == 0 and not stack.posts("CALERT")


def test_a_postpone_whose_reply_was_lost_is_written_once(stack: Stack) -> None:
    case_id = _case(stack, "DebtCollectionClaimDue")
    view_id = _open(stack, "debtcollection postpone 1007", user="UOPER")
    stack.sandbox.set_faults(lose_next=1, lose_reply_mode="503")
    stack.client.submit(view_id, _days("7"), user="UOPER")
    stack.settle()
    assert stack.sandbox.faults.lose_next == 0
    assert "postponed to" in _text(stack.fake.view(view_id)) or "Postponed" in _text(stack.fake.view(view_id))
    postponed = [e for e in journal.action_events(stack.sandbox._store, case_id) if "postponed" in str(e.get("Title"))]
    assert len(postponed) == 1, postponed
