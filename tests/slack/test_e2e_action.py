"""The action flow end to end: /billecta invoice pause 1001 → confirmation → click → paused, posted."""

from __future__ import annotations

from blocks.ids import ActionId

from .conftest import Stack
from .payloads import find_element


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
    assert button["confirm"]["confirm"]["text"]  # Slack's own confirm dialog on the button
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
    assert len(stack.billecta.calls) == calls and not stack.rt.store.rows("audit", "command = 'invoice pause'")
