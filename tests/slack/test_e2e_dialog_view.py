"""Dialog and view flows end to end: the payment form (form from the mirror → Billecta's figures → errors →
result) and the event log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from blocks.ids import ActionId

from .conftest import Stack
from .payloads import field, find_element


def _payment_values(amount: str) -> dict[str, Any]:
    today = dt.date.today().isoformat()
    return {
        **field("amount", ActionId.FORM_FIELD, "plain_text_input", amount),
        **field("payment_date", ActionId.FORM_FIELD, "datepicker", today),
        **field("payment_means", ActionId.FORM_FIELD, "static_select", "BG"),
        **field("reference", ActionId.FORM_FIELD, "plain_text_input", "bank 42"),
        **field("overpayment", ActionId.FORM_FIELD, "radio_buttons", "None"),
    }


def _open(stack: Stack, text: str) -> str:
    reply, _ = stack.client.command(text)
    assert reply.status == 200 and reply.text == ""
    stack.settle()
    opened = stack.fake.calls("views.open", ok=True)
    assert len(opened) == 1
    return str(opened[0].result["view"]["id"])


def test_payment_dialog(stack: Stack) -> None:
    view_id = _open(stack, "invoice payment 1001")
    form = stack.fake.view(view_id)
    assert form["callback_id"] == "dialog-form-view"
    assert any(b.get("block_id") == "amount" for b in form["blocks"])

    bad = stack.client.submit(view_id, _payment_values("lots"))
    assert bad.json["response_action"] == "errors" and "amount" in bad.json["errors"]

    stack.client.view_action(view_id, ActionId.FORM_FIELD, block_id="amount", values=_payment_values("lots"))
    stack.settle()
    shown = stack.fake.view(view_id)["blocks"]
    assert any(b.get("block_id") == "amount-error" for b in shown), "on-change error under the field"

    good = stack.client.submit(view_id, _payment_values("100"))
    assert good.json["response_action"] == "update"
    again = stack.client.submit(view_id, _payment_values("100"))  # a resubmitted modal
    assert again.status == 200
    stack.settle()
    result = stack.fake.view(view_id)
    assert "✅" in result["blocks"][1]["text"]["text"] and "1001" in result["blocks"][1]["text"]["text"]
    assert stack.billecta.count("POST", "payment") + stack.billecta.count("PUT", "payment") == 1
    assert any("1001" in p["text"] for p in stack.posts("CNOTIFY"))


def test_payment_on_a_closed_invoice_says_why(stack: Stack) -> None:
    stack.client.command("invoice payment 9999")
    stack.settle()
    view_id = stack.fake.calls("views.open", ok=True)[-1]
    updated = stack.fake.calls("views.update", ok=True)[-1].args
    assert updated["view_id"] and "9999" in updated["view"]["blocks"][-1]["text"]["text"]
    assert view_id


def test_event_log_view_filter_and_export(stack: Stack) -> None:
    view_id = _open(stack, "invoice events 1002")
    view = stack.fake.view(view_id)
    assert view["callback_id"] == "view-modal" and "invoice 1002" in view["blocks"][1]["text"]["text"]
    filters = field("text", ActionId.VIEW_OPTION, "plain_text_input", "invoice")
    stack.client.view_action(view_id, ActionId.VIEW_OPTION, block_id="text", values=filters)
    stack.settle()
    assert len(stack.fake.calls("views.update", ok=True)) >= 2
    stack.client.view_action(view_id, "view-export.csv", block_id="events-buttons", action_value="csv")
    stack.settle()
    completed = stack.fake.calls("files.completeUploadExternal", ok=True)
    assert completed and completed[-1].args.get("channel_id") == "DUOPER"  # to the requester, not the channel
    (shared,) = stack.fake.uploaded().values()
    assert shared.filename.startswith("events-invoice-1002-text-invoice-") and shared.filename.endswith("-rows.csv")
    rows = shared.content.decode("utf-8-sig").count("\r\n") - 1
    assert f"-{rows}-row" in shared.filename and rows > 0
    comment = completed[-1].args["initial_comment"]
    assert "invoice 1002" in comment and "“invoice”" in comment and f"{rows} row" in comment


def test_an_empty_export_says_so_instead_of_sending_a_file(stack: Stack) -> None:
    view_id = _open(stack, "invoice events 1002")
    filters = field("text", ActionId.VIEW_OPTION, "plain_text_input", "no-such-words")
    stack.client.view_action(view_id, ActionId.VIEW_OPTION, block_id="text", values=filters)
    stack.settle()
    stack.client.view_action(view_id, "view-export.csv", block_id="events-buttons", action_value="csv",
                             values=filters)
    stack.settle()
    assert not stack.fake.calls("files.getUploadURLExternal")
    said = stack.posts("DUOPER")[-1]["text"]
    assert "Nothing to export" in said and "“no-such-words”" in said


def test_an_unexpected_error_in_a_dialog_is_audited_with_its_reference(stack: Stack, monkeypatch: Any) -> None:
    from bot.services import payments

    view_id = _open(stack, "invoice payment 1001")

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(payments, "fresh_view", broken)
    stack.client.submit(view_id, _payment_values("100"))
    stack.settle()
    shown = str(stack.fake.view(view_id)["blocks"])
    reference = shown.split("reference `")[1].split("`")[0]
    audited = stack.rt.store.rows("audit", "command = 'invoice payment'")[-1]
    assert audited["outcome"] == "error" and reference in audited["detail"] and audited["actor"] == "UOPER"
    # The alert names the invoice and offers the form again (and the event log).
    monkeypatch.undo()
    alert = stack.posts("CALERT")[-1]
    assert "invoice 1001" in alert["text"] and find_element(alert["blocks"], ActionId.OPEN_EVENTS)
    stack.client.click_message(find_element(alert["blocks"], ActionId.OPEN_COMMAND), ephemeral=False,
                               channel="CALERT", message_ts="300.3")
    stack.settle()
    reopened = stack.fake.view(stack.fake.opened())
    assert reopened["callback_id"] == "dialog-form-view" and "invoice 1001" in str(reopened["blocks"])


def test_an_export_goes_to_the_requester_even_from_a_channel_the_bot_is_not_in(stack: Stack) -> None:
    stack.fake.state.outside.add("CPRIVATE")
    stack.client.command("invoice events 1002", channel="CPRIVATE")
    stack.settle()
    view_id = str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])
    stack.client.view_action(view_id, "view-export.json", block_id="events-buttons", action_value="json")
    stack.settle()
    assert [c.args.get("channel_id") for c in stack.fake.calls("files.completeUploadExternal")] == ["DUOPER"]
    assert "error" not in str(stack.fake.view(view_id)["blocks"]).lower()


def test_billectas_refusal_of_a_payment_is_an_answer_not_an_alert(stack: Stack, monkeypatch: Any) -> None:
    from bot.errors import BillectaRejected

    view_id = _open(stack, "invoice payment 1001")

    def refused(*args: object, **kwargs: object) -> None:
        raise BillectaRejected("The invoice is locked for payments.")

    monkeypatch.setattr(stack.rt.billecta, "register_payment", refused)
    stack.client.submit(view_id, _payment_values("100"))
    stack.settle()
    assert "Billecta refused: The invoice is locked for payments." in str(stack.fake.view(view_id)["blocks"])
    assert stack.rt.store.rows("audit", "command = 'invoice payment'")[-1]["outcome"] == "refused"
    assert not stack.posts("CALERT")
