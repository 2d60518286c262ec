"""`orderrow message` end to end: signed Slack requests through the HTTP endpoint, against the strict fake
Slack and the demo sandbox. Loading… → the form (where the order stands) → the character count as the
message is typed → bad input under the field → submit → the row in its place in the store, the outcome
in the modal and NOTIFY_CHANNEL naming `order upsert`; an attested invoice offers the comment, which is
posted once; a row that does not exist says so instead of a form."""

from __future__ import annotations

import json
from typing import Any

from blocks.forms.orderrow_message import COUNT_BLOCK
from blocks.ids import ActionId, unique_id
from bot.services import orders
from bot.services.orderrow_message_form import MESSAGE_MAX

from .conftest import Stack
from .payloads import field


def _open(stack: Stack, text: str) -> str:
    reply, _ = stack.client.command(text)
    assert reply.status == 200 and reply.text == ""
    stack.settle()
    opened = stack.fake.calls("views.open", ok=True)
    assert len(opened) == 1 and "Loading" in opened[0].args["view"]["blocks"][-1]["text"]["text"]
    return str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def _text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def _values(message: str, kind: str = "row") -> dict[str, Any]:
    return {**field("message", unique_id(ActionId.FORM_FIELD, "message"), "plain_text_input", message),
            **field("kind", unique_id(ActionId.FORM_FIELD, "kind"), "radio_buttons", kind)}


def _type(stack: Stack, view_id: str, message: str, kind: str = "row") -> dict[str, Any]:
    stack.client.view_action(view_id, unique_id(ActionId.FORM_FIELD, "message"), block_id="message",
                             values=_values(message, kind))
    stack.settle()
    return stack.fake.view(view_id)


def _count(view: dict[str, Any]) -> str:
    return str(_block(view, COUNT_BLOCK)["elements"][0]["text"])


def _order_texts(stack: Stack) -> list[str]:
    rows = stack.rt.store.rows("orderrow", "order_id = 1010", order_by="position, id")
    return [row["description"] if row["record_type"] == "Message" else str(row["id"]) for row in rows]


def test_the_message_row_dialog_counts_as_typed_and_adds_the_row_in_its_place(stack: Stack) -> None:
    view_id = _open(stack, "orderrow message 101001")
    form = stack.fake.view(view_id)
    assert form["callback_id"] == "dialog-form-view"
    assert "draft invoice in Billecta" in _text(form) and "order upsert 1010" in _text(form)
    message = _block(form, "message")["element"]
    assert message["dispatch_action_config"] == {"trigger_actions_on": ["on_character_entered"]}
    assert _count(form) == f"0 of {MESSAGE_MAX} characters."
    kind = _block(form, "kind")["element"]
    assert kind["initial_option"]["value"] == "row"
    assert [o["text"]["text"] for o in kind["options"]] == ["Message row on the invoice", "Comment on the invoice"]

    for typed in ("D", "Delivered"):  # each character dispatches; the count follows
        assert _count(_type(stack, view_id, typed)) == f"{len(typed)} of {MESSAGE_MAX} characters."
    long = _type(stack, view_id, "x" * (MESSAGE_MAX + 5))
    assert "5 over the limit" in _count(long)
    assert f"At most {MESSAGE_MAX} characters" in _block(long, "message-error")["elements"][0]["text"]
    assert not any(b.get("block_id") == "message-error" for b in _type(stack, view_id, "Delivered")["blocks"])

    for bad, says in (("   ", "only spaces"), ("x" * (MESSAGE_MAX + 1), "At most")):
        reply = stack.client.submit(view_id, _values(bad))
        assert reply.json["response_action"] == "errors" and says in reply.json["errors"]["message"]
    assert _order_texts(stack) == ["101001", "101002"]

    good = stack.client.submit(view_id, _values("Delivered to the back entrance"))
    assert good.json["response_action"] == "update"
    again = stack.client.submit(view_id, _values("Delivered to the back entrance"))  # a resubmitted modal
    assert again.status == 200
    stack.settle()
    assert _order_texts(stack) == ["101001", "Delivered to the back entrance", "101002"]
    result = _text(stack.fake.view(view_id))
    assert "it is row 2 of 3" in result and "`order upsert 1010`" in result
    assert any("Delivered to the back entrance" in p["text"] and "order upsert 1010" in p["text"]
               for p in stack.posts("CNOTIFY"))
    audited = stack.rt.store.rows("audit", "command = 'orderrow message'", order_by="id desc", limit=1)[0]
    assert audited["outcome"] == "ok" and audited["actor"] == "UOPER"
    assert stack.billecta.count("PUT", "/v1/invoice/action/") == 0  # the draft gets it at the next upsert


def test_an_attested_invoice_offers_the_comment_and_posts_it_once(stack: Stack) -> None:
    orders.attest_order(stack.rt, "1010")
    view_id = _open(stack, "orderrow message 101001")
    form = stack.fake.view(view_id)
    assert "which is attested: its rows cannot change" in _text(form)
    assert _block(form, "kind")["element"]["initial_option"]["value"] == "comment"

    row = stack.client.submit(view_id, _values("Delivered late", "row"))
    assert row.json["response_action"] == "errors" and "kind=comment" in row.json["errors"]["kind"]

    good = stack.client.submit(view_id, _values("Delivered late", "comment"))
    assert good.json["response_action"] == "update"
    stack.client.submit(view_id, _values("Delivered late", "comment"))
    stack.settle()
    assert stack.billecta.count("POST", "/v1/invoice/comment") == 1
    assert "Commented on invoice 1010" in _text(stack.fake.view(view_id))
    assert _order_texts(stack) == ["101001", "101002"]


def test_a_lost_reply_on_the_comment_is_looked_up_before_anything_is_sent_again(stack: Stack) -> None:
    orders.attest_order(stack.rt, "1010")
    view_id = _open(stack, "orderrow message 101001")
    stack.sandbox.set_faults(lose_next=1)  # Billecta adds the comment; its reply is lost
    stack.client.submit(view_id, _values("Called the customer", "comment"))
    stack.settle()
    assert "could not tell" in _text(stack.fake.view(view_id))
    second = _open_again(stack, "orderrow message 101001")
    stack.client.submit(second, _values("Called the customer", "comment"))
    stack.settle()
    assert "Commented on invoice 1010" in _text(stack.fake.view(second))
    assert stack.billecta.count("POST", "/v1/invoice/comment") == 1


def _open_again(stack: Stack, text: str) -> str:
    before = len(stack.fake.calls("views.open", ok=True))
    stack.client.command(text)
    stack.settle()
    assert len(stack.fake.calls("views.open", ok=True)) == before + 1
    return str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])


def test_an_unknown_row_says_so_instead_of_a_form(stack: Stack) -> None:
    view_id = _open(stack, "orderrow message 999")
    shown = stack.fake.view(view_id)
    assert not any(b.get("type") == "input" for b in shown["blocks"])
    assert "There is no orderrow 999 in the bot's store." in _text(shown)
