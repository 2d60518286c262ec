"""bot.runner: permission wording, bulk selection (the default creditor, unknown ids), audited refusals,
dialog forms and views, on the embedded demo sandbox with a real store."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from bot import commands as registry
from bot.config import Settings
from bot.demo import link_demo
from bot.errors import InvalidInput, NotAllowed, NotFound, UsageError
from bot.roles import Actor, Role
from bot.runner import check_allowed, display_name, prepare_dialog, run_action, run_dialog, run_view, select
from bot.runtime import Runtime, build_runtime
from bot.services.events import EventLog
from bot.services.payment_form import stockholm_today
from bot.targets import TargetSpec

ADMIN = Actor(id="U0ADMIN", role=Role.ADMIN, source="cli")
NOBODY = Actor(id="U0NOBODY", role=Role.NONE, source="slack")
EVENTS = registry.find("debtor", "events")
CREDITOR_UPDATE = registry.find("creditor", "update")


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    tmp = tmp_path_factory.mktemp("runner")
    runtime = build_runtime(Settings(_env_file=None, billecta_bot_db=tmp / "bot.db"))  # type: ignore[call-arg]
    link_demo(runtime)
    yield runtime
    runtime.close()


def test_the_event_log_command_is_named_with_a_real_type() -> None:
    assert display_name(EVENTS, "debtor") == "debtor events"
    assert display_name(EVENTS) == "invoice events"
    assert display_name(CREDITOR_UPDATE, "invoice") == "creditor update"
    with pytest.raises(NotAllowed) as caught:
        check_allowed(EVENTS, NOBODY, "debtor")
    assert caught.value.user_message.startswith("`debtor events` needs the viewer role")
    with pytest.raises(NotAllowed) as caught:
        check_allowed(EVENTS, NOBODY)
    assert "*" not in caught.value.user_message


def test_creditor_update_without_an_id_means_the_stores_one_creditor(rt: Runtime) -> None:
    selection = select(rt, CREDITOR_UPDATE, TargetSpec())
    assert selection.ids == ["1"] and selection.labels == ["creditor 1 (Demo Bygg AB)"]


def test_creditor_update_without_an_id_needs_exactly_one_creditor(rt: Runtime) -> None:
    rt.store.upsert_records("creditor", [{"id": 2, "name": "Second AB"}])
    try:
        with pytest.raises(UsageError, match="has 2 creditors"):
            select(rt, CREDITOR_UPDATE, TargetSpec())
        assert select(rt, CREDITOR_UPDATE, TargetSpec(keys=["2"])).ids == ["2"]
    finally:
        rt.store.db.execute("DELETE FROM creditor WHERE id = 2")
    empty = Runtime(settings=rt.settings, store=type(rt.store)(":memory:"), billecta=rt.billecta)
    with pytest.raises(NotFound, match="import one"):
        select(empty, CREDITOR_UPDATE, TargetSpec())


def test_unknown_source_records_are_not_said_to_be_looked_up_in_billecta(rt: Runtime) -> None:
    with pytest.raises(NotFound) as caught:
        select(rt, registry.find("debtor", "upsert"), TargetSpec(keys=["1", "4242"]))
    assert caught.value.user_message == "Nothing was done: no debtor 4242 in the store (import it first)."
    with pytest.raises(NotFound, match="no invoice 999999 in the store or in Billecta"):
        select(rt, registry.find("invoice", "credit"), TargetSpec(keys=["999999"]))


def test_an_action_on_an_unknown_record_is_audited(rt: Runtime) -> None:
    with pytest.raises(NotFound):
        run_action(rt, registry.find("invoice", "pause"), "999999", ADMIN)
    last = rt.store.rows("audit", order_by="id desc", limit=1)[0]
    assert (last["command"], last["outcome"], last["record_ids"]) == ("invoice pause", "refused", '["999999"]')


def test_a_dialog_prefills_what_is_left_out_and_runs_audited(rt: Runtime) -> None:
    command = registry.find("invoice", "payment")
    dialog = prepare_dialog(rt, command, "1001", {"payment_means": "bg", "amount": "250,00"}, ADMIN)
    form = dialog.form.model_dump()
    assert form["amount"] == Decimal("250.00") and form["payment_means"] == "BG"
    assert form["payment_date"] == stockholm_today()  # the form's default
    outcome = run_dialog(rt, dialog, ADMIN)
    assert outcome.ok and "250,00\u00a0kr on invoice 1001" in outcome.message
    last = rt.store.rows("audit", order_by="id desc", limit=1)[0]
    assert (last["command"], last["outcome"]) == ("invoice payment", "ok")


def test_a_dialog_names_every_bad_field(rt: Runtime) -> None:
    command = registry.find("invoice", "payment")
    with pytest.raises(InvalidInput) as caught:
        prepare_dialog(rt, command, "1001", {"amount": "lots", "payment_date": "2099-01-01",
                                             "payment_means": "XYZ"}, ADMIN)
    assert set(caught.value.field_errors) == {"amount", "payment_date", "payment_means"}
    assert caught.value.user_message.startswith("Please check the form: amount: 'lots' is not an amount")
    assert "'XYZ' is not a payment means here; use one of BG, PG, BANK, CASH, SWISH, CARD" in \
        caught.value.field_errors["payment_means"]


def test_a_dialog_refuses_missing_required_fields_with_the_list_of_fields(rt: Runtime) -> None:
    command = registry.find("invoice", "payment")
    with pytest.raises(UsageError) as caught:
        prepare_dialog(rt, command, "1001", {"payment_means": "BG"}, ADMIN)  # no amount: no silent full amount
    text = caught.value.user_message
    assert text.startswith("`invoice payment` needs amount=…. Its fields:")
    assert "amount" in text and "required" in text and "payment_date" in text and "default today" in text
    assert "one of BG, PG, BANK, CASH, SWISH, CARD" in text and "None" not in text
    with pytest.raises(UsageError, match="has no field colour. Its fields:"):
        prepare_dialog(rt, command, "1001", {"colour": "red", "amount": "1", "payment_means": "BG"}, ADMIN)


def test_amounts_the_store_cannot_hold_are_field_errors_before_anything_is_sent(rt: Runtime) -> None:
    command = registry.find("invoice", "payment")
    before = rt.billecta.get_invoice(rt.store.find_by("invoice", "invoice_number", "1003")["action_public_id"])
    for amount in ("999999999999999999999", "9" * 30, "1000000000.01"):
        with pytest.raises(InvalidInput) as caught:
            prepare_dialog(rt, command, "1003", {"amount": amount, "payment_means": "BG",
                                                 "overpayment": "AsOverPayments"}, ADMIN)
        limit = "1\u00a0000\u00a0000\u00a0000,00\u00a0kr"
        assert f"too large: at most {limit}" in caught.value.field_errors["amount"], amount
    after = rt.billecta.get_invoice(before.action_public_id)
    assert after.paid_amount.value == before.paid_amount.value and after.state.stage == before.state.stage


def test_a_view_runs_for_the_type_the_user_named(rt: Runtime) -> None:
    log = run_view(rt, EVENTS, "invoice", "1002", ADMIN)
    assert isinstance(log, EventLog) and log.record == "invoice 1002" and log.count > 0
    with pytest.raises(NotAllowed, match="`payment events`"):
        run_view(rt, EVENTS, "payment", "1", NOBODY)


def test_a_money_moving_selection_states_its_total_and_each_record_line(rt: Runtime) -> None:
    credit = select(rt, registry.find("invoice", "credit"), TargetSpec(keys=["1001", "1002"]))
    rows = [rt.store.find_by("invoice", "invoice_number", n) for n in ("1001", "1002")]
    expected = sum(int(row["current_amount"]) for row in rows if row)
    assert credit.currency == "SEK" and credit.total_minor == expected
    assert credit.total_text.replace("\u00a0", " ").endswith(" kr") and "," in credit.total_text
    assert credit.labels[0].startswith("invoice 1001 · Nordic Café AB · ")
    attest = select(rt, registry.find("order", "attest"), TargetSpec(keys=["1010"]))
    assert attest.total_minor and attest.total_text
    upsert = select(rt, registry.find("debtor", "upsert"), TargetSpec(keys=["1"]))
    assert upsert.totals == {} and upsert.total_text == ""


def test_a_credit_confirmation_line_says_what_it_credits_where_its_amount_alone_would_not() -> None:
    from bot.runner import _to_credit

    credit = registry.find("invoice", "credit")
    part_paid = {"stage": "InvoiceSent", "current_amount": 62500, "invoiced_amount": 125000, "currency": "SEK"}
    assert _to_credit(credit, part_paid) == " · 625,00\u00a0kr of 1\u00a0250,00\u00a0kr left to credit"
    assert _to_credit(credit, {**part_paid, "current_amount": 125000}) == ""  # the line's amount says it
    assert _to_credit(credit, {**part_paid, "stage": "Completed", "current_amount": 0}) == " · nothing to credit"
    assert _to_credit(registry.find("invoice", "pause"), part_paid) == ""
