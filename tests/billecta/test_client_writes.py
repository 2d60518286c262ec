"""Writes Billecta cannot de-duplicate: never re-sent blindly after a failure that may have applied them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import httpx
import pytest

from bot.billecta.models import (
    AmountView,
    CreditActionView,
    DebtCollectionFromInvoiceEntryView,
    DebtorView,
    InvoiceActionEntryView,
    ProductView,
    RegisterPaymentView,
    SendReminderInvoiceView,
)
from bot.errors import BillectaUnavailable, OutcomeUnknown

from .fake_billecta import (
    AID,
    CREDITOR,
    DEBTOR,
    PRODUCT,
    FakeBillecta,
    Sleeps,
    created,
    error,
    invoice_json,
    json_reply,
    make_client,
)

DEBTOR_CREATE = "/v1/debtors/debtor"
DEBTOR_BY_EXT = f"/v1/debtors/debtorbyexternalid/{CREDITOR}"
INVOICE = f"/v1/invoice/action/{AID}"
PAYMENT = "/v1/invoice/payment"
# A 503 can come after the work was done (a lost reply): it is as ambiguous as a gateway error.
AMBIGUOUS = [httpx.ReadTimeout("no reply"), httpx.RemoteProtocolError("dropped"), error(502), error(503),
             error(504), error(500)]
AMBIGUOUS_IDS = ["read-timeout", "dropped", "502", "503", "504", "500"]


def debtor() -> DebtorView:
    return DebtorView(name="Acme AB", debtor_external_id="crm-17")


@pytest.mark.parametrize("failure", AMBIGUOUS, ids=AMBIGUOUS_IDS)
def test_a_create_that_went_through_is_found_by_external_id_not_sent_again(failure: object) -> None:
    fake = (FakeBillecta()
            .on("POST", DEBTOR_CREATE, failure, created("never"))  # type: ignore[arg-type]
            .on("GET", DEBTOR_BY_EXT, json_reply({"DebtorPublicId": DEBTOR, "DebtorExternalId": "crm-17"})))
    assert make_client(fake).create_debtor(debtor()) == DEBTOR
    assert len(fake.calls("POST")) == 1
    assert dict(fake.calls("GET")[0].url.params) == {"externalid": "crm-17"}


def test_a_create_that_did_not_go_through_is_sent_again_after_looking() -> None:
    fake = (FakeBillecta()
            .on("POST", DEBTOR_CREATE, error(504), created(DEBTOR))
            .on("GET", DEBTOR_BY_EXT, error(404, "No debtor")))
    sleeps = Sleeps()
    assert make_client(fake, sleep=sleeps).create_debtor(debtor()) == DEBTOR
    assert [(r.method, r.url.path) for r in fake.requests] == [
        ("POST", DEBTOR_CREATE), ("GET", DEBTOR_BY_EXT), ("POST", DEBTOR_CREATE)]
    assert len(sleeps) == 1  # waited once, before looking


@pytest.mark.parametrize(
    "failure",
    [error(429, **{"Retry-After": "1"}), httpx.ConnectError("refused"), httpx.ConnectTimeout("no route")],
    ids=["429", "connect", "connect-timeout"],
)
def test_a_create_refused_before_processing_is_simply_retried(failure: object) -> None:
    fake = FakeBillecta().on("POST", DEBTOR_CREATE, failure, created(DEBTOR))  # type: ignore[arg-type]
    assert make_client(fake).create_debtor(debtor()) == DEBTOR
    assert len(fake.calls("POST")) == 2 and fake.calls("GET") == []


def test_a_create_that_cannot_be_looked_up_is_unknown() -> None:
    fake = FakeBillecta().on("POST", DEBTOR_CREATE, httpx.ReadTimeout("no reply"), created(DEBTOR))
    with pytest.raises(OutcomeUnknown) as caught:
        make_client(fake).create_debtor(DebtorView(name="No External Id"))
    assert isinstance(caught.value, BillectaUnavailable)
    assert not caught.value.transient  # a job queue must not retry it on its own
    assert "did not confirm whether creating the debtor 'No External Id' went through" in caught.value.user_message
    assert len(fake.requests) == 1


def test_a_failed_lookup_leaves_the_outcome_unknown() -> None:
    fake = (FakeBillecta()
            .on("POST", DEBTOR_CREATE, error(502), created(DEBTOR))
            .on("GET", DEBTOR_BY_EXT, error(503)))
    with pytest.raises(OutcomeUnknown, match="crm-17") as caught:
        make_client(fake, max_attempts=2).create_debtor(debtor())
    assert len(fake.calls("POST")) == 1
    # The upsert looks the external id up before any create, so a job may try the item again later.
    assert caught.value.transient


def test_the_attempt_budget_covers_resends() -> None:
    fake = (FakeBillecta()
            .on("POST", DEBTOR_CREATE, error(502))
            .on("GET", DEBTOR_BY_EXT, error(404, "No debtor")))
    with pytest.raises(BillectaUnavailable, match="HTTP 502"):
        make_client(fake, max_attempts=3).create_debtor(debtor())
    assert len(fake.calls("POST")) == 3 and len(fake.calls("GET")) == 3


def test_a_product_create_is_resolved_by_its_external_id() -> None:
    fake = (FakeBillecta()
            .on("POST", "/v1/products/product", httpx.ReadTimeout("no reply"))
            .on("GET", f"/v1/products/productbyexternalid/{CREDITOR}", json_reply({"ProductPublicId": PRODUCT})))
    assert make_client(fake).create_product(ProductView(description="Consulting", product_external_id="art-1")) \
        == PRODUCT
    assert len(fake.calls("POST")) == 1


def test_an_invoice_draft_is_resolved_by_external_reference_among_the_debtors_drafts() -> None:
    entry = InvoiceActionEntryView(creditor_public_id=CREDITOR, debtor_public_id=DEBTOR,
                                   invoice_date=datetime(2026, 1, 1), due_date=datetime(2026, 1, 31),
                                   external_reference="order-55")
    fake = (FakeBillecta()
            .on("POST", "/v1/invoice/action", httpx.ReadTimeout("no reply"))
            .on("GET", f"/v1/invoice/openbydebtor/{DEBTOR}", json_reply([
                {"ActionPublicId": "1111111111", "Stage": "InvoiceSent"},
                {"ActionPublicId": "2222222222", "Stage": "Created"},
                {"ActionPublicId": "3333333333", "Stage": "Created"}]))
            .on("GET", "/v1/invoice/action/2222222222", json_reply(invoice_json("2222222222",
                                                                                 ExternalReference="order-54")))
            .on("GET", "/v1/invoice/action/3333333333", json_reply(invoice_json("3333333333",
                                                                                 ExternalReference="order-55"))))
    assert make_client(fake).create_invoice(entry) == "3333333333"
    assert len(fake.calls("POST")) == 1
    assert fake.calls("GET", "/v1/invoice/action/1111111111") == []  # not a draft: not fetched


def payment(amount: str = "250.00") -> RegisterPaymentView:
    return RegisterPaymentView(action_public_id=AID, amount=AmountView.of(Decimal(amount)), date=datetime(2026, 2, 1))


@pytest.mark.parametrize("failure", AMBIGUOUS, ids=AMBIGUOUS_IDS)
def test_a_payment_whose_outcome_is_unknown_is_never_sent_again(failure: object) -> None:
    fake = (FakeBillecta()
            .on("GET", INVOICE, json_reply(invoice_json()))
            .on("POST", PAYMENT, failure, httpx.Response(204)))  # type: ignore[arg-type]
    with pytest.raises(OutcomeUnknown) as caught:
        make_client(fake).register_payment(payment())
    assert len(fake.calls("POST")) == 1
    assert caught.value.user_message == (
        f"Billecta did not confirm whether the payment on invoice {AID} went through. "
        "Check the invoice's event log in Billecta before trying again.")


def test_a_payment_seen_applied_on_the_invoice_is_a_success() -> None:
    paid = {"CurrencyCode": "SEK", "Value": 25000, "ValueForView": 250.0}
    fake = (FakeBillecta()
            .on("GET", INVOICE, json_reply(invoice_json()), json_reply(invoice_json(PaidAmount=paid)))
            .on("POST", PAYMENT, error(504)))
    make_client(fake).register_payment(payment())  # no OutcomeUnknown: it was seen applied
    assert len(fake.calls("POST")) == 1


def test_a_different_change_on_the_invoice_is_not_taken_for_our_payment() -> None:
    paid = {"CurrencyCode": "SEK", "Value": 10000, "ValueForView": 100.0}
    fake = (FakeBillecta()
            .on("GET", INVOICE, json_reply(invoice_json()), json_reply(invoice_json(PaidAmount=paid)))
            .on("POST", PAYMENT, httpx.ReadTimeout("no reply")))
    with pytest.raises(OutcomeUnknown):
        make_client(fake).register_payment(payment())
    assert len(fake.calls("POST")) == 1


def test_a_payment_refused_before_processing_is_retried() -> None:
    fake = (FakeBillecta()
            .on("GET", INVOICE, json_reply(invoice_json()))
            .on("POST", PAYMENT, error(429, **{"Retry-After": "1"}), httpx.Response(204)))
    make_client(fake).register_payment(payment())
    assert len(fake.calls("POST")) == 2


def test_an_overpayment_seen_applied_up_to_the_remaining_amount_is_a_success() -> None:
    # Billecta books the remaining 1 000,00 as paid and keeps the excess as an unhandled overpayment.
    paid = {"CurrencyCode": "SEK", "Value": 100000, "ValueForView": 1000.0}
    fake = (FakeBillecta()
            .on("GET", INVOICE, json_reply(invoice_json()), json_reply(invoice_json(PaidAmount=paid)))
            .on("POST", PAYMENT, error(503)))
    make_client(fake).register_payment(payment("1200.00"))
    assert len(fake.calls("POST")) == 1


def test_a_credit_is_a_put_but_is_not_sent_twice() -> None:
    credit = CreditActionView(action_public_id=AID, value=AmountView.of(Decimal("100")))
    fake = (FakeBillecta()
            .on("GET", INVOICE, json_reply(invoice_json()))
            .on("PUT", "/v1/invoice/credit", httpx.ReadTimeout("no reply"), httpx.Response(204)))
    with pytest.raises(OutcomeUnknown, match="the credit on invoice"):
        make_client(fake).credit_invoice(credit)
    assert len(fake.calls("PUT")) == 1


def test_a_reminder_is_resolved_by_the_new_reminder_on_the_invoice() -> None:
    reminder = SendReminderInvoiceView(invoice_action_public_id=AID, reminder_fee=AmountView.of(Decimal(60)))
    fake = (FakeBillecta()
            .on("GET", INVOICE, json_reply(invoice_json()),
                json_reply(invoice_json(ReminderInvoiceActionPublicId="8888888888")))
            .on("POST", "/v1/invoice/reminder", httpx.ReadTimeout("no reply")))
    result = make_client(fake).send_reminder(reminder)
    assert result is not None and result.action_public_id == "8888888888"
    assert result.source_action_public_id == AID
    assert len(fake.calls("POST")) == 1


def test_a_reminder_not_on_the_invoice_is_sent_again() -> None:
    reminder = SendReminderInvoiceView(invoice_action_public_id=AID, reminder_fee=AmountView.of(Decimal(60)))
    fake = (FakeBillecta()
            .on("GET", INVOICE, json_reply(invoice_json()))
            .on("POST", "/v1/invoice/reminder", error(502), json_reply({"ActionPublicId": "9"})))
    result = make_client(fake).send_reminder(reminder)
    assert result is not None and result.action_public_id == "9"
    assert len(fake.calls("POST")) == 2


def test_debt_collection_is_resolved_by_the_case_on_the_invoice() -> None:
    fake = (FakeBillecta()
            .on("POST", "/v1/debtcollection/actionfrominvoice", httpx.ReadTimeout("no reply"))
            .on("GET", INVOICE, json_reply(invoice_json(DebtCollectionActionPublicId="4444444444"))))
    entry = DebtCollectionFromInvoiceEntryView(source_public_id=AID)
    assert make_client(fake).debt_collection_from_invoice(entry) == "4444444444"
    assert len(fake.calls("POST")) == 1


def test_a_swish_request_with_a_lost_reply_is_unknown_unless_a_new_request_is_on_the_invoice() -> None:
    swish = f"/v1/payments/swish/{AID}"
    fake = (FakeBillecta().on("POST", swish, httpx.ReadTimeout("no reply"), created("TOKEN2"))
            .on("GET", INVOICE, json_reply(invoice_json(State={"Stage": "Attested",
                                                               "SwishPaymentPublicId": "TOKEN1"}))))
    with pytest.raises(OutcomeUnknown, match="Swish request"):
        make_client(fake).swish_request(AID, "46701234567", "Invoice 1002")
    assert len(fake.calls("POST")) == 1  # never a second request on the payer's phone unasked

    found = (FakeBillecta().on("POST", swish, httpx.ReadTimeout("no reply"))
             .on("GET", INVOICE, json_reply(invoice_json(State={"Stage": "Attested", "SwishPaymentPublicId": "OLD"})),
                 json_reply(invoice_json(State={"Stage": "Attested", "SwishPaymentPublicId": "NEW"}))))
    assert make_client(found).swish_request(AID, "46701234567", "Invoice 1002") == "NEW"
    assert len(found.calls("POST")) == 1