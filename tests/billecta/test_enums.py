"""Enums: Billecta writes names, accepts integer codes; unknown values become Unknown where it exists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.billecta import enums

SCHEMAS = Path(__file__).parents[1] / "schemas"


@pytest.mark.parametrize(
    ("cls", "wire", "member"),
    [
        (enums.InvoiceStage, "Completed", enums.InvoiceStage.Completed),
        (enums.InvoiceStage, 6, enums.InvoiceStage.Completed),
        (enums.InvoiceStage, "completed", enums.InvoiceStage.Completed),
        (enums.InvoiceStage, "None", enums.InvoiceStage.None_),
        (enums.DeliveryMethod, 2, enums.DeliveryMethod.Manually),
        (enums.DebtCollectionStage, "LongTermSurveilance", enums.DebtCollectionStage.LongTermSurveilance),
        (enums.EventType, 39, enums.EventType.AwatingPaymentAcknowledgment),
        (enums.EventType, 1000, enums.EventType.Unknown),
    ],
)
def test_coerce_accepts_names_and_codes(cls: type[enums.BillectaEnum], wire: object, member: object) -> None:
    assert cls.coerce(wire) is member


@pytest.mark.parametrize("wire", ["SomethingNew", 4242, None])
def test_unknown_values_become_unknown(wire: object) -> None:
    assert enums.InvoiceStage.coerce(wire) is enums.InvoiceStage.Unknown
    assert enums.EventType.coerce(wire) is enums.EventType.Unknown


def test_enums_without_unknown_refuse_unknown_values() -> None:
    with pytest.raises(ValueError, match="Language"):
        enums.Language.coerce("DE")
    assert enums.Language.coerce(1) is enums.Language.EN


def test_code_is_the_integer_billecta_documents() -> None:
    assert enums.InvoiceStage.Attested.code() == 13
    assert enums.EventType.WrittenOff.code() == 64
    assert enums.DebtorType.Undefined.code() == -1
    assert enums.DeliveryMethod("Email") == "Email"  # the wire value is the name


@pytest.mark.parametrize(
    ("cls", "schema", "definition"),
    [
        (enums.DeliveryMethod, "InvoiceActionEntryView", "DeliveryMethodTypeView"),
        (enums.Language, "InvoiceActionEntryView", "LanguageTypeView"),
        (enums.ActionType, "InvoiceActionEntryView", "ActionTypeView"),
        (enums.RecordType, "InvoiceActionEntryView", "RecordTypeView"),
        (enums.InterestType, "InvoiceActionEntryView", "InterestTypeView"),
        (enums.DiscountType, "InvoiceActionEntryView", "DiscountTypeView"),
        (enums.DebtorType, "DebtorView", "DebtorTypeView"),
        (enums.OvershootingAmountHandling, "RegisterPaymentView", "RegisterPaymentOverShootingAmountHandlingTypeView"),
        (enums.CommentTarget, "CommentActionView", "CommentTargetTypeView"),
        (enums.DebtCollectionLevel, "DebtCollectionFromInvoiceEntryView", "DebtCollectionActionLevelTypeView"),
    ],
)
def test_codes_match_the_schemas(cls: type[enums.BillectaEnum], schema: str, definition: str) -> None:
    node = json.loads((SCHEMAS / f"{schema}.json").read_text())["definitions"][definition]
    assert cls.codes() == dict(zip(node["enum"], node["x-enumNames"], strict=True))
