"""Permissions, idempotency, retried deliveries, error references and the sandbox label."""

from __future__ import annotations

import logging

import pytest

from blocks.ids import ActionId, BlockId
from blocks.metadata import FlowState

from .conftest import Stack
from .payloads import field, find_element


def _confirmation(stack: Stack, text: str, user: str = "UOPER") -> tuple[dict, str]:
    _, response_url = stack.client.command(text, user=user)
    stack.settle()
    return stack.responses(response_url)[-1], response_url


def test_viewer_is_denied_pause_and_told_the_role(stack: Stack) -> None:
    message, _ = _confirmation(stack, "invoice pause 1001", user="UVIEW")
    assert "needs the operator role" in message["text"] and "you have viewer" in message["text"]
    assert stack.billecta.count("PUT", "pause") == 0


def test_operator_is_denied_a_dangerous_bulk_command(stack: Stack) -> None:
    message, _ = _confirmation(stack, "article delete 1", user="UOPER")
    assert "needs the admin role" in message["text"]
    assert not stack.jobs.list(5)


def test_a_forwarded_button_is_checked_again_on_the_server(stack: Stack) -> None:
    message, response_url = _confirmation(stack, "invoice pause 1001", user="UOPER")
    button = find_element(message["blocks"], ActionId.ACTION_CONFIRM)
    denied = stack.client.click_message(button, user="UVIEW", response_url=response_url)
    assert denied.status == 200 and denied.elapsed < 1.0, "an error after the ack must not hold the response"
    stack.settle()
    assert "needs the operator role" in stack.responses(response_url)[-1]["text"]
    assert stack.billecta.count("PUT", "pause") == 0


def test_user_group_membership_gives_a_role(stack: Stack) -> None:
    message, _ = _confirmation(stack, "invoice pause 1001", user="UGROUPOP")
    assert find_element(message["blocks"], ActionId.ACTION_CONFIRM)


def test_someone_without_a_role_is_denied(stack: Stack) -> None:
    message, _ = _confirmation(stack, "invoice pause 1001", user="USTRANGER")
    assert "needs the operator role; you have no role" in message["text"]


def test_double_click_runs_once(stack: Stack) -> None:
    message, response_url = _confirmation(stack, "invoice pause 1001")
    button = find_element(message["blocks"], ActionId.ACTION_CONFIRM)
    first = stack.client.click_message(button, response_url=response_url)
    second = stack.client.click_message(button, response_url=response_url)
    retried = stack.client.click_message(button, response_url=response_url)
    assert first.status == second.status == retried.status == 200
    stack.settle()
    assert stack.billecta.count("PUT", "pause") == 1
    assert len(stack.rt.store.rows("audit", "command = 'invoice pause' AND outcome = 'ok'")) == 1
    assert any("already confirmed" in r["text"] for r in stack.responses(response_url))


def test_double_click_on_a_bulk_confirmation_queues_one_job(stack: Stack) -> None:
    message, response_url = _confirmation(stack, "debtor upsert 1 2")
    button = find_element(message["blocks"], ActionId.BULK_CONFIRM)
    stack.client.click_message(button, response_url=response_url)
    stack.client.click_message(button, response_url=response_url)
    stack.settle()
    assert len(stack.jobs.list(5)) == 1


def test_retried_event_delivery_is_handled_once(stack: Stack) -> None:
    event = {"type": "app_home_opened", "user": "UOPER", "channel": "DHOME", "tab": "home"}
    stack.client.event(event, "Ev1")
    stack.client.event(event, "Ev1", retry=1)
    stack.settle()
    assert len(stack.fake.calls("views.publish", ok=True)) == 1


def test_unexpected_errors_show_a_reference_not_a_traceback(stack: Stack, monkeypatch: pytest.MonkeyPatch,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret-token-xoxb-123 in a stack trace")

    monkeypatch.setattr(stack.rt.billecta, "pause_invoice", broken)  # fails after the confirmation
    message, response_url = _confirmation(stack, "invoice pause 1001")
    button = find_element(message["blocks"], ActionId.ACTION_CONFIRM)
    with caplog.at_level(logging.ERROR):
        stack.client.click_message(button, response_url=response_url)
        stack.settle()
    shown = stack.responses(response_url)[-1]["text"]
    assert "reference `" in shown and "secret" not in shown and "Traceback" not in shown
    reference = shown.split("reference `")[1].split("`")[0]
    assert any(reference in record.getMessage() for record in caplog.records)
    alert = stack.posts("CALERT")[-1]
    assert "invoice 1001" in alert["text"] and "secret" not in alert["text"]
    audited = stack.rt.store.rows("audit", "command = 'invoice pause'")[-1]
    assert audited["outcome"] == "error" and reference in audited["detail"] and audited["channel"] == "CWORK"
    retry = find_element(alert["blocks"], ActionId.ACTION_CONFIRM)
    assert FlowState.unpack(retry["value"].rpartition("~")[0]).key == "1001"


def test_every_message_and_modal_says_sandbox(stack: Stack) -> None:
    _confirmation(stack, "invoice pause 1001")
    stack.client.command("")
    stack.client.event({"type": "app_home_opened", "user": "UOPER", "tab": "home"}, "Ev2")
    stack.settle()
    shown = [c for c in stack.fake.calls(ok=True) if c.method.startswith(("views.", "chat.", "_response"))]
    assert shown
    for call in shown:
        blocks = call.args["view"]["blocks"] if "view" in call.args else call.args["blocks"]
        assert blocks[0]["block_id"] == BlockId.SANDBOX, call.method
        if "text" in call.args:
            assert call.args["text"].startswith("[sandbox]")


def test_record_search_lists_nothing_to_someone_who_may_not_run_the_command(stack: Stack) -> None:
    stack.client.command("", user="USTRANGER")
    stack.settle()
    view_id = stack.fake.opened()
    picked = field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", "invoice")
    stack.client.view_action(view_id, ActionId.PICKER_TYPE, block_id=BlockId.PICKER_TYPE, values=picked,
                             user="USTRANGER")
    stack.settle()
    picked = {**picked, **field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "pause-invoice")}
    stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND, values=picked,
                             user="USTRANGER")
    stack.settle()
    denied = stack.client.suggest(view_id, ActionId.PICKER_RECORD, "100", user="USTRANGER")
    assert denied.status == 200 and denied.json["options"] == []
    allowed = stack.client.suggest(view_id, ActionId.PICKER_RECORD, "100", user="UOPER")
    assert "1001" in [o["value"] for o in allowed.json["options"]]


def test_a_form_change_is_checked_on_the_server_too(stack: Stack) -> None:
    stack.client.command("invoice payment 1001")
    stack.settle()
    view_id = stack.fake.calls("views.update", ok=True)[-1].args["view_id"]
    amount = field("amount", ActionId.FORM_FIELD, "plain_text_input", "lots")
    stack.client.view_action(view_id, ActionId.FORM_FIELD, block_id="amount", values=amount, user="UVIEW")
    stack.settle()
    shown = str(stack.fake.view(view_id)["blocks"])
    assert "amount-error" not in shown and "needs the operator role" in shown
