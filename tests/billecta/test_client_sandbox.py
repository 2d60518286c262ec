"""The client against the embedded sandbox: real state, real Billecta messages, injected faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from bot.billecta import enums, writes
from bot.billecta.client import BillectaClient
from bot.billecta.models import (
    AmountView,
    DebtorView,
    InvoiceActionEntryView,
    InvoiceActionRecordView,
    ProductView,
    RegisterPaymentView,
)
from bot.errors import BillectaNotFound, BillectaRejected, BillectaUnavailable, OutcomeUnknown
from bot.sandbox import DEMO, Sandbox

from .fake_billecta import Sleeps

BASE_URL = "http://sandbox.billecta.invalid"


class LoseReply(httpx.BaseTransport):
    """The sandbox, except that the first `times` requests to one route fail as if the reply was lost:
    after the sandbox applied them (`applied=True`) or before they reached it."""

    def __init__(self, inner: httpx.BaseTransport, method: str, path: str, *, applied: bool, times: int = 1):
        self.inner, self.route, self.applied, self.times = inner, (method, path), applied, times
        self.hits = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if (request.method, request.url.path) != self.route:
            return self.inner.handle_request(request)
        self.hits += 1
        if self.hits > self.times:
            return self.inner.handle_request(request)
        if self.applied:
            self.inner.handle_request(request)
            raise httpx.ReadTimeout("the reply was lost", request=request)
        return httpx.Response(504, request=request)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(":memory:", seed="demo") as sb:
        yield sb


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def connect(transport: httpx.BaseTransport, sleeps: Sleeps, max_attempts: int = 5) -> BillectaClient:
    http = httpx.Client(base_url=BASE_URL, transport=transport)
    return BillectaClient(http, token="sandbox", sleep=sleeps, max_attempts=max_attempts)


@pytest.fixture
def client(sandbox: Sandbox, sleeps: Sleeps) -> Iterator[BillectaClient]:
    with connect(sandbox.transport(), sleeps) as client:
        yield client


def test_the_only_creditor_is_found_on_its_own(client: BillectaClient, sandbox: Sandbox) -> None:
    assert client.creditor_id == sandbox.creditor_id == DEMO.creditor_id
    assert client.get_creditor().name == "Demo Bygg AB"


def test_debtor_product_and_invoice_round_trip(client: BillectaClient) -> None:
    debtor_id = client.create_debtor(DebtorView(name="Runda Bygg AB", debtor_external_id="crm-900",
                                                email="ap@runda.test", org_no="556123-4567"))
    debtor = client.get_debtor(debtor_id)
    assert (debtor.name, debtor.creditor_public_id) == ("Runda Bygg AB", DEMO.creditor_id)
    client.update_debtor(debtor.model_copy(update={"email": "invoices@runda.test"}))
    found = client.find_debtor_by_external_id("crm-900")
    assert found is not None and found.email == "invoices@runda.test"

    product_id = client.create_product(ProductView(description="Inspection", product_external_id="art-900",
                                                   unit_price=Decimal("1500.00"), units="h"))
    assert client.get_product(product_id).unit_price == Decimal("1500.00")

    today = datetime.now()
    entry = InvoiceActionEntryView(
        creditor_public_id="", debtor_public_id=debtor_id, invoice_date=today, due_date=today + timedelta(days=30),
        external_reference="order-900",
        records=[InvoiceActionRecordView(product_public_id=product_id, article_description="Inspection",
                                         quantity=Decimal("2"), unit_price=AmountView.of(Decimal("1500.00")))])
    aid = client.create_invoice(entry)
    draft = client.get_invoice(aid)
    assert draft.state.stage is enums.InvoiceStage.Created
    assert draft.external_reference == "order-900"
    client.update_invoice(aid, entry.model_copy(update={"message": "Thank you"}))
    client.attest_invoice(aid)
    sent = client.get_invoice(aid)
    assert sent.state.stage is enums.InvoiceStage.InvoiceSent
    assert sent.invoiced_amount.amount == Decimal("3750.00")  # 2 x 1500 + 25 % VAT
    assert aid in [row.action_public_id for row in client.open_invoices_by_debtor(debtor_id)]
    assert client.find_invoice_by_number(sent.invoice_number or "") is not None


def test_a_deleted_draft_is_not_found(client: BillectaClient) -> None:
    draft = client.find_invoice_by_number(DEMO["draft"])
    assert draft is not None
    client.delete_invoice(draft.action_public_id)
    with pytest.raises(BillectaNotFound, match=f"Billecta has no invoice {draft.action_public_id}."):
        client.get_invoice(draft.action_public_id)


def test_pause_and_resume_refusals_carry_billectas_message(client: BillectaClient) -> None:
    invoice = client.find_invoice_by_number(DEMO["open"])
    assert invoice is not None
    with pytest.raises(BillectaRejected) as not_paused:
        client.resume_invoice(invoice.action_public_id)
    client.pause_invoice(invoice.action_public_id)
    with pytest.raises(BillectaRejected) as already_paused:
        client.pause_invoice(invoice.action_public_id)
    for refusal in (not_paused.value, already_paused.value):
        assert "paused" in refusal.billecta_message
        assert refusal.user_message == f"Billecta refused: {refusal.billecta_message}"
    assert client.get_invoice(invoice.action_public_id).state.is_paused


def test_injected_503s_and_429s_are_ridden_out(client: BillectaClient, sandbox: Sandbox, sleeps: Sleeps) -> None:
    sandbox.inject_faults(fail_next=2, status=503)
    assert len(client.open_invoices()) > 0
    sandbox.inject_faults(fail_next=1, status=429, retry_after=1)
    assert client.list_debtors()
    assert len(sleeps) == 3 and sleeps[2] == 1.0


def test_faults_beyond_the_attempt_budget_surface(sandbox: Sandbox, sleeps: Sleeps) -> None:
    client = connect(sandbox.transport(), sleeps, max_attempts=3)
    sandbox.inject_faults(fail_next=3, status=503)
    with pytest.raises(BillectaUnavailable, match="HTTP 503"):
        client.list_products()
    assert len(client.list_products()) == 4  # the faults are used up


def debtors_with_external_id(client: BillectaClient, external_id: str) -> list[DebtorView]:
    return [d for d in client.list_debtors() if d.debtor_external_id == external_id]


def test_an_injected_gateway_error_on_a_create_is_looked_up_then_sent_again(
        client: BillectaClient, sandbox: Sandbox) -> None:
    sandbox.inject_faults(fail_next=1, status=502)  # the sandbox does not execute a faulted request
    debtor_id = client.create_debtor(DebtorView(name="Gateway AB", debtor_external_id="crm-502"))
    assert [d.debtor_public_id for d in debtors_with_external_id(client, "crm-502")] == [debtor_id]


def test_a_create_whose_reply_was_lost_is_found_not_duplicated(sandbox: Sandbox, sleeps: Sleeps) -> None:
    lossy = LoseReply(sandbox.transport(), "POST", "/v1/debtors/debtor", applied=True)
    client = connect(lossy, sleeps)
    debtor_id = client.create_debtor(DebtorView(name="Lost Reply AB", debtor_external_id="crm-lost"))
    assert lossy.hits == 1
    assert [d.debtor_public_id for d in debtors_with_external_id(client, "crm-lost")] == [debtor_id]


def payment_on(client: BillectaClient, number: str, amount: str) -> tuple[str, RegisterPaymentView]:
    invoice = client.find_invoice_by_number(number)
    assert invoice is not None
    return invoice.action_public_id, RegisterPaymentView(
        action_public_id=invoice.action_public_id, amount=AmountView.of(Decimal(amount)), date=datetime.now())


def test_a_payment_whose_reply_was_lost_is_seen_applied_once(sandbox: Sandbox, sleeps: Sleeps) -> None:
    lossy = LoseReply(sandbox.transport(), "POST", "/v1/invoice/payment", applied=True)
    client = connect(lossy, sleeps)
    aid, payment = payment_on(client, DEMO["open"], "100.00")
    client.register_payment(payment)
    assert lossy.hits == 1
    assert client.get_invoice(aid).paid_amount.amount == Decimal("100.00")


def test_a_payment_with_an_unknown_outcome_is_not_sent_again(sandbox: Sandbox, sleeps: Sleeps) -> None:
    lossy = LoseReply(sandbox.transport(), "POST", "/v1/invoice/payment", applied=False)
    client = connect(lossy, sleeps)
    aid, payment = payment_on(client, DEMO["open"], "100.00")
    with pytest.raises(OutcomeUnknown, match="event log"):
        client.register_payment(payment)
    assert lossy.hits == 1
    assert client.get_invoice(aid).paid_amount.amount == Decimal("0.00")


def test_writes_billecta_accepted_are_noted_for_the_caller_reads_and_refusals_are_not(client: BillectaClient) -> None:
    with writes.tracking() as made:
        [target] = [row.action_public_id for row in client.open_invoices() if row.invoice_number == DEMO["open"]]
        client.get_invoice(target)
        assert not made  # reads are not writes
        client.pause_invoice(target)
        assert len(made) == 1 and made[0].startswith("PUT ")
        with pytest.raises(BillectaRejected):
            client.pause_invoice(target)  # already paused: refused, nothing accepted
        assert len(made) == 1
    client.resume_invoice(target)  # outside any tracking: nothing noted, nothing fails
