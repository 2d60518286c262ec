"""Every response body validates against Billecta's JSON Schema of its model; the sandbox's field
specs are the schemas' (generated, kept equal here)."""

from __future__ import annotations

import base64
import re

import pytest

from bot.sandbox import schema_data
from bot.sandbox.seed import DEMO
from bot.sandbox.shapes import ENUM_CLASSES
from tests.wire_schemas import assert_valid, assert_valid_list, collect_models, render_module

from .helpers import Api

ACTION_ID = re.compile(r"^\d{10}$")


def test_field_specs_are_generated_from_the_schemas() -> None:
    models, enums = collect_models()
    assert models == schema_data.MODELS
    with open(schema_data.__file__, encoding="utf-8") as generated:
        assert generated.read() == render_module()
    for name, cls in ENUM_CLASSES.items():
        assert cls.codes() == enums[name], name


def test_creditor_settings_and_lookups(h: Api) -> None:
    assert_valid("CreditorView", h.ok("GET", f"/v1/creditors/creditor/{h.cid}"))
    assert_valid_list("CreditorsView", "CreditorView", h.ok("GET", "/v1/creditors/creditors"))
    assert_valid_list("CreditorsView", "CreditorView", h.ok("POST", "/v1/creditors/creditors"))
    assert_valid("DefaultActionConfigView", h.ok("GET", f"/v1/creditors/defaultactionconfig/{h.cid}"))
    assert_valid_list("CurrenciesView", "CurrencyView", h.ok("GET", "/v1/common/currencies"))


def test_debtors_and_products(h: Api) -> None:
    debtors = h.ok("GET", f"/v1/debtors/debtors/{h.cid}")
    assert len(debtors) == 5
    assert_valid_list("DebtorsView", "DebtorView", debtors)
    assert_valid("DebtorView", h.ok("GET", f"/v1/debtors/debtor/{DEMO.debtors['1']}"))
    events = h.ok("GET", f"/v1/debtors/debtorevents/{DEMO.debtors['1']}")
    assert events
    assert_valid_list("DebtorEventsView", "DebtorEventView", events)
    assert_valid_list("ProductsView", "ProductView", h.ok("GET", f"/v1/products/products/{h.cid}"))
    created = h.ok("POST", "/v1/products/product", json={"CreditorPublicId": h.cid, "Description": "Hammer",
                                                          "UnitPrice": 99.5, "ProductType": 1})
    assert_valid("CreatedView", created)
    product = h.ok("GET", f"/v1/products/product/{created['PublicId']}")
    assert_valid("ProductView", product)
    assert product["ProductType"] == "Commodity"


@pytest.mark.parametrize("role", list(DEMO.invoices))
def test_every_demo_invoice_is_a_valid_invoice_action_view(h: Api, role: str) -> None:
    view = h.invoice(DEMO[role])
    assert_valid("InvoiceActionView", view)
    assert ACTION_ID.match(view["ActionPublicId"])
    assert isinstance(view["State"]["Stage"], str)
    assert view["Events"], "every invoice has an event log"


def test_invoice_lists(h: Api) -> None:
    for path, params in ((f"/v1/invoice/open/{h.cid}", {}),
                         (f"/v1/invoice/closed/{h.cid}", {"from": "2000-01-01", "to": "2100-01-01"}),
                         (f"/v1/invoice/openbydebtor/{DEMO.debtors['2']}", {}),
                         (f"/v1/invoice/closedbydebtor/{DEMO.debtors['2']}", {})):
        rows = h.ok("GET", path, params=params)
        assert rows, path
        assert_valid_list("InvoiceActionSubsView", "InvoiceActionSubView", rows)


def test_events_lists(h: Api) -> None:
    events = h.ok("GET", f"/v1/invoice/events/{h.cid}", params={"from": "2000-01-01", "to": "2100-01-01"})
    assert len(events) > 20
    assert_valid_list("CommonActionEventsView", "CommonActionEventView", events)


def test_debt_collection_reminder_and_payment_views(h: Api) -> None:
    case_id = h.invoice(DEMO["in_debt_collection"])["DebtCollectionActionPublicId"]
    assert_valid("DebtCollectionActionView", h.case(case_id))
    reminder = h.ok("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": h.aid(DEMO["overdue"])})
    assert_valid("ReminderInvoiceActionView", reminder)
    unhandled = h.ok("GET", f"/v1/payments/unhandledpayments/{h.cid}")
    assert_valid_list("UnhandledPaymentsView", "UnhandledPaymentView", unhandled)
    one = h.ok("GET", f"/v1/payments/unhandledpayment/{unhandled[0]['UnhandledPaymentPublicId']}")
    assert_valid("UnhandledPaymentView", one)
    results = h.ok("POST", f"/v1/payments/matchpayments/{h.cid}", json=[
        {"UnhandledPaymentPublicId": DEMO.unhandled_payments["unmatched"], "ActionPublicId": h.aid(DEMO["open"])}])
    assert_valid_list("PaymentMatchResultsView", "PaymentMatchResultView", results)
    created = h.ok("POST", f"/v1/payments/swish/{h.aid(DEMO['overdue'])}",
                   params={"phone": "46701234567", "message": "Invoice 1002"})
    assert_valid("CreatedView", created)
    assert_valid("SwishPaymentStatusView", h.ok("GET", f"/v1/payments/swish/{created['PublicId']}"))


def test_files_and_tokens(h: Api) -> None:
    file_id = h.invoice(DEMO["open"])["Invoices"][0]["InvoiceFile"]["FilePublicId"]
    view = h.ok("GET", f"/v1/files/fileobject/{file_id}", params={"includedata": "true"})
    assert_valid("FileView", view)
    assert base64.b64decode(view["Data"]).startswith(b"%PDF")
    basic = base64.b64encode(b"sandbox:sandbox").decode()
    token = h.client.post("/v1/authentication/apiauthenticate", headers={"Authorization": f"Basic {basic}"})
    assert_valid("SecureTokenView", token.json())


def test_requests_the_bot_sends_validate_too(h: Api) -> None:
    """The sandbox's own request bodies in these tests are valid models (a guard on the test data)."""
    assert_valid("PaymentMatchesView", [{"UnhandledPaymentPublicId": DEMO.unhandled_payments["unmatched"],
                                         "ActionPublicId": "7540000001"}])
    assert_valid("RegisterPaymentView", {"ActionPublicId": "7540000001", "Date": "2026-01-01 00:00:00+01:00",
                                         "Amount": {"CurrencyCode": "SEK", "Value": 100, "ValueForView": 1.0},
                                         "OvershootingAmountHandling": "AsOverPayments"})
