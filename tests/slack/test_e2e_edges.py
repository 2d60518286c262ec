"""Hostile input at the HTTP endpoint: huge slash text, malformed Slack headers."""

from __future__ import annotations

import pytest

from .conftest import Stack
from .payloads import field, sign
from .slack_rules import check_message

HUGE = 40_000


@pytest.mark.parametrize("text", ["x" * HUGE, "invoice pause " + "9" * HUGE, "zzz " + "y " * (HUGE // 2),
                                  "invoice " + "q" * HUGE, "invoice events " + "1" * HUGE])
def test_a_huge_slash_text_gets_a_short_reply(stack: Stack, text: str) -> None:
    reply, _ = stack.client.command(text)
    assert reply.status == 200
    body = reply.json
    check_message(body)  # what Slack would show: within its limits
    assert len(reply.text) < 8_000, reply.text[:300]



@pytest.mark.parametrize("text", ["invoice pause " + "9" * 3900, "invoice pause " + "a" * 3900,
                                  "invoice payment 1001 --" + "z" * 3900 + " 5",
                                  "invoice events 1001 --text " + "t" * 3900])
def test_long_input_under_the_cap_is_echoed_short(stack: Stack, text: str) -> None:
    reply, response_url = stack.client.command(text)
    stack.settle()
    answers = [reply.json] if reply.text else []
    answers += stack.responses(response_url)
    answers += [c.args for c in stack.fake.calls("chat.postEphemeral", ok=True)]
    answers += [c.args for c in stack.fake.calls("views.update", ok=True)]
    assert answers, "no reply at all"
    assert not stack.fake.calls(ok=False), [c.error for c in stack.fake.calls(ok=False)]
    for answer in answers:
        assert len(str(answer)) < 8_000, str(answer)[:300]


def _raw(stack: Stack, headers: dict[str, str], body: str = "command=%2Fbillecta&text=help&user_id=UOPER") -> int:
    return stack.client.http.post(stack.client.url, content=body.encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded", **headers}).status_code


@pytest.mark.parametrize("timestamp", ["abc", "", "1e9", "-1", "1.5", "0x10"])
def test_a_malformed_request_timestamp_is_refused_401(stack: Stack, timestamp: str) -> None:
    body = "command=%2Fbillecta&text=help&user_id=UOPER&team_id=T1&channel_id=CWORK"
    headers = {**sign("test-signing-secret", body), "X-Slack-Request-Timestamp": timestamp}
    assert _raw(stack, headers) == 401


def test_missing_headers_are_refused_401(stack: Stack) -> None:
    assert _raw(stack, {"X-Slack-Request-Timestamp": "abc"}) == 401
    assert _raw(stack, {}) == 401
    assert _raw(stack, {"X-Slack-Signature": "v0=00"}) == 401


@pytest.mark.parametrize("body", ["payload=%7Bnot-json", "payload=", "payload=%5B%5D", "x=%ZZ", "payload=null"])
def test_a_signed_but_malformed_body_is_refused_without_a_traceback(stack: Stack, body: str) -> None:
    status = _raw(stack, sign("test-signing-secret", body), body)
    assert status in (400, 401, 404), status


@pytest.mark.parametrize("text", ["invoice " + " ".join(str(n) for n in range(1000, 9000, 2)),
                                  "x" * HUGE, "debtor " + ", ".join(f"{n}-{n + 1}" for n in range(1, 20000, 3))])
def test_a_message_shortcut_on_a_huge_message_opens_a_picker(stack: Stack, text: str) -> None:
    record_type = text.split()[0] if text[0] != "x" else "invoice"
    reply = stack.client.message_shortcut(record_type, {"text": text[:HUGE]})
    assert reply.status == 200
    stack.settle()
    assert stack.fake.calls("views.open", ok=True), [c.error for c in stack.fake.calls(ok=False)]


def test_a_long_filter_typed_in_the_event_log_keeps_the_modal_working(stack: Stack) -> None:
    stack.client.command("invoice events 1001")
    stack.settle()
    view_id = str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])
    before = len(stack.fake.calls("views.update", ok=True))
    typed = field("text", "view-option.text", "plain_text_input", "t" * 3000)  # Slack's most for a text input
    stack.client.view_action(view_id, "view-option.text", block_id="text", values=typed)
    stack.settle()
    assert len(stack.fake.calls("views.update", ok=True)) > before, [c.error for c in stack.fake.calls(ok=False)]
    assert "No events match" in str(stack.fake.view(view_id)["blocks"])
