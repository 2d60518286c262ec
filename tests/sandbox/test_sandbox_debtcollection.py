"""Debt collection: opening a case from an invoice, its stages over time, and the gated operations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.sandbox import ApiError
from bot.sandbox.seed import DEMO

from .helpers import Api


def _open_case(h: Api, number: str = "1002", **extra: object) -> str:
    h.ok("POST", "/v1/debtcollection/actionfrominvoice", json={"SourcePublicId": h.aid(number), **extra})
    return str(h.invoice(number)["DebtCollectionActionPublicId"])


def test_sending_an_overdue_invoice_to_debt_collection(h: Api) -> None:
    case_id = _open_case(h, PaymentTermsInDays=10, ReasonDescription="Unpaid consulting", DeliveryMethod="Mail")
    invoice = h.invoice(DEMO["overdue"])
    assert invoice["State"]["Stage"] == "SentToDebtCollection" and invoice["State"]["SentToDebtCollectionDate"]
    assert [e["EventType"] for e in invoice["Events"]][-1] == "SentToDebtCollection"
    case = h.case(case_id)
    assert case["State"]["Stage"] == "DebtCollectionInvoiceSent"
    assert case["DebtAmount"]["Value"] == 431_250 and case["FeeAmount"]["Value"] == 18_000
    # 15 days at 8 % above a 2 % reference rate: 4312.50 x 10 % x 15 / 365 = 17.72
    assert case["InterestAmount"]["Value"] == 1772
    assert case["CurrentAmount"]["Value"] == 431_250 + 18_000 + 1772
    assert case["OriginalInvoiceNumber"] == DEMO["overdue"]
    assert case["InvoiceSourcePublicId"] == invoice["ActionPublicId"]
    assert case["DeliveryMethod"] == "Mail" and case["ReasonDescription"] == "Unpaid consulting"
    assert {"Created", "DebtCollectionSent"} <= {e["EventType"] for e in case["Events"]}
    assert case["State"]["NextEvent"] == "The debt collection claim is due"
    assert (case["CanCancel"], case["CanPostpone"], case["CanSendToBailiff"], case["CanSendToLongTermSurveilance"]) \
        == (True, True, False, False)


@pytest.mark.parametrize(("role", "message"), [
    ("open", "The invoice is not overdue yet."),
    ("disputed", "A disputed invoice cannot be sent to debt collection."),
    ("in_debt_collection", "The invoice is already in debt collection."),
    ("completed", "The invoice is already completed."),
    ("draft", "The invoice is a draft; attest it first."),
])
def test_refused_sources(h: Api, role: str, message: str) -> None:
    assert h.refused("POST", "/v1/debtcollection/actionfrominvoice", json={"SourcePublicId": h.aid(DEMO[role])}) \
        == message


def test_a_paused_overdue_invoice_is_resumed_before_collection(h: Api) -> None:
    aid = h.aid(DEMO["overdue"])
    h.ok("PUT", f"/v1/invoice/pause/{aid}")
    assert h.invoice(DEMO["overdue"])["CanSendToDebtCollection"] is False
    assert h.refused("POST", "/v1/debtcollection/actionfrominvoice", json={"SourcePublicId": aid}) == \
        "The invoice is paused; resume it before sending it to debt collection."
    h.ok("PUT", f"/v1/invoice/resume/{aid}")
    assert h.invoice(DEMO["overdue"])["CanSendToDebtCollection"] is True


def test_the_clock_moves_a_case_to_ready_for_bailiff(h: Api) -> None:
    case_id = _open_case(h, PaymentTermsInDays=10)
    assert h.refused("PUT", f"/v1/debtcollection/SendToBailiff/{case_id}") == \
        "The case is not ready to be sent to the bailiff."
    h.sb.advance_days(11)
    case = h.case(case_id)
    assert case["State"]["Stage"] == "DebtCollectionClaimDue" and case["CanSendToLongTermSurveilance"]
    assert not case["CanSendToBailiff"]
    h.sb.advance_days(10)
    case = h.case(case_id)
    assert case["State"]["Stage"] == "ReadyForBailiff" and case["CanSendToBailiff"] and not case["CanPostpone"]
    occurred = [e["EventType"] for e in case["Events"] if e["HasOccured"]]
    assert occurred[-2:] == ["DebtCollectionDue", "ManagedForBailiffRegistration"]
    h.ok("PUT", f"/v1/debtcollection/sendtobailiff/{case_id}")
    case = h.case(case_id)
    assert case["State"]["Stage"] == "SentToBailiff" and case["State"]["SentToBailiffDate"]
    assert case["Events"][-1]["EventType"] == "SentToBailiff" and not case["CanSendToBailiff"]


def test_demo_case_is_ready_for_the_bailiff(h: Api) -> None:
    case_id = h.invoice(DEMO["in_debt_collection"])["DebtCollectionActionPublicId"]
    case = h.case(case_id)
    assert case["State"]["Stage"] == "ReadyForBailiff" and case["CanSendToBailiff"]
    h.ok("PUT", f"/v1/debtcollection/SendToAssistanceWithBailiff/{case_id}")
    assert h.case(case_id)["State"]["Stage"] == "AssistedWithBailiff"
    assert h.refused("PUT", f"/v1/debtcollection/SendToAssistanceWithBailiff/{case_id}") == \
        "The case is not ready for assistance with the bailiff."


def test_postpone_and_long_term_surveillance(h: Api) -> None:
    case_id = _open_case(h, PaymentTermsInDays=10)
    day = h.sb.now().date()
    assert h.refused("PUT", f"/v1/debtcollection/postpone/{case_id}", params={"date": str(day - timedelta(days=1))}) \
        == "The new date must be in the future."
    h.ok("PUT", f"/v1/debtcollection/postpone/{case_id}", params={"date": str(day + timedelta(days=30))})
    assert h.case(case_id)["State"]["NextEventDate"].startswith(str(day + timedelta(days=30)))
    h.sb.advance_days(20)
    assert h.case(case_id)["State"]["Stage"] == "DebtCollectionInvoiceSent", "the step was postponed"
    assert h.refused("PUT", f"/v1/debtcollection/sendtolongtermsurveilance/{case_id}") == \
        "Only a case whose claim is past due can go to long-term surveillance."
    h.sb.advance_days(11)
    h.ok("PUT", f"/v1/debtcollection/sendtolongtermsurveilance/{case_id}")
    case = h.case(case_id)
    assert case["State"]["Stage"] == "LongTermSurveilance" and case["Events"][-1]["EventType"] == "LongTermSurveilance"
    assert not case["CanSendToLongTermSurveilance"] and not case["CanPostpone"]


def test_cancel_closes_the_case_and_refuses_later_actions(h: Api) -> None:
    case_id = _open_case(h)
    h.ok("PUT", f"/v1/debtcollection/cancel/{case_id}")
    case = h.case(case_id)
    assert case["State"]["Stage"] == "Cancelled" and case["State"]["ClosedDate"]
    assert not any(case[f] for f in ("CanCancel", "CanPostpone", "CanSendToBailiff", "CanSendToLongTermSurveilance"))
    for path in ("cancel", "SendToBailiff", "sendtolongtermsurveilance", "SendToAssistanceWithBailiff"):
        assert h.refused("PUT", f"/v1/debtcollection/{path}/{case_id}") == "The debt collection case is cancelled."
    assert h.refused("PUT", f"/v1/debtcollection/postpone/{case_id}", params={"days": "5"}) == \
        "The debt collection case is cancelled."
    invoice = h.invoice(DEMO["overdue"])
    assert invoice["State"]["Stage"] == "InvoiceSent" and invoice["CanSendToDebtCollection"]


def test_paying_the_invoice_completes_the_case(h: Api) -> None:
    case_id = _open_case(h)
    h.ok("POST", "/v1/invoice/payment", json={"ActionPublicId": h.aid(DEMO["overdue"]),
                                              "Amount": {"CurrencyCode": "SEK", "Value": 431_250}})
    assert h.invoice(DEMO["overdue"])["State"]["Stage"] == "Completed"
    case = h.case(case_id)
    assert case["State"]["Stage"] == "Completed" and case["State"]["ClosedDate"]


def test_sandbox_stage_control(h: Api) -> None:
    case_id = _open_case(h)
    h.sb.set_debtcollection_stage(case_id, "DebtCollectionClaimResponseRequested")
    assert h.case(case_id)["CanSendToBailiff"]
    h.ok("PUT", f"/_sandbox/debtcollection/{case_id}/stage", json={"Stage": "ReadyForAssistanceWithBailiff"})
    case = h.case(case_id)
    assert case["State"]["Stage"] == "ReadyForAssistanceWithBailiff" and not case["CanSendToBailiff"]
    h.ok("PUT", f"/v1/debtcollection/SendToAssistanceWithBailiff/{case_id}")
    assert "not a valid value" in h.refused("PUT", f"/_sandbox/debtcollection/{case_id}/stage", json={"Stage": "Nope"})
    with pytest.raises(ApiError):
        h.sb.set_debtcollection_stage("0000000000", "Completed")
