"""`payment match` and `payment delete` end to end: signed Slack requests through the HTTP endpoint against
the strict fake Slack — the modal shows the payment and (for a match) the ranked suggestions with their
confidence and why, every field refuses bad input under it, any open invoice is searched as the user
types, Billecta's own refusal shows under the field, a submit runs once, the outcome is posted to the
requester and NOTIFY_CHANNEL, and the mirror shows the payment and the invoice afterwards."""

from __future__ import annotations

import json
from typing import Any

from blocks.ids import ActionId, unique_id
from bot.sandbox import DEMO
from bot.services.labels import OPTION_TEXT, line
from bot.services.mirror import resolve

from .conftest import Stack
from .payloads import field

SUGGESTION, INVOICE, AMOUNT = (unique_id(ActionId.FORM_FIELD, name) for name in ("suggestion", "invoice", "amount"))
UNMATCHED = DEMO.unhandled_payments["unmatched"]


def _open(stack: Stack, text: str, user: str = "UOPER") -> str:
    reply, _ = stack.client.command(text, user=user)
    assert reply.status == 200 and reply.text == ""
    stack.settle()
    return str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])


def _shown(stack: Stack, view_id: str) -> str:
    return json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)


def _block(stack: Stack, view_id: str, block_id: str) -> dict[str, Any]:
    return next(b for b in stack.fake.view(view_id)["blocks"] if b.get("block_id") == block_id)


def _match(suggestion: str | None = None, invoice: str | None = None, amount: str | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if suggestion:
        values.update(field("suggestion", SUGGESTION, "radio_buttons", suggestion))
    if invoice:
        values.update(field("invoice", INVOICE, "external_select", invoice))
    return {**values, **field("amount", AMOUNT, "plain_text_input", amount)}


def _delete(amount: str | None) -> dict[str, Any]:
    return field("amount", AMOUNT, "plain_text_input", amount)


def _payment_id(stack: Stack) -> str:
    return str(resolve(stack.rt, "payment", UNMATCHED)["id"])


# -- match ----------------------------------------------------------------------------------------

def test_match_shows_suggestions_refuses_bad_input_and_matches_once(stack: Stack) -> None:
    pid = _payment_id(stack)
    reference = resolve(stack.rt, "payment", pid)["reference"]
    view_id = _open(stack, f"payment match {pid}")
    form = stack.fake.view(view_id)
    assert form["callback_id"] == "dialog-form-view" and form["submit"]["text"] == "Match payment"
    shown = _shown(stack, view_id)
    assert reference in shown and "Nordic Cafe" in shown and "5402-8812" in shown  # OCR, sender, account
    assert "*Suggested invoices*, likeliest first" in shown
    assert "is one typing mistake from the paid" in shown  # each suggestion says why
    assert "amount equals the remaining 1\u00a0250,00\u00a0kr" in shown
    radio = _block(stack, view_id, "suggestion")["element"]
    assert radio["type"] == "radio_buttons" and radio["options"][0]["value"] == "1001"
    assert radio["initial_option"]["value"] == "1001"  # a high-confidence first suggestion is prefilled
    assert radio["options"][-1]["value"] == "other"
    assert _block(stack, view_id, "invoice")["element"]["type"] == "external_select"

    # Any open invoice can be searched, each shown as its record line; closed ones are not offered.
    found = stack.client.suggest(view_id, INVOICE, "")
    values = [o["value"] for o in found.json["options"]]
    assert values[0] == "1001" and "1002" in values and "1008" not in values and "1006" not in values
    anna = stack.client.suggest(view_id, INVOICE, "anna")
    assert [o["text"]["text"] for o in anna.json["options"]] == [
        line("invoice", resolve(stack.rt, "invoice", "1002"), limit=OPTION_TEXT)]
    assert stack.client.suggest(view_id, INVOICE, "", user="UVIEW").json["options"] == []  # may not run it

    # Bad input, field by field.
    bad = stack.client.submit(view_id, _match("1001", amount="200"))
    assert bad.json["response_action"] == "errors"
    assert "Billecta matches a payment in full (its match has no amount): 1\u00a0250,00\u00a0kr here" in \
        bad.json["errors"]["amount"]
    assert "not an amount" in stack.client.submit(view_id, _match("1001", amount="abc")).json["errors"]["amount"]
    both = stack.client.submit(view_id, _match("1001", "1002")).json["errors"]["invoice"]
    assert "You picked the suggestion 1001 and searched invoice 1002" in both
    nothing = stack.client.submit(view_id, _match("other")).json["errors"]["invoice"]
    assert "search the invoice to match the payment to" in nothing.lower()

    # A closed invoice typed in the search: the service's fresh read refuses it under the field.
    closed = stack.client.submit(view_id, _match("other", "1008"))
    assert closed.json["response_action"] == "update"
    stack.settle()
    assert "Invoice 1008 is completed; pick an open invoice." in _shown(stack, view_id)
    assert stack.billecta.count("POST", "matchpayments") == 0

    view_id = _open(stack, f"payment match {pid}")
    submitted = stack.fake.view(view_id)
    good = stack.client.submit(view_id, _match("1001", amount="1 250,00"), view=submitted)
    again = stack.client.submit(view_id, _match("1001", amount="1 250,00"), view=submitted)  # delivered twice
    assert good.json["response_action"] == again.json["response_action"] == "update"
    stack.settle()
    message = f"Matched payment {pid} (1\u00a0250,00\u00a0kr from Nordic Cafe) to invoice 1001: it is now fully paid."
    assert message in _shown(stack, view_id)
    assert any(message in post["text"] for post in stack.posts("CNOTIFY"))
    assert stack.billecta.count("POST", "matchpayments") == 1
    assert resolve(stack.rt, "invoice", "1001")["stage"] == "Completed"
    assert resolve(stack.rt, "payment", pid)["state"] == "UsedOnInvoice"
    audited = stack.rt.store.rows("audit", "command = 'payment match'")[-1]
    assert (audited["outcome"], audited["actor"]) == ("ok", "UOPER")

    # Used now: a second match is refused before any form, with the reason.
    view_id = _open(stack, f"payment match {pid}")
    assert "was already used on invoice 1001; it cannot be matched" in _shown(stack, view_id)
    assert not any(b.get("type") == "input" for b in stack.fake.view(view_id)["blocks"])


def test_billectas_refusal_of_a_match_is_shown_under_the_field(stack: Stack) -> None:
    """Nordic Café's credit balance searched onto Anna's invoice: Billecta's ResponseMessage, in the modal."""
    balance = str(resolve(stack.rt, "payment", DEMO.unhandled_payments["balance"])["id"])
    view_id = _open(stack, f"payment match {balance}")
    reply = stack.client.submit(view_id, _match("other", "1002"))
    assert reply.json["response_action"] == "update"
    stack.settle()
    shown = _shown(stack, view_id)
    assert f"Billecta refused to match payment {balance} to invoice 1002: The balance belongs to another debtor." \
        in shown
    assert _block(stack, view_id, "invoice-error")  # under the field, the form still there to pick another
    assert resolve(stack.rt, "invoice", "1002")["current_amount"] == 431_250


def test_match_is_for_operators(stack: Stack) -> None:
    stack.client.command(f"payment match {_payment_id(stack)}", user="UVIEW")
    stack.settle()
    assert not stack.fake.calls("views.open", ok=True)
    said = json.dumps([c.args for c in stack.fake.calls("_response", ok=True)], ensure_ascii=False)
    assert "payment match" in said and "operator" in said.lower()


# -- delete ---------------------------------------------------------------------------------------

def test_delete_shows_the_payment_checks_the_typed_amount_and_deletes_once(stack: Stack) -> None:
    pid = _payment_id(stack)
    view_id = _open(stack, f"payment delete {pid}", user="UADMIN")
    form = stack.fake.view(view_id)
    assert form["submit"]["text"] == "Delete payment"
    shown = _shown(stack, view_id)
    reference = resolve(stack.rt, "payment", pid)["reference"]
    for fact in ("1\u00a0250,00\u00a0kr", "Nordic Cafe", reference, "5402-8812", "Payment date"):
        assert fact in shown, fact
    assert "The money will not be matched to any invoice." in shown
    assert "Billecta acts on them as soon as you submit" in shown  # dangerous
    assert "initial_value" not in _block(stack, view_id, "amount")["element"]  # the admin types it

    stack.client.view_action(view_id, AMOUNT, block_id="amount", values=_delete("1250,01"), user="UADMIN")
    stack.settle()
    assert "That is not the payment's amount: it is 1\u00a0250,00\u00a0kr" in _shown(stack, view_id)  # as typed
    for typed, says in (("1250,01", "That is not the payment's amount: it is 1\u00a0250,00\u00a0kr"),
                        ("lots", "is not an amount"), ("0", "more than 0"),
                        ("1,250.00.0", "is not an amount")):
        errors = stack.client.submit(view_id, _delete(typed), user="UADMIN").json["errors"]
        assert says in errors["amount"], (typed, errors)
    assert stack.billecta.count("DELETE", "unhandledpayment") == 0

    submitted = stack.fake.view(view_id)
    good = stack.client.submit(view_id, _delete("1 250,00"), user="UADMIN", view=submitted)
    again = stack.client.submit(view_id, _delete("1 250,00"), user="UADMIN", view=submitted)
    assert good.json["response_action"] == again.json["response_action"] == "update"
    stack.settle()
    message = (f"Deleted payment {pid} (1\u00a0250,00\u00a0kr from Nordic Cafe, ref {reference}) in Billecta. "
               "The money will not be matched to any invoice.")
    assert message in _shown(stack, view_id)
    assert any(message in post["text"] for post in stack.posts("CNOTIFY"))
    assert stack.billecta.count("DELETE", "unhandledpayment") == 1
    assert resolve(stack.rt, "payment", pid)["state"] == "Deleted"
    audited = stack.rt.store.rows("audit", "command = 'payment delete'")[-1]
    assert (audited["outcome"], audited["actor"]) == ("ok", "UADMIN")

    view_id = _open(stack, f"payment delete {pid}", user="UADMIN")
    assert "is already deleted in Billecta; it cannot be deleted" in _shown(stack, view_id)


def test_delete_is_for_admins(stack: Stack) -> None:
    stack.client.command(f"payment delete {_payment_id(stack)}", user="UOPER")
    stack.settle()
    assert not stack.fake.calls("views.open", ok=True)
    said = json.dumps([c.args for c in stack.fake.calls("_response", ok=True)], ensure_ascii=False)
    assert "payment delete" in said and "admin" in said.lower()


def test_a_match_whose_reply_billecta_lost_is_reported_done_once(stack: Stack) -> None:
    pid = _payment_id(stack)
    view_id = _open(stack, f"payment match {pid}")
    stack.sandbox.set_faults(lose_next=1, lose_reply_mode="503")  # matched, then answered 503
    assert stack.client.submit(view_id, _match("1001")).json["response_action"] == "update"
    stack.settle()
    assert stack.sandbox.faults.lose_next == 0, "the match's reply was lost"
    message = f"Matched payment {pid} (1\u00a0250,00\u00a0kr from Nordic Cafe) to invoice 1001: it is now fully paid."
    assert message in _shown(stack, view_id)
    assert len([post for post in stack.posts("CNOTIFY") if message in post["text"]]) == 1
    assert stack.billecta.count("POST", "matchpayments") == 1  # looked up, not sent again
    assert resolve(stack.rt, "invoice", "1001")["current_amount"] == 0


def test_a_delete_whose_reply_billecta_lost_is_reported_done_once(stack: Stack) -> None:
    pid = _payment_id(stack)
    view_id = _open(stack, f"payment delete {pid}", user="UADMIN")
    stack.sandbox.set_faults(lose_next=1)
    assert stack.client.submit(view_id, _delete("1250"), user="UADMIN").json["response_action"] == "update"
    stack.settle()
    assert stack.sandbox.faults.lose_next == 0, "the delete's reply was lost"
    assert f"Deleted payment {pid} (1\u00a0250,00\u00a0kr from Nordic Cafe" in _shown(stack, view_id)
    assert stack.billecta.count("DELETE", "unhandledpayment") == 1
    assert resolve(stack.rt, "payment", pid)["state"] == "Deleted"
