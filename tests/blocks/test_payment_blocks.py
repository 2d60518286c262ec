"""The manual-payment form and result builders: golden snapshots, flow ids, prefill, errors, limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from blocks import limits
from blocks.forms import FormContext, form_module, form_view
from blocks.forms.payment import PaymentField, form_blocks, payment_form_blocks, payment_result_blocks
from blocks.ids import ActionId, matching
from bot.commands import by_slug
from bot.services import Outcome
from bot.services.payments import PaymentForm
from tests.golden import assert_golden
from tests.slack.slack_rules import check_any

GOLDEN = Path(__file__).parent / "golden"
PREPARED: dict[str, Any] = {
    "record": "invoice 1001", "currency": "SEK", "remaining_minor": 150000, "remaining": "1\u00a0500,00\u00a0kr",
    "invoice_date": "2026-11-01", "due_date": "2026-12-15", "debtor": "Nordic Café AB", "allowed": True,
    "reason": None, "amount": "1500.00", "payment_date": "2026-11-25", "overpayment": "None",
}


def golden(name: str, data: Any) -> None:
    check_any(data)
    assert_golden(GOLDEN, name, data)


def inputs(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in blocks if b["type"] == "input"}


def test_form_golden() -> None:
    golden("payment_form", payment_form_blocks(PREPARED))


def test_inputs_are_the_form_fields_with_the_flow_action_id() -> None:
    found = inputs(payment_form_blocks(PREPARED))
    shown_when_needed = {PaymentField.CONFIRM_OVERPAYMENT}
    assert list(found) == [f for f in PaymentField if f not in shown_when_needed]
    assert set(found) | shown_when_needed == set(PaymentForm.model_fields) == set(PaymentForm.FIELDS) | {"payment_date"}
    assert all(b["element"]["action_id"] == f"form-field.{name}" for name, b in found.items())
    assert all(matching(ActionId.FORM_FIELD).match(b["element"]["action_id"]) for b in found.values())
    assert found["reference"]["optional"] and not found["amount"]["optional"]


def test_prefilled_with_the_remaining_amount_today_and_refuse_overpayment() -> None:
    found = inputs(payment_form_blocks(PREPARED))
    assert found["amount"]["element"]["initial_value"] == "1500.00"
    assert found["payment_date"]["element"]["initial_date"] == "2026-11-25"
    assert found["overpayment"]["element"]["initial_option"]["value"] == "None"
    assert "initial_option" not in found["payment_means"]["element"]


def test_typed_values_win_and_errors_sit_under_their_field() -> None:
    values = {"amount": "99,5", "payment_means": "cash", "reference": "Kvitto 7", "overpayment": "AsOverPayments"}
    blocks = payment_form_blocks(PREPARED, values, {"amount": "Only 1\u00a0500,00\u00a0kr remains <here>."})
    golden("payment_form_errors", blocks)
    found = inputs(blocks)
    assert found["amount"]["element"]["initial_value"] == "99,5"
    assert found["payment_means"]["element"]["initial_option"]["value"] == "CASH"
    assert found["overpayment"]["element"]["initial_option"]["value"] == "AsOverPayments"
    index = next(i for i, b in enumerate(blocks) if b.get("block_id") == "amount")
    assert blocks[index + 1]["block_id"] == "amount-error"
    assert "&lt;here&gt;" in blocks[index + 1]["elements"][0]["text"]


def test_an_overpayment_above_the_invoiced_amount_adds_a_confirmation_stating_both_figures() -> None:
    prepared = {**PREPARED, "invoiced_minor": 150000}
    small = inputs(payment_form_blocks(prepared, {"amount": "1600", "overpayment": "AsOverPayments"}))
    assert PaymentField.CONFIRM_OVERPAYMENT not in small
    blocks = payment_form_blocks(prepared, {"amount": "15000", "overpayment": "AsOverPayments"})
    found = inputs(blocks)
    assert list(found)[-1] == PaymentField.CONFIRM_OVERPAYMENT and not found["confirm_overpayment"]["optional"]
    text = json.dumps(blocks, ensure_ascii=False)
    assert "15\u00a0000,00\u00a0kr is far more than the 1\u00a0500,00\u00a0kr invoiced on invoice 1001" in text
    assert limits.check_blocks(blocks, limits.VIEW_BLOCKS) == blocks


def test_refused_invoice_shows_the_reason_and_no_inputs() -> None:
    prepared = {**PREPARED, "allowed": False, "reason": "invoice 1005 is completed; there is nothing left to pay.",
                "remaining_minor": 0, "remaining": "0,00\u00a0kr", "amount": None}
    blocks = payment_form_blocks(prepared)
    golden("payment_form_refused", blocks)
    assert not inputs(blocks) and "nothing left to pay" in json.dumps(blocks)


def test_options_respect_slack_limits() -> None:
    for block in inputs(payment_form_blocks(PREPARED)).values():
        for option in block["element"].get("options", []):
            limits.check_option(option)
            assert len(option.get("description", {}).get("text", "")) <= limits.OPTION_TEXT


def test_the_dialog_flow_finds_and_wraps_the_form() -> None:
    command = by_slug("register-manual-payments")
    assert command is not None
    assert form_module(command).form_blocks is form_blocks
    ctx = FormContext(command, "invoice 1001", PREPARED, {"amount": "10"}, {"payment_date": "Not in the future."})
    view = form_view(ctx, "{}")
    ids = [b.get("block_id") for b in view["blocks"]]
    assert ids.count("payment_date-error") == 1  # placed by the form, not doubled by the flow
    limits.check_view(view)


def test_result_golden() -> None:
    outcome = Outcome("Registered 500,00\u00a0kr on invoice 1001; 1\u00a0000,00\u00a0kr remains.", "invoice", ["1001"],
                      details={"payment_id": 3, "stage": "InvoiceSent", "remaining_minor": 100000})
    golden("payment_result", payment_result_blocks(outcome))
    repeated = Outcome(outcome.message, "invoice", ["1001"], details={**outcome.details, "repeated": True})
    assert "Already registered" in json.dumps(payment_result_blocks(repeated))
