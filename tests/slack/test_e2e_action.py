"""The action flow end to end: /billecta invoice pause 1001 → confirmation → click → paused, posted."""

from __future__ import annotations

import pytest

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.metadata import FlowState
from bot.roles import Actor, Role
from handlers.home import failed_commands

from .conftest import Stack
from .payloads import field, find_element


def confirmation(stack: Stack, text: str, user: str = "UOPER") -> tuple[dict, str]:
    reply, response_url = stack.client.command(text, user=user)
    assert reply.status == 200
    stack.settle()
    posted = stack.responses(response_url)
    assert posted, "no confirmation was posted"
    return posted[-1], response_url


def test_pause_confirm_and_run(stack: Stack) -> None:
    message, response_url = confirmation(stack, "invoice pause 1001")
    assert "invoice 1001" in message["text"]
    button = find_element(message["blocks"], ActionId.ACTION_CONFIRM)
    # Pausing is reversible: the message is the confirmation, no Slack dialog on top of it.
    assert "confirm" not in button and button["style"] == "primary" and button["text"]["text"] == "Pause invoice"
    reply = stack.client.click_message(button, response_url=response_url)
    assert reply.status == 200
    stack.settle()
    final = stack.responses(response_url)[-1]
    assert final["replace_original"] is True
    assert "invoice 1001 is paused" in final["text"]
    assert any("invoice 1001 is paused" in post["text"] for post in stack.posts("CNOTIFY"))
    invoice = stack.rt.store.find_by("invoice", "invoice_number", "1001")
    assert invoice is not None and invoice["is_paused"] == 1
    audit = stack.rt.store.rows("audit", "command = ?", ["invoice pause"])
    assert audit and audit[-1]["outcome"] == "ok" and audit[-1]["actor"] == "UOPER"


def test_slug_works_too(stack: Stack) -> None:
    message, _ = confirmation(stack, "pause-invoice 1001")
    assert find_element(message["blocks"], ActionId.ACTION_CONFIRM)


def test_a_record_without_a_billecta_id_gets_an_alert_not_a_confirmation(stack: Stack) -> None:
    stack.rt.store.insert("invoice", {"invoice_number": "1999", "debtor_name": "Nordic Café AB"})
    calls = len(stack.billecta.calls)
    message, _ = confirmation(stack, "invoice pause 1999")
    assert "invoice 1999 is not in Billecta yet" in message["text"]
    assert ActionId.ACTION_CONFIRM not in str(message["blocks"])
    assert len(stack.billecta.calls) == calls
    assert [row["outcome"] for row in stack.rt.store.rows("audit", "command = 'invoice pause'")] == ["refused"]
    assert not stack.posts("CALERT")


def _pause_behind_the_bots_back(stack: Stack, number: str = "1001") -> None:
    """Paused in Billecta, while the store still says not paused: only a fresh read can know."""
    invoice = stack.rt.store.find_by("invoice", "invoice_number", number)
    assert invoice is not None and not invoice["is_paused"]
    stack.rt.billecta.pause_invoice(invoice["action_public_id"])


def test_pausing_a_paused_invoice_is_refused_before_confirming_and_offers_resume(stack: Stack) -> None:
    _pause_behind_the_bots_back(stack)
    message, _ = confirmation(stack, "invoice pause 1001")
    assert ActionId.ACTION_CONFIRM not in str(message["blocks"])
    assert "Invoice 1001 has been paused since" in message["text"]
    offer = find_element(message["blocks"], ActionId.OPEN_COMMAND)
    sealed = offer["value"].rpartition("~")[0]  # bot.slack.seal's MAC after '~'
    assert offer["text"]["text"] == "Resume invoice" and FlowState.unpack(sealed).command == "resume-paused-invoice"
    assert not stack.posts("CALERT")
    assert [r["outcome"] for r in stack.rt.store.rows("audit", "command = 'invoice pause'")] == ["refused"]

    reply = stack.client.click_message(offer, ephemeral=True, response_url=stack.fake.response_url())
    assert reply.status == 200
    stack.settle()
    resume = [c.args for c in stack.fake.calls("_response", ok=True)][-1]
    assert find_element(resume["blocks"], ActionId.ACTION_CONFIRM) and "Resume" in resume["text"]


def test_a_refusal_after_confirming_is_an_answer_not_an_alert(stack: Stack) -> None:
    message, response_url = confirmation(stack, "invoice pause 1001")
    _pause_behind_the_bots_back(stack)  # between the confirmation and the click
    stack.client.click_message(find_element(message["blocks"], ActionId.ACTION_CONFIRM), response_url=response_url)
    stack.settle()
    final = stack.responses(response_url)[-1]
    assert "Invoice 1001 has been paused since" in final["text"] and "Try again" not in str(final)
    assert find_element(final["blocks"], ActionId.OPEN_COMMAND)["text"]["text"] == "Resume invoice"
    assert not stack.posts("CALERT")
    assert [r["outcome"] for r in stack.rt.store.rows("audit", "command = 'invoice pause'")] == ["refused"]
    assert failed_commands(stack.bot.deps, Actor("UOPER", Role.OPERATOR, "slack")) == []


def test_cancelling_a_dispute_that_does_not_exist_offers_dispute(stack: Stack) -> None:
    message, _ = confirmation(stack, "invoice undispute 1001")
    assert "Invoice 1001 is not disputed" in message["text"]
    assert find_element(message["blocks"], ActionId.OPEN_COMMAND)["text"]["text"] == "Dispute invoice"
    assert not stack.posts("CALERT")


def test_in_the_palette_a_refusal_replaces_the_modal_and_its_button_continues_there(stack: Stack) -> None:
    _pause_behind_the_bots_back(stack)
    stack.client.command("")
    stack.settle()
    view_id = stack.fake.opened()
    chosen = {**field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", "invoice"),
              **field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "pause-invoice"),
              **field(BlockId.PICKER_RECORD, ActionId.PICKER_RECORD, "external_select", "1001")}
    stack.client.view_action(view_id, ActionId.PICKER_TYPE, block_id=BlockId.PICKER_TYPE, values=chosen)
    stack.settle()
    stack.client.submit(view_id, chosen)
    stack.settle()
    refused = stack.fake.view(view_id)
    assert "has been paused since" in str(refused["blocks"]) and "submit" not in refused
    offer = find_element(refused["blocks"], ActionId.OPEN_COMMAND)
    stack.client.view_action(view_id, ActionId.OPEN_COMMAND, action_value=offer["value"])
    stack.settle()
    assert stack.fake.view(view_id)["callback_id"] == CallbackId.ACTION_CONFIRM
    assert "Resume" in str(stack.fake.view(view_id)["blocks"]) and not stack.posts("CALERT")


def test_an_alert_retried_into_a_refusal_is_edited_with_the_answer_and_no_new_alert(
        stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stack.rt.billecta, "pause_invoice", lambda *args: (_ for _ in ()).throw(RuntimeError("down")))
    message, url = confirmation(stack, "invoice pause 1001")
    stack.client.click_message(find_element(message["blocks"], ActionId.ACTION_CONFIRM), response_url=url)
    stack.settle()
    monkeypatch.undo()
    [alert] = [c for c in stack.fake.calls("chat.postMessage", ok=True) if c.args.get("channel") == "CALERT"]
    _pause_behind_the_bots_back(stack)  # someone paused it in Billecta meanwhile: the retry is refused
    stack.client.click_message(find_element(alert.args["blocks"], ActionId.ACTION_CONFIRM), ephemeral=False,
                               channel="CALERT", message_ts=alert.result["ts"])
    stack.settle()
    edited = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == alert.result["ts"]][-1]
    assert "Retried by <@UOPER>" in edited["text"] and "has been paused since" in edited["text"]
    assert len(stack.posts("CALERT")) == 1
