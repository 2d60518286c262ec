"""Confirmations read like a finance tool: one confirmation for what can be undone, unambiguous
choices, the typed count without its answer in the field, the sum restated; forms check as you type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from blocks.confirm import action_message, action_view, bulk_message, bulk_view, choices
from blocks.ids import ActionId, BlockId
from bot import commands as registry
from bot.commands import Command, Kind

from .conftest import Stack
from .payloads import field, find_element
from .slack_rules import check_message, check_view

CONFIRMED = [c for c in registry.COMMANDS if c.kind in (Kind.ACTION, Kind.BULK)]


def _command(slug: str) -> Command:
    command = registry.by_slug(slug)
    assert command is not None
    return command


@pytest.mark.parametrize("command", CONFIRMED, ids=lambda c: c.slug)
def test_the_two_choices_say_what_they_do(command: Command) -> None:
    go, keep = choices(command)
    assert go != keep and keep not in ("Cancel", "OK", "No", "Close") and "Cancel" not in keep
    assert len(go) <= 24 and len(keep) <= 24  # they are also a modal's submit and close
    check_view(action_view(command, "invoice 1001", "{}"))


@pytest.mark.parametrize("command", [c for c in CONFIRMED if c.kind is Kind.ACTION], ids=lambda c: c.slug)
def test_reversible_actions_confirm_once_and_dangerous_ones_warn(command: Command) -> None:
    msg = action_message(command, "invoice 1001", "{}")
    check_message(msg)
    keep = find_element(msg["blocks"], ActionId.CANCEL)  # type: ignore[arg-type]
    assert keep["text"]["text"] == choices(command)[1] and "style" not in keep
    if command.typed_confirmation:  # the button opens the modal where the invoice number is typed
        go = find_element(msg["blocks"], ActionId.ACTION_TYPED_OPEN)  # type: ignore[arg-type]
        assert go["text"]["text"] == choices(command)[0] + "…" and go["style"] == "danger"
        assert ActionId.ACTION_CONFIRM not in str(msg["blocks"])
        return
    go = find_element(msg["blocks"], ActionId.ACTION_CONFIRM)  # type: ignore[arg-type]
    assert go["text"]["text"] == choices(command)[0]
    if command.dangerous:
        assert go["style"] == "danger" and go["confirm"]["deny"]["text"] == choices(command)[1]
    else:
        assert go["style"] == "primary" and "confirm" not in go


def test_the_dispute_pair_is_unambiguous() -> None:
    assert choices(_command("cancel-disputed-invoice")) == ("End dispute", "Keep disputed")
    assert choices(_command("pause-invoice")) == ("Pause invoice", "Don't pause")


def test_a_one_record_typed_confirmation_asks_for_the_invoice_number_without_showing_it_in_the_field() -> None:
    cancel = _command("cancel-debtcollection")
    view = action_view(cancel, "debtcollection 7540000005 (invoice 1007)", "{}", "1007")
    check_view(view)
    (typed,) = [b for b in view["blocks"] if b.get("block_id") == BlockId.TYPED_ANSWER]
    assert "placeholder" not in typed["element"] and "initial_value" not in typed["element"]
    assert typed["label"]["text"] == "End debt collection: type the invoice number, 1007, to confirm."


def test_typed_confirmation_hides_the_answer_and_restates_the_action_and_the_sum() -> None:
    credit = _command("credit-invoices-in-billecta")
    view = bulk_view(credit, 3, ["invoice 1001", "invoice 1002", "invoice 1003"], "{}", total="3 750,00 kr")
    check_view(view)
    (typed,) = [b for b in view["blocks"] if b.get("block_id") == BlockId.TYPED_COUNT]
    assert "placeholder" not in typed["element"] and "initial_value" not in typed["element"]
    assert typed["label"]["text"] == "Credit invoices: 3 invoices, 3 750,00 kr to credit. Type 3 to confirm."
    assert "3 750,00 kr" in str(view["blocks"]) and view["submit"]["text"] == "Credit invoices"
    without = bulk_view(credit, 1, ["invoice 1001"], "{}")  # no sum known: the count is the figure
    (typed,) = [b for b in without["blocks"] if b.get("block_id") == BlockId.TYPED_COUNT]
    assert typed["label"]["text"] == "Credit invoices: 1 invoice. Type 1 to confirm."
    msg = bulk_message(credit, 3, ["invoice 1001"], "{}", total="3 750,00 kr")
    assert "3 750,00 kr to credit" in str(msg["text"])


def test_leaving_a_confirmation_names_the_command_and_the_record(stack: Stack) -> None:
    reply, response_url = stack.client.command("invoice pause 1001")
    stack.settle()
    confirmation = stack.responses(response_url)[-1]
    stack.client.click_message(find_element(confirmation["blocks"], ActionId.CANCEL), response_url=response_url)
    stack.settle()
    final = stack.responses(response_url)[-1]
    assert final["replace_original"] is True
    assert "Pause invoice on invoice 1001 · Nordic Café AB" in final["text"]  # the record line
    assert final["text"].endswith(": cancelled; nothing was changed.")
    assert "The command" not in str(final)
    invoice = stack.rt.store.find_by("invoice", "invoice_number", "1001")
    assert invoice is not None and not invoice["is_paused"]


def _payment(amount: str) -> dict[str, Any]:
    return {**field("amount", "form-field.amount", "plain_text_input", amount),
            **field("payment_date", "form-field.payment_date", "datepicker", dt.date.today().isoformat()),
            **field("payment_means", "form-field.payment_means", "static_select", "BG")}


def test_a_field_is_checked_as_you_type_and_its_warning_goes_once_fixed(stack: Stack) -> None:
    stack.client.command("invoice payment 1001")
    stack.settle()
    view_id = str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])
    amount = next(b for b in stack.fake.view(view_id)["blocks"] if b.get("block_id") == "amount")
    assert amount["dispatch_action"] is True
    assert amount["element"]["dispatch_action_config"] == {"trigger_actions_on": ["on_character_entered"]}

    def errors_after(typed: str) -> list[str]:
        stack.client.view_action(view_id, "form-field.amount", block_id="amount", values=_payment(typed))
        stack.settle()
        return [b["block_id"] for b in stack.fake.view(view_id)["blocks"] if b.get("block_id", "").endswith("-error")]

    assert errors_after("12x") == ["amount-error"]
    assert errors_after("12") == []


def _types(command: Command) -> tuple[str, ...]:
    return registry.EVENT_LOG_TYPES if command.record_type == "*" else (command.record_type,)


@pytest.mark.parametrize("command", registry.COMMANDS, ids=lambda c: c.slug)
def test_every_surface_of_every_command_is_one_slack_accepts(command: Command) -> None:
    """The registry drives the palette, the confirmations and the forms: each, for each command,
    as the fake Slack judges it (a new command cannot ship a payload Slack refuses)."""
    from blocks.forms import FormContext, form_view
    from blocks.metadata import PickerState
    from blocks.picker import picker_view

    for record_type in _types(command):
        for spec in (None, "1001 1002", "1-30"):
            check_view(picker_view(PickerState(record_type=record_type, command=command.slug, spec=spec)))
            check_view(picker_view(PickerState(record_type=record_type, command=command.slug, spec=spec,
                                               fixed_type=True), note="Found in the message: 1001"))
    labels = [f"{command.record_type} {i}" for i in range(1, 31)]
    if command.kind is Kind.BULK:
        check_message(bulk_message(command, 30, labels, "{}", "The records changed.", total="1 250,00 kr"))
        check_view(bulk_view(command, 30, labels, "{}", "The records changed.", total="1 250,00 kr"))
    if command.kind is Kind.ACTION:
        check_message(action_message(command, "invoice 1001 · Nordic Café AB", "{}"))
    if command.kind is Kind.DIALOG and command.available:
        check_view(form_view(FormContext(command, "invoice 1001", {}, {}, {}), "{}"))


def test_the_typed_credit_modal_states_the_sum_and_hides_the_answer(stack: Stack) -> None:
    reply, response_url = stack.client.command("invoice credit 1001 1002", user="UADMIN")
    stack.settle()
    message = stack.responses(response_url)[-1]
    stack.client.click_message(find_element(message["blocks"], ActionId.BULK_TYPED_OPEN), user="UADMIN",
                               response_url=response_url)
    stack.settle()
    view = stack.fake.view(str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"]))
    (typed,) = [b for b in view["blocks"] if b.get("block_id") == BlockId.TYPED_COUNT]
    label = typed["label"]["text"]
    assert label.startswith("Credit invoices: 2 invoices, ") and label.endswith("\xa0kr to credit. Type 2 to confirm.")
    assert "placeholder" not in typed["element"]
    assert view["submit"]["text"] == "Credit invoices" and view["close"]["text"] == "Don't credit"
