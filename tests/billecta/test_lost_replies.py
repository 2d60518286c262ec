"""Writes whose reply the sandbox loses after applying them (`LoseNextReplies`), served over HTTP: each
happens exactly once in Billecta and the client reports it done, or, when it cannot tell, raises
OutcomeUnknown naming where to check, and never applies it twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from bot.billecta import enums
from bot.billecta.client import BillectaClient
from bot.billecta.models import (
    AmountView,
    CreditActionView,
    DebtorView,
    InvoiceActionEntryView,
    InvoiceActionRecordView,
    InvoiceActionView,
    PaymentMatchView,
    ProductView,
    RegisterPaymentView,
)
from bot.errors import OutcomeUnknown
from bot.sandbox import DEMO, Sandbox
from bot.sandbox.server import SandboxServer
from tests.served import serving

from .fake_billecta import Sleeps

MODES = ["503", "drop"]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Sandbox, SandboxServer]]:
    box = Sandbox(":memory:", seed="demo")
    with serving(box, threads=4) as server:
        yield box, server
    box.close()


@pytest.fixture()
def box(served: tuple[Sandbox, SandboxServer]) -> Iterator[Sandbox]:
    yield served[0]
    served[0].set_faults(lose_next=0, lose_reply_rate=0, lose_reply_mode="503")
    served[0].inject_faults(0)


@pytest.fixture()
def client(served: tuple[Sandbox, SandboxServer]) -> Iterator[BillectaClient]:
    with BillectaClient(httpx.Client(base_url=served[1].url), token="sandbox", sleep=Sleeps()) as c:
        yield c


def lose_next(box: Sandbox, mode: str, count: int = 1) -> None:
    box.set_faults(lose_next=count, lose_reply_mode=mode)


def invoice(client: BillectaClient, role: str) -> InvoiceActionView:
    found = client.find_invoice_by_number(DEMO[role])
    assert found is not None
    return found


def draft_entry(client: BillectaClient, reference: str) -> InvoiceActionEntryView:
    today = datetime.now()
    return InvoiceActionEntryView(
        creditor_public_id=client.creditor_id, debtor_public_id=DEMO.debtors["2"], invoice_date=today,
        due_date=today + timedelta(days=30), external_reference=reference,
        records=[InvoiceActionRecordView.model_validate({
            "SequenceNo": 1, "ArticleDescription": "Lost reply test", "Quantity": 1, "VAT": 25,
            "UnitPrice": AmountView.of(Decimal("100.00")).to_wire()})])


@pytest.mark.parametrize("mode", MODES)
def test_a_debtor_created_once_though_its_reply_was_lost(box: Sandbox, client: BillectaClient, mode: str) -> None:
    lose_next(box, mode)
    debtor_id = client.create_debtor(DebtorView(name="Lost Reply AB", debtor_external_id=f"lost-{mode}"))
    assert box.faults.lose_next == 0  # the create's reply was indeed lost
    assert [d.debtor_public_id for d in client.list_debtors() if d.debtor_external_id == f"lost-{mode}"] == [debtor_id]


def test_a_debtor_without_external_id_is_unknown_not_created_twice(box: Sandbox, client: BillectaClient) -> None:
    lose_next(box, "503")
    with pytest.raises(OutcomeUnknown, match="creditor's debtors in Billecta"):
        client.create_debtor(DebtorView(name="Nameless Reply AB"))
    assert [d.name for d in client.list_debtors()].count("Nameless Reply AB") == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_product_created_once_though_its_reply_was_lost(box: Sandbox, client: BillectaClient, mode: str) -> None:
    lose_next(box, mode)
    product_id = client.create_product(ProductView(description="Lost kit", product_external_id=f"lost-{mode}",
                                                   unit_price=Decimal("10.00")))
    found = [p.product_public_id for p in client.list_products() if p.product_external_id == f"lost-{mode}"]
    assert found == [product_id]


@pytest.mark.parametrize("mode", MODES)
def test_a_draft_created_once_though_its_reply_was_lost(box: Sandbox, client: BillectaClient, mode: str) -> None:
    lose_next(box, mode)
    action_id = client.create_invoice(draft_entry(client, f"order:{mode}-lost"))
    found = client.find_invoice_by_external_reference(DEMO.debtors["2"], f"order:{mode}-lost")
    assert found is not None and found.action_public_id == action_id
    rows = client.open_invoices_by_debtor(DEMO.debtors["2"])
    refs = [client.get_invoice(r.action_public_id).external_reference for r in rows
            if r.stage is enums.InvoiceStage.Created]
    assert refs.count(f"order:{mode}-lost") == 1


@pytest.mark.parametrize("mode", MODES)
def test_an_attest_whose_reply_was_lost_is_done_not_refused(box: Sandbox, client: BillectaClient, mode: str) -> None:
    action_id = client.create_invoice(draft_entry(client, f"attest-{mode}"))
    lose_next(box, mode)
    client.attest_invoice(action_id)  # the retry would be refused ("already attested") without the look-up
    view = client.get_invoice(action_id)
    assert view.state.attested_date is not None
    assert [e.event_type for e in view.events].count("Attested") == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_payment_whose_reply_was_lost_is_booked_once(box: Sandbox, client: BillectaClient, mode: str) -> None:
    before = invoice(client, "open" if mode == "503" else "overdue")
    lose_next(box, mode)
    client.register_payment(RegisterPaymentView(action_public_id=before.action_public_id,
                                                amount=AmountView.of(Decimal("100.00")), date=datetime.now()))
    after = client.get_invoice(before.action_public_id)
    assert after.paid_amount.value - before.paid_amount.value == 10000


def test_an_overpayment_whose_reply_was_lost_is_booked_once(box: Sandbox, client: BillectaClient) -> None:
    before = invoice(client, "paused")
    excess = 5000
    lose_next(box, "503")
    client.register_payment(RegisterPaymentView(
        action_public_id=before.action_public_id, date=datetime.now(),
        amount=AmountView(currency_code="SEK", value=before.current_amount.value + excess),
        overshooting_amount_handling=enums.OvershootingAmountHandling.AsOverPayments))
    after = client.get_invoice(before.action_public_id)
    assert after.paid_amount.value - before.paid_amount.value == before.current_amount.value
    assert after.state.stage is enums.InvoiceStage.Completed
    overpayments = [p for p in client.list_unhandled_payments()
                    if p.overpayment_details and p.overpayment_details.get("ActionPublicId") == before.action_public_id]
    assert [p.amount.value for p in overpayments] == [excess]


def test_a_credit_whose_reply_was_lost_is_booked_once(box: Sandbox, client: BillectaClient) -> None:
    before = invoice(client, "disputed")
    lose_next(box, "drop")
    client.credit_invoice(CreditActionView(action_public_id=before.action_public_id,
                                           value=AmountView.of(Decimal("112.50"))))
    after = client.get_invoice(before.action_public_id)
    assert after.credited_amount.value - before.credited_amount.value == 11250


def test_every_write_of_a_burst_is_applied_once_under_a_lose_rate(box: Sandbox, client: BillectaClient) -> None:
    box.set_faults(lose_reply_rate=0.5)
    ids = {client.create_debtor(DebtorView(name=f"Burst {i} AB", debtor_external_id=f"burst-{i}"))
           for i in range(12)}
    box.set_faults(lose_reply_rate=0)
    burst = [d for d in client.list_debtors() if (d.debtor_external_id or "").startswith("burst-")]
    assert len(burst) == 12 and {d.debtor_public_id for d in burst} == ids


def test_a_match_whose_reply_was_lost_is_reported_matched_once(box: Sandbox, client: BillectaClient) -> None:
    target = invoice(client, "overdue")
    payment_id = DEMO.unhandled_payments["unmatched"]
    lose_next(box, "503")
    results = client.match_payments([PaymentMatchView(unhandled_payment_public_id=payment_id,
                                                      action_public_id=target.action_public_id)])
    assert [(r.unhandled_payment_public_id, r.successfull) for r in results] == [(payment_id, True)]
    after = client.get_invoice(target.action_public_id)
    assert target.current_amount.value - after.current_amount.value == 125000  # applied once


@pytest.mark.parametrize("mode", MODES)
def test_state_steps_whose_reply_was_lost_are_done_not_refused(
        box: Sandbox, client: BillectaClient, mode: str) -> None:
    if mode == "503":
        lose_next(box, mode)
        client.undispute_invoice(invoice(client, "disputed").action_public_id)
        lose_next(box, mode)
        client.delete_unhandled_payment(DEMO.unhandled_payments["overpayment"])
        assert client.get_unhandled_payment(DEMO.unhandled_payments["overpayment"]).state.value == "Deleted"
    else:
        case_id = invoice(client, "in_debt_collection").debt_collection_action_public_id
        assert case_id
        lose_next(box, mode)
        client.send_to_bailiff(case_id)
        assert client.get_debt_collection(case_id).state.stage.value == "SentToBailiff"
        lose_next(box, mode)
        client.pause_invoice(invoice(client, "open").action_public_id)
        assert invoice(client, "open").state.is_paused


def test_payments_and_credits_under_a_lose_rate_each_book_once(box: Sandbox, client: BillectaClient) -> None:
    before = invoice(client, "overdue")
    box.set_faults(lose_reply_rate=0.5, lose_reply_mode="drop")
    for _ in range(4):
        client.register_payment(RegisterPaymentView(action_public_id=before.action_public_id,
                                                    amount=AmountView.of(Decimal("10.00")), date=datetime.now()))
        client.credit_invoice(CreditActionView(action_public_id=before.action_public_id,
                                               value=AmountView.of(Decimal("1.00"))))
    box.set_faults(lose_reply_rate=0)
    after = client.get_invoice(before.action_public_id)
    assert after.paid_amount.value - before.paid_amount.value == 4000
    assert after.credited_amount.value - before.credited_amount.value == 400
