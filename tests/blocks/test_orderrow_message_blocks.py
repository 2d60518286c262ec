"""The order-row message form: golden snapshots (a draft, an attested invoice), Slack's rules, the count
of what is typed against the limit, and errors right under their fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from blocks.forms import FormContext
from blocks.forms.orderrow_message import COUNT_BLOCK, count_text, form_blocks
from bot.commands import by_slug
from bot.services.orderrow_message_form import MESSAGE_MAX
from tests.golden import assert_golden
from tests.slack.slack_rules import check_any

GOLDEN = Path(__file__).parent / "golden"
COMMAND = by_slug("add-message-to-orderrow")
DRAFT: dict[str, Any] = {
    "order_id": 1010, "order": "order 1010", "row": "row 1 (orderrow 101001)", "position": 1, "rows": 2,
    "state": "draft", "invoice": "draft invoice", "action_public_id": "aid", "max": MESSAGE_MAX, "kind": "row",
}
ATTESTED = {**DRAFT, "state": "attested", "invoice": "invoice 1010", "kind": "comment"}


def _form(prepared: dict[str, Any], values: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None) -> list[dict[str, Any]]:
    assert COMMAND is not None
    return form_blocks(FormContext(COMMAND, "orderrow 101001", prepared, values or {}, errors or {}))


def _block(blocks: list[dict[str, Any]], block_id: str) -> dict[str, Any]:
    return next(b for b in blocks if b.get("block_id") == block_id)


def test_draft_form_golden() -> None:
    blocks = _form(DRAFT)
    check_any(blocks)
    assert_golden(GOLDEN, "orderrow_message_form", blocks)
    assert _block(blocks, "kind")["element"]["initial_option"]["value"] == "row"


def test_attested_form_golden_says_the_rows_cannot_change_and_picks_the_comment() -> None:
    blocks = _form(ATTESTED, {"message": "Delivered late"})
    check_any(blocks)
    assert_golden(GOLDEN, "orderrow_message_attested", blocks)
    assert _block(blocks, "kind")["element"]["initial_option"]["value"] == "comment"
    assert "14 of" in _block(blocks, COUNT_BLOCK)["elements"][0]["text"]


@pytest.mark.parametrize(("typed", "shown"), [
    (None, f"0 of {MESSAGE_MAX} characters."), ("  Hej  ", f"3 of {MESSAGE_MAX} characters."),
    ("x" * MESSAGE_MAX, f"{MESSAGE_MAX} of {MESSAGE_MAX} characters."),
    ("x" * (MESSAGE_MAX + 2), f"⚠️ {MESSAGE_MAX + 2} characters: 2 over the limit of {MESSAGE_MAX}."),
])
def test_the_count_follows_what_is_typed(typed: str | None, shown: str) -> None:
    assert count_text(typed) == shown


def test_errors_show_right_under_their_fields() -> None:
    blocks = _form(DRAFT, {"message": " ", "kind": "comment"}, {"message": "Only spaces.", "kind": "Not here."})
    check_any(blocks)
    ids = [b.get("block_id") for b in blocks]
    assert ids.index("message-error") == ids.index("message") + 1
    assert ids.index("kind-error") == ids.index("kind") + 1
    assert _block(blocks, "kind")["element"]["initial_option"]["value"] == "comment"
