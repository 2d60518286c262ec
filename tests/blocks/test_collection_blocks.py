"""The send-to-debt-collection form and the Undo messages: golden snapshots, ids, what the form states."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from blocks.forms import FormContext, form_module, form_view
from blocks.ids import ActionId
from blocks.undo import (
    expired_message,
    has_undo,
    result_message,
    result_view_with_undo,
    undone_message,
    with_undo,
    without_undo,
)
from bot.commands import by_slug
from bot.services.collection_form import DebtCollectionForm
from tests.golden import assert_golden
from tests.slack.slack_rules import check_any

GOLDEN = Path(__file__).parent / "golden"
PREPARED: dict[str, Any] = {
    "record": "invoice 1002", "currency": "SEK", "remaining_minor": 431250, "remaining": "4\u00a0312,50\u00a0kr",
    "due_date": "2026-11-17", "days_late": 14, "debtor": "Anna Andersson", "unreachable": {},
    "fee_minor": 18000, "terms_days": 10, "delivery_method": "Email", "reference": None,
    "reason": "Unpaid invoice 1002", "interest": "ref+8",
}
COMMAND = by_slug("send-to-debt-collection")


def golden(name: str, data: Any) -> None:
    check_any(data)
    assert_golden(GOLDEN, name, data)


def _ctx(values: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> FormContext:
    assert COMMAND is not None
    return FormContext(COMMAND, "invoice 1002", PREPARED, values or {}, errors or {})


def _text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def test_form_golden_and_its_inputs_are_the_form_fields() -> None:
    view = form_view(_ctx(), "{}")
    golden("debt_collection_form", view)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == list(DebtCollectionForm.model_fields)
    assert all(b["element"]["action_id"] == f"{ActionId.FORM_FIELD}.{name}" for name, b in inputs.items())
    assert inputs["delivery_method"]["element"]["initial_option"]["value"] == "Email"
    assert inputs["interest"]["element"]["initial_value"] == "ref+8" and not inputs["reference"].get("element", {}) \
        .get("initial_value")


def test_what_happens_next_follows_the_values_typed() -> None:
    text = _text(form_view(_ctx({"delivery_method": "Mail", "interest": "12"}), "{}"))
    assert "collection notice (inkassokrav) by letter." in text and "12 % a year (fixed)" in text
    assert "The statutory collection fee of 180,00\u00a0kr" in text and "14 days overdue" in text
    no_fee = form_view(FormContext(COMMAND, "invoice 1002", {**PREPARED, "fee_minor": None, "currency": "EUR"},  # type: ignore[arg-type]
                                   {}, {}), "{}")
    assert "the collection fee its agreement with the creditor sets" in _text(no_fee)
    unreadable = _text(form_view(_ctx({"interest": "lots"}), "{}"))
    assert "Interest from the due date: the interest given below." in unreadable


def test_errors_show_under_their_fields() -> None:
    view = form_view(_ctx({"interest": "lots"}, {"interest": "'lots' is not an interest rate.",
                                                 "reason": "Say what the claim is for."}), "{}")
    golden("debt_collection_form_errors", view)
    ids = [b.get("block_id") for b in view["blocks"]]
    assert ids.index("interest-error") == ids.index("interest") + 1 and ids.index("reason-error") == \
        ids.index("reason") + 1


def test_the_registry_names_this_module() -> None:
    assert COMMAND is not None and form_module(COMMAND).__name__ == "blocks.forms.debt_collection"


def test_undo_messages() -> None:
    result = result_message("invoice 1001 is paused. No reminders or escalations until it is resumed.", "{}")
    golden("undo_result", result)
    assert has_undo(result) and not has_undo(without_undo(result))
    undone = undone_message(result, "UOPER", "invoice 1001 is resumed.")
    golden("undo_undone", undone)
    assert not has_undo(undone) and "↩️ Undone by <@UOPER>: invoice 1001 is resumed." in _text(undone)
    golden("undo_expired", expired_message("invoice resume", "1001"))
    view = result_view_with_undo("Pause invoice", "invoice 1001 is paused.", "{}")
    check_any(view)
    assert has_undo(view) and result_view_with_undo("Pause invoice", "x", None)["blocks"][-1]["type"] != "actions"


def test_undo_joins_a_messages_other_buttons_and_leaves_them_when_taken_off() -> None:
    events = {"type": "actions", "elements": [{"type": "button", "action_id": "open-events.invoice",
                                               "text": {"type": "plain_text", "text": "Event log"}, "value": "x"}]}
    msg = {"text": "done", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "done"}}, events]}
    offered = with_undo(msg, "{}")
    assert [e["action_id"] for e in offered["blocks"][1]["elements"]] == [ActionId.UNDO, "open-events.invoice"]
    assert without_undo(offered)["blocks"] == msg["blocks"]
