"""The payment modal's money path end to end: one run per submission, a crash resolved from what
Billecta shows, the overpayment confirmation step, and sealed modal state and button values."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from blocks.ids import ActionId
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import AmountView, RegisterPaymentView
from bot.once import Once
from bot.process import this_process
from bot.services.mirror import resolve
from handlers.flows.common import submission_key

from .conftest import Stack
from .payloads import field, find_element

DEAD = "999999/1/" + this_process().split("/")[2]


def _values(amount: str, overpayment: str = "None", confirm: str | None = None) -> dict[str, Any]:
    values = {
        **field("amount", ActionId.FORM_FIELD, "plain_text_input", amount),
        **field("payment_date", ActionId.FORM_FIELD, "datepicker", dt.date.today().isoformat()),
        **field("payment_means", ActionId.FORM_FIELD, "static_select", "BG"),
        **field("overpayment", ActionId.FORM_FIELD, "radio_buttons", overpayment),
    }
    if confirm is not None:
        values.update(field("confirm_overpayment", ActionId.FORM_FIELD, "plain_text_input", confirm))
    return values


def _open(stack: Stack, text: str) -> str:
    stack.client.command(text)
    stack.settle()
    return str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])


def _payments(stack: Stack) -> int:
    return stack.billecta.count("POST", "payment") + stack.billecta.count("PUT", "payment")


def _shown(stack: Stack, view_id: str) -> str:
    return json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)


def test_a_double_submit_registers_once_and_both_show_the_result(stack: Stack) -> None:
    view_id = _open(stack, "invoice payment 1001")
    view = stack.fake.view(view_id)
    first = stack.client.submit(view_id, _values("100"), view=view)
    again = stack.client.submit(view_id, _values("100"), view=view)  # Slack delivered it twice
    assert first.json["response_action"] == again.json["response_action"] == "update"
    stack.settle()
    assert _payments(stack) == 1
    assert "Registered 100,00\u00a0kr on invoice 1001" in _shown(stack, view_id)
    assert "already confirmed" not in _shown(stack, view_id)


def test_a_submission_left_by_a_killed_bot_is_looked_up_not_called_confirmed(stack: Stack) -> None:
    view_id = _open(stack, "invoice payment 1001")
    view = stack.fake.view(view_id)
    values = _values("100")
    key = f"dialog:register-manual-payments:1001:{submission_key({**view, 'state': {'values': values}})}"
    # The bot was killed mid-payment: its claim is left, and Billecta did book the payment.
    assert stack.rt.store.claim(key, owner=DEAD)
    once = Once(stack.rt.store, key)
    stack.rt.store.mark_claim(key, "sending", {"token": once.token})
    stack.rt.billecta.register_payment(RegisterPaymentView(
        action_public_id=resolve(stack.rt, "invoice", "1001")["action_public_id"],
        amount=AmountView.from_minor(10000, "SEK"), payment_mean_code="BG", date=dt.datetime.now(STOCKHOLM),
        comment=f"Registered by billecta-bot ({once.token})"))
    booked = _payments(stack)

    stack.client.submit(view_id, values, view=view)  # Slack retries the delivery after the restart
    stack.settle()
    shown = _shown(stack, view_id)
    assert "on invoice 1001" in shown and "confirmed earlier" in shown and "already confirmed" not in shown
    assert _payments(stack) == booked  # found in Billecta, not sent again
    assert stack.rt.store.claim_row(key)["status"] == "done"  # type: ignore[index]


def test_an_overpayment_above_the_invoiced_amount_has_a_confirmation_step(stack: Stack) -> None:
    view_id = _open(stack, "invoice payment 1001")
    asked = stack.client.submit(view_id, _values("12500", "AsOverPayments"))
    # The form comes back with a confirmation field that states both figures.
    assert asked.json["response_action"] == "update"
    text = json.dumps(asked.json["view"]["blocks"], ensure_ascii=False)
    assert "12\u00a0500,00\u00a0kr is far more than the 1\u00a0250,00\u00a0kr invoiced on invoice 1001" in text
    assert any(b.get("block_id") == "confirm_overpayment" for b in asked.json["view"]["blocks"])
    assert _payments(stack) == 0
    shown = {**stack.fake.view(view_id), **asked.json["view"], "id": view_id}  # Slack shows the updated form
    wrong = stack.client.submit(view_id, _values("12500", "AsOverPayments", confirm="1250"), view=shown)
    assert wrong.json["response_action"] == "errors" and "confirm_overpayment" in wrong.json["errors"]
    done = stack.client.submit(view_id, _values("12500", "AsOverPayments", confirm="12500"), view=shown)
    assert done.json["response_action"] == "update"
    stack.settle()
    assert _payments(stack) == 1 and "Registered 12\u00a0500,00\u00a0kr on invoice 1001" in _shown(stack, view_id)


def test_changed_private_metadata_is_refused(stack: Stack) -> None:
    view_id = _open(stack, "invoice payment 1001")
    view = stack.fake.view(view_id)
    meta, _, mac = view["private_metadata"].rpartition("~")
    state = json.loads(meta)
    state["prepared"]["invoice_date"] = "1999-01-01"  # what the form checks the date against
    forged = {**view, "private_metadata": json.dumps(state) + "~" + mac}
    reply = stack.client.submit(view_id, _values("100"), view=forged)
    assert reply.json["response_action"] == "update"
    assert "came back changed" in json.dumps(reply.json["view"]) and _payments(stack) == 0
    unsealed = stack.client.submit(view_id, _values("100"), view={**view, "private_metadata": meta})
    assert "came back changed" in json.dumps(unsealed.json["view"]) and _payments(stack) == 0
    refused = stack.rt.store.rows("audit", "outcome = 'refused'")
    assert len(refused) == 2 and refused[0]["actor"] == "UOPER"


def test_a_changed_button_value_is_refused(stack: Stack) -> None:
    _, url = stack.client.command("invoice pause 1001")
    stack.settle()
    button = find_element(stack.responses(url)[-1]["blocks"], ActionId.ACTION_CONFIRM)
    meta, _, mac = button["value"].rpartition("~")
    forged = {**button, "value": meta.replace("1001", "1002") + "~" + mac}
    stack.client.click_message(forged, response_url=url)
    stack.settle()
    assert "came back changed" in json.dumps(stack.responses(url)[-1])
    assert stack.billecta.count("PUT", "pause") == 0 and stack.billecta.count("POST", "pause") == 0
