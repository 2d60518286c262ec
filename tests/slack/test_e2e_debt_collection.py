"""`/billecta invoice debt-collection` end to end: signed Slack requests through the HTTP endpoint against
the strict fake Slack and the sandbox. Loading… (or the mirror's form) → a form that says what happens
next → bad input under every field → submit → the case in Billecta, linked in the store and found by the
invoice's number."""

from __future__ import annotations

import json
from typing import Any

from blocks.ids import ActionId

from .conftest import Stack
from .payloads import field, find_element

ADMIN = "UADMIN"


def _values(method: str = "Mail", reference: str = "Ada", reason: str = "Unpaid consulting",
            interest: str = "ref+8") -> dict[str, Any]:
    return {
        **field("delivery_method", f"{ActionId.FORM_FIELD}.delivery_method", "static_select", method),
        **field("reference", f"{ActionId.FORM_FIELD}.reference", "plain_text_input", reference),
        **field("reason", f"{ActionId.FORM_FIELD}.reason", "plain_text_input", reason),
        **field("interest", f"{ActionId.FORM_FIELD}.interest", "plain_text_input", interest),
    }


def _open(stack: Stack, number: str, user: str = ADMIN) -> str:
    reply, _ = stack.client.command(f"invoice debt-collection {number}", user=user)
    assert reply.status == 200 and reply.text == ""
    stack.settle()
    # Loading…, or the form drawn from the mirror (tests/slack/test_e2e_mirror_twins.py); then Billecta's
    return str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])


def _text(blocks: Any) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def _cases(stack: Stack) -> int:
    return stack.billecta.count("POST", "/v1/debtcollection/actionfrominvoice")


def test_the_form_says_what_happens_next_and_the_case_is_linked(stack: Stack) -> None:
    view_id = _open(stack, "1002")
    form = stack.fake.view(view_id)
    text = _text(form["blocks"])
    assert form["callback_id"] == "dialog-form-view" and "Dangerous" in text
    assert "collection notice (inkassokrav) by e-mail" in text and "180,00\u00a0kr" in text
    assert "4\u00a0312,50\u00a0kr" in text and "the reference rate + 8 % a year" in text and "10 days" in text
    ids = [b.get("block_id") for b in form["blocks"]]
    assert {"delivery_method", "reference", "reason", "interest"} <= set(ids)
    methods = next(b for b in form["blocks"] if b.get("block_id") == "delivery_method")["element"]
    assert [o["text"]["text"] for o in methods["options"]][:2] == ["E-mail", "Letter"]

    for name, bad in (("delivery_method", _values(method="fax")), ("reference", _values(reference="r" * 51)),
                      ("reason", _values(reason=" ")), ("interest", _values(interest="lots"))):
        reply = stack.client.submit(view_id, bad, user=ADMIN)
        assert reply.json["response_action"] == "errors" and set(reply.json["errors"]) == {name}, reply.json

    stack.client.view_action(view_id, f"{ActionId.FORM_FIELD}.interest", block_id="interest",
                             values=_values(interest="150"), user=ADMIN)
    stack.settle()
    shown = stack.fake.view(view_id)["blocks"]
    assert any(b.get("block_id") == "interest-error" for b in shown), "on-change error under the field"

    good = stack.client.submit(view_id, _values(), user=ADMIN)
    assert good.json["response_action"] == "update"
    stack.client.submit(view_id, _values(), user=ADMIN)  # a resubmitted modal runs once
    stack.settle()
    result = _text(stack.fake.view(view_id)["blocks"])
    assert "Sent invoice 1002 to debt collection: debtcollection" in result and "180,00\u00a0kr fee" in result
    assert _cases(stack) == 1
    posted = [p for p in stack.posts("CNOTIFY") if "1002" in p["text"]]
    assert posted and "Owed now" in posted[-1]["text"]
    row = stack.rt.store.find_by("debtcollection", "invoice_number", "1002")
    assert row is not None and row["invoice_action_public_id"]
    assert stack.rt.store.find_by("invoice", "invoice_number", "1002")["stage"] == "SentToDebtCollection"  # type: ignore[index]

    # The case is a target at once, by the invoice's number.
    stack.client.command("debtcollection events 1002", user=ADMIN)
    stack.settle()
    log = stack.fake.view(str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"]))
    assert f"debtcollection {row['action_public_id']}" in _text(log["blocks"])


def _refusal(stack: Stack, number: str) -> str:
    reply, _ = stack.client.command(f"invoice debt-collection {number}", user=ADMIN)
    assert reply.status == 200
    stack.settle()
    return _text(stack.fake.calls("views.update", ok=True)[-1].args["view"]["blocks"])


def test_every_refused_state_is_answered_before_the_form(stack: Stack) -> None:
    for number, says in (("1001", "is not overdue"), ("1003", "Resume it first"), ("1004", "End the dispute first"),
                         ("1007", "it went there already"), ("1008", "nothing left to collect"),
                         ("1010", "is a draft")):
        shown = _refusal(stack, number)
        assert says in shown and "delivery_method" not in shown, (number, shown)
    assert _cases(stack) == 0
    assert not stack.posts("CALERT"), "a refusal by the rules is an answer, not an alert"


def test_only_an_admin_may_send_to_collection(stack: Stack) -> None:
    reply, response_url = stack.client.command("invoice debt-collection 1002", user="UOPER")
    stack.settle()
    said = str(stack.responses(response_url)) + reply.text
    assert "admin" in said.lower() and not stack.fake.calls("views.open", ok=True)


def test_a_paused_invoice_is_offered_resume_instead_of_the_form(stack: Stack) -> None:
    reply, _ = stack.client.command("invoice debt-collection 1003", user=ADMIN)
    stack.settle()
    view_id = str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])
    shown = stack.fake.view(view_id)
    offer = find_element(shown["blocks"], ActionId.OPEN_COMMAND)
    assert offer["text"]["text"] == "Resume invoice" and "Resume it first" in _text(shown["blocks"])
    stack.client.view_action(view_id, offer["action_id"], action_value=offer["value"].rpartition("~")[0],
                             user=ADMIN)
    stack.settle()
    confirm = stack.fake.view(view_id)
    assert confirm["callback_id"] == "action-confirm-view" and "Resume invoice 1003" in _text(confirm["blocks"])


def test_a_lost_reply_in_slack_opens_one_case_and_says_it_was_sent(stack: Stack) -> None:
    view_id = _open(stack, "1002")
    stack.sandbox.set_faults(lose_next=1, lose_reply_mode="503")
    stack.client.submit(view_id, _values(), user=ADMIN)
    stack.settle()
    assert stack.sandbox.faults.lose_next == 0, "the write's reply was lost"
    result = _text(stack.fake.view(view_id)["blocks"])
    assert "Sent invoice 1002 to debt collection: debtcollection" in result, result
    assert len(stack.sandbox._store.find("debtcollection")) == 2  # the demo's 1007 and this one
    assert not stack.posts("CALERT")


def test_fields_typed_after_the_slash_command_prefill_the_form(stack: Stack) -> None:
    reply, _ = stack.client.command("invoice debt-collection 1002 delivery_method=post interest=10", user=ADMIN)
    assert reply.status == 200
    stack.settle()
    form = stack.fake.view(str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"]))
    inputs = {b["block_id"]: b for b in form["blocks"] if b.get("type") == "input"}
    assert inputs["delivery_method"]["element"]["initial_option"]["value"] == "Mail"
    assert inputs["interest"]["element"]["initial_value"] == "10"
    assert "by letter." in _text(form["blocks"]) and "10 % a year (fixed)" in _text(form["blocks"])
