"""Every invoice dialog's form is drawn from the store's mirror before Billecta answers (the sandbox holds
its replies), and a submit made on the mirror's figures is judged by Billecta's fresh ones: a figure
changed in Billecta after the mirror was read stops the submit, under the field or as the reason.

The payment and write-off forms have their own tests in test_e2e_mirror_form.py; these are the
use-credit, reminder, postpone, Swish and debt-collection forms (mirror twins from the stored whole
view, the mirrored debtor balances and the creditor's stored default settings)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.services.mirror import resolve
from bot.timefmt import format_day

from .conftest import Stack
from .test_e2e_credit_writeoff import _credit
from .test_e2e_debt_collection import _values as _collection
from .test_e2e_mirror_form import _initial, _open_held, _texts
from .test_e2e_reminder_postpone import _days, _reminder
from .test_e2e_swish import _values as _swish

pytestmark = pytest.mark.usefixtures("released")


@pytest.fixture
def released(stack: Stack) -> Iterator[None]:
    yield
    stack.sandbox.faults.release()  # a failed test must not leave the bot's threads held


def _from_mirror(stack: Stack, view_id: str) -> dict[str, Any]:
    """The modal as views.open drew it: the form itself, marked as of the mirror, Billecta still held."""
    opened = stack.fake.view(view_id)
    assert opened["callback_id"] == "dialog-form-view"
    assert "As of " in _texts(opened) and "from the bot's copy; checking with Billecta" in _texts(opened)
    assert not stack.fake.calls("views.update")  # the form came with views.open itself
    assert stack.sandbox.faults.waiting >= 1  # Billecta has not answered yet
    return opened


def _checked(stack: Stack, view_id: str) -> dict[str, Any]:
    stack.sandbox.faults.release()
    stack.settle()
    checked = stack.fake.view(view_id)
    assert "As of " not in _texts(checked)
    return checked


def _error(view: dict[str, Any], block_id: str) -> str:
    found = [b for b in view["blocks"] if b.get("block_id") == f"{block_id}-error"]
    assert found, f"no error under {block_id}: {_texts(view)}"
    return json.dumps(found[0], ensure_ascii=False)


# -- use credit ----------------------------------------------------------------------------------

def test_the_use_credit_form_shows_the_credit_and_its_target_from_the_mirror(stack: Stack) -> None:
    view_id = _open_held(stack, "invoice use-credit 1006")
    opened = _from_mirror(stack, view_id)
    assert "500,00\u00a0kr" in _texts(opened)  # the credit, from the mirrored debtor balance
    assert _initial(opened, "target") == "1001"  # the debtor's one other open invoice, from the mirror
    assert any(b.get("block_id") == "target" for b in _checked(stack, view_id)["blocks"])


def test_a_target_paid_down_meanwhile_stops_the_use_credit_submit_under_the_amount(stack: Stack) -> None:
    view_id = _open_held(stack, "invoice use-credit 1006")
    stack.sandbox.register_incoming_payment(95000, "1001")  # 300,00 kr left on the target now
    submitted = stack.client.submit(view_id, _credit("1001", "500"))  # right by the mirror's figures
    assert submitted.json["response_action"] == "update"  # Working…
    shown = _checked(stack, view_id)
    assert "Only 300,00\u00a0kr remains on invoice 1001" in _error(shown, "amount")
    assert stack.billecta.count("POST", "/v1/payments/matchpayments") == 0


# -- reminder ------------------------------------------------------------------------------------

def test_the_reminder_form_shows_the_creditors_fee_and_terms_from_the_store(stack: Stack) -> None:
    view_id = _open_held(stack, "invoice reminder 1002")
    opened = _from_mirror(stack, view_id)
    assert _initial(opened, "fee") == "60.00" and _initial(opened, "payment_terms_days") == "10"
    assert _initial(opened, "delivery_method") == "Email" and "4\u00a0312,50\u00a0kr" in _texts(opened)
    assert _initial(_checked(stack, view_id), "fee") == "60.00"


def test_a_payment_meanwhile_stops_the_reminder_submit_with_billectas_figures(stack: Stack) -> None:
    view_id = _open_held(stack, "invoice reminder 1002")
    stack.sandbox.register_incoming_payment(100000, "1002")
    submitted = stack.client.submit(view_id, _reminder("60", "10", "Email"))
    assert submitted.json["response_action"] == "update"
    shown = _checked(stack, view_id)
    assert "Remaining was 4\u00a0312,50\u00a0kr, now 3\u00a0312,50\u00a0kr" in _error(shown, "fee")
    assert "Nothing was sent" in _error(shown, "fee")
    assert stack.billecta.count("POST", "/v1/invoice/reminder") == 0
    again = stack.client.submit(view_id, _reminder("60", "10", "Email"), view=shown)  # seen now: it runs
    assert again.json["response_action"] == "update"
    stack.settle()
    assert "3\u00a0372,50\u00a0kr is now to pay" in _texts(stack.fake.view(view_id))
    assert stack.billecta.count("POST", "/v1/invoice/reminder") == 1


def test_an_invoice_paused_meanwhile_gets_the_reason_instead_of_a_reminder(stack: Stack) -> None:
    row = resolve(stack.rt, "invoice", "1002")
    stack.rt.billecta.pause_invoice(row["action_public_id"])  # in Billecta; the mirror still says not paused
    view_id = _open_held(stack, "invoice reminder 1002")
    _from_mirror(stack, view_id)
    stack.client.submit(view_id, _reminder("60", "10", "Email"))
    shown = _checked(stack, view_id)
    assert "Resume it first" in _texts(shown) and "invoice resume 1002" in _texts(shown)
    assert stack.billecta.count("POST", "/v1/invoice/reminder") == 0


# -- postpone ------------------------------------------------------------------------------------

def test_the_postpone_form_shows_the_next_event_from_the_mirror(stack: Stack) -> None:
    view_id = _open_held(stack, "invoice postpone 1001")
    opened = _from_mirror(stack, view_id)
    day = dt.date.fromisoformat(resolve(stack.rt, "invoice", "1001")["next_event_date"][:10])
    assert "The invoice falls due" in _texts(opened) and format_day(day) in _texts(opened)
    assert any(b.get("block_id") == "days" for b in _checked(stack, view_id)["blocks"])


def test_an_event_moved_in_billecta_after_the_mirror_was_read_stops_the_postpone_under_days(stack: Stack) -> None:
    row = resolve(stack.rt, "invoice", "1001")
    day = dt.date.fromisoformat(row["next_event_date"][:10])
    stack.rt.billecta.postpone_invoice(row["action_public_id"], day + dt.timedelta(days=5))  # not mirrored
    view_id = _open_held(stack, "invoice postpone 1001")
    assert format_day(day) in _texts(_from_mirror(stack, view_id))  # the mirror's date, as of its read
    submitted = stack.client.submit(view_id, _days("14"))
    assert submitted.json["response_action"] == "update"
    shown = _checked(stack, view_id)
    moved = _error(shown, "days")
    assert f"was on {format_day(day)}, now on {format_day(day + dt.timedelta(days=5))}" in moved
    assert stack.billecta.count("PUT", "/v1/invoice/postpone/") == 1  # the test's own move only


# -- Swish ---------------------------------------------------------------------------------------

def test_the_swish_form_shows_the_debtors_phone_from_the_mirror(stack: Stack) -> None:
    view_id = _open_held(stack, "invoice swish 1002")
    opened = _from_mirror(stack, view_id)
    assert _initial(opened, "phone") == "+46701234567" and "4\u00a0312,50\u00a0kr" in _texts(opened)
    assert _initial(_checked(stack, view_id), "phone") == "+46701234567"


def test_a_payment_meanwhile_stops_the_swish_request_before_it_pops_up(stack: Stack) -> None:
    view_id = _open_held(stack, "invoice swish 1002")
    stack.sandbox.register_incoming_payment(100000, "1002")
    submitted = stack.client.submit(view_id, _swish("+46701234567", "Payment of invoice 1002"))
    assert submitted.json["response_action"] == "update"
    shown = _checked(stack, view_id)
    assert "Remaining was 4\u00a0312,50\u00a0kr, now 3\u00a0312,50\u00a0kr" in _error(shown, "phone")
    assert stack.billecta.count("POST", "/v1/payments/swish") == 0


def test_a_request_the_bot_did_not_see_end_loads_from_billecta(stack: Stack) -> None:
    row = resolve(stack.rt, "invoice", "1002")
    raw = json.loads(row["raw"])
    raw["State"]["SwishPaymentPublicId"] = "unknown-to-the-bot"
    stack.rt.store.update("invoice", row["id"], {"raw": json.dumps(raw)})
    reply, _ = stack.client.command("invoice swish 1002")
    assert reply.status == 200
    stack.settle()
    opened = stack.fake.calls("views.open", ok=True)[0]
    assert "Loading" in str(opened.args["view"]["blocks"])  # whether it still waits is Billecta's to say



# -- debt collection -----------------------------------------------------------------------------

def test_the_debt_collection_form_says_what_happens_next_from_the_store(stack: Stack) -> None:
    view_id = _open_held(stack, "invoice debt-collection 1002", user="UADMIN")
    opened = _from_mirror(stack, view_id)
    assert "collection notice (inkassokrav) by e-mail" in _texts(opened) and "180,00\u00a0kr" in _texts(opened)
    assert "4\u00a0312,50\u00a0kr" in _texts(opened) and "10 days" in _texts(opened)  # the stored settings' terms
    assert _initial(_checked(stack, view_id), "delivery_method") == _initial(opened, "delivery_method")


def test_a_payment_meanwhile_stops_the_case_before_it_is_opened(stack: Stack) -> None:
    view_id = _open_held(stack, "invoice debt-collection 1002", user="UADMIN")
    stack.sandbox.register_incoming_payment(100000, "1002")
    submitted = stack.client.submit(view_id, _collection(), user="UADMIN")
    assert submitted.json["response_action"] == "update"
    shown = _checked(stack, view_id)
    assert "Remaining was 4\u00a0312,50\u00a0kr, now 3\u00a0312,50\u00a0kr" in _error(shown, "delivery_method")
    assert stack.billecta.count("POST", "/v1/debtcollection/actionfrominvoice") == 0
