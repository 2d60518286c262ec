"""`invoice writeoff` and `invoice use-credit` end to end: signed Slack requests through the HTTP endpoint
against the strict fake Slack — the modal opens with its prefills, every field refuses bad input under
it, the target is searched as the user types, a submit runs once, and the outcome is posted."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from blocks.ids import ActionId, unique_id
from bot.services.labels import OPTION_TEXT, line
from bot.services.mirror import resolve
from bot.services.payment_form import stockholm_today

from .conftest import Stack
from .payloads import field

TARGET = unique_id(ActionId.FORM_FIELD, "target")


def _open(stack: Stack, text: str, user: str = "UOPER") -> str:
    reply, _ = stack.client.command(text, user=user)
    assert reply.status == 200 and reply.text == ""
    stack.settle()
    return str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])


def _shown(stack: Stack, view_id: str) -> str:
    return json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)


def _block(stack: Stack, view_id: str, block_id: str) -> dict[str, Any]:
    return next(b for b in stack.fake.view(view_id)["blocks"] if b.get("block_id") == block_id)


def _writeoff(amount: str, day: str | None = None, reason: str = "") -> dict[str, Any]:
    return {**field("amount", unique_id(ActionId.FORM_FIELD, "amount"), "plain_text_input", amount),
            **field("date", unique_id(ActionId.FORM_FIELD, "date"), "datepicker", day or stockholm_today().isoformat()),
            **field("reason", unique_id(ActionId.FORM_FIELD, "reason"), "plain_text_input", reason)}


def _credit(target: str | None, amount: str | None = None) -> dict[str, Any]:
    values = field("target", TARGET, "external_select", target) if target else {}
    return {**values, **field("amount", unique_id(ActionId.FORM_FIELD, "amount"), "plain_text_input", amount)}


# -- write-off ------------------------------------------------------------------------------------

def test_write_off_form_errors_submit_and_outcome(stack: Stack) -> None:
    view_id = _open(stack, "invoice writeoff 1002", user="UADMIN")
    form = stack.fake.view(view_id)
    assert form["callback_id"] == "dialog-form-view" and form["submit"]["text"] == "Write off"
    assert _block(stack, view_id, "date")["element"]["initial_date"] == stockholm_today().isoformat()
    assert "initial_value" not in _block(stack, view_id, "amount")["element"]  # the amount is the admin's to type
    shown = _shown(stack, view_id)
    assert "Billecta acts on them as soon as you submit" in shown  # dangerous
    assert "At most 4\u00a0312,50\u00a0kr can be written off" in shown

    stack.client.view_action(view_id, unique_id(ActionId.FORM_FIELD, "amount"), block_id="amount",
                             values=_writeoff("312,50"), user="UADMIN")
    stack.settle()
    assert "312,50\u00a0kr will not be collected* from the debtor; 4\u00a0000,00\u00a0kr remains to collect" in \
        _shown(stack, view_id)

    tomorrow = (stockholm_today() + dt.timedelta(days=1)).isoformat()
    bad = stack.client.submit(view_id, _writeoff("5000", tomorrow, "x" * 201), user="UADMIN")
    assert bad.json["response_action"] == "errors"
    errors = bad.json["errors"]
    assert "Only 4\u00a0312,50\u00a0kr remains on invoice 1002" in errors["amount"]
    assert "cannot be in the future" in errors["date"] and "at most 200 characters" in errors["reason"]
    assert stack.client.submit(view_id, _writeoff("lots"), user="UADMIN").json["errors"]["amount"].endswith(
        "is not an amount. Type it like 1 234,50 or 1234.50.")

    submitted = stack.fake.view(view_id)
    good = stack.client.submit(view_id, _writeoff("312,50", reason="Rounding difference"), user="UADMIN",
                               view=submitted)
    again = stack.client.submit(view_id, _writeoff("312,50", reason="Rounding difference"), user="UADMIN",
                                view=submitted)  # Slack delivered the submission twice
    assert good.json["response_action"] == again.json["response_action"] == "update"
    stack.settle()
    message = ("Wrote off 312,50\u00a0kr on invoice 1002: it will not be collected; 4\u00a0000,00\u00a0kr remains "
               "to collect.")
    assert message in _shown(stack, view_id)
    assert any(message in post["text"] for post in stack.posts("CNOTIFY"))
    assert stack.billecta.count("POST", "payment") == 1
    assert resolve(stack.rt, "invoice", "1002")["write_off_amount"] == 31250
    audited = stack.rt.store.rows("audit", "command = 'invoice writeoff'")[-1]
    assert (audited["outcome"], audited["actor"]) == ("ok", "UADMIN")


def test_write_off_is_for_admins(stack: Stack) -> None:
    stack.client.command("invoice writeoff 1002", user="UOPER")
    stack.settle()
    assert not stack.fake.calls("views.open", ok=True)
    said = json.dumps([c.args for c in stack.fake.calls("_response", ok=True)], ensure_ascii=False)
    assert "invoice writeoff" in said and "admin" in said.lower()


def test_write_off_on_a_completed_invoice_says_why_instead_of_a_form(stack: Stack) -> None:
    view_id = _open(stack, "invoice writeoff 1008", user="UADMIN")
    shown = _shown(stack, view_id)
    assert "invoice 1008 is completed (fully paid, credited or written off); nothing is left to write off." in shown
    assert not any(b.get("type") == "input" for b in stack.fake.view(view_id)["blocks"])
    assert stack.billecta.count("POST", "payment") == 0


# -- use credit -----------------------------------------------------------------------------------

def test_use_credit_search_errors_submit_and_outcome(stack: Stack) -> None:
    view_id = _open(stack, "invoice use-credit 1006")
    target = _block(stack, view_id, "target")
    assert target["element"]["type"] == "external_select" and target["element"]["initial_option"]["value"] == "1001"
    shown = _shown(stack, view_id)
    assert "500,00\u00a0kr" in shown and "Nordic Café AB" in shown
    assert "*500,00\u00a0kr* of the credit will be used on invoice 1001: 750,00\u00a0kr remains to pay on it" in shown

    found = stack.client.suggest(view_id, TARGET, "")
    assert [o["value"] for o in found.json["options"]] == ["1001"]
    assert found.json["options"][0]["text"]["text"] == line("invoice", resolve(stack.rt, "invoice", "1001"),
                                                           limit=OPTION_TEXT)
    assert stack.client.suggest(view_id, TARGET, "4312").json["options"] == []
    assert stack.client.suggest(view_id, TARGET, "", user="UVIEW").json["options"] == []  # may not run it

    bad = stack.client.submit(view_id, _credit("1002", "200"))
    assert bad.json["response_action"] == "errors"
    assert "Invoice 1002 is not one of Nordic Café AB's open invoices" in bad.json["errors"]["target"]
    wrong_amount = stack.client.submit(view_id, _credit("1001", "200")).json["errors"]["amount"]
    assert "Billecta uses a credit in full, up to what remains on the invoice: 500,00\u00a0kr" in wrong_amount
    assert "not an amount" in stack.client.submit(view_id, _credit("1001", "abc")).json["errors"]["amount"]
    assert "Choose the invoice" in stack.client.submit(view_id, _credit(None)).json["errors"]["target"]

    good = stack.client.submit(view_id, _credit("1001"))
    assert good.json["response_action"] == "update"
    stack.settle()
    message = ("Used 500,00\u00a0kr of the credit of invoice 1006 on invoice 1001: 750,00\u00a0kr remains to pay on "
               "invoice 1001; no credit is left.")
    assert message in _shown(stack, view_id)
    assert any(message in post["text"] for post in stack.posts("CNOTIFY"))
    assert stack.billecta.count("POST", "matchpayments") == 1
    assert resolve(stack.rt, "invoice", "1001")["current_amount"] == 75000


def test_use_credit_from_an_invoice_without_credit_says_what_applies(stack: Stack) -> None:
    view_id = _open(stack, "invoice use-credit 1001")
    assert ("is not a credit invoice and no overpayment on it was kept as a debtor balance" in _shown(stack, view_id))
    assert "run `invoice use-credit` on the credit invoice with `target=1001`" in _shown(stack, view_id)
    assert "<" not in _shown(stack, view_id)  # no mrkdwn control characters in the answer
    assert stack.billecta.count("POST", "matchpayments") == 0
