"""The Swish form and the Swish request's message: golden snapshots, Slack's rules, the fields under
which errors show, and the cancel button only while the payer has not answered."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from blocks.forms import FormContext
from blocks.forms.swish import form_blocks
from blocks.ids import ActionId
from blocks.swish import swish_message
from bot.commands import by_slug
from bot.jobs.swish import SwishRequest
from tests.golden import assert_golden
from tests.slack.slack_rules import check_any

GOLDEN = Path(__file__).parent / "golden"
COMMAND = by_slug("swish-request")
PREPARED: dict[str, Any] = {
    "record": "invoice 1002", "currency": "SEK", "remaining_minor": 431250, "remaining": "4\u00a0312,50\u00a0kr",
    "debtor": "Anna Andersson", "allowed": True, "phone": "+4631123456", "phone_field": "debtor.phone",
    "phone_problem": "+4631123456 is not a Swedish mobile number; Swish needs one (e.g. 070-123 45 67).",
    "message": "Payment of invoice 1002", "expires_minutes": 3,
}
PENDING = SwishRequest(
    id=7, claim_key="dialog:swish-request:1002:a", token="TOKEN", invoice_key="1002", action_public_id="aid",
    record_label="invoice 1002", phone="+46 70 123 45 67", message="Payment of invoice 1002", amount_minor=431250,
    currency="SEK", status="Created", error=None, requested_by="UOPER", source="slack", channel="CWORK",
    thread_ts=None, created_at="2026-12-02T09:10:00+00:00", deadline_at=None, polls=0, finished_at=None,
    cancelled_by=None, payment_recorded=False)


def _form(values: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> list[dict[str, Any]]:
    assert COMMAND is not None
    return form_blocks(FormContext(COMMAND, "invoice 1002", PREPARED, values or {}, errors or {}))


def test_form_golden_flags_a_prefilled_landline_under_the_phone() -> None:
    blocks = _form()
    check_any(blocks)
    assert_golden(GOLDEN, "swish_form", blocks)
    ids = [b.get("block_id") for b in blocks]
    assert ids.index("phone-error") == ids.index("phone") + 1


def test_a_typed_phone_replaces_the_prefill_and_its_problem() -> None:
    blocks = _form({"phone": "0701234567"})
    assert not any(b.get("block_id") == "phone-error" for b in blocks)
    blocks = _form({"phone": "0701234567", "message": "x" * 60}, {"message": "At most 50 characters"})
    assert [b.get("block_id") for b in blocks][-1] == "message-error"


def test_pending_message_golden_with_its_cancel_button() -> None:
    message = swish_message(PENDING)
    check_any(message["blocks"])
    assert_golden(GOLDEN, "swish_pending", message)
    assert f"{ActionId.SWISH_CANCEL}.7" in str(message["blocks"])


def test_an_ended_request_has_no_cancel_button() -> None:
    for status in ("Paid", "Declined", "Cancelled", "TimedOut", "Error"):
        ended = dataclasses.replace(PENDING, status=status, finished_at="2026-12-02T09:12:00+00:00")
        message = swish_message(ended)
        check_any(message["blocks"])
        assert ActionId.SWISH_CANCEL not in str(message["blocks"]) and "Event log" in str(message["blocks"])
    paid = swish_message(dataclasses.replace(PENDING, status="Paid", finished_at="2026-12-02T09:12:00+00:00"))
    assert paid["text"].startswith("✅") and "Billecta registered the payment" in paid["text"]
