"""Undo on a reversible change's result, end to end (signed requests, strict fake Slack, sandbox):
pause → Undo → the resume's own confirmation → resumed, and both results say it was undone; an
expired Undo names the command to run and loses its button; a viewer's Undo is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.metadata import UndoState
from bot.slack.notifier import SlackNotifier
from handlers import undo as undo_handler

from .conftest import Stack
from .payloads import field, find_element


def _text(msg: Any) -> str:
    return json.dumps(msg, ensure_ascii=False)


def _paused(stack: Stack, number: str = "1001", verb: str = "pause") -> dict[str, Any]:
    """`/billecta invoice <verb> <number>` confirmed: the requester's result (with its response_url)."""
    reply, response_url = stack.client.command(f"invoice {verb} {number}")
    assert reply.status == 200
    stack.settle()
    confirm = find_element(stack.responses(response_url)[-1]["blocks"], ActionId.ACTION_CONFIRM)
    stack.client.click_message(confirm, response_url=response_url)
    stack.settle()
    return stack.responses(response_url)[-1]


def _is_paused(stack: Stack, number: str = "1001") -> bool:
    row = stack.rt.store.find_by("invoice", "invoice_number", number)
    assert row is not None
    return bool(row["is_paused"])


def _undo_value(button: dict[str, Any]) -> UndoState:
    return UndoState.unpack(button["value"].rpartition("~")[0])  # bot.slack.seal's MAC after '~'


def _notify_post(stack: Stack, says: str) -> Any:
    return next(c for c in reversed(stack.fake.calls("chat.postMessage", ok=True))
                if c.args.get("channel") == "CNOTIFY" and says in c.args["text"])


def test_pause_then_undo_resumes_through_the_resume_confirmation(stack: Stack) -> None:
    result = _paused(stack)
    assert "invoice 1001 is paused" in result["text"] and _is_paused(stack)
    undo = find_element(result["blocks"], ActionId.UNDO)
    assert undo["text"]["text"] == "Undo" and _undo_value(undo).command == "resume-paused-invoice"
    posted = _notify_post(stack, "invoice 1001 is paused")
    assert find_element(posted.args["blocks"], ActionId.UNDO), "the channel's post offers it too"

    undo_url = stack.fake.response_url()
    stack.client.click_message(undo, response_url=undo_url)
    stack.settle()
    asked = stack.responses(undo_url)[-1]
    assert _is_paused(stack), "nothing is undone before its confirmation"
    confirm = find_element(asked["blocks"], ActionId.ACTION_CONFIRM)
    assert confirm["text"]["text"] == "Resume invoice" and "Confirm: Resume invoice on invoice 1001" in asked["text"]

    confirm_url = stack.fake.response_url()
    stack.client.click_message(confirm, response_url=confirm_url)
    stack.settle()
    assert not _is_paused(stack)
    assert "invoice 1001 is resumed" in stack.responses(confirm_url)[-1]["text"]
    edited = [r for r in stack.responses(undo_url) if r.get("replace_original")]
    assert edited and "Undone by <@UOPER>" in _text(edited[-1]) and "invoice 1001 is paused" in _text(edited[-1])
    assert ActionId.UNDO not in _text(edited[-1]["blocks"])
    updates = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == posted.result["ts"]]
    assert updates and "Undone by <@UOPER>" in updates[-1]["text"] and ActionId.UNDO not in _text(updates[-1])
    thread = [p for p in stack.posts("CNOTIFY") if p.get("thread_ts") == posted.result["ts"]]
    assert thread and "invoice 1001 is resumed" in thread[-1]["text"]
    audited = [r["command"] for r in stack.rt.store.rows("audit", "outcome = 'ok'", order_by="id")]
    assert audited[-2:] == ["invoice pause", "invoice resume"]


def test_an_expired_undo_names_the_command_and_loses_its_button(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _paused(stack)
    undo = find_element(result["blocks"], ActionId.UNDO)
    until = _undo_value(undo).until
    monkeypatch.setattr(undo_handler, "now", lambda: until + 1)
    undo_url = stack.fake.response_url()
    stack.client.click_message(undo, response_url=undo_url)
    stack.settle()
    shown = stack.responses(undo_url)[-1]
    assert shown["replace_original"] is True and ActionId.UNDO not in _text(shown["blocks"])
    assert "Undo has expired; run `/billecta invoice resume 1001`." in _text(shown)
    assert _is_paused(stack)

    # On the channel's post: the answer goes to the one who pressed it, the button leaves the post.
    posted = _notify_post(stack, "invoice 1001 is paused")
    post_url = stack.fake.response_url()
    stack.client.click_message(find_element(posted.args["blocks"], ActionId.UNDO), ephemeral=False,
                               channel="CNOTIFY", message_ts=posted.result["ts"], response_url=post_url)
    stack.settle()
    assert "Undo has expired; run `/billecta invoice resume 1001`." in _text(stack.responses(post_url)[-1])
    updates = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == posted.result["ts"]]
    assert updates and ActionId.UNDO not in _text(updates[-1]["blocks"])
    assert _is_paused(stack)


def test_a_viewer_cannot_undo(stack: Stack) -> None:
    result = _paused(stack)
    undo_url = stack.fake.response_url()
    stack.client.click_message(find_element(result["blocks"], ActionId.UNDO), user="UVIEW", response_url=undo_url)
    stack.settle()
    said = _text(stack.responses(undo_url))
    assert "operator" in said and ActionId.ACTION_CONFIRM not in said
    assert _is_paused(stack)


def test_dispute_undone_by_someone_else_with_the_role(stack: Stack) -> None:
    result = _paused(stack, "1001", "dispute")
    undo_url = stack.fake.response_url()
    stack.client.click_message(find_element(result["blocks"], ActionId.UNDO), user="UADMIN", response_url=undo_url)
    stack.settle()
    confirm = find_element(stack.responses(undo_url)[-1]["blocks"], ActionId.ACTION_CONFIRM)
    assert confirm["text"]["text"] == "End dispute"
    stack.client.click_message(confirm, user="UADMIN", response_url=stack.fake.response_url())
    stack.settle()
    row = stack.rt.store.find_by("invoice", "invoice_number", "1001")
    assert row is not None and not row["is_disputed"]


def test_an_undo_after_the_state_changed_elsewhere_is_refused_by_the_resume_precheck(stack: Stack) -> None:
    result = _paused(stack)
    invoice = stack.rt.store.find_by("invoice", "invoice_number", "1001")
    assert invoice is not None
    stack.rt.billecta.resume_invoice(invoice["action_public_id"])  # resumed in Billecta's portal meanwhile
    undo_url = stack.fake.response_url()
    stack.client.click_message(find_element(result["blocks"], ActionId.UNDO), response_url=undo_url)
    stack.settle()
    said = _text(stack.responses(undo_url)[-1])
    assert "is not paused, so there is nothing to resume" in said and ActionId.ACTION_CONFIRM not in said


def test_in_the_palette_the_result_modal_offers_undo_and_it_continues_there(stack: Stack) -> None:
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
    assert stack.fake.view(view_id)["callback_id"] == CallbackId.ACTION_CONFIRM
    stack.client.submit(view_id)
    stack.settle()
    result = stack.fake.view(view_id)
    assert "invoice 1001 is paused" in _text(result["blocks"]) and _is_paused(stack)
    undo = find_element(result["blocks"], ActionId.UNDO)
    stack.client.view_action(view_id, ActionId.UNDO, action_value=undo["value"].rpartition("~")[0])
    stack.settle()
    asked = stack.fake.view(view_id)
    assert asked["callback_id"] == CallbackId.ACTION_CONFIRM and "Resume" in _text(asked) and _is_paused(stack)
    stack.client.submit(view_id)
    stack.settle()
    assert not _is_paused(stack) and "invoice 1001 is resumed" in _text(stack.fake.view(view_id)["blocks"])


def _slack_notifier(stack: Stack) -> SlackNotifier:
    notifier: Any = stack.bot.deps.notifier
    while not isinstance(notifier, SlackNotifier):
        notifier = notifier.inner
    return notifier


def test_expired_undo_buttons_are_taken_off_the_channels_posts(stack: Stack) -> None:
    _paused(stack)
    posted = _notify_post(stack, "invoice 1001 is paused")
    notifier = _slack_notifier(stack)
    assert notifier.expire_undos() == 0, "not before it expires"
    later = datetime.now(UTC) + timedelta(minutes=stack.bot.deps.settings.undo_minutes, seconds=1)
    assert notifier.expire_undos(later) == 1
    stack.settle()
    updates = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == posted.result["ts"]]
    assert updates and ActionId.UNDO not in _text(updates[-1]["blocks"])
    assert "invoice 1001 is paused" in updates[-1]["text"] and ActionId.OPEN_EVENTS in _text(updates[-1]["blocks"])
    assert notifier.expire_undos(later) == 0, "once"
