"""The client's write-off and debtor-balance calls against the embedded sandbox: the bodies Billecta's
schemas accept, Billecta's answers, and a reply lost after the sandbox applied the write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import AmountView
from bot.errors import BillectaRejected
from bot.sandbox import DEMO, Sandbox
from tests.wire_schemas import assert_valid, assert_valid_list

from .fake_billecta import Sleeps
from .test_client_sandbox import BASE_URL, LoseReply

BALANCE, OVERPAYMENT = DEMO.unhandled_payments["balance"], DEMO.unhandled_payments["overpayment"]


class Recording(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.bodies: list[tuple[str, object]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            self.bodies.append((request.url.path, json.loads(request.content or b"null")))
        return self.inner.handle_request(request)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(":memory:", seed="demo") as box:
        yield box


def connect(transport: httpx.BaseTransport) -> BillectaClient:
    return BillectaClient(httpx.Client(base_url=BASE_URL, transport=transport), token="sandbox", sleep=Sleeps())


def aid(client: BillectaClient, role: str) -> str:
    found = client.find_invoice_by_number(DEMO[role])
    assert found is not None
    return found.action_public_id


def test_a_write_off_is_a_payment_registration_with_write_off_set(sandbox: Sandbox) -> None:
    recording = Recording(sandbox.transport())
    with connect(recording) as client:
        target = aid(client, "overdue")
        on = datetime(2026, 1, 5, tzinfo=STOCKHOLM)
        client.write_off(target, AmountView.from_minor(31250, "SEK"), on, "Rounding")
        view = client.get_invoice(target)
    (path, body), = recording.bodies
    assert path == "/v1/invoice/payment"
    assert_valid("RegisterPaymentView", body)
    assert isinstance(body, dict) and body["Amount"]["Value"] == 0 and body["WriteOff"]["Value"] == 31250
    assert (view.write_off_amount.value, view.current_amount.value) == (31250, 400000)
    assert [e.content for e in view.events if e.event_type.value == "WrittenOff"] == [
        "Write-off date 2026-01-05. Rounding"]


def test_more_than_remains_is_refused_with_billectas_reason(sandbox: Sandbox) -> None:
    with connect(sandbox.transport()) as client, pytest.raises(BillectaRejected) as caught:
        client.write_off(aid(client, "open"), AmountView.from_minor(125001, "SEK"), datetime.now(STOCKHOLM))
    assert caught.value.billecta_message == "The write-off exceeds the remaining amount (1\u00a0250,00\u00a0kr)."


def test_a_debtors_balances_are_its_unused_credits_only(sandbox: Sandbox) -> None:
    with connect(sandbox.transport()) as client:
        nordic = [b.unhandled_payment_public_id for b in client.debtor_balances(DEMO.debtors["2"])]
        lund = [b.unhandled_payment_public_id for b in client.debtor_balances(DEMO.debtors["3"])]
    assert nordic == [BALANCE]  # the unmatched 1 250,00 kr "from Nordic Cafe" is nobody's balance yet
    assert lund == [OVERPAYMENT]


def test_using_balances_matches_them_and_refusals_raise(sandbox: Sandbox) -> None:
    recording = Recording(sandbox.transport())
    with connect(recording) as client:
        with pytest.raises(BillectaRejected, match="The balance belongs to another debtor"):
            client.use_balances([BALANCE], aid(client, "paused"))  # Nordic Café's credit on Lund's invoice
        results = client.use_balances([BALANCE], aid(client, "open"))
        assert [r.successfull for r in results] == [True]
        assert client.get_invoice(aid(client, "open")).current_amount.value == 75000
    for path, body in recording.bodies:
        assert path.startswith("/v1/payments/matchpayments/")
        assert_valid_list("PaymentMatchesView", "PaymentMatchView", body)


def test_a_balance_used_whose_reply_was_lost_is_reported_used_once(sandbox: Sandbox) -> None:
    path = f"/v1/payments/matchpayments/{DEMO.creditor_id}"
    lossy = LoseReply(sandbox.transport(), "POST", path, applied=True)
    with connect(lossy) as client:
        target = aid(client, "open")
        results = client.use_balances([BALANCE], target)
        assert lossy.hits == 1
        assert [(r.unhandled_payment_public_id, r.successfull) for r in results] == [(BALANCE, True)]
        assert client.get_invoice(target).paid_amount.value == 50000  # once
