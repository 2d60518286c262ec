"""Registering a manual payment: the form's validation, then the service against the demo sandbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from bot import commands as registry
from bot.billecta.enums import OvershootingAmountHandling
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import BillectaRejected, InvalidInput, InvoiceStateError, OutcomeUnknown, StillRunning, Unresolved
from bot.roles import Actor, Role
from bot.runner import Dialog, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.services import Outcome
from bot.services.mirror import resolve
from bot.services.payments import PaymentForm, prepare, stockholm_today
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


PREPARED = {"record": "invoice 1001", "currency": "SEK", "remaining_minor": 125000,
            "remaining": "1\u00a0250,00\u00a0kr",
            "invoice_date": "2026-01-15", "allowed": True, "amount": "1250.00"}


# -- the form ------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["abc", "0", "-5", "1.234", "", "1e3", "12,34,5", "NaN"])
def test_bad_amounts_are_refused_under_the_amount_field(typed: str) -> None:
    assert field_error(PREPARED, "amount", amount=typed)


@pytest.mark.parametrize(("typed", "amount"), [
    ("1 234,50", Decimal("1234.50")), ("1234.5", Decimal("1234.50")), ("500", Decimal("500.00")),
    ("99,95 kr", Decimal("99.95")), ("1\u00a0000", Decimal("1000.00")), ("1.234,50", Decimal("1234.50")),
])
def test_amounts_typed_with_comma_dot_or_spaces_are_exact(typed: str, amount: Decimal) -> None:
    parsed = form(PREPARED, amount=typed)
    assert parsed.amount == amount and isinstance(parsed.amount, Decimal)


def test_messages_say_what_is_wrong() -> None:
    assert "more than 0" in field_error(PREPARED, "amount", amount="0")
    assert "at most 2 decimals" in field_error(PREPARED, "amount", amount="1.2345")
    assert "ambiguous" in field_error(PREPARED, "amount", amount="1.234")
    assert field_error(PREPARED, "amount", amount="1,250").startswith("'1,250' is ambiguous")
    assert "not an amount" in field_error(PREPARED, "amount", amount="abc")


def test_overpayment_is_refused_unless_the_excess_has_somewhere_to_go() -> None:
    message = field_error(PREPARED, "amount", amount="1300")
    assert "1\u00a0250,00\u00a0kr remains on invoice 1001" in message
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
    assert "amount" in caught.value.user_message and "payment_date" in caught.value.user_message


def test_a_refused_invoice_refuses_the_form_with_its_reason() -> None:
    with pytest.raises(InvalidInput) as caught:
        form({**PREPARED, "allowed": False, "reason": "invoice 1008 is completed."})
    assert caught.value.user_message == "invoice 1008 is completed." and not caught.value.field_errors


# -- prepare -------------------------------------------------------------------------------------

def test_prepare_reads_the_invoice_and_prefills_the_remaining_amount(rt: Runtime) -> None:
    prepared = prepare(rt, invoice(rt))
    assert prepared["amount"] == "1250.00" and prepared["remaining"] == "1\u00a0250,00\u00a0kr"
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


# -- the service, through the one dialog path (bot.runner.run_dialog) ----------------------------

PAYMENT = registry.find("invoice", "payment")


def pay(rt: Runtime, row: dict[str, Any], parsed: PaymentForm, attempt: str | None = None) -> Outcome:
    return run_dialog(rt, Dialog(PAYMENT, str(row["invoice_number"]), row, parsed, {}), ACTOR, attempt=attempt)


def paid(rt: Runtime, row: dict[str, Any]) -> int:
    return rt.billecta.get_invoice(row["action_public_id"]).paid_amount.value


def test_partial_payment_leaves_the_rest(rt: Runtime) -> None:
    row = invoice(rt)
    outcome = pay(rt, row, form(prepare(rt, row), amount="500", reference="Kvitto 12"))
    assert outcome.message == "Registered 500,00\u00a0kr on invoice 1001; 750,00\u00a0kr remains."
    assert outcome.record_ids == ["1001"] and outcome.details["remaining_minor"] == 75000
    assert invoice(rt)["current_amount"] == 75000
    payment = rt.store.get("payment", outcome.details["payment_id"])
    assert payment is not None
    assert (payment["kind"], payment["amount"], payment["reference"], payment["payment_date"]) == (
        "manual", 50000, "Kvitto 12", TODAY.isoformat())
    assert payment["action_public_id"] == row["action_public_id"]
    assert paid(rt, row) == 50000
    audited = rt.store.rows("audit", order_by="id desc", limit=1)[0]
    assert (audited["command"], audited["outcome"], audited["detail"]) == ("invoice payment", "ok", outcome.message)


def test_full_payment_completes_the_invoice(rt: Runtime) -> None:
    row = invoice(rt)
    outcome = pay(rt, row, form(prepare(rt, row)))
    assert outcome.message == "Registered 1\u00a0250,00\u00a0kr on invoice 1001; invoice 1001 is now fully paid."
    assert outcome.details["fully_paid"] and outcome.details["stage"] == "Completed"
    assert invoice(rt)["stage"] == "Completed"


def test_overpayment_refused_by_the_service_too(rt: Runtime) -> None:
    row = invoice(rt)
    stale = form({**prepare(rt, row), "remaining_minor": None}, amount="1300")  # the form could not tell
    with pytest.raises(InvalidInput) as caught:
        pay(rt, row, stale, attempt="v1")
    assert "1\u00a0250,00\u00a0kr remains" in caught.value.field_errors["amount"]
    assert paid(rt, row) == 0
    assert rt.store.open_claims("dialog:") == []  # released: the same submission may be corrected and sent


def test_a_payment_date_before_the_invoice_date_is_refused_by_the_service(rt: Runtime) -> None:
    row = invoice(rt)
    prepared = prepare(rt, row)
    forged = form({**prepared, "invoice_date": None}, payment_date="2000-01-01")  # stale or forged context
    with pytest.raises(InvalidInput) as caught:
        pay(rt, row, forged)
    assert prepared["invoice_date"] in caught.value.field_errors["payment_date"]
    assert paid(rt, row) == 0


def test_overpayment_kept_for_later(rt: Runtime) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="1 300,00", overpayment="AsOverPayments", confirm_overpayment="1300")
    outcome = pay(rt, row, parsed)
    assert outcome.message == ("Registered 1\u00a0300,00\u00a0kr on invoice 1001; invoice 1001 is now fully paid and "
                               "50,00\u00a0kr is kept as an overpayment for later use.")
    overpayments = [p for p in rt.billecta.list_unhandled_payments() if str(p.unhandled_payment_type) == "OverPayment"
                    and p.amount.value == 5000]
    assert len(overpayments) == 1


def test_an_overpayment_above_the_invoiced_amount_needs_both_figures_confirmed(rt: Runtime) -> None:
    row = invoice(rt)
    prepared = prepare(rt, row)
    message = field_error(prepared, "confirm_overpayment", amount="12500", overpayment="AsOverPayments")
    assert "12\u00a0500,00\u00a0kr is far more than the 1\u00a0250,00\u00a0kr invoiced on invoice 1001" in message
    assert "confirm_overpayment=12500.00" in message
    assert field_error(prepared, "confirm_overpayment", amount="12500", overpayment="AsOverPayments",
                       confirm_overpayment="1250")
    # The service asks again against a fresh read, whatever the form was told.
    unconfirmed = form({**prepared, "invoiced_minor": None}, amount="12500", overpayment="AsOverPayments")
    with pytest.raises(InvalidInput, match="invoiced on invoice 1001"):
        pay(rt, row, unconfirmed)
    assert paid(rt, row) == 0
    confirmed = form(prepared, amount="12500", overpayment="AsOverPayments", confirm_overpayment="12 500,00")
    assert pay(rt, row, confirmed).details["excess_minor"] == 1125000
    assert not form(prepare(rt, invoice(rt, "1002")), amount="1", overpayment="AsOverPayments").confirm_overpayment


def test_currency_difference(rt: Runtime) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="1250.40", overpayment="AsCurrencyDifference")
    assert pay(rt, row, parsed).message.endswith("fully paid and 0,40\u00a0kr is booked as a currency difference.")


def test_invoice_closed_since_the_form_opened_is_refused(rt: Runtime) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row))
    pay(rt, row, parsed)
    with pytest.raises(InvoiceStateError, match="completed"):
        pay(rt, row, parsed)


def test_the_same_submission_registers_once(rt: Runtime) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="100")
    first = pay(rt, row, parsed, "V0ABC:hash1")
    again = pay(rt, row, parsed, "V0ABC:hash1")
    assert again.message == first.message and again.details["repeated"] is True
    assert paid(rt, row) == 10000
    assert rt.store.count("payment", "kind = 'manual'") == 1
    assert rt.store.count("audit", "command = 'invoice payment' AND outcome = 'ok'") == 1
    other = pay(rt, row, parsed, "V0ABC:hash2")
    assert other.message == "Registered 100,00\u00a0kr on invoice 1001; 1\u00a0050,00\u00a0kr remains."


def test_a_refused_attempt_can_be_submitted_again(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="100")
    real = rt.billecta.register_payment

    def refuse(payment: Any) -> None:
        raise BillectaRejected("The payment mean code XYZ does not exist.")

    monkeypatch.setattr(rt.billecta, "register_payment", refuse)
    with pytest.raises(BillectaRejected):
        pay(rt, row, parsed, "k")
    monkeypatch.setattr(rt.billecta, "register_payment", real)
    outcome = pay(rt, row, parsed, "k")
    assert outcome.details.get("repeated") is None
    assert paid(rt, row) == 10000


def test_a_lost_reply_is_looked_up_in_billecta_and_never_sent_twice(rt: Runtime,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="100")
    real = rt.billecta.register_payment

    def applied_then_lost(payment: Any) -> None:
        real(payment)
        raise OutcomeUnknown("the payment on invoice 1001", "the invoice's event log in Billecta")

    monkeypatch.setattr(rt.billecta, "register_payment", applied_then_lost)
    with pytest.raises(Unresolved, match="event log"):
        pay(rt, row, parsed, "k")
    assert rt.store.rows("audit", order_by="id desc", limit=1)[0]["outcome"] == "unknown"
    monkeypatch.undo()
    again = pay(rt, row, parsed, "k")  # the resubmit: Billecta is asked, the payment is found
    assert "Paid" in again.message or "registered" in again.message, again.message
    assert again.details["resolved"] and "✅" not in again.message
    assert paid(rt, row) == 10000  # once
    assert rt.store.claim_row(f"dialog:{PAYMENT.slug}:1001:k")["status"] == "done"  # type: ignore[index]


def test_a_request_lost_before_billecta_is_sent_again_on_the_resubmit(rt: Runtime,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    row = invoice(rt)
    parsed = form(prepare(rt, row), amount="100")

    def lost(payment: Any) -> None:
        raise OutcomeUnknown("the payment on invoice 1001", "the invoice's event log in Billecta")

    monkeypatch.setattr(rt.billecta, "register_payment", lost)
    with pytest.raises(Unresolved):
        pay(rt, row, parsed, "k")
    monkeypatch.undo()
    outcome = pay(rt, row, parsed, "k")  # not in Billecta: this attempt registers it
    assert outcome.message.startswith("Registered 100,00\u00a0kr") and paid(rt, row) == 10000


def test_a_submission_still_running_is_not_sent_twice(rt: Runtime) -> None:
    row = invoice(rt)
    assert rt.store.claim(f"dialog:{PAYMENT.slug}:1001:k")  # this (live) process holds it
    audited = len(rt.store.rows("audit"))
    with pytest.raises(StillRunning, match="right now"):
        pay(rt, row, form(prepare(rt, row)), "k")
    assert paid(rt, row) == 0
    # A second delivery is not an attempt of its own: the running one is audited when it ends.
    assert len(rt.store.rows("audit")) == audited
