"""A dialog's form drawn from the store's mirror at once, marked "as of", while Billecta is slow: the
sandbox holds its replies (a latency fault the test ends) so the order of events is the test's to set.
Billecta's fresh figures then redraw the form without losing what the user typed, and a submit is
checked against them even when the mirror said otherwise."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from blocks.ids import ActionId
from bot.services import payments
from bot.services.mirror import resolve

from .conftest import Stack
from .payloads import field
from .test_e2e_dialog_view import _payment_values

pytestmark = pytest.mark.usefixtures("released")


@pytest.fixture
def released(stack: Stack) -> Iterator[None]:
    yield
    stack.sandbox.faults.release()  # a failed test must not leave the bot's threads held


def _until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(0.01)


def _texts(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def _open_held(stack: Stack, text: str = "invoice payment 1001", user: str = "UOPER") -> str:
    """The command with Billecta holding its replies; returns the modal once its fresh read is held."""
    stack.sandbox.faults.hold()
    reply, _ = stack.client.command(text, user=user)
    assert reply.status == 200
    view_id = str(stack.fake.wait_for("views.open")[0].result["view"]["id"])
    _until(lambda: stack.sandbox.faults.waiting >= 1, "the fresh read of the invoice reaching Billecta")
    return view_id


def _initial(view: dict[str, Any], block_id: str) -> Any:
    element = next(b["element"] for b in view["blocks"] if b.get("block_id") == block_id)
    return element.get("initial_value") or (element.get("initial_option") or {}).get("value")


def _pay_in_the_meantime(stack: Stack, minor: int) -> None:
    """Someone else's payment reaches Billecta while the bot's read is held."""
    stack.sandbox.register_incoming_payment(minor, "1001")


def test_the_form_shows_from_the_mirror_before_billecta_answers(stack: Stack) -> None:
    view_id = _open_held(stack)
    opened = stack.fake.view(view_id)
    assert opened["callback_id"] == "dialog-form-view"
    assert _initial(opened, "amount") == "1250.00"
    assert "As of " in _texts(opened) and "from the bot's copy; checking with Billecta" in _texts(opened)
    assert not stack.fake.calls("views.update")  # the form came with views.open itself
    assert stack.sandbox.faults.waiting == 1  # Billecta has not answered yet
    stack.sandbox.faults.release()
    stack.settle()
    checked = stack.fake.view(view_id)
    assert "As of " not in _texts(checked) and "Updated from Billecta" not in _texts(checked)
    assert _initial(checked, "amount") == "1250.00"
    assert len(stack.fake.calls("views.update", ok=True)) == 1


def test_the_writeoff_form_shows_from_the_mirror_too(stack: Stack) -> None:
    view_id = _open_held(stack, "invoice writeoff 1002", user="UADMIN")
    opened = stack.fake.view(view_id)
    assert any(b.get("block_id") == "amount" for b in opened["blocks"]) and "As of " in _texts(opened)
    assert "4\u00a0312,50\u00a0kr" in _texts(opened)  # what remains, from the mirror
    stack.sandbox.faults.release()
    stack.settle()
    assert "As of " not in _texts(stack.fake.view(view_id))


def test_fresh_figures_that_differ_redraw_the_form_keeping_what_the_user_chose(stack: Stack) -> None:
    view_id = _open_held(stack)
    chosen = {**_payment_values("1250.00"), **field("payment_means", ActionId.FORM_FIELD, "static_select", "SWISH")}
    stack.client.view_action(view_id, ActionId.FORM_FIELD, block_id="payment_means", values=chosen)
    stack.fake.wait_for("views.update", view_id=view_id)
    _pay_in_the_meantime(stack, 100000)
    stack.sandbox.faults.release()
    stack.settle()
    redrawn = stack.fake.view(view_id)
    assert "Updated from Billecta: Remaining was 1\u00a0250,00\u00a0kr, now 250,00\u00a0kr" in _texts(redrawn)
    assert _initial(redrawn, "payment_means") == "SWISH"  # what the user chose stays
    assert _initial(redrawn, "amount") == "250.00"  # the prefill the user left alone follows Billecta
    assert not any(b.get("block_id") == "amount-error" for b in redrawn["blocks"])


def test_an_amount_typed_against_the_mirror_gets_its_error_when_billectas_figures_arrive(stack: Stack) -> None:
    view_id = _open_held(stack)
    typed = _payment_values("1000")
    stack.client.view_action(view_id, ActionId.FORM_FIELD, block_id="amount", values=typed)
    stack.fake.wait_for("views.update", view_id=view_id)
    assert not any(b.get("block_id") == "amount-error" for b in stack.fake.view(view_id)["blocks"])
    _pay_in_the_meantime(stack, 100000)
    stack.sandbox.faults.release()
    stack.settle()
    redrawn = stack.fake.view(view_id)
    assert _initial(redrawn, "amount") == "1000"  # what was typed is kept…
    error = next(b for b in redrawn["blocks"] if b.get("block_id") == "amount-error")
    assert "Only 250,00\u00a0kr remains on invoice 1001" in json.dumps(error, ensure_ascii=False)  # …by Billecta's


def test_a_submit_before_billecta_answered_is_refused_under_the_field_by_the_fresh_figures(stack: Stack) -> None:
    view_id = _open_held(stack)
    _pay_in_the_meantime(stack, 100000)
    submitted = stack.client.submit(view_id, _payment_values("1000"))  # fine by the mirror's 1 250,00 kr
    assert submitted.json["response_action"] == "update"  # Working…
    stack.sandbox.faults.release()
    stack.settle()
    shown = stack.fake.view(view_id)
    error = next(b for b in shown["blocks"] if b.get("block_id") == "amount-error")
    assert "Only 250,00\u00a0kr remains on invoice 1001" in json.dumps(error, ensure_ascii=False)
    assert any(b.get("block_id") == "amount" for b in shown["blocks"])  # the form again, to correct
    assert stack.billecta.count("POST", "/v1/invoice/payment") == 0
    assert resolve(stack.rt, "invoice", "1001")["current_amount"] == 25000


def test_a_submit_after_billectas_figures_arrived_is_refused_at_once(stack: Stack) -> None:
    view_id = _open_held(stack)
    mirror_view = dict(stack.fake.view(view_id))  # its private_metadata still says 1 250,00 kr remains
    _pay_in_the_meantime(stack, 100000)
    stack.sandbox.faults.release()
    stack.settle()
    refused = stack.client.submit(view_id, _payment_values("1000"), view=mirror_view)
    assert refused.json["response_action"] == "errors"
    assert "Only 250,00\u00a0kr remains" in refused.json["errors"]["amount"]


def test_an_invoice_paid_in_full_meanwhile_replaces_the_form_with_the_reason(stack: Stack) -> None:
    view_id = _open_held(stack)
    _pay_in_the_meantime(stack, 125000)
    stack.sandbox.faults.release()
    stack.settle()
    shown = _texts(stack.fake.view(view_id))
    assert "invoice 1001 is completed" in shown and "nothing left to pay" in shown
    assert not any(b.get("block_id") == "amount" for b in stack.fake.view(view_id)["blocks"])


def test_an_invoice_the_store_does_not_know_loads_from_billecta_first(stack: Stack) -> None:
    stack.rt.store.db.execute("DELETE FROM invoice WHERE invoice_number = '1002'")
    reply, _ = stack.client.command("invoice payment 1002")
    assert reply.status == 200
    stack.settle()
    opened = stack.fake.calls("views.open", ok=True)[0]
    assert "Loading" in str(opened.args["view"]["blocks"])
    form = stack.fake.view(str(opened.result["view"]["id"]))
    assert _initial(form, "amount") == "4312.50" and "As of " not in _texts(form)


def test_the_mirror_twin_prepares_what_billecta_would(stack: Stack) -> None:
    for number in ("1001", "1002", "1003", "1004", "1007"):
        row = resolve(stack.rt, "invoice", number)
        quick = payments.prepare_from_mirror(stack.rt, row)
        assert quick is not None and quick.pop("as_of") == row["last_synced_at"]
        assert quick == payments.prepare(stack.rt, row)
    for number in ("1005", "1006"):  # completed: why no payment is possible is Billecta's to say, fresh
        assert payments.prepare_from_mirror(stack.rt, resolve(stack.rt, "invoice", number)) is None
    never_read = {**resolve(stack.rt, "invoice", "1001"), "last_synced_at": None}
    assert payments.prepare_from_mirror(stack.rt, never_read) is None
