"""The write-off and use-credit form builders: golden snapshots, flow ids, the consequence stated as the
user types, errors under their field, Slack's limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from blocks.forms.use_credit import UseCreditField, use_credit_form_blocks
from blocks.forms.writeoff import WriteOffField, writeoff_form_blocks
from bot.services.use_credit import UseCreditForm
from bot.services.writeoff import WriteOffForm
from tests.golden import assert_golden
from tests.slack.slack_rules import check_any

GOLDEN = Path(__file__).parent / "golden"
WRITEOFF: dict[str, Any] = {
    "record": "invoice 1002", "currency": "SEK", "remaining_minor": 431250, "remaining": "4\u00a0312,50\u00a0kr",
    "invoiced": "4\u00a0312,50\u00a0kr", "invoice_date": "2026-10-03", "debtor": "Anna Andersson",
    "stage": "InvoiceSent", "date": "2026-11-25", "allowed": True,
}
CREDIT: dict[str, Any] = {
    "record": "invoice 1006", "source_number": "1006", "source_id": "7540000003", "currency": "SEK",
    "credit_minor": 50000, "credit": "500,00\u00a0kr", "debtor": "Nordic Café AB", "is_credit_invoice": True,
    "targets": {"1001": 125000, "1011": 30000}, "targets_more": False, "allowed": True,
}


def inputs(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in blocks if b["type"] == "input"}


def text(blocks: list[dict[str, Any]]) -> str:
    return " ".join(str(b.get("text", {}).get("text", "")) for b in blocks)


def test_writeoff_form_golden() -> None:
    blocks = writeoff_form_blocks(WRITEOFF)
    check_any(blocks)
    assert_golden(GOLDEN, "writeoff_form", blocks)


def test_writeoff_inputs_are_the_form_fields() -> None:
    found = inputs(writeoff_form_blocks(WRITEOFF))
    assert list(found) == list(WriteOffField) and set(found) == set(WriteOffForm.model_fields)
    assert all(b["element"]["action_id"] == f"form-field.{name}" for name, b in found.items())
    assert found["date"]["element"]["initial_date"] == "2026-11-25" and found["reason"]["optional"]


def test_writeoff_states_what_will_not_be_collected_as_typed() -> None:
    assert "*250,00\u00a0kr will not be collected* from the debtor; 4\u00a0062,50\u00a0kr remains to collect." in \
        text(writeoff_form_blocks(WRITEOFF, {"amount": "250"}))
    assert "nothing remains to collect and invoice 1002 is closed" in \
        text(writeoff_form_blocks(WRITEOFF, {"amount": "4 312,50"}))
    too_much = text(writeoff_form_blocks(WRITEOFF, {"amount": "9999"}))
    assert "At most 4\u00a0312,50\u00a0kr can be written off" in too_much


def test_writeoff_errors_sit_under_their_field() -> None:
    blocks = writeoff_form_blocks(WRITEOFF, {"amount": "x"}, {"amount": "Not <an> amount", "reason": "Too long"})
    ids = [b.get("block_id") for b in blocks]
    assert ids.index("amount-error") == ids.index("amount") + 1 and ids.index("reason-error") == ids.index("reason") + 1
    assert "Not &lt;an&gt; amount" in str(blocks)
    check_any(blocks)


def test_use_credit_form_golden() -> None:
    blocks = use_credit_form_blocks({**CREDIT, "target": "1001"})
    check_any(blocks)
    assert_golden(GOLDEN, "use_credit_form", blocks)


def test_use_credit_target_is_an_external_select_and_says_what_happens() -> None:
    blocks = use_credit_form_blocks(CREDIT)
    found = inputs(blocks)
    assert list(found) == list(UseCreditField) and set(found) == set(UseCreditForm.model_fields)
    target = found["target"]["element"]
    assert target["type"] == "external_select" and target["min_query_length"] == 0 and "initial_option" not in target
    assert found["target"]["dispatch_action"] and found["amount"]["optional"]
    assert "Pick one of the debtor's open invoices" in text(blocks)
    picked = use_credit_form_blocks(CREDIT, {"target": "1011"})
    assert inputs(picked)["target"]["element"]["initial_option"]["text"]["text"] == "1011 · 300,00\u00a0kr remaining"
    assert ("*300,00\u00a0kr* of the credit will be used on invoice 1011: it is then fully paid; 200,00\u00a0kr of "
            "credit is left.") in text(picked)
    check_any(picked)
