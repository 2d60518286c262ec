"""`invoice swish` end to end over signed Slack requests and the strict fake Slack: the form prefilled
from the debtor, errors under the fields as the user types, one request on submit, then ONE message
per place (where it was asked, NOTIFY_CHANNEL) edited in place as the follow-up job reads the status:
pending → paid, or → cancelled from the message's own (sealed, confirmed) button."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from blocks.ids import ActionId
from bot.jobs.swish import SwishWatch

from .conftest import Stack, build_stack, close_stack
from .fake_slack import FakeSlack
from .payloads import CHANNEL, field, find_element


@pytest.fixture
def swish_stack(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Stack]:
    built = build_stack(fake_slack, tmp_path, swish_poll_seconds=0.2)
    built.sandbox.set_swish_payer(None)  # the payer answers when the test says so
    yield built
    close_stack(built)


def _values(phone: str, message: str) -> dict[str, Any]:
    return {**field("phone", ActionId.FORM_FIELD, "plain_text_input", phone),
            **field("message", ActionId.FORM_FIELD, "plain_text_input", message)}


def _open(stack: Stack, number: str) -> str:
    stack.client.command(f"invoice swish {number}")
    stack.settle()
    return str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])


def _initial(view: dict[str, Any], block_id: str) -> str | None:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return block["element"].get("initial_value")


def _send(stack: Stack, number: str = "1002") -> tuple[str, int]:
    view_id = _open(stack, number)
    good = stack.client.submit(view_id, _values("070-123 45 67", "Payment of invoice 1002"))
    assert good.json["response_action"] == "update"
    stack.settle()
    request = SwishWatch(stack.rt).recent(1)[0]
    return view_id, request.id


def _message_in(stack: Stack, channel: str) -> dict[str, Any]:
    posts = [p for p in stack.posts(channel) if "Swish request" in p["text"]]
    assert len(posts) == 1, posts
    return posts[0]


def test_form_is_prefilled_from_the_debtor_and_checks_fields_as_typed(swish_stack: Stack) -> None:
    stack = swish_stack
    view_id = _open(stack, "1002")
    form = stack.fake.view(view_id)
    assert _initial(form, "phone") == "+46701234567"  # Anna Andersson's phone, through debtor.phone
    assert _initial(form, "message") == "Payment of invoice 1002"

    stack.client.view_action(view_id, ActionId.FORM_FIELD, block_id="phone", values=_values("08-123 45 67", "Hi"))
    stack.settle()
    shown = stack.fake.view(view_id)["blocks"]
    error = next(b for b in shown if b.get("block_id") == "phone-error")
    assert "not a Swedish mobile number" in error["elements"][0]["text"]

    stack.client.view_action(view_id, ActionId.FORM_FIELD, block_id="message",
                             values=_values("0701234567", "x" * 51))
    stack.settle()
    shown = stack.fake.view(view_id)["blocks"]
    assert "At most 50 characters" in next(b for b in shown if b.get("block_id") == "message-error")[
        "elements"][0]["text"]
    assert not any(b.get("block_id") == "phone-error" for b in shown)

    bad = stack.client.submit(view_id, _values("12345", "Hi"))
    assert bad.json["response_action"] == "errors" and "phone" in bad.json["errors"]
    assert stack.billecta.count("POST", "/v1/payments/swish") == 0


def test_a_landline_prefill_is_flagged_at_once(swish_stack: Stack) -> None:
    view_id = _open(swish_stack, "1001")  # Nordic Café's phone is a Gothenburg landline
    blocks = swish_stack.fake.view(view_id)["blocks"]
    assert "not a Swedish mobile number" in str(next(b for b in blocks if b.get("block_id") == "phone-error"))


def test_submit_then_the_one_message_goes_from_pending_to_paid(swish_stack: Stack) -> None:
    stack = swish_stack
    view_id, request_id = _send(stack)
    assert stack.billecta.count("POST", "/v1/payments/swish") == 1
    assert "waiting for the payer" in str(stack.fake.view(view_id)["blocks"])
    pending = _message_in(stack, CHANNEL)
    assert "⏳" in pending["text"] and find_element(pending["blocks"], ActionId.SWISH_CANCEL)
    assert "⏳" in _message_in(stack, "CNOTIFY")["text"]

    token = SwishWatch(stack.rt).get(request_id).token
    assert token
    stack.sandbox.answer_swish(token, "Paid")  # the payer approves in the Swish app
    updates = stack.fake.wait_for("chat.update", count=2)
    assert all("✅" in u.args["text"] and "paid" in u.args["text"] for u in updates)
    channels = {u.args["channel"] for u in updates}
    assert channels == {CHANNEL, "CNOTIFY"}
    edited = next(u.args for u in updates if u.args["channel"] == CHANNEL)
    assert "swish-cancel" not in str(edited["blocks"])  # nothing left to cancel
    stack.settle()
    assert len([p for p in stack.posts(CHANNEL) if "Swish request" in p["text"]]) == 1  # edited, not reposted
    assert stack.rt.store.find_by("invoice", "invoice_number", "1002")["stage"] == "Completed"
    assert stack.rt.store.find_by("payment", "billecta_id", token)["kind"] == "swish"
    assert [row["outcome"] for row in stack.rt.store.rows("audit", "command = 'invoice swish'")][-1] == "ok"


def test_the_cancel_button_withdraws_a_pending_request(swish_stack: Stack) -> None:
    stack = swish_stack
    _, request_id = _send(stack)
    button = find_element(_message_in(stack, CHANNEL)["blocks"], ActionId.SWISH_CANCEL)
    assert button["confirm"]["title"]["text"] == "Cancel the Swish request?"
    stack.client.click_message(button, user="UVIEW", ephemeral=False)  # a viewer who did not ask
    stack.settle()
    assert SwishWatch(stack.rt).get(request_id).pending
    stack.client.click_message(button, ephemeral=False)  # the requester
    update = stack.fake.wait_for("chat.update", count=2)[-1]
    assert "🚫" in update.args["text"] and "cancelled" in update.args["text"]
    request = SwishWatch(stack.rt).get(request_id)
    assert request.status == "Cancelled" and stack.rt.billecta.swish_status(str(request.token)).status == "Cancelled"
    assert stack.billecta.count("DELETE", "/v1/payments/swish") == 1


def test_a_forged_cancel_value_is_refused(swish_stack: Stack) -> None:
    stack = swish_stack
    _, request_id = _send(stack)
    button = find_element(_message_in(stack, CHANNEL)["blocks"], ActionId.SWISH_CANCEL)
    stack.client.click_message({**button, "value": str(request_id)}, ephemeral=False)  # the seal stripped
    stack.settle()
    assert SwishWatch(stack.rt).get(request_id).pending
    assert stack.billecta.count("DELETE", "/v1/payments/swish") == 0


def test_a_lost_reply_on_submit_still_makes_one_request_and_one_message(swish_stack: Stack) -> None:
    stack = swish_stack
    view_id = _open(stack, "1002")
    stack.sandbox.set_faults(lose_next=1)  # Billecta makes the request; its reply is lost (503)
    stack.client.submit(view_id, _values("0701234567", "Payment of invoice 1002"))
    stack.settle()
    assert stack.billecta.count("POST", "/v1/payments/swish") == 1  # looked up on the invoice, not resent
    assert "waiting for the payer" in str(stack.fake.view(view_id)["blocks"])
    assert "⏳" in _message_in(stack, CHANNEL)["text"]
