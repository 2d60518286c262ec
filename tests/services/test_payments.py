"""Registering a manual payment: the form's validation, then the service against the demo sandbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from bot.billecta.enums import OvershootingAmountHandling
from bot.billecta.transport import OutcomeUnknown
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import BillectaRejected, InvalidInput
from bot.roles import Actor, Role
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.services.invoices import InvoiceStateError
from bot.services.mirror import resolve
from bot.services.payments import (
    PaymentForm,
    PaymentInProgress,
    prepare,
    register_manual_payment,
    stockholm_today,
)
from bot.store import Store

ACTOR = Actor("U123", Role.OPERATOR, "slack", name="Olle Operator")
TODAY = stockholm_today()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(":memory:", seed="demo")
    yield box
    box.close()


@pytest.fixture
def rt(sandbox: Sandbox) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(), store=Store(":memory:"), transport=sandbox.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()


def invoice(rt: Runtime, number: str = "1001") -> dict[str, Any]:
    return resolve(rt, "invoice", number)


def form(prepared: dict[str, Any], **values: Any) -> PaymentForm:
    return PaymentForm.parse({"amount": prepared["amount"], "payment_date": TODAY.isoformat(),
                              "payment_means": "BANK", **values}, prepared)


def field_error(prepared: dict[str, Any], field: str, **values: Any) -> str:
    with pytest.raises(InvalidInput) as caught:
        form(prepared, **values)
    assert field in caught.value.field_errors, caught.value.field_errors
    return caught.value.field_errors[field]


PREPARED = {"record": "invoice 1001", "currency": "SEK", "remaining_minor": 125000, "remaining": "1 250.00 SEK",
            "invoice_date": "2026-01-15", "allowed": True, "amount": "1250.00"}


# -- the form ------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["abc", "0", "-5", "1.234", "", "1e3", "12,34,5", "NaN"])
def test_bad_amounts_are_refused_under_the_amount_field(typed: str) -> None:
    assert field_error(PREPARED, "amount", amount=typed)


@pytest.mark.parametrize(("typed", "amount"), [
    ("1 234,50", Decimal("1234.50")), ("1234.5", Decimal("1234.50")), ("500", Decimal("500.00")),
    ("99,95 kr", Decimal("99.95")), ("1\u00a0000", Decimal("1000.00")),
])
def test_amounts_typed_with_comma_dot_or_spaces_are_exact(typed: str, amount: Decimal) -> None:
    parsed = form(PREPARED, amount=typed)
    assert parsed.amount == amount and isinstance(parsed.amount, Decimal)


def test_messages_say_what_is_wrong() -> None:
    assert "more than 0" in field_error(PREPARED, "amount", amount="0")
    assert "at most 2 decimals" in field_error(PREPARED, "amount", amount="1.234")
    assert "not an amount" in field_error(PREPARED, "amount", amount="abc")


def test_overpayment_is_refused_unless_the_excess_has_somewhere_to_go() -> None:
    message = field_error(PREPARED, "amount", amount="1300")
    assert "1 250.00 SEK remains on invoice 1001" in message
    assert form(PREPARED, amount="1300", overpayment="AsOverPayments").overpayment \
        is OvershootingAmountHandling.AsOverPayments
    assert form(PREPARED, amount="1300", overpayment="AsCurrencyDifference").amount == Decimal("1300.00")


def test_payment_date_not_in_the_future_nor_before_the_invoice_date() -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    assert "future" in field_error(PREPARED, "payment_date", payment_date=tomorrow.isoformat())
    assert "2026-01-15" in field_error(PREPARED, "payment_date", payment_date="2026-01-14")
    assert "Pick the date" in field_error(PREPARED, "payment_date", payment_date=None)
    assert form(PREPARED, payment_date="2026-01-15").payment_date == dt.date(2026, 1, 15)


def test_means_reference_and_overpayment_choices() -> None:
    assert form(PREPARED, payment_means="swish").payment_means == "SWISH"
    assert "Choose how" in field_error(PREPARED, "payment_means", payment_means=None)
    assert form(PREPARED, reference="  ").reference is None
    assert "at most 100" in field_error(PREPARED, "reference", reference="x" * 101)
    assert field_error(PREPARED, "overpayment", overpayment="Whatever")


def test_several_bad_fields_are_reported_together() -> None:
    with pytest.raises(InvalidInput) as caught:
        PaymentForm.parse({"amount": "abc", "payment_date": None}, PREPARED)
    assert set(caught.value.field_errors) == {"amount", "payment_date", "payment_means"}
    assert "amount" in caught.value.user_message and "payment date" in caught.value.user_message


def test_a_refused_invoice_refuses_the_form_with_its_reason() -> None:
    with pytest.raises(InvalidInput) as caught:
        form({**PREPARED, "allowed": False, "reason": "invoice 1008 is completed."})
    assert caught.value.user_message == "invoice 1008 is completed." and not caught.value.field_errors


# -- prepare -------------------------------------------------------------------------------------

def test_prepare_reads_the_invoice_and_prefills_the_remaining_amount(rt: Runtime) -> None:
    prepared = prepare(rt, invoice(rt))
    assert prepared["amount"] == "1250.00" and prepared["remaining"] == "1 250.00 SEK"
    assert prepared["remaining_minor"] == 125000 and prepared["currency"] == "SEK"
    assert prepared["debtor"] == "Nordic Café AB" and prepared["allowed"] is True
    assert prepared["payment_date"] == TODAY.isoformat() and prepared["invoice_date"]
    assert len(str(prepared)) < 1500


@pytest.mark.parametrize(("number", "why"), [("1008", "completed"), ("1010", "draft")])
def test_closed_or_draft_invoices_are_refused_with_the_reason(rt: Runtime, number: str, why: str) -> None:
    with pytest.raises(InvoiceStateError, match=why):
        prepare(rt, invoice(rt, number))
    prepared = prepare(rt, invoice(rt, number), refuse=False)
    assert prepared["allowed"] is False and why in prepared["reason"]


# -- the service ---------------------------------------------------------------------------------

def test_partial_payment_leaves_the_rest(rt: Runtime) -> None:
    row = invoice(rt)
    outcome = register_manual_payment(rt, row, form(prepare(rt, row), amount="500", reference="Kvitto 12"), ACTOR)
    assert outcome.message == "Registered 500.00 SEK on invoice 1001; 750.00 SEK remains."
    assert outcome.record_ids == ["1001"] and outcome.details["remaining_minor"] == 75000
    assert invoice(rt)["current_amount"] == 75000
    payment = rt.store.get("payment", outcome.details["payment_id"])
    assert payment is not None
    assert (payment["kind"], payment["amount"], payment["reference"], payment["payment_date"]) == (
        "manual", 50000, "Kvitto 12", TODAY.isoformat())
    assert payment["action_public_id"] == row["action_public_id"]
    assert rt.billecta.get_invoice(row["action_public_id"]).paid_amount.value == 50000


def test_full_payment_completes_the_invoice(rt: Runtime) -> None:
    row = invoice(rt)
    outcome = register_manual_payment(rt, row, form(prepare(rt, row)), ACTOR)
    assert outcome.message == "Registered 1 250.00 SEK on invoice 1001; invoice 1001 is now fully paid."
    assert outcome.details["fully_paid"] and outcome.details["stage"] == "Completed"
    assert invoice(rt)["stage"] == "Completed"


def test_overpayment_refused_by_the_service_too(rt: Runtime) -> None:
    row = invoice(rt)
    stale = form({**prepare(rt, row), "remaining_minor": None}, amount="1300")  # the form could not tell
    with pytest.raises(InvalidInput) as caught:
        register_manual_payment(rt, row, stale, ACTOR, idempotency_key="v1")
    assert "1 250.00 SEK remains" in caught.value.field_errors["amount"]
    assert rt.billecta.get_invoice(row["action_public_id"]).paid_amount.value == 0
    assert rt.store.claimed_result("invoice-payment:v1") is None and rt.store.claim("invoice-payment:v1")


def test_overpayment_kept_for_later(rt: Runtime) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="1 300,00", overpayment="AsOverPayments")
    outcome = register_manual_payment(rt, row, parsed, ACTOR)
    assert outcome.message == ("Registered 1 300.00 SEK on invoice 1001; invoice 1001 is now fully paid and "
                               "50.00 SEK is kept as an overpayment for later use.")
    overpayments = [p for p in rt.billecta.list_unhandled_payments() if str(p.unhandled_payment_type) == "OverPayment"
                    and p.amount.value == 5000]
    assert len(overpayments) == 1


def test_currency_difference(rt: Runtime) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="1250.40", overpayment="AsCurrencyDifference")
    assert register_manual_payment(rt, row, parsed, ACTOR).message.endswith(
        "fully paid and 0.40 SEK is booked as a currency difference.")


def test_invoice_closed_since_the_form_opened_is_refused(rt: Runtime) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row))
    register_manual_payment(rt, row, parsed, ACTOR)
    with pytest.raises(InvoiceStateError, match="completed"):
        register_manual_payment(rt, row, parsed, ACTOR)


def test_the_same_submission_registers_once(rt: Runtime) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="100")
    first = register_manual_payment(rt, row, parsed, ACTOR, idempotency_key="V0ABC:hash1")
    again = register_manual_payment(rt, row, parsed, ACTOR, idempotency_key="V0ABC:hash1")
    assert again.message == first.message and again.details["repeated"] is True
    assert rt.billecta.get_invoice(row["action_public_id"]).paid_amount.value == 10000
    assert rt.store.count("payment", "kind = 'manual'") == 1
    other = register_manual_payment(rt, row, parsed, ACTOR, idempotency_key="V0ABC:hash2")
    assert other.message == "Registered 100.00 SEK on invoice 1001; 1 050.00 SEK remains."


def test_a_refused_attempt_can_be_submitted_again(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="100")
    real = rt.billecta.register_payment

    def refuse(payment: Any) -> None:
        raise BillectaRejected("The payment mean code XYZ does not exist.")

    monkeypatch.setattr(rt.billecta, "register_payment", refuse)
    with pytest.raises(BillectaRejected):
        register_manual_payment(rt, row, parsed, ACTOR, idempotency_key="k")
    monkeypatch.setattr(rt.billecta, "register_payment", real)
    outcome = register_manual_payment(rt, row, parsed, ACTOR, idempotency_key="k")
    assert outcome.details.get("repeated") is None
    assert rt.billecta.get_invoice(row["action_public_id"]).paid_amount.value == 10000


def test_a_payment_that_may_have_been_applied_is_never_sent_again(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="100")

    def lost(payment: Any) -> None:
        raise OutcomeUnknown("the payment on invoice 1001", "the invoice's event log in Billecta")

    monkeypatch.setattr(rt.billecta, "register_payment", lost)
    with pytest.raises(OutcomeUnknown):
        register_manual_payment(rt, row, parsed, ACTOR, idempotency_key="k")
    monkeypatch.undo()
    with pytest.raises(PaymentInProgress, match="event log"):
        register_manual_payment(rt, row, parsed, ACTOR, idempotency_key="k")
    assert rt.billecta.get_invoice(row["action_public_id"]).paid_amount.value == 0


def test_a_submission_still_running_is_not_sent_twice(rt: Runtime) -> None:
    row = invoice(rt)
    assert rt.store.claim("invoice-payment:k")
    with pytest.raises(PaymentInProgress, match="already being registered"):
        register_manual_payment(rt, row, form(prepare(rt, row)), ACTOR, idempotency_key="k")
