"""Every invoice operation is allowed exactly when its Can* flag says so, for every demo invoice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.sandbox.seed import DEMO

from .helpers import Api, debtor_id


def _credit_note(h: Api, aid: str, view: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    return "POST", "/v1/invoice/action", {"json": {
        "CreditorPublicId": h.cid, "DebtorPublicId": view["Debtor"]["DebtorPublicId"], "CreditingInvoicePublicId": aid,
        "Records": [{"ArticleDescription": "Credit", "Quantity": -1.0, "VAT": 25.0,
                     "UnitPrice": {"CurrencyCode": "SEK", "Value": 100}}]}}


def _postpone(h: Api, aid: str, view: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    return "PUT", f"/v1/invoice/postpone/{aid}", {"params": {"date": str(h.sb.now().date() + timedelta(days=90))}}


ACTIONS: dict[str, Callable[[Api, str, dict[str, Any]], tuple[str, str, dict[str, Any]]]] = {
    "CanPause": lambda h, aid, v: ("PUT", f"/v1/invoice/pause/{aid}", {}),
    "CanResume": lambda h, aid, v: ("PUT", f"/v1/invoice/resume/{aid}", {}),
    "CanDispute": lambda h, aid, v: ("PUT", f"/v1/invoice/dispute/{aid}", {}),
    "CanUnDispute": lambda h, aid, v: ("PUT", f"/v1/invoice/undispute/{aid}", {}),
    "CanPostpone": _postpone,
    "CanRegisterPayment": lambda h, aid, v: ("POST", "/v1/invoice/payment", {"json": {
        "ActionPublicId": aid, "Amount": {"CurrencyCode": "SEK", "Value": 100}}}),
    "CanSendManualReminderInvoice": lambda h, aid, v: ("POST", "/v1/invoice/reminder", {"json": {
        "InvoiceActionPublicId": aid}}),
    "CanSendToDebtCollection": lambda h, aid, v: ("POST", "/v1/debtcollection/actionfrominvoice", {"json": {
        "SourcePublicId": aid}}),
    "CanCreateCreditInvoice": _credit_note,
}

EXPECTED = {  # which flags are true per demo invoice
    "open": {"CanPause", "CanDispute", "CanPostpone", "CanRegisterPayment", "CanCreateCreditInvoice"},
    # Overdue with automatic reminders off: nothing is scheduled, so there is no next event to postpone.
    "overdue": {"CanPause", "CanDispute", "CanRegisterPayment", "CanCreateCreditInvoice",
                "CanSendManualReminderInvoice", "CanSendToDebtCollection"},
    # Paused and disputed invoices have no automatic steps: nothing to postpone, no reminder.
    "paused": {"CanResume", "CanDispute", "CanRegisterPayment", "CanCreateCreditInvoice"},
    "disputed": {"CanPause", "CanUnDispute", "CanRegisterPayment", "CanCreateCreditInvoice"},
    "credited": {"CanCreateCreditInvoice"},
    "credit": set(),
    "in_debt_collection": {"CanPause", "CanDispute", "CanRegisterPayment", "CanCreateCreditInvoice"},
    "completed": {"CanCreateCreditInvoice"},
    "overpaid": {"CanCreateCreditInvoice"},
    "draft": set(),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_flags_of_the_demo_invoices(h: Api, role: str) -> None:
    view = h.invoice(DEMO[role])
    assert {flag for flag in ACTIONS if view[flag]} == EXPECTED[role]
    unsupported = ("CanSell", "CanCancelSalesRequest", "CanCreateAutogiroWithdrawal", "CanMakeManual")
    assert not any(view[flag] for flag in unsupported)


@pytest.mark.parametrize("flag", list(ACTIONS))
@pytest.mark.parametrize("role", list(EXPECTED))
def test_operation_succeeds_exactly_when_its_flag_is_true(h: Api, role: str, flag: str) -> None:
    aid = h.aid(DEMO[role])
    view = h.get(aid)
    method, path, kwargs = ACTIONS[flag](h, aid, view)
    response = h.client.request(method, path, **kwargs)
    if view[flag]:
        assert response.status_code in (200, 204), f"{role} {flag}: {response.text}"
    else:
        assert response.status_code == 400, f"{role} {flag}: {response.status_code} {response.text}"
        assert response.json()["Message"].endswith(".")


def test_flags_follow_the_state_after_each_step(h: Api) -> None:
    aid = h.new_invoice(debtor_ext="4", DueDate=str(h.sb.now().date() + timedelta(days=10)))
    assert h.get(aid)["CanSendToDebtCollection"] is False
    h.sb.advance_days(11)
    view = h.get(aid)
    assert view["CanSendToDebtCollection"] and view["CanSendManualReminderInvoice"]
    h.ok("PUT", f"/v1/invoice/dispute/{aid}")
    view = h.get(aid)
    assert not view["CanSendToDebtCollection"] and not view["CanSendManualReminderInvoice"]
    h.ok("PUT", f"/v1/invoice/undispute/{aid}")
    h.ok("POST", "/v1/debtcollection/actionfrominvoice", json={"SourcePublicId": aid})
    view = h.get(aid)
    assert view["State"]["Stage"] == "SentToDebtCollection" and not view["CanPostpone"]
    assert h.refused("POST", "/v1/debtcollection/actionfrominvoice", json={"SourcePublicId": aid}) == \
        "The invoice is already in debt collection."
    assert debtor_id("4") == view["Debtor"]["DebtorPublicId"]
