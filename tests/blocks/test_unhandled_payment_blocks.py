"""The match-payment and delete-payment form builders: the payment shown for verification, the ranked
suggestions with confidence and why, where a payment's excess goes as the user picks, errors under their
field, and Slack's limits."""

from __future__ import annotations

from typing import Any

from blocks.forms.payment_delete import delete_form_blocks
from blocks.forms.payment_match import match_form_blocks
from tests.slack.slack_rules import check_any

PAYMENT: dict[str, Any] = {
    "record": "payment 7", "payment_id": "c23aa651-dca7-5dcf-8235-ab7f8bf892bd", "amount_minor": 150_000,
    "currency": "SEK", "amount_text": "1\u00a0500,00\u00a0kr", "paid_on": "2026-11-30", "paid_on_text": "30 Nov",
    "sender": "Nordic Cafe <AB>", "reference": "101064", "kind": "a bank payment Billecta could not match to an "
    "invoice", "source_invoice": None, "debtor_public_id": None, "sender_org_no": None, "sender_address": None,
    "bank_account": None,
}
SUGGESTED = [
    {"n": "1001", "c": 93, "level": "high", "why": "OCR 100164 is one typing mistake from the paid 101064",
     "left": 125_000, "debtor": "Nordic Café AB"},
    {"n": "1011", "c": 4, "level": "low", "why": "The sender Nordic Cafe is the debtor Nordic Café AB",
     "left": 300_000, "debtor": "Nordic Café AB"},
]


def inputs(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in blocks if b["type"] == "input"}


def text(blocks: list[dict[str, Any]]) -> str:
    return " ".join(str(b.get("text", {}).get("text", "")) + " ".join(
        f.get("text", "") for f in b.get("fields", [])) for b in blocks)


def test_the_match_form_ranks_the_suggestions_and_says_where_the_excess_goes() -> None:
    prepared = {**PAYMENT, "suggested": SUGGESTED, "open_count": 2, "suggestion": "1001"}
    blocks = match_form_blocks(prepared)
    check_any(blocks)
    shown = text(blocks)
    assert "Nordic Cafe &lt;AB&gt;" in shown and "101064" in shown and "not given by the bank" in shown
    assert "*93 %* — invoice 1001" in shown and "OCR 100164 is one typing mistake" in shown
    assert shown.index("invoice 1001") < shown.index("invoice 1011")
    assert ("*1\u00a0250,00\u00a0kr* goes to invoice 1001, which is then fully paid; the *250,00\u00a0kr* more is "
            "kept as the debtor's overpayment") in shown
    radio = inputs(blocks)["suggestion"]["element"]
    assert [o["value"] for o in radio["options"]] == ["1001", "1011", "other"]
    assert radio["initial_option"]["value"] == "1001"
    assert inputs(blocks)["invoice"]["optional"] is True

    picked = match_form_blocks(prepared, {"suggestion": "1011"})
    assert "*1\u00a0500,00\u00a0kr* goes to invoice 1011: 1\u00a0500,00\u00a0kr then remains to pay on it." in \
        text(picked)
    balance = match_form_blocks({**prepared, "source_invoice": "1006"})
    assert "more stays the debtor's balance from invoice 1006" in text(balance)


def test_the_match_form_without_suggestions_requires_a_search_and_shows_errors_under_fields() -> None:
    prepared = {**PAYMENT, "suggested": [], "open_count": 5}
    blocks = match_form_blocks(prepared, {"amount": "12"}, {"invoice": "Pick one", "amount": "Billecta matches"})
    check_any(blocks)
    assert "suggestion" not in inputs(blocks) and inputs(blocks)["invoice"]["optional"] is False
    assert "No open invoice looks like this payment's (5 open in its currency)" in text(blocks)
    ids = [b.get("block_id") for b in blocks]
    assert ids.index("invoice-error") == ids.index("invoice") + 1 and ids.index("amount-error") == \
        ids.index("amount") + 1
    assert inputs(blocks)["amount"]["element"]["initial_value"] == "12"


def test_the_delete_form_shows_the_payment_and_asks_for_its_amount() -> None:
    blocks = delete_form_blocks({**PAYMENT, "bank_account": "5402-8812", "sender_org_no": "556000-0001",
                                 "sender_address": "Storgatan 1, 111 22 Stockholm"}, errors={"amount": "Not it"})
    check_any(blocks)
    shown = text(blocks)
    for fact in ("1\u00a0500,00\u00a0kr", "30 Nov", "101064", "5402-8812", "556000-0001", "Storgatan 1"):
        assert fact in shown, fact
    assert "*The money will not be matched to any invoice.*" in shown
    amount = inputs(blocks)["amount"]
    assert "(1\u00a0500,00\u00a0kr)" in amount["label"]["text"] and amount["dispatch_action"] is True
    assert "initial_value" not in amount["element"]
    assert [b.get("block_id") for b in blocks][-1] == "amount-error"
