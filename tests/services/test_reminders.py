"""Sending a reminder: the form's validation, the refusals before the form, then the service against
the demo sandbox (in process, and served over HTTP with lost replies): one reminder, mirrored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot import commands as registry
from bot.billecta.dates import STOCKHOLM
from bot.billecta.enums import DeliveryMethod
from bot.billecta.models import AmountView, SendReminderInvoiceView
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import InvalidInput, InvoiceStateError, OutcomeUnknown, Unresolved
from bot.process import this_process
from bot.roles import Actor, Role
from bot.runner import Dialog, prepare_dialog, resolve_dead_claims, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import DEMO, Sandbox
from bot.services import Outcome
from bot.services.mirror import resolve
from bot.services.reminders import ReminderForm, prepare
from bot.store import Store
from bot.timefmt import format_day
from tests.sandbox.helpers import Api, client_for
from tests.served import serving

ACTOR = Actor("U123", Role.OPERATOR, "slack", name="Olle Operator")
REMINDER = registry.find("invoice", "reminder")
DEAD = "999999/1/" + this_process().split("/")[2]  # a pid that is not running, on this boot
PREPARED = {"record": "invoice 1002", "currency": "SEK", "allowed": True, "fee": "60.00",
            "payment_terms_days": "10", "delivery_method": "Email"}


def field_error(field: str, **values: Any) -> str:
    with pytest.raises(InvalidInput) as caught:
        ReminderForm.parse(values, PREPARED)
    assert field in caught.value.field_errors, caught.value.field_errors
    return caught.value.field_errors[field]


def remind(rt: Runtime, number: str = "1002", attempt: str | None = None, **values: Any) -> Outcome:
    dialog = prepare_dialog(rt, REMINDER, number, values, ACTOR)
    return run_dialog(rt, dialog, ACTOR, attempt=attempt)


def reminders_sent(sandbox: Sandbox, number: str = "1002") -> int:
    """Reminders the sandbox itself holds for the invoice (its own API, not the bot's reading of it)."""
    with client_for(sandbox) as client:
        view = Api(sandbox, client).invoice(number)
    return sum(1 for e in view["Events"] if e["EventType"] == "ReminderInvoiceSent")


# -- the form ------------------------------------------------------------------------------------

def test_left_out_fields_take_the_prefill() -> None:
    form = ReminderForm.parse({}, PREPARED)
    assert (form.fee, form.payment_terms_days, form.delivery_method) == (Decimal("60.00"), 10, DeliveryMethod.Email)
    assert form.confirmation("SEK") == "fee 60,00\u00a0kr, 10 days to pay, by e-mail"


@pytest.mark.parametrize(("typed", "fee"), [("0", Decimal("0.00")), ("75,50", Decimal("75.50")),
                                            ("60 kr", Decimal("60.00")), ("1 000", Decimal("1000.00"))])
def test_a_fee_of_zero_or_more_is_exact(typed: str, fee: Decimal) -> None:
    assert ReminderForm.parse({"fee": typed}, PREPARED).fee == fee


@pytest.mark.parametrize(("typed", "says"), [("-5", "cannot be negative"), ("abc", "is not an amount"),
                                             ("1.234", "1.234"), ("12.345", "decimals"), ("1e3", "not an amount")])
def test_a_bad_fee_is_refused_under_the_fee(typed: str, says: str) -> None:
    assert says in field_error("fee", fee=typed)


@pytest.mark.parametrize(("typed", "says"), [("0", "between 1 and 365"), ("366", "between 1 and 365"),
                                             ("2.5", "not a whole number"), ("ten", "not a whole number")])
def test_bad_payment_terms_are_refused_under_the_terms(typed: str, says: str) -> None:
    assert says in field_error("payment_terms_days", payment_terms_days=typed)


def test_delivery_methods_are_billectas_in_words_or_names() -> None:
    assert ReminderForm.parse({"delivery_method": "mail"}, PREPARED).delivery_method is DeliveryMethod.Mail
    assert ReminderForm.parse({"delivery_method": "post"}, PREPARED).delivery_method is DeliveryMethod.Mail
    assert ReminderForm.parse({"delivery_method": "Kivra"}, PREPARED).delivery_method is DeliveryMethod.Kivra
    said = field_error("delivery_method", delivery_method="Pigeon")
    assert "'Pigeon' is not a delivery method" in said and "Email, Mail, SMS" in said and "Unknown" not in said


def test_several_bad_fields_are_reported_together() -> None:
    with pytest.raises(InvalidInput) as caught:
        ReminderForm.parse({"fee": "-1", "payment_terms_days": "0", "delivery_method": "x"}, PREPARED)
    assert set(caught.value.field_errors) == {"fee", "payment_terms_days", "delivery_method"}


# -- before the form -----------------------------------------------------------------------------

def sandbox_today(rt: Runtime) -> dt.date:
    return dt.datetime.now(STOCKHOLM).date()


def test_prepare_prefills_the_creditors_fee_and_terms_and_the_invoices_method(rt: Runtime) -> None:
    prepared = prepare(rt, resolve(rt, "invoice", "1002"))
    assert {k: prepared[k] for k in ("fee", "payment_terms_days", "delivery_method", "currency")} == \
        {"fee": "60.00", "payment_terms_days": "10", "delivery_method": "Email", "currency": "SEK"}
    assert prepared["remaining"] == "4\u00a0312,50\u00a0kr"
    assert dt.date.fromisoformat(prepared["due_date"]) == sandbox_today(rt) - dt.timedelta(days=15)


def test_a_creditor_fee_of_zero_prefills_zero(rt: Runtime) -> None:
    config = rt.billecta.get_default_config()
    rt.billecta.update_default_config(config.model_copy(update={"reminder_invoice_fee": Decimal(0),
                                                                "reminder_invoice_payment_terms_in_days": 14}))
    prepared = prepare(rt, resolve(rt, "invoice", "1002"))
    assert (prepared["fee"], prepared["payment_terms_days"]) == ("0.00", "14")


@pytest.mark.parametrize(("role", "says"), [
    ("open", "not past its due date"),
    ("paused", "is paused, so no reminder can be sent. Resume it first (`/billecta invoice resume 1003`)"),
    ("disputed", "is disputed, so no reminder can be sent. End the dispute first (`/billecta invoice undispute 1004`)"),
    ("in_debt_collection", "is in debt collection: reminders now come from the debt-collection case"),
    ("completed", "Invoice 1008 is completed; there is nothing left to remind the debtor of."),
    ("credit", "completed"),
    ("draft", "is a draft that has not been attested yet"),
])
def test_an_invoice_that_cannot_take_a_reminder_is_refused_before_the_form(rt: Runtime, role: str,
                                                                           says: str) -> None:
    with pytest.raises(InvoiceStateError) as caught:
        prepare_dialog(rt, REMINDER, DEMO[role], {}, ACTOR)
    assert says in caught.value.user_message
    audited = rt.store.rows("audit", "command = 'invoice reminder'", order_by="id desc", limit=1)[0]
    assert audited["outcome"] == "refused"


# -- the service ---------------------------------------------------------------------------------

def test_a_reminder_is_sent_named_with_its_due_date_and_mirrored(rt: Runtime, sandbox: Sandbox) -> None:
    outcome = remind(rt, fee="75", payment_terms_days="12", delivery_method="Mail")
    due = sandbox.now().date() + dt.timedelta(days=12)
    assert outcome.message == (f"Reminder 1002-P1 for invoice 1002 sent by letter: fee 75,00\u00a0kr, due "
                               f"{format_day(due)}; 4\u00a0387,50\u00a0kr is now to pay.")
    assert outcome.details["due_date"] == due.isoformat()
    assert outcome.details["fee_minor"] == 7500 and outcome.details["reminder_number"] == "1002-P1"
    row = resolve(rt, "invoice", "1002")
    assert (row["stage"], row["current_amount"]) == ("ReminderInvoiceSent", 431_250 + 7500)
    assert row["reminder_invoice_action_public_id"] == outcome.details["reminder_id"]
    assert reminders_sent(sandbox) == 1
    audited = rt.store.rows("audit", "command = 'invoice reminder'", order_by="id desc", limit=1)[0]
    assert audited["outcome"] == "ok" and "1002-P1" in audited["detail"]
    with pytest.raises(InvoiceStateError, match="the reminder already sent is due"):
        remind(rt)


def test_a_zero_fee_reminder_leaves_the_amount(rt: Runtime) -> None:
    outcome = remind(rt, fee="0", delivery_method="Manually")
    assert "created for you to send yourself: fee 0,00\u00a0kr" in outcome.message
    assert resolve(rt, "invoice", "1002")["current_amount"] == 431_250


def test_the_same_submission_sends_one_reminder(rt: Runtime, sandbox: Sandbox) -> None:
    dialog = prepare_dialog(rt, REMINDER, "1002", {}, ACTOR)
    first = run_dialog(rt, dialog, ACTOR, attempt="V1:h")
    again = run_dialog(rt, dialog, ACTOR, attempt="V1:h")  # a resubmitted modal
    assert again.message == first.message and again.details["repeated"] is True
    assert reminders_sent(sandbox) == 1


def test_a_lost_reply_is_found_in_billecta_and_not_sent_again(rt: Runtime, sandbox: Sandbox,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    real = rt.billecta.send_reminder

    def applied_then_lost(reminder: Any) -> None:
        real(reminder)
        raise OutcomeUnknown("the reminder for invoice 1002", "the invoice's event log in Billecta")

    dialog = prepare_dialog(rt, REMINDER, "1002", {}, ACTOR)
    monkeypatch.setattr(rt.billecta, "send_reminder", applied_then_lost)
    with pytest.raises(Unresolved, match="event log"):
        run_dialog(rt, dialog, ACTOR, attempt="k")
    monkeypatch.undo()
    again = run_dialog(rt, Dialog(REMINDER, "1002", dialog.record, dialog.form, dialog.prepared), ACTOR,
                       attempt="k")
    assert again.details["resolved"] and again.message.startswith("Reminder 1002-P1 was sent for invoice 1002")
    assert reminders_sent(sandbox) == 1


def test_a_reminder_lost_before_billecta_is_sent_on_the_resubmit(rt: Runtime, sandbox: Sandbox,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def lost(reminder: Any) -> None:
        raise OutcomeUnknown("the reminder for invoice 1002", "the invoice's event log in Billecta")

    dialog = prepare_dialog(rt, REMINDER, "1002", {}, ACTOR)
    monkeypatch.setattr(rt.billecta, "send_reminder", lost)
    with pytest.raises(Unresolved):
        run_dialog(rt, dialog, ACTOR, attempt="k")
    monkeypatch.undo()
    outcome = run_dialog(rt, dialog, ACTOR, attempt="k")
    assert outcome.message.startswith("Reminder 1002-P1 for invoice 1002 sent by e-mail")
    assert reminders_sent(sandbox) == 1


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_served_sandbox_losing_the_reply_creates_the_reminder_once(tmp_path: Path, mode: str) -> None:
    box = Sandbox(":memory:", seed="demo")
    with serving(box) as server:
        settings = Settings(_env_file=None, billecta_base_url=server.url,  # type: ignore[call-arg]
                            billecta_secure_token="sandbox", billecta_creditor_id=box.creditor_id)
        runtime = build_runtime(settings, store=Store(tmp_path / "bot.db"))
        try:
            mirror_demo_into_store(runtime)
            dialog = prepare_dialog(runtime, REMINDER, "1002", {"fee": "60"}, ACTOR)
            box.set_faults(lose_next=1, lose_reply_mode=mode)
            outcome = run_dialog(runtime, dialog, ACTOR)
            assert box.faults.lose_next == 0, "the reminder's reply was lost"
            assert outcome.message.startswith("Reminder 1002-P1 for invoice 1002 sent by e-mail: fee 60,00")
            assert reminders_sent(box) == 1
            assert resolve(runtime, "invoice", "1002")["stage"] == "ReminderInvoiceSent"
        finally:
            runtime.close()
    box.close()


def test_a_bot_killed_mid_send_is_settled_from_billecta_on_restart(rt: Runtime, sandbox: Sandbox) -> None:
    dialog = prepare_dialog(rt, REMINDER, "1002", {}, ACTOR)
    row = dialog.record
    sent_key = f"dialog:{REMINDER.slug}:1002:killed"
    facts = {"reminder_before": row["reminder_invoice_action_public_id"], "documents_before": 1}
    # What a process killed after `once.send` marked its claim leaves behind.
    assert rt.store.claim(sent_key, owner=DEAD)
    rt.store.mark_claim(sent_key, "sending", {"token": "t", "reference": "a reminder", "local": {}, "facts": facts})
    rt.billecta.send_reminder(SendReminderInvoiceView(  # it reached Billecta before the bot died
        invoice_action_public_id=row["action_public_id"], reminder_fee=AmountView.from_minor(6000, "SEK")))
    settled = dict(resolve_dead_claims(rt, f"dialog:{REMINDER.slug}:"))
    done = settled[sent_key]
    assert done is not None and done.message.startswith("Reminder 1002-P1 was sent for invoice 1002, due")
    assert rt.store.claim_row(sent_key)["status"] == "done"  # type: ignore[index]
    assert reminders_sent(sandbox) == 1


def test_a_bot_killed_before_its_reminder_reached_billecta_is_released_on_restart(rt: Runtime,
                                                                                  sandbox: Sandbox) -> None:
    key = f"dialog:{REMINDER.slug}:1002:killed"
    assert rt.store.claim(key, owner=DEAD)
    rt.store.mark_claim(key, "sending", {"token": "t", "reference": "a reminder", "local": {},
                                         "facts": {"reminder_before": None, "documents_before": 1}})
    assert dict(resolve_dead_claims(rt, f"dialog:{REMINDER.slug}:"))[key] is None
    assert rt.store.claim_row(key) is None and reminders_sent(sandbox) == 0


def _without_email(rt: Runtime, number: str = "1002") -> None:
    debtor = rt.billecta.get_invoice(resolve(rt, "invoice", number)["action_public_id"]).debtor
    assert debtor is not None
    rt.billecta.update_debtor(debtor.model_copy(update={"email": None, "contact_email": None}))


def test_a_debtor_without_an_e_mail_address_is_offered_a_letter(rt: Runtime) -> None:
    _without_email(rt)
    prepared = prepare(rt, resolve(rt, "invoice", "1002"))
    assert prepared["delivery_method"] == "Mail" and "Email" in prepared["unreachable"]
    with pytest.raises(InvalidInput) as caught:
        ReminderForm.parse({"delivery_method": "Email"}, prepared)
    assert caught.value.field_errors["delivery_method"] == ("Anna Andersson has no e-mail address in Billecta; "
                                                            "choose Letter, or add the address to the debtor first.")
    assert remind(rt).message.startswith("Reminder 1002-P1 for invoice 1002 sent by letter")


def test_an_address_removed_after_the_form_opened_is_caught_under_the_method(rt: Runtime, sandbox: Sandbox) -> None:
    dialog = prepare_dialog(rt, REMINDER, "1002", {"delivery_method": "Email"}, ACTOR)
    _without_email(rt)
    with pytest.raises(InvalidInput) as caught:
        run_dialog(rt, dialog, ACTOR)
    assert "has no e-mail address" in caught.value.field_errors["delivery_method"]
    assert reminders_sent(sandbox) == 0


def test_an_invoice_in_another_currency_is_not_prefilled_with_the_creditors_fee(rt: Runtime,
                                                                                sandbox: Sandbox) -> None:
    past = dt.datetime.now(STOCKHOLM).date() - dt.timedelta(days=40)
    with client_for(sandbox) as client:
        api = Api(sandbox, client)
        aid = api.ok("POST", "/v1/invoice/action", json={
            "CreditorPublicId": sandbox.creditor_id, "DebtorPublicId": DEMO.debtors["2"],
            "InvoiceDate": f"{past} 00:00:00", "DueDate": f"{past + dt.timedelta(days=10)} 00:00:00",
            "Records": [{"ArticleDescription": "Export", "Quantity": 1.0, "VAT": 0.0,
                         "UnitPrice": {"CurrencyCode": "EUR", "Value": 50_000}}]})["PublicId"]
        api.ok("PUT", f"/v1/invoice/attest/{aid}")
        number = api.get(aid)["InvoiceNumber"]
    prepared = prepare(rt, resolve(rt, "invoice", number))
    assert prepared["currency"] == "EUR" and prepared["fee"] is None
    assert prepared["fee_note"] == ("The creditor's reminder fee is 60,00\u00a0kr; this invoice is in EUR, so type "
                                    "the fee in EUR.")
    with pytest.raises(InvalidInput) as caught:
        ReminderForm.parse({}, prepared)
    assert caught.value.field_errors["fee"] == "Enter the reminder fee (0 for none)."
    outcome = remind(rt, number, fee="5")
    assert "fee 5,00\u00a0€" in outcome.message and "505,00\u00a0€ is now to pay" in outcome.message
