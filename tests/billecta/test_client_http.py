"""The client's HTTP contract: headers, replies read into models, and every failure mapped to our errors."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.billecta.models import AmountView, DebtorView, InvoiceActionView, SendReminderInvoiceView
from bot.config import BillectaEnv, Settings
from bot.errors import (
    BillectaAuthFailed,
    BillectaNotFound,
    BillectaRateLimited,
    BillectaRejected,
    BillectaUnavailable,
    ConfigError,
)

from .fake_billecta import (
    AID,
    CREDITOR,
    DEBTOR,
    TOKEN,
    FakeBillecta,
    Sleeps,
    created,
    error,
    invoice_json,
    json_reply,
    make_client,
)

INVOICE = f"/v1/invoice/action/{AID}"


def test_every_call_sends_the_secure_token_header_base64_encoded() -> None:
    fake = FakeBillecta().on("GET", INVOICE, json_reply(invoice_json()))
    make_client(fake).get_invoice(AID)
    request = fake.requests[0]
    assert request.headers["Authorization"] == "SecureToken czNjcjN0LXRva2VuLXZhbHVl"
    assert base64.b64decode(request.headers["Authorization"].split()[1]).decode() == TOKEN
    assert request.headers["Accept"] == "application/json"


def test_bodies_are_json_with_content_type() -> None:
    fake = FakeBillecta().on("POST", "/v1/debtors/debtor", created(DEBTOR))
    make_client(fake).create_debtor(DebtorView(name="Acme AB", debtor_external_id="crm-1"))
    request = fake.requests[0]
    assert request.headers["Content-Type"] == "application/json"
    assert fake.body()["Name"] == "Acme AB"
    assert fake.body()["CreditorPublicId"] == CREDITOR


def test_authenticate_uses_basic_auth_without_a_token() -> None:
    fake = FakeBillecta().on("POST", "/v1/authentication/apiauthenticate",
                             json_reply({"Value": "new-token", "Expires": "2027-01-01 00:00:00+01:00"}))
    token = make_client(fake, token=None).authenticate("user@example.com", "pw")
    assert token.value == "new-token"
    assert fake.requests[0].headers["Authorization"] == "Basic " + base64.b64encode(
        b"user@example.com:pw").decode()
    assert fake.requests[0].headers["Content-Length"] == "0"


def test_calling_without_a_token_is_a_config_error() -> None:
    fake = FakeBillecta()
    with pytest.raises(ConfigError, match="BILLECTA_SECURE_TOKEN"):
        make_client(fake, token=None).get_invoice(AID)
    assert fake.requests == []


def test_replies_become_models_and_creates_return_the_public_id() -> None:
    fake = (FakeBillecta()
            .on("GET", INVOICE, json_reply(invoice_json(NewField={"x": 1})))
            .on("GET", f"/v1/invoice/open/{CREDITOR}", json_reply([{"ActionPublicId": AID, "Stage": "Attested"}]))
            .on("POST", "/v1/debtors/debtor", created(DEBTOR)))
    client = make_client(fake)
    invoice = client.get_invoice(AID)
    assert isinstance(invoice, InvoiceActionView)
    assert invoice.model_extra == {"NewField": {"x": 1}}
    assert [row.action_public_id for row in client.open_invoices()] == [AID]
    assert client.create_debtor(DebtorView(name="A", debtor_external_id="e")) == DEBTOR


@pytest.mark.parametrize("reply", [httpx.Response(204), httpx.Response(200), httpx.Response(200, text="  ")])
def test_empty_replies_are_none(reply: httpx.Response) -> None:
    fake = FakeBillecta().on("PUT", f"/v1/invoice/pause/{AID}", reply).on(
        "POST", "/v1/invoice/reminder", reply)
    client = make_client(fake)
    client.pause_invoice(AID)
    fake.on("GET", INVOICE, json_reply(invoice_json()))
    assert client.send_reminder(SendReminderInvoiceView(
        invoice_action_public_id=AID, reminder_fee=AmountView.of(Decimal(60)))) is None


def test_400_is_rejected_with_billectas_message_and_code() -> None:
    fake = FakeBillecta().on("PUT", f"/v1/invoice/resume/{AID}",
                             error(400, "The invoice is not paused.", "NotPaused"))
    with pytest.raises(BillectaRejected) as caught:
        make_client(fake).resume_invoice(AID)
    assert caught.value.billecta_message == "The invoice is not paused."
    assert caught.value.external_error_code == "NotPaused"
    assert caught.value.user_message == "Billecta refused: The invoice is not paused."
    assert not caught.value.transient
    assert len(fake.requests) == 1


@pytest.mark.parametrize("reply", [httpx.Response(400, text="<html>Bad Request</html>"), httpx.Response(400),
                                   httpx.Response(400, json=["not", "an", "object"])])
def test_400_without_a_json_message_gets_a_short_generic_message(reply: httpx.Response) -> None:
    fake = FakeBillecta().on("PUT", f"/v1/invoice/pause/{AID}", reply)
    with pytest.raises(BillectaRejected) as caught:
        make_client(fake).pause_invoice(AID)
    assert caught.value.billecta_message == "the request was not accepted (HTTP 400)"
    assert "html" not in caught.value.user_message


@pytest.mark.parametrize(
    ("call", "path", "message"),
    [
        (lambda c: c.get_invoice(AID), INVOICE, f"Billecta has no invoice {AID}."),
        (lambda c: c.get_debtor(DEBTOR), f"/v1/debtors/debtor/{DEBTOR}", f"Billecta has no debtor {DEBTOR}."),
        (lambda c: c.get_debt_collection("42"), "/v1/debtcollection/action/42",
         "Billecta has no debt-collection case 42."),
        (lambda c: c.get_creditor(), f"/v1/creditors/creditor/{CREDITOR}", f"Billecta has no creditor {CREDITOR}."),
        (lambda c: c.update_debtor(DebtorView(debtor_public_id=DEBTOR)), "/v1/debtors/debtor",
         f"Billecta has no debtor {DEBTOR}."),
    ],
)
def test_404_names_what_was_not_found(call: Callable[[BillectaClient], object], path: str, message: str) -> None:
    fake = FakeBillecta().on("GET", path, error(404, "Not found")).on("PUT", path, error(404))
    with pytest.raises(BillectaNotFound) as caught:
        call(make_client(fake))
    assert caught.value.user_message == message


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_are_auth_failures(status: int) -> None:
    fake = FakeBillecta().on("GET", INVOICE, error(status, "Unauthorized"))
    with pytest.raises(BillectaAuthFailed) as caught:
        make_client(fake).get_invoice(AID)
    assert "BILLECTA_SECURE_TOKEN" in caught.value.user_message
    assert len(fake.requests) == 1


def test_500_is_unavailable_and_not_retried() -> None:
    fake = FakeBillecta().on("GET", INVOICE, error(500, "Boom"))
    sleeps = Sleeps()
    with pytest.raises(BillectaUnavailable, match="HTTP 500") as caught:
        make_client(fake, sleep=sleeps).get_invoice(AID)
    assert caught.value.transient
    assert len(fake.requests) == 1 and sleeps == []


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="{not json"),
        json_reply({"CreditorPublicId": CREDITOR}),  # no ActionPublicId
        json_reply(["a", "list"]),
        json_reply(invoice_json(CurrentAmount={"Value": "lots"})),
    ],
)
def test_malformed_replies_are_unavailable_not_validation_errors(reply: httpx.Response) -> None:
    fake = FakeBillecta().on("GET", INVOICE, reply)
    with pytest.raises(BillectaUnavailable, match="unexpected response"):
        make_client(fake).get_invoice(AID)


def test_a_list_endpoint_answering_an_object_is_unavailable() -> None:
    fake = FakeBillecta().on("GET", f"/v1/invoice/open/{CREDITOR}", json_reply({"Items": []}))
    with pytest.raises(BillectaUnavailable, match="unexpected response"):
        make_client(fake).open_invoices()


def test_lookups_return_none_when_billecta_has_nothing() -> None:
    fake = (FakeBillecta()
            .on("GET", f"/v1/debtors/debtorbyexternalid/{CREDITOR}", error(404, "No debtor"))
            .on("GET", f"/v1/products/productbyexternalid/{CREDITOR}", error(404, "No product"))
            .on("GET", f"/v1/invoice/actionbyinvoicenumber/{CREDITOR}", error(404, "No invoice")))
    client = make_client(fake)
    assert client.find_debtor_by_external_id("crm-1") is None
    assert client.find_product_by_external_id("art-1") is None
    assert client.find_invoice_by_number("1001") is None
    assert [dict(r.url.params) for r in fake.requests] == [
        {"externalid": "crm-1"}, {"externalid": "art-1"}, {"invoiceNumber": "1001"}]


def test_an_ambiguous_external_id_says_so() -> None:
    fake = FakeBillecta().on("GET", f"/v1/debtors/debtorbyexternalid/{CREDITOR}",
                             error(400, "More than one debtor found"))
    with pytest.raises(BillectaRejected, match="several debtors share the external id 'crm-1'"):
        make_client(fake).find_debtor_by_external_id("crm-1")


def test_query_parameters_use_billecta_formats() -> None:
    fake = (FakeBillecta()
            .on("PUT", f"/v1/invoice/postpone/{AID}", httpx.Response(204))
            .on("GET", f"/v1/invoice/closed/{CREDITOR}", json_reply([]))
            .on("GET", "/v1/files/fileobject/f-1", json_reply({"FilePublicId": "f-1", "Data": "JVBERg=="}))
            .on("GET", "/v1/files/file/f-1", httpx.Response(200, content=b"%PDF-1.4",
                                                            headers={"Content-Type": "application/pdf"})))
    client = make_client(fake)
    client.postpone_invoice(AID, date(2026, 12, 24))
    client.closed_invoices(date(2026, 1, 1), date(2026, 1, 31))
    assert client.get_file_object("f-1").data == "JVBERg=="
    assert client.get_file("f-1") == b"%PDF-1.4"
    assert [dict(r.url.params) for r in fake.requests] == [
        {"date": "2026-12-24"}, {"from": "2026-01-01", "to": "2026-01-31"}, {"includedata": "true"}, {}]


def test_path_parameters_are_escaped() -> None:
    fake = FakeBillecta().on("GET", "/v1/payments/swish/a/b", json_reply({"Status": "Paid"}))
    assert make_client(fake).swish_status("a/b").status == "Paid"
    assert fake.requests[0].url.raw_path == b"/v1/payments/swish/a%2Fb"


def test_the_token_never_reaches_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    encoded = base64.b64encode(TOKEN.encode()).decode()
    fake = FakeBillecta().on("GET", INVOICE, error(503), error(503), error(401, "bad token"))
    client = make_client(fake)
    with caplog.at_level(logging.DEBUG, logger="bot.billecta"), pytest.raises(BillectaAuthFailed) as caught:
        client.get_invoice(AID)
    texts = [caplog.text, str(caught.value), repr(caught.value), caught.value.user_message, repr(client)]
    assert not [t for t in texts if TOKEN in t or encoded in t]


def test_each_exchange_is_logged_at_debug_and_retries_at_info(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeBillecta().on("GET", INVOICE, error(503), json_reply(invoice_json()))
    with caplog.at_level(logging.DEBUG, logger="bot.billecta"):
        make_client(fake).get_invoice(AID)
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert debug[0].startswith(f"Billecta GET {INVOICE} -> 503 (attempt 1, ")
    assert debug[0].endswith(" ms)")
    assert debug[1].startswith(f"Billecta GET {INVOICE} -> 200 (attempt 2, ")
    assert len(info) == 1 and "retry 2 of 5" in info[0]


def test_from_settings_builds_the_http_client() -> None:
    settings = Settings(billecta_env=BillectaEnv.TEST, billecta_base_url="https://apitest.billecta.com",
                        billecta_secure_token=TOKEN, billecta_creditor_id=CREDITOR,
                        billecta_timeout_seconds=7.5, billecta_concurrency=2)
    fake = FakeBillecta().on("GET", INVOICE, json_reply(invoice_json()))
    with BillectaClient.from_settings(settings, transport=httpx.MockTransport(fake)) as client:
        client.get_invoice(AID)
        assert client.creditor_id == CREDITOR
    request = fake.requests[0]
    assert str(request.url) == f"https://apitest.billecta.com{INVOICE}"
    assert request.extensions["timeout"] == {"connect": 7.5, "read": 7.5, "write": 7.5, "pool": 7.5}


def test_from_settings_refuses_the_embedded_sandbox_without_its_transport() -> None:
    with pytest.raises(ConfigError, match="pass its transport"):
        BillectaClient.from_settings(Settings())


def test_rate_limited_error_carries_retry_after() -> None:
    fake = FakeBillecta().on("GET", INVOICE, error(429, "Slow down", **{"Retry-After": "2"}))
    with pytest.raises(BillectaRateLimited) as caught:
        make_client(fake, max_attempts=2).get_invoice(AID)
    assert caught.value.retry_after == 2.0
    assert caught.value.transient
