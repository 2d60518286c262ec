"""The reminder and postpone form builders: golden snapshots, flow ids, prefill, errors, the new date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from blocks.forms.postpone import NEW_DATE_BLOCK, postpone_form_blocks
from blocks.forms.reminder import ReminderField, reminder_form_blocks
from bot.services.postpone import PostponeForm
from bot.services.reminder_form import ReminderForm
from tests.golden import assert_golden
from tests.slack.slack_rules import check_any

GOLDEN = Path(__file__).parent / "golden"
REMINDER: dict[str, Any] = {
    "record": "invoice 1002", "currency": "SEK", "remaining_minor": 431250, "remaining": "4\u00a0312,50\u00a0kr",
    "due_date": "2026-11-16", "debtor": "Anna Andersson", "reminders_sent": 0, "allowed": True, "reason": None,
    "fee": "60.00", "payment_terms_days": "10", "delivery_method": "Email",
}
POSTPONE: dict[str, Any] = {"record": "invoice 1001", "event": "the invoice falls due", "event_date": "2026-12-21",
                            "today": "2026-12-01", "remaining": "1\u00a0250,00\u00a0kr", "allowed": True}


def golden(name: str, data: Any) -> None:
    check_any(data)
    assert_golden(GOLDEN, name, data)


def inputs(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in blocks if b["type"] == "input"}


def text(blocks: list[dict[str, Any]], block_id: str) -> str:
    block = next(b for b in blocks if b.get("block_id") == block_id)
    return str(block["elements"][0]["text"])


def test_reminder_form_golden() -> None:
    golden("reminder_form", reminder_form_blocks(REMINDER))


def test_reminder_inputs_are_the_form_fields_prefilled() -> None:
    found = inputs(reminder_form_blocks(REMINDER))
    assert list(found) == list(ReminderField) == list(ReminderForm.model_fields)
    assert all(b["element"]["action_id"] == f"form-field.{name}" for name, b in found.items())
    assert found["fee"]["element"]["initial_value"] == "60.00" and "(SEK)" in found["fee"]["label"]["text"]
    assert found["payment_terms_days"]["element"]["initial_value"] == "10"
    assert found["delivery_method"]["element"]["initial_option"]["text"]["text"] == "E-mail"


def test_reminder_typed_values_win_and_errors_sit_under_their_field() -> None:
    blocks = reminder_form_blocks(REMINDER, {"fee": "0", "delivery_method": "Kivra"},
                                  {"fee": "The fee <cannot> be negative."})
    found = inputs(blocks)
    assert found["fee"]["element"]["initial_value"] == "0"
    assert found["delivery_method"]["element"]["initial_option"]["value"] == "Kivra"
    ids = [b.get("block_id") for b in blocks]
    assert ids[ids.index("fee") + 1] == "fee-error" and "&lt;cannot&gt;" in text(blocks, "fee-error")
    check_any(blocks)


def test_a_refused_reminder_shows_the_reason_and_no_inputs() -> None:
    blocks = reminder_form_blocks({**REMINDER, "allowed": False, "reason": "Invoice 1002 is paused."})
    assert not inputs(blocks) and "Invoice 1002 is paused." in str(blocks)


def test_postpone_form_golden() -> None:
    golden("postpone_form", postpone_form_blocks(POSTPONE))
    golden("postpone_form_typed", postpone_form_blocks(POSTPONE, {"days": "10"}))


def test_postpone_shows_the_date_the_typed_days_give() -> None:
    assert list(inputs(postpone_form_blocks(POSTPONE))) == list(PostponeForm.model_fields) == ["days"]
    assert "Type the days" in text(postpone_form_blocks(POSTPONE), NEW_DATE_BLOCK)
    assert "New date: *31 Dec* (Thursday), 10 days after 21 Dec" in \
        text(postpone_form_blocks(POSTPONE, {"days": "10"}), NEW_DATE_BLOCK)
    assert "New date: *1 Jan 2027*" in text(postpone_form_blocks(POSTPONE, {"days": "11"}), NEW_DATE_BLOCK)
    assert "New date: —" in text(postpone_form_blocks(POSTPONE, {"days": "999"}, {"days": "Give between"}),
                                 NEW_DATE_BLOCK)
    days = inputs(postpone_form_blocks(POSTPONE))["days"]
    assert days["dispatch_action"] and days["element"]["dispatch_action_config"]["trigger_actions_on"] == \
        ["on_character_entered"]


def test_a_method_that_cannot_reach_the_debtor_says_so_on_its_option() -> None:
    blocks = reminder_form_blocks({**REMINDER, "delivery_method": "Mail",
                                   "unreachable": {"Email": "Anna Andersson has no e-mail address in Billecta."}})
    options = {o["value"]: o for o in inputs(blocks)["delivery_method"]["element"]["options"]}
    assert options["Email"]["description"]["text"] == "Not possible: the debtor has no e-mail address"
    assert options["Mail"]["description"]["text"] == "Printed and posted by Billecta"
    check_any(blocks)
