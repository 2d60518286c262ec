"""Wire models: PascalCase both ways, Billecta's misspellings, exact numbers, unknown fields kept."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.billecta import enums
from bot.billecta.models import (
    CommonActionEventView,
    CurrencyView,
    DebtCollectionActionView,
    DebtorView,
    EventView,
    InvoiceActionSubView,
    InvoiceActionView,
    PaymentMatchResultView,
    ProductView,
)

from .fake_billecta import AID, CREDITOR, DEBTOR, PRODUCT, invoice_json


def test_debtor_round_trip_keeps_every_field_including_unknown_ones() -> None:
    wire = {
        "DebtorPublicId": DEBTOR, "CreditorPublicId": CREDITOR, "DebtorExternalId": "crm-17",
        "Name": "Acme AB", "OrgNo": "556677-8899", "DebtorType": "Company", "IsActive": True,
        "Email": None, "Created": "2026-01-02 10:00:00+01:00",
        "CitizenshipCountryCode": "SE", "Autogiro": {"Active": False}, "FutureField": [1, 2],
    }
    debtor = DebtorView.model_validate(wire)
    assert debtor.name == "Acme AB"
    assert debtor.created == datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    assert debtor.model_extra == {"CitizenshipCountryCode": "SE", "Autogiro": {"Active": False},
                                  "FutureField": [1, 2]}
    assert debtor.to_wire() == {**DebtorView().to_wire(), **wire}


def test_snake_case_names_populate_and_pascal_case_is_written() -> None:
    debtor = DebtorView(debtor_external_id="crm-1", zip_code="111 22")
    wire = debtor.to_wire()
    assert wire["DebtorExternalId"] == "crm-1"
    assert wire["ZipCode"] == "111 22"
    assert "zip_code" not in wire


def test_enums_are_read_from_codes_and_written_as_names() -> None:
    view = InvoiceActionView.model_validate(invoice_json(State={"Stage": 13}, DeliveryMethod=2))
    assert view.state.stage is enums.InvoiceStage.Attested
    assert view.delivery_method is enums.DeliveryMethod.Manually
    assert view.to_wire()["State"]["Stage"] == "Attested"
    assert view.to_wire()["DeliveryMethod"] == "Manually"


def test_unknown_enum_value_does_not_break_parsing() -> None:
    row = InvoiceActionSubView.model_validate({"ActionPublicId": AID, "Stage": "BrandNewStage"})
    assert row.stage is enums.InvoiceStage.Unknown


def test_misspelt_names_are_reproduced() -> None:
    event = EventView.model_validate({"EventType": "Paid", "HasOccured": False, "Title": "Paid"})
    assert event.has_occured is False
    assert "HasOccured" in event.to_wire()
    result = PaymentMatchResultView.model_validate({"UnhandledPaymentPublicId": "x", "Successfull": True})
    assert result.successfull is True
    assert result.to_wire()["Successfull"] is True
    case = DebtCollectionActionView.model_validate(
        {"ActionPublicId": "1", "CanSendToLongTermSurveilance": True, "State": {"Stage": "LongTermSurveilance"}})
    assert case.can_send_to_long_term_surveilance is True
    assert case.state.stage is enums.DebtCollectionStage.LongTermSurveilance


def test_doubles_become_exact_decimals_and_go_back_as_numbers() -> None:
    product = ProductView.model_validate({"ProductPublicId": PRODUCT, "UnitPrice": 199.9, "VAT": 12.0})
    assert product.unit_price == Decimal("199.9")
    assert product.vat == Decimal("12.0")
    wire = product.to_wire()
    assert wire["UnitPrice"] == 199.9
    assert wire["VAT"] == 12.0


def test_amounts_read_from_value_not_value_for_view() -> None:
    view = InvoiceActionView.model_validate(
        invoice_json(CurrentAmount={"CurrencyCode": "SEK", "Value": 12345, "ValueForView": 999.0}))
    assert view.current_amount.amount == Decimal("123.45")


def test_invoice_view_helpers() -> None:
    disputed = InvoiceActionView.model_validate(
        invoice_json(State={"Stage": "InvoiceSent", "DisputedDate": "2026-02-01 00:00:00+01:00"}))
    assert disputed.is_disputed and not disputed.is_closed
    closed = InvoiceActionView.model_validate(invoice_json(State={"Stage": "Completed"}))
    assert closed.is_closed


def test_common_event_and_currency_views() -> None:
    event = CommonActionEventView.model_validate(
        {"EventType": 12, "ActionPublicId": AID, "ActionType": 2, "CreditorPublicId": CREDITOR,
         "EventDate": "2026-03-01 10:00:00+01:00", "HasOccured": True})
    assert event.event_type is enums.EventType.Paused
    assert event.action_type is enums.ActionType.InvoiceAction
    currency = CurrencyView.model_validate(
        {"CurrencyCode": "SEK", "Iso4217": "752", "Decimals": 2, "OneUnit": 100, "Description": "Krona"})
    assert (currency.currency_code, currency.iso4217, currency.decimals) == ("SEK", "752", 2)
