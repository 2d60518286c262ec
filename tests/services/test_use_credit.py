"""Using the credit of a credit invoice (or an overpayment kept as a debtor balance) on another open
invoice of the debtor: the form, the refusals, the search, then the service against the demo sandbox
through the one dialog path, including a reply Billecta lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot import commands as registry
from bot.billecta.enums import UnhandledPaymentState
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import InvalidInput, InvoiceStateError, NotAllowed, NotInBillecta, OutcomeUnknown, Unresolved
from bot.roles import Actor, Role
from bot.runner import prepare_dialog, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import DEMO, Sandbox
from bot.services import Outcome
from bot.services.labels import OPTION_TEXT, line
from bot.services.mirror import resolve
from bot.services.use_credit import UseCreditForm, prepare, target_options
from bot.store import Store

OPERATOR = Actor("UOPER", Role.OPERATOR, "slack", name="Olle Operator")
USE_CREDIT = registry.find("invoice", "use-credit")
BALANCE = DEMO.unhandled_payments["balance"]  # the 500,00 kr credit invoice 1006 left for Nordic Café
PREPARED = {"record": "invoice 1006", "source_number": "1006", "source_id": "7540000003", "currency": "SEK",
            "credit_minor": 50000, "credit": "500,00\u00a0kr", "debtor": "Nordic Café AB", "allowed": True,
            "targets": {"1001": 125000, "1011": 30000}, "targets_more": False}


@pytest.fixture
def box() -> Iterator[Sandbox]:
    sandbox = Sandbox(":memory:", seed="demo")
    yield sandbox
    sandbox.close()


@pytest.fixture
def rt(box: Sandbox) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(), store=Store(":memory:"), transport=box.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()


def invoice(rt: Runtime, number: str) -> dict[str, Any]:
    return resolve(rt, "invoice", number)


def field_error(field: str, **values: Any) -> str:
    with pytest.raises(InvalidInput) as caught:
        UseCreditForm.parse({"target": "1001", **values}, PREPARED)
    assert field in caught.value.field_errors, caught.value.field_errors
    return caught.value.field_errors[field]


# -- the form ------------------------------------------------------------------------------------

def test_the_amount_defaults_to_what_billecta_will_use() -> None:
    assert UseCreditForm.parse({"target": "invoice 1001"}, PREPARED).model_dump() == {"target": "1001", "amount": None}
    assert UseCreditForm.parse({"target": "1011", "amount": "300"}, PREPARED).amount is not None


@pytest.mark.parametrize(("values", "field", "says"), [
    ({"target": ""}, "target", "Choose the invoice of Nordic Café AB to use the credit on."),
    ({"target": "1006"}, "target", "the credit cannot be used on the invoice it comes from"),
    ({"target": "1002"}, "target",
     "Invoice 1002 is not one of Nordic Café AB's open invoices; choose one of: 1001, 1011."),
    ({"amount": "abc"}, "amount", "not an amount"),
    ({"amount": "0"}, "amount", "more than 0"),
    ({"amount": "1.2345"}, "amount", "at most 2 decimals"),
    ({"amount": "600"}, "amount", "The credit is 500,00\u00a0kr; at most that can be used."),
    ({"target": "1011", "amount": "400"}, "amount", "Only 300,00\u00a0kr remains on invoice 1011"),
    ({"amount": "200"}, "amount", "Billecta uses a credit in full, up to what remains on the invoice: 500,00\u00a0kr"),
])
def test_bad_input_is_refused_under_its_field(values: dict[str, Any], field: str, says: str) -> None:
    assert says in field_error(field, **values)


# -- refusals before the form, and what the form offers ------------------------------------------

def test_prepare_shows_the_credit_and_the_debtors_open_invoices(rt: Runtime) -> None:
    prepared = prepare(rt, invoice(rt, "1006"))
    assert (prepared["credit_minor"], prepared["credit"], prepared["debtor"]) == (
        50000, "500,00\u00a0kr", "Nordic Café AB")
    assert prepared["targets"] == {"1001": 125000} and prepared["target"] == "1001"  # the only place it can go
    assert prepared["is_credit_invoice"] is True and len(json.dumps(prepared)) < 1500


def test_an_overpayment_kept_from_an_invoice_is_a_credit_too(rt: Runtime) -> None:
    prepared = prepare(rt, invoice(rt, "1009"))  # overpaid by 200,00 kr, kept for Lund Fastigheter
    assert (prepared["credit_minor"], prepared["targets"], prepared["is_credit_invoice"]) == (
        20000, {"1003": 124750}, False)


@pytest.mark.parametrize(("number", "why"), [
    ("1001", "invoice 1001 is not a credit invoice and no overpayment on it was kept as a debtor balance, so it has "
             "no credit to use. To pay it with a credit, run `invoice use-credit` on the credit invoice with "
             "`target=1001`."),
    ("1010", "invoice 1010 is a draft that has not been attested yet; it has no credit to use."),
])
def test_an_invoice_without_credit_is_refused_with_what_applies(rt: Runtime, number: str, why: str) -> None:
    with pytest.raises(InvoiceStateError) as caught:
        prepare(rt, invoice(rt, number))
    assert caught.value.user_message == why


def test_a_credit_already_used_is_refused(rt: Runtime) -> None:
    use(rt, "1006", target="1001")
    with pytest.raises(InvoiceStateError, match=r"Credit invoice 1006 has no credit left to use.*invoice events 1006"):
        prepare(rt, invoice(rt, "1006"))


def test_a_debtor_with_no_other_open_invoice_is_refused(rt: Runtime) -> None:
    aid = invoice(rt, "1001")["action_public_id"]
    rt.billecta.write_off(aid, _sek(125000), _now())
    with pytest.raises(InvoiceStateError) as caught:
        prepare(rt, invoice(rt, "1006"))
    assert caught.value.user_message == (
        "Nordic Café AB has no other open invoice in SEK to use the 500,00\u00a0kr credit of invoice 1006 on; it "
        "stays their balance until a new invoice is made.")


def test_an_invoice_not_in_billecta_gets_the_alert(rt: Runtime) -> None:
    rt.store.insert("invoice", {"invoice_number": "7777", "debtor_name": "Nordic Café AB"})
    with pytest.raises(NotInBillecta, match="invoice 7777 is not in Billecta yet"):
        prepare_dialog(rt, USE_CREDIT, "7777", {"target": "1001"}, OPERATOR)


def test_a_viewer_may_not_use_credit(rt: Runtime) -> None:
    with pytest.raises(NotAllowed):
        prepare_dialog(rt, USE_CREDIT, "1006", {"target": "1001"}, Actor("UVIEW", Role.VIEWER, "slack"))


def test_the_search_lists_the_debtors_open_invoices_by_their_record_line(rt: Runtime) -> None:
    prepared = prepare(rt, invoice(rt, "1006"))
    listed = target_options(rt, prepared, "")
    assert listed == [(line("invoice", invoice(rt, "1001"), limit=OPTION_TEXT), "1001")]
    assert listed[0][0].startswith("1001 · Nordic Café AB · 1\u00a0250,00\u00a0kr · due ")
    assert target_options(rt, prepared, "1001 nordic") and target_options(rt, prepared, "1 250,00")
    assert target_options(rt, prepared, "1002") == []


# -- the service ----------------------------------------------------------------------------------

def use(rt: Runtime, number: str, attempt: str | None = None, **values: Any) -> Outcome:
    return run_dialog(rt, prepare_dialog(rt, USE_CREDIT, number, values, OPERATOR), OPERATOR, attempt=attempt)


def balance_state(rt: Runtime, payment_id: str = BALANCE) -> UnhandledPaymentState:
    return rt.billecta.get_unhandled_payment(payment_id).state


def test_the_credit_is_used_on_the_target_and_both_sides_are_mirrored(rt: Runtime) -> None:
    outcome = use(rt, "1006", target="1001")
    assert outcome.message == ("Used 500,00\u00a0kr of the credit of invoice 1006 on invoice 1001: 750,00\u00a0kr "
                               "remains to pay on invoice 1001; no credit is left.")
    assert outcome.record_ids == ["1006", "1001"] and outcome.details["remaining_minor"] == 75000
    target = rt.billecta.get_invoice(invoice(rt, "1001")["action_public_id"])
    assert (target.current_amount.value, target.paid_amount.value) == (75000, 50000)
    assert invoice(rt, "1001")["current_amount"] == 75000  # the mirror
    assert balance_state(rt) is UnhandledPaymentState.UsedOnInvoice
    assert rt.store.find_by("payment", "billecta_id", BALANCE)["state"] == "UsedOnInvoice"  # type: ignore[index]
    audited = rt.store.rows("audit", "command = 'invoice use-credit'", order_by="id desc", limit=1)[0]
    assert (audited["outcome"], audited["detail"], audited["record_ids"]) == ("ok", outcome.message, '["1006", "1001"]')


def test_a_credit_larger_than_the_target_leaves_the_rest_as_credit(rt: Runtime) -> None:
    outcome = use(rt, "1009", target="1003", amount="200")  # 200,00 kr on 1 247,50 kr: all of it
    assert outcome.message.endswith("1\u00a0047,50\u00a0kr remains to pay on invoice 1003; no credit is left.")
    aid = invoice(rt, "1001")["action_public_id"]
    rt.billecta.write_off(aid, _sek(115000), _now())  # 100,00 kr left on 1001, 500,00 kr of credit
    outcome = use(rt, "1006", target="1001")
    assert outcome.message == ("Used 100,00\u00a0kr of the credit of invoice 1006 on invoice 1001: invoice 1001 is "
                               "now completed; 400,00\u00a0kr of credit is left.")
    assert outcome.details["credit_left_minor"] == 40000
    assert invoice(rt, "1001")["stage"] == "Completed"


def test_a_target_of_another_debtor_is_refused_by_the_service(rt: Runtime) -> None:
    dialog = prepare_dialog(rt, USE_CREDIT, "1006", {"target": "1001"}, OPERATOR)
    forged = dialog.form.model_copy(update={"target": "1002"})  # a stale or forged form
    dialog.form = forged
    with pytest.raises(InvalidInput) as caught:
        run_dialog(rt, dialog, OPERATOR)
    assert caught.value.field_errors["target"] == ("Invoice 1002 is Anna Andersson's; the credit of invoice 1006 is "
                                                   "Nordic Café AB's. Choose one of Nordic Café AB's open invoices.")
    assert balance_state(rt) is UnhandledPaymentState.Unhandled
    assert rt.store.open_claims("dialog:") == []


def test_an_amount_that_no_longer_fits_is_refused_by_the_service(rt: Runtime) -> None:
    dialog = prepare_dialog(rt, USE_CREDIT, "1006", {"target": "1001", "amount": "500"}, OPERATOR)
    rt.billecta.write_off(invoice(rt, "1001")["action_public_id"], _sek(100000), _now())  # 250,00 kr left now
    with pytest.raises(InvalidInput) as caught:
        run_dialog(rt, dialog, OPERATOR)
    assert "Only 250,00\u00a0kr remains on invoice 1001" in caught.value.field_errors["amount"]
    assert balance_state(rt) is UnhandledPaymentState.Unhandled


def test_a_lost_reply_is_looked_up_and_the_credit_used_once(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    real = rt.billecta.use_balances

    def applied_then_lost(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise OutcomeUnknown("matching the payments", "the unhandled payments in Billecta")

    monkeypatch.setattr(rt.billecta, "use_balances", applied_then_lost)
    dialog = prepare_dialog(rt, USE_CREDIT, "1006", {"target": "1001"}, OPERATOR)
    with pytest.raises(Unresolved, match="invoice use-credit"):
        run_dialog(rt, dialog, OPERATOR, attempt="k")
    monkeypatch.undo()
    again = run_dialog(rt, dialog, OPERATOR, attempt="k")  # the resubmit asks Billecta before sending anything
    assert again.details["resolved"] and again.message.startswith(
        "500,00\u00a0kr of the credit of invoice 1006 was used on invoice 1001; 750,00\u00a0kr remains to pay")
    target = rt.billecta.get_invoice(invoice(rt, "1001")["action_public_id"])
    assert target.paid_amount.value == 50000  # once
    assert invoice(rt, "1001")["current_amount"] == 75000


def test_a_request_lost_before_billecta_is_sent_on_the_resubmit(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    def lost(*args: Any, **kwargs: Any) -> Any:
        raise OutcomeUnknown("matching the payments", "the unhandled payments in Billecta")

    monkeypatch.setattr(rt.billecta, "use_balances", lost)
    with pytest.raises(Unresolved):
        use(rt, "1006", "k", target="1001")
    monkeypatch.undo()
    outcome = use(rt, "1006", "k", target="1001")
    assert outcome.message.startswith("Used 500,00\u00a0kr")
    assert balance_state(rt) is UnhandledPaymentState.UsedOnInvoice


def _sek(minor: int) -> Any:
    from bot.billecta.models import AmountView

    return AmountView.from_minor(minor, "SEK")


def _now() -> Any:
    import datetime as dt

    from bot.billecta.dates import STOCKHOLM

    return dt.datetime.now(STOCKHOLM)


def test_a_crash_after_the_match_is_settled_on_restart_from_the_balances_state(rt: Runtime) -> None:
    """A process killed after sending the match leaves a claim with the balances and target it sent; the
    restart finds them used on that target and reports the credit used, without matching again."""
    from bot.once import SENDING, Once
    from bot.process import this_process
    from bot.runner import resolve_dead_claims

    target = invoice(rt, "1001")["action_public_id"]
    key = f"dialog:{USE_CREDIT.slug}:1006:crashed"
    assert rt.store.claim(key, owner="999999/1/" + this_process().split("/")[2])
    rt.store.mark_claim(key, SENDING, {"token": Once(rt.store, key).token, "reference": "the credit", "local": {},
                                       "facts": {"target": target, "balances": [BALANCE]}})
    rt.billecta.use_balances([BALANCE], target)  # what the dead process had sent
    (settled_key, outcome), = resolve_dead_claims(rt)
    assert settled_key == key and outcome is not None
    assert outcome.message.startswith("500,00\u00a0kr of the credit of invoice 1006 was used on invoice 1001")
    assert rt.store.claim_row(key)["status"] == "done"  # type: ignore[index]
    assert rt.billecta.get_invoice(target).paid_amount.value == 50000
