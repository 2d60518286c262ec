"""Every client method against the endpoint table: the right method and path, and a body that is valid
against Billecta's JSON Schema for its model."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.billecta.endpoints import ENDPOINTS
from bot.billecta.models import (
    AmountView,
    CommentActionView,
    CreditActionView,
    CreditorView,
    DebtCollectionFromInvoiceEntryView,
    DebtorView,
    DefaultActionConfigView,
    InvoiceActionEntryView,
    InvoiceActionRecordView,
    PaymentMatchView,
    ProductView,
    RegisterPaymentView,
    SendReminderInvoiceView,
)
from tests.wire_schemas import assert_valid

from .fake_billecta import AID, CREDITOR, DEBTOR, PRODUCT, UNHANDLED, created, invoice_json, json_reply, make_client

FID = "6f5e4d3c-2b1a-4f0e-9d8c-7b6a5f4e3d2c"
DAY = date(2026, 3, 2)
MIDNIGHT = datetime(2026, 3, 2)
SEK = AmountView.of(Decimal("1250.00"))


def invoice_entry() -> InvoiceActionEntryView:
    return InvoiceActionEntryView(
        creditor_public_id="", debtor_public_id=DEBTOR, invoice_date=MIDNIGHT, due_date=datetime(2026, 4, 1),
        external_reference="order-1", our_reference="Anna", message="Thanks!",
        records=[InvoiceActionRecordView(product_public_id=PRODUCT, article_description="Consulting",
                                         quantity=Decimal("1.5"), unit_price=SEK, units="h")])


@dataclass
class Case:
    endpoint: str
    call: Callable[[BillectaClient], Any]
    path: dict[str, str]
    reply: httpx.Response = field(default_factory=lambda: httpx.Response(204))
    schema: str | None = None


CASES = [
    Case("authenticate", lambda c: c.authenticate("u", "p"), {}, json_reply({"Value": "t"})),
    Case("creditor_get", lambda c: c.get_creditor(), {"cid": CREDITOR}, json_reply({"Name": "Us"})),
    Case("creditor_update", lambda c: c.update_creditor(CreditorView(name="Us AB", org_no="556000-0000")), {},
         schema="CreditorView"),
    Case("creditors_list", lambda c: c.list_creditors(), {}, json_reply([])),
    Case("default_config_get", lambda c: c.get_default_config(), {"cid": CREDITOR}, json_reply({})),
    Case("default_config_update",
         lambda c: c.update_default_config(DefaultActionConfigView(reminder_invoice_fee=Decimal(60),
                                                                   invoice_payment_terms_in_days=30)),
         {}, schema="DefaultActionConfigView"),
    Case("debtor_create", lambda c: c.create_debtor(DebtorView(name="Acme AB", debtor_external_id="crm-1",
                                                               email="ap@acme.test")),
         {}, created(DEBTOR), "DebtorView"),
    Case("debtor_update", lambda c: c.update_debtor(DebtorView(debtor_public_id=DEBTOR, name="Acme AB",
                                                               created=datetime(2026, 1, 1, tzinfo=UTC))),
         {}, schema="DebtorView"),
    Case("debtor_get", lambda c: c.get_debtor(DEBTOR), {"did": DEBTOR}, json_reply({"DebtorPublicId": DEBTOR})),
    Case("debtor_by_external_id", lambda c: c.find_debtor_by_external_id("crm-1"), {"cid": CREDITOR},
         json_reply({"DebtorPublicId": DEBTOR})),
    Case("debtors_list", lambda c: c.list_debtors(), {"cid": CREDITOR}, json_reply([])),
    Case("debtor_events", lambda c: c.debtor_events(DEBTOR), {"did": DEBTOR}, json_reply([])),
    Case("product_create", lambda c: c.create_product(ProductView(description="Consulting", unit_price=Decimal(
        "950.50"), product_external_id="art-1", units="h")), {}, created(PRODUCT), "ProductView"),
    Case("product_update", lambda c: c.update_product(ProductView(product_public_id=PRODUCT, description="X")),
         {}, schema="ProductView"),
    Case("product_delete", lambda c: c.delete_product(PRODUCT), {"pid": PRODUCT}),
    Case("product_get", lambda c: c.get_product(PRODUCT), {"pid": PRODUCT}, json_reply({})),
    Case("product_by_external_id", lambda c: c.find_product_by_external_id("art-1"), {"cid": CREDITOR},
         json_reply({})),
    Case("products_list", lambda c: c.list_products(), {"cid": CREDITOR}, json_reply([])),
    Case("invoice_create", lambda c: c.create_invoice(invoice_entry()), {}, created(AID), "InvoiceActionEntryView"),
    Case("invoice_update", lambda c: c.update_invoice(AID, invoice_entry()), {"aid": AID},
         schema="InvoiceActionEntryView"),
    Case("invoice_delete", lambda c: c.delete_invoice(AID), {"aid": AID}),
    Case("invoice_attest", lambda c: c.attest_invoice(AID), {"aid": AID}),
    Case("invoice_get", lambda c: c.get_invoice(AID), {"aid": AID}, json_reply(invoice_json())),
    Case("invoices_open", lambda c: c.open_invoices(), {"cid": CREDITOR}, json_reply([])),
    Case("invoices_closed", lambda c: c.closed_invoices(DAY, DAY), {"cid": CREDITOR}, json_reply([])),
    Case("invoices_open_by_debtor", lambda c: c.open_invoices_by_debtor(DEBTOR), {"did": DEBTOR}, json_reply([])),
    Case("invoices_closed_by_debtor", lambda c: c.closed_invoices_by_debtor(DEBTOR, DAY, DAY), {"did": DEBTOR},
         json_reply([])),
    Case("invoice_by_number", lambda c: c.find_invoice_by_number("1001"), {"cid": CREDITOR},
         json_reply(invoice_json())),
    Case("invoice_pause", lambda c: c.pause_invoice(AID), {"aid": AID}),
    Case("invoice_resume", lambda c: c.resume_invoice(AID), {"aid": AID}),
    Case("invoice_dispute", lambda c: c.dispute_invoice(AID), {"aid": AID}),
    Case("invoice_undispute", lambda c: c.undispute_invoice(AID), {"aid": AID}),
    Case("invoice_postpone", lambda c: c.postpone_invoice(AID, DAY), {"aid": AID}),
    Case("invoice_credit", lambda c: c.credit_invoice(CreditActionView(action_public_id=AID, value=SEK,
                                                                       comment="Goodwill")),
         {}, schema="CreditActionView"),
    Case("invoice_reminder", lambda c: c.send_reminder(SendReminderInvoiceView(
        invoice_action_public_id=AID, reminder_fee=AmountView.of(Decimal(60)), payment_terms_in_days=10)),
         {}, schema="SendReminderInvoiceView"),
    Case("invoice_payment", lambda c: c.register_payment(RegisterPaymentView(
        action_public_id=AID, amount=SEK, date=MIDNIGHT, payment_mean_code="BG", comment="Bank")),
         {}, schema="RegisterPaymentView"),
    Case("invoice_payment", lambda c: c.register_payment(RegisterPaymentView(
        action_public_id=AID, write_off=AmountView.of(Decimal("12.50")), amount=AmountView.of(Decimal(0)),
        date=MIDNIGHT)), {}, schema="RegisterPaymentView"),
    Case("invoice_comment", lambda c: c.comment_invoice(CommentActionView(action_public_id=AID, comment="Called")),
         {}, schema="CommentActionView"),
    Case("invoice_events", lambda c: c.invoice_events(DAY, DAY), {"cid": CREDITOR}, json_reply([])),
    Case("file_get", lambda c: c.get_file(FID), {"fid": FID}, httpx.Response(200, content=b"%PDF")),
    Case("file_object", lambda c: c.get_file_object(FID), {"fid": FID}, json_reply({"FilePublicId": FID})),
    Case("unhandled_payments_list", lambda c: c.list_unhandled_payments(), {"cid": CREDITOR}, json_reply([])),
    Case("unhandled_payment_get", lambda c: c.get_unhandled_payment(UNHANDLED), {"upid": UNHANDLED},
         json_reply({"UnhandledPaymentPublicId": UNHANDLED})),
    Case("payments_match", lambda c: c.match_payments([PaymentMatchView(
        unhandled_payment_public_id=UNHANDLED, action_public_id=AID, payment_date=MIDNIGHT)]), {"cid": CREDITOR},
         json_reply([{"UnhandledPaymentPublicId": UNHANDLED, "Successfull": True}]), "PaymentMatchesView"),
    Case("unhandled_payment_delete", lambda c: c.delete_unhandled_payment(UNHANDLED), {"upid": UNHANDLED}),
    Case("incoming_payments", lambda c: c.incoming_payments(DAY, DAY), {},
         json_reply([{"PaymentReferenceId": UNHANDLED, "PaymentDate": "2026-03-02 10:00:00+01:00"}]),
         "IncomingPaymentRequestView"),
    Case("swish_request", lambda c: c.swish_request(AID, "46701234567", "Invoice 1002"), {"aid": AID},
         created("TOKEN1")),
    Case("swish_status", lambda c: c.swish_status("tok-1"), {"token": "tok-1"}, json_reply({"Status": "Paid"})),
    Case("swish_cancel", lambda c: c.cancel_swish("tok-1"), {"token": "tok-1"}),
    Case("debtcollection_get", lambda c: c.get_debt_collection("42"), {"aid": "42"},
         json_reply({"ActionPublicId": "42"})),
    Case("debtcollection_from_invoice", lambda c: c.debt_collection_from_invoice(
        DebtCollectionFromInvoiceEntryView(source_public_id=AID, reason_description="Unpaid consulting")),
         {}, created("42"), "DebtCollectionFromInvoiceEntryView"),
    Case("debtcollection_postpone", lambda c: c.postpone_debt_collection("42", DAY), {"aid": "42"}),
    Case("debtcollection_cancel", lambda c: c.cancel_debt_collection("42"), {"aid": "42"}),
    Case("debtcollection_surveillance", lambda c: c.send_to_long_term_surveillance("42"), {"aid": "42"}),
    Case("debtcollection_bailiff", lambda c: c.send_to_bailiff("42"), {"aid": "42"}),
    Case("debtcollection_assistance_bailiff", lambda c: c.send_to_assistance_with_bailiff("42"), {"aid": "42"}),
    Case("currencies", lambda c: c.currencies(), {}, json_reply([{"CurrencyCode": "SEK", "Decimals": 2}])),
]


def run(case: Case) -> list[httpx.Request]:
    endpoint = ENDPOINTS[case.endpoint]
    target = (endpoint.method, endpoint.url(**case.path))
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if (request.method, request.url.path) == target:
            sent.append(request)
            return case.reply
        if request.method == "GET" and request.url.path == f"/v1/invoice/action/{AID}":
            return json_reply(invoice_json())  # the snapshot taken before a payment, credit or reminder
        return httpx.Response(418)

    case.call(make_client(handler))
    return sent


@pytest.mark.parametrize("case", CASES, ids=[f"{c.endpoint}-{i}" for i, c in enumerate(CASES)])
def test_each_method_calls_its_endpoint_with_a_valid_body(case: Case) -> None:
    sent = run(case)
    assert len(sent) == 1
    if case.schema:
        body = json.loads(sent[0].content)
        assert_valid(case.schema, body)


def test_every_endpoint_in_the_table_has_a_method() -> None:
    assert {c.endpoint for c in CASES} == set(ENDPOINTS)


def test_the_creditor_is_filled_in_where_the_body_needs_it() -> None:
    for case in CASES:
        if case.schema in ("DebtorView", "ProductView", "InvoiceActionEntryView", "CreditorView",
                           "DefaultActionConfigView"):
            assert json.loads(run(case)[0].content)["CreditorPublicId"] == CREDITOR


def test_defaults_left_unset_are_omitted_but_an_explicit_null_is_sent() -> None:
    case = Case("debtor_update", lambda c: c.update_debtor(DebtorView(debtor_public_id=DEBTOR, email=None)), {})
    body = json.loads(run(case)[0].content)
    assert body["Email"] is None  # set on purpose: clears the e-mail
    assert "Phone" not in body and "Created" not in body


def test_a_swish_request_sends_phone_and_message_in_the_query_with_an_empty_body() -> None:
    [sent] = run(Case("swish_request", lambda c: c.swish_request(AID, "46701234567", "Invoice 1002"), {"aid": AID},
                      created("TOKEN1")))
    assert sent.url.path == f"/v1/payments/swish/{AID}" and sent.content == b""
    assert dict(sent.url.params) == {"phone": "46701234567", "message": "Invoice 1002"}


def test_incoming_payments_ask_whole_stockholm_days_and_are_no_write() -> None:
    from bot.billecta import writes

    found: list[Any] = []
    case = Case("incoming_payments", lambda c: found.extend(c.incoming_payments(DAY, date(2026, 3, 9))), {},
                json_reply([{"PaymentReferenceId": UNHANDLED, "ActionPublicId": AID, "PaymentDate":
                             "2026-03-02 23:30:00+01:00", "Amount": {"CurrencyCode": "SEK", "Value": 12_500}}]))
    with writes.tracking() as made:
        [sent] = run(case)
    assert json.loads(sent.content) == {"CreditorPublicId": CREDITOR, "From": "2026-03-02 00:00:00+01:00",
                                        "To": "2026-03-09 23:59:59+01:00"}
    assert made == []  # a PUT that only asks: nothing a failed recording could leave half done
    assert [(p.action_public_id, p.amount.value if p.amount else None) for p in found] == [(AID, 12_500)]


def test_incoming_payments_of_some_invoices_send_the_action_filter() -> None:
    case = Case("incoming_payments", lambda c: c.incoming_payments(DAY, DAY, action_ids=[AID]), {}, json_reply([]))
    body = json.loads(run(case)[0].content)
    assert body["ActionPublicIdFilter"] == [AID]
    assert_valid("IncomingPaymentRequestView", body)
