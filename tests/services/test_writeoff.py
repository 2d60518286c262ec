"""Writing off an amount: the form's validation, the refusals, then the service against the demo sandbox
through the one dialog path, including a reply Billecta lost."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from bot import commands as registry
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import InvalidInput, InvoiceStateError, NotInBillecta, OutcomeUnknown, Unresolved
from bot.roles import Actor, Role
from bot.runner import prepare_dialog, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.services import Outcome
from bot.services.mirror import resolve
from bot.services.payment_form import stockholm_today
from bot.services.writeoff import WriteOffForm, prepare
from bot.store import Store

ADMIN = Actor("UADMIN", Role.ADMIN, "slack", name="Ada Admin")
TODAY = stockholm_today()
WRITEOFF = registry.find("invoice", "writeoff")
PREPARED = {"record": "invoice 1001", "currency": "SEK", "remaining_minor": 125000, "allowed": True,
            "remaining": "1\u00a0250,00\u00a0kr", "invoice_date": "2026-01-15"}


@pytest.fixture
def rt() -> Iterator[Runtime]:
    box = Sandbox(":memory:", seed="demo")
    runtime = build_runtime(Settings(), store=Store(":memory:"), transport=box.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()
    box.close()


def invoice(rt: Runtime, number: str = "1001") -> dict[str, Any]:
    return resolve(rt, "invoice", number)


def field_error(field: str, **values: Any) -> str:
    with pytest.raises(InvalidInput) as caught:
        WriteOffForm.parse({"amount": "100", **values}, PREPARED)
    assert field in caught.value.field_errors, caught.value.field_errors
    return caught.value.field_errors[field]


# -- the form ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "says"), [
    ("", "Enter the amount to write off"), ("abc", "not an amount"), ("0", "more than 0"), ("-5", "more than 0"),
    ("1.234", "ambiguous"), ("1.2345", "at most 2 decimals"), ("1250.01", "Only 1\u00a0250,00\u00a0kr remains"),
    ("99999999999", "too large"),
])
def test_a_bad_amount_is_refused_under_the_amount_field(typed: str, says: str) -> None:
    assert says in field_error("amount", amount=typed)


def test_the_amount_is_exact_and_at_most_what_remains() -> None:
    assert WriteOffForm.parse({"amount": "1 250,00"}, PREPARED).amount == Decimal("1250.00")
    assert WriteOffForm.parse({"amount": "99,95 kr"}, PREPARED).amount == Decimal("99.95")


def test_date_defaults_to_today_and_is_neither_future_nor_before_the_invoice() -> None:
    assert WriteOffForm.parse({"amount": "1"}, PREPARED).date == TODAY
    assert "future" in field_error("date", date=(TODAY + dt.timedelta(days=1)).isoformat())
    assert "2026-01-15" in field_error("date", date="2026-01-14")
    assert "YYYY-MM-DD" in field_error("date", date="15/01/2026")


def test_reason_is_optional_and_at_most_200_characters() -> None:
    assert WriteOffForm.parse({"amount": "1", "reason": "  Goodwill,\n small   remainder "}, PREPARED).reason == \
        "Goodwill, small remainder"
    assert WriteOffForm.parse({"amount": "1", "reason": " "}, PREPARED).reason is None
    assert "at most 200 characters (this is 201)" in field_error("reason", reason="x" * 201)


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        WriteOffForm.parse({"amount": "lots", "date": "tomorrow", "reason": "x" * 300}, PREPARED)
    assert set(caught.value.field_errors) == {"amount", "date", "reason"}


# -- refusals before the form ---------------------------------------------------------------------

@pytest.mark.parametrize(("number", "why"), [
    ("1008", "completed (fully paid, credited or written off); nothing is left to write off"),
    ("1010", "draft that has not been attested yet"),
    ("1006", "credit invoice: it owes the debtor, there is nothing to collect on it. To use its credit on another "
             "invoice: `invoice use-credit 1006` (`target=` the invoice's number)"),
])
def test_an_invoice_with_nothing_to_write_off_is_refused_with_the_reason(rt: Runtime, number: str, why: str) -> None:
    with pytest.raises(InvoiceStateError) as caught:
        prepare(rt, invoice(rt, number))
    assert why in caught.value.user_message


def test_an_invoice_not_in_billecta_gets_the_alert_before_the_form(rt: Runtime) -> None:
    rt.store.insert("invoice", {"invoice_number": "7777", "debtor_name": "Nordic Café AB"})
    with pytest.raises(NotInBillecta, match="invoice 7777 is not in Billecta yet"):
        prepare_dialog(rt, WRITEOFF, "7777", {"amount": "1"}, ADMIN)


def test_prepare_states_what_remains(rt: Runtime) -> None:
    prepared = prepare(rt, invoice(rt))
    assert (prepared["remaining_minor"], prepared["remaining"], prepared["currency"]) == (
        125000, "1\u00a0250,00\u00a0kr", "SEK")
    assert prepared["date"] == TODAY.isoformat() and "amount" not in prepared  # the amount is the user's to type
    assert len(json.dumps(prepared)) < 1500


def test_an_operator_may_not_write_off(rt: Runtime) -> None:
    from bot.errors import NotAllowed

    with pytest.raises(NotAllowed):
        prepare_dialog(rt, WRITEOFF, "1001", {"amount": "1"}, Actor("UOPER", Role.OPERATOR, "slack"))


# -- the service ----------------------------------------------------------------------------------

def write_off(rt: Runtime, number: str, attempt: str | None = None, **values: Any) -> Outcome:
    dialog = prepare_dialog(rt, WRITEOFF, number, values, ADMIN)
    return run_dialog(rt, dialog, ADMIN, attempt=attempt)


def billecta(rt: Runtime, number: str = "1001") -> Any:
    return rt.billecta.get_invoice(invoice(rt, number)["action_public_id"])


def test_a_partial_write_off_leaves_the_rest_to_collect(rt: Runtime) -> None:
    outcome = write_off(rt, "1001", amount="250", reason="Goodwill")
    assert outcome.message == ("Wrote off 250,00\u00a0kr on invoice 1001: it will not be collected; "
                               "1\u00a0000,00\u00a0kr remains to collect.")
    view = billecta(rt)
    assert (view.write_off_amount.value, view.current_amount.value, view.paid_amount.value) == (25000, 100000, 0)
    written = [e for e in view.events if e.event_type.value == "WrittenOff"]
    assert len(written) == 1 and written[0].content.startswith(f"Write-off date {TODAY.isoformat()}. Goodwill — "
                                                                "Written off by Ada Admin with billecta-bot (bb-")
    row = invoice(rt)  # the mirror
    assert (row["current_amount"], row["write_off_amount"]) == (100000, 25000)
    kept = rt.store.get("payment", outcome.details["payment_id"])
    assert kept is not None and (kept["kind"], kept["payment_type"], kept["amount"], kept["reference"]) == (
        "writeoff", "WriteOff", 25000, "Goodwill")
    audited = rt.store.rows("audit", "command = 'invoice writeoff'", order_by="id desc", limit=1)[0]
    assert (audited["outcome"], audited["detail"]) == ("ok", outcome.message)


def test_writing_off_all_that_remains_completes_the_invoice(rt: Runtime) -> None:
    outcome = write_off(rt, "1002", amount="4312,50", date=TODAY.isoformat())
    assert outcome.message == ("Wrote off 4\u00a0312,50\u00a0kr on invoice 1002: it will not be collected; "
                               "invoice 1002 is now completed, with nothing left to collect.")
    assert invoice(rt, "1002")["stage"] == "Completed" and outcome.details["remaining_minor"] == 0


def test_more_than_remains_now_is_refused_by_the_service(rt: Runtime) -> None:
    dialog = prepare_dialog(rt, WRITEOFF, "1001", {"amount": "1000"}, ADMIN)
    rt.billecta.write_off(invoice(rt)["action_public_id"], _sek(50000), _today(), "someone else, meanwhile")
    with pytest.raises(InvalidInput) as caught:
        run_dialog(rt, dialog, ADMIN)
    assert "Only 750,00\u00a0kr remains on invoice 1001" in caught.value.field_errors["amount"]
    assert billecta(rt).write_off_amount.value == 50000
    assert rt.store.open_claims("dialog:") == []


def test_an_invoice_paid_since_the_form_opened_is_refused(rt: Runtime) -> None:
    dialog = prepare_dialog(rt, WRITEOFF, "1001", {"amount": "100"}, ADMIN)
    rt.billecta.write_off(invoice(rt)["action_public_id"], _sek(125000), _today())
    with pytest.raises(InvoiceStateError, match="completed"):
        run_dialog(rt, dialog, ADMIN)


def test_a_lost_reply_is_found_by_its_token_and_recorded_once(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    real = rt.billecta.write_off

    def applied_then_lost(*args: Any) -> None:
        real(*args)
        raise OutcomeUnknown("the payment on invoice 1001", "the invoice's event log in Billecta")

    monkeypatch.setattr(rt.billecta, "write_off", applied_then_lost)
    with pytest.raises(Unresolved, match="event log"):
        write_off(rt, "1001", "k", amount="100")
    monkeypatch.undo()
    again = write_off(rt, "1001", "k", amount="100")  # the resubmit looks in Billecta first
    assert again.details["resolved"] and "100,00\u00a0kr written off on invoice 1001" in again.message
    assert "1\u00a0150,00\u00a0kr remains to collect" in again.message
    assert billecta(rt).write_off_amount.value == 10000  # once
    rows = rt.store.rows("payment", "kind = 'writeoff'")
    assert [r["amount"] for r in rows] == [10000]  # the write-off is in the store though its reply was lost


def _sek(minor: int) -> Any:
    from bot.billecta.models import AmountView

    return AmountView.from_minor(minor, "SEK")


def _today() -> dt.datetime:
    from bot.billecta.dates import STOCKHOLM

    return dt.datetime.combine(TODAY, dt.time(), STOCKHOLM)


def test_a_write_off_is_listed_on_its_invoice(rt: Runtime) -> None:
    from bot.services.listing import find

    outcome = write_off(rt, "1001", amount="250", reason="Goodwill")
    (listed,) = [f for f in find(rt.store, "payment", "") if f.row["id"] == outcome.details["payment_id"]]
    assert listed.status_text == "written off on invoice 1001"
    assert "· 250,00\u00a0kr ·" in listed.line and listed.line.endswith("· ref Goodwill · written off on invoice 1001")
    assert "from " not in listed.line  # nobody paid it
