"""Sending an invoice to debt collection: the form's fields, every refused state, the case opened once
and linked in the store (found by the invoice's number), a lost reply looked up before any resend."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from bot import commands as registry
from bot.billecta.enums import InterestType
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import AlreadyDone, InvalidInput, InvoiceStateError, OutcomeUnknown, Unresolved
from bot.roles import Actor, Role
from bot.runner import Dialog, prepare_dialog, resolve_dead_claims, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import DEMO, Sandbox
from bot.services import Outcome
from bot.services.collection import find_case, prepare
from bot.services.collection_form import DebtCollectionForm, interest_terms, interest_words
from bot.services.mirror import resolve
from bot.store import Store

ADMIN = Actor("UADMIN", Role.ADMIN, "slack", name="Ada Admin")
COLLECT = registry.find("invoice", "debt-collection")
PREPARED = {"record": "invoice 1002", "currency": "SEK", "debtor": "Anna Andersson", "unreachable": {},
            "delivery_method": "Email", "reason": "Unpaid invoice 1002",
            "interest": "ref+8", "reference": None}


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(":memory:", seed="demo")
    yield box
    box.close()


@pytest.fixture
def rt(sandbox: Sandbox) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(), store=Store(":memory:"), transport=sandbox.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()


def field_error(field: str, prepared: dict[str, Any] | None = None, **values: Any) -> str:
    with pytest.raises(InvalidInput) as caught:
        DebtCollectionForm.parse(values, prepared or PREPARED)
    assert field in caught.value.field_errors, caught.value.field_errors
    return caught.value.field_errors[field]


def cases(sandbox: Sandbox) -> int:
    return len(sandbox._store.find("debtcollection"))


def send(rt: Runtime, number: str = "1002", attempt: str = "k", **values: Any) -> Outcome:
    dialog = prepare_dialog(rt, COLLECT, number, values, ADMIN)
    return run_dialog(rt, dialog, ADMIN, attempt=attempt)


# -- the form ------------------------------------------------------------------------------------

def test_left_out_fields_take_what_the_modal_prefills() -> None:
    form = DebtCollectionForm.parse({}, PREPARED)
    assert (form.delivery_method, form.reason, form.interest, form.reference) == \
        ("Email", "Unpaid invoice 1002", "ref+8", None)


@pytest.mark.parametrize(("typed", "method"), [("email", "Email"), ("E-mail", "Email"), ("post", "Mail"),
                                               ("Mail", "Mail"), ("kivra", "Kivra"), ("e-invoice", "EInvoice")])
def test_delivery_methods_in_words_or_billectas_names(typed: str, method: str) -> None:
    assert DebtCollectionForm.parse({"delivery_method": typed}, PREPARED).delivery_method == method


def test_bad_delivery_methods_are_refused_under_the_field() -> None:
    assert "Email (e-mail), Mail (letter), Kivra, EInvoice" in field_error("delivery_method", delivery_method="fax")
    assert "not a way" in field_error("delivery_method", delivery_method="SMS")
    no_email = {**PREPARED, "unreachable": {"Email": "Anna Andersson has no e-mail address in Billecta; choose "
                                                     "Letter, or add the address to the debtor first."}}
    assert field_error("delivery_method", no_email, delivery_method="Email").startswith(
        "Anna Andersson has no e-mail address in Billecta; choose Letter")


def test_reference_and_reason_lengths_and_an_empty_reason() -> None:
    assert field_error("reference", reference="x" * 51) == "Use at most 50 characters (this is 51)."
    assert field_error("reason", reason="y" * 201) == "Use at most 200 characters (this is 201)."
    assert "Say what the claim is for" in field_error("reason", reason="   ")
    assert DebtCollectionForm.parse({"reference": "  Ada  ", "reason": " Unpaid\n consulting "},
                                    PREPARED).reason == "Unpaid consulting"


@pytest.mark.parametrize(("typed", "kind", "percentage", "text"), [
    ("ref+8", InterestType.AboveEffectiveReference, Decimal(8), "ref+8"),
    ("reference + 8,5 %", InterestType.AboveEffectiveReference, Decimal("8.5"), "ref+8.5"),
    ("8 above reference", InterestType.AboveEffectiveReference, Decimal(8), "ref+8"),
    ("12", InterestType.Fixed, Decimal(12), "12"),
    ("10", InterestType.Fixed, Decimal(10), "10"),
    ("ref+8,50", InterestType.AboveEffectiveReference, Decimal("8.5"), "ref+8.5"),
    ("fixed 9.75%", InterestType.Fixed, Decimal("9.75"), "9.75"),
    ("none", InterestType.NoInterest, None, "none"),
    ("No interest", InterestType.NoInterest, None, "none"),
])
def test_interest_as_billecta_models_it(typed: str, kind: InterestType, percentage: Decimal | None,
                                        text: str) -> None:
    form = DebtCollectionForm.parse({"interest": typed}, PREPARED)
    assert form.interest == text and interest_terms(text) == (kind, percentage)
    assert "E+" not in interest_words(text)


@pytest.mark.parametrize(("typed", "says"), [
    ("lots", "is not an interest rate; write ref+8"),
    ("0", "must be above 0 and at most 100; for no interest write none"),
    ("150", "must be above 0 and at most 100"),
    ("8.125", "at most 2 decimals"),
    ("ref+", "is not an interest rate"),
])
def test_bad_interest_is_refused_under_the_field(typed: str, says: str) -> None:
    assert says in field_error("interest", interest=typed)


def test_several_bad_fields_are_reported_together() -> None:
    with pytest.raises(InvalidInput) as caught:
        DebtCollectionForm.parse({"delivery_method": "fax", "interest": "lots", "reason": " "}, PREPARED)
    assert set(caught.value.field_errors) == {"delivery_method", "interest", "reason"}


# -- refused before the form -----------------------------------------------------------------------

@pytest.mark.parametrize(("role", "says", "instead"), [
    ("open", "is not overdue: it is due on", None),
    ("paused", "is paused, so it cannot go to debt collection. Resume it first "
               "(`/billecta invoice resume 1003`)", "resume"),
    ("disputed", "is disputed, so it cannot go to debt collection. End the dispute first "
                 "(`/billecta invoice undispute 1004`)", "undispute"),
    ("in_debt_collection", "is in debt collection: it went there already, as debtcollection ", None),
    ("completed", "is completed; there is nothing left to collect", None),
    ("draft", "is a draft that has not been attested yet", None),
    ("credit", "nothing left to collect", None),
])
def test_each_state_is_refused_with_what_applies(rt: Runtime, role: str, says: str, instead: str | None) -> None:
    with pytest.raises(InvoiceStateError) as caught:
        prepare(rt, resolve(rt, "invoice", DEMO[role]))
    assert says in caught.value.user_message and caught.value.instead == instead


def test_a_not_yet_due_invoice_names_the_day_it_can_go_and_the_reminder(rt: Runtime) -> None:
    with pytest.raises(InvoiceStateError) as caught:
        prepare(rt, resolve(rt, "invoice", "1001"))
    assert "can go to debt collection from" in caught.value.user_message
    assert "`/billecta invoice reminder 1001`" in caught.value.user_message


def test_an_overdue_invoice_paused_or_disputed_since_is_refused(rt: Runtime) -> None:
    row = resolve(rt, "invoice", "1002")
    rt.billecta.pause_invoice(row["action_public_id"])
    with pytest.raises(InvoiceStateError, match="Resume it first"):
        prepare(rt, row)
    rt.billecta.resume_invoice(row["action_public_id"])
    rt.billecta.dispute_invoice(row["action_public_id"])
    with pytest.raises(InvoiceStateError, match="End the dispute first"):
        prepare(rt, row)


def test_prepare_shows_the_claim_fee_terms_and_prefills_from_the_creditor(rt: Runtime) -> None:
    prepared = prepare(rt, resolve(rt, "invoice", "1002"))
    assert prepared["remaining"] == "4\u00a0312,50\u00a0kr" and prepared["fee_minor"] == 18_000
    assert prepared["terms_days"] == 10 and prepared["days_late"] > 0 and prepared["debtor"] == "Anna Andersson"
    assert (prepared["delivery_method"], prepared["reason"], prepared["interest"]) == \
        ("Email", "Unpaid invoice 1002", "ref+8")
    assert len(str(prepared)) < 1500


# -- the case --------------------------------------------------------------------------------------

def test_the_case_is_opened_linked_and_found_by_the_invoice_number(rt: Runtime, sandbox: Sandbox) -> None:
    before = cases(sandbox)
    outcome = send(rt, delivery_method="Mail", reason="Unpaid consulting", interest="12", reference="Ada")
    case_id = outcome.details["case_id"]
    assert outcome.message.startswith(f"Sent invoice 1002 to debt collection: debtcollection {case_id} "
                                      "(invoice 1002). Owed now ")
    assert "4\u00a0312,50\u00a0kr debt + 180,00\u00a0kr fee + " in outcome.message
    assert "by letter;" in outcome.message and "12 % a year (fixed)" in outcome.message
    assert cases(sandbox) == before + 1
    case = rt.billecta.get_debt_collection(case_id)
    assert case.reason_description == "Unpaid consulting" and case.invoice_source_public_id
    row = resolve(rt, "debtcollection", "1002")  # the invoice's number addresses the case at once
    assert row["action_public_id"] == case_id and row["id"] == outcome.details["debtcollection_id"]
    assert row["invoice_action_public_id"] == resolve(rt, "invoice", "1002")["action_public_id"]
    assert resolve(rt, "invoice", "1002")["stage"] == "SentToDebtCollection"
    audited = rt.store.rows("audit", "command = 'invoice debt-collection'", order_by="id desc", limit=1)[0]
    assert audited["outcome"] == "ok" and case_id in audited["detail"]
    with pytest.raises(InvoiceStateError, match="in debt collection: it went there already"):
        send(rt, attempt="k2")
    assert cases(sandbox) == before + 1


def test_the_event_log_of_the_new_case_works_by_invoice_number(rt: Runtime) -> None:
    send(rt)
    from bot.runner import run_view

    result = run_view(rt, registry.find("debtcollection", "events"), "debtcollection", "1002", ADMIN)
    assert "SentToDebtCollection" in str(result) or "DebtCollectionSent" in str(result)


def test_a_viewer_or_operator_cannot_send_to_collection(rt: Runtime) -> None:
    from bot.errors import NotAllowed

    for role in (Role.VIEWER, Role.OPERATOR):
        with pytest.raises(NotAllowed):
            prepare_dialog(rt, COLLECT, "1002", {}, Actor("UX", role, "slack"))


def test_a_lost_reply_finds_the_case_before_any_resend(rt: Runtime, sandbox: Sandbox,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = cases(sandbox)
    dialog = prepare_dialog(rt, COLLECT, "1002", {}, ADMIN)
    real = rt.billecta.debt_collection_from_invoice

    def applied_then_lost(entry: Any) -> str:
        real(entry)
        raise OutcomeUnknown("sending invoice 1002 to debt collection", "the invoice's event log in Billecta")

    monkeypatch.setattr(rt.billecta, "debt_collection_from_invoice", applied_then_lost)
    with pytest.raises(Unresolved):
        run_dialog(rt, dialog, ADMIN, attempt="k")
    monkeypatch.undo()
    again = run_dialog(rt, Dialog(COLLECT, "1002", dialog.record, dialog.form, dialog.prepared), ADMIN, attempt="k")
    assert again.details["resolved"] and "debt collection: debtcollection" in again.message
    assert cases(sandbox) == before + 1
    assert resolve(rt, "debtcollection", "1002")["action_public_id"] == again.details["case_id"]


def test_a_claim_left_by_a_crash_after_sending_is_reported_not_sent_again(rt: Runtime, sandbox: Sandbox) -> None:
    before = cases(sandbox)
    dialog = prepare_dialog(rt, COLLECT, "1002", {}, ADMIN)
    key = f"dialog:{COLLECT.slug}:1002:crashed"
    assert rt.store.claim(key, owner="0/0/0")  # a process that is gone
    rt.store.mark_claim(key, "sending", {"token": "t", "reference": "invoice 1002", "local": {}})
    rt.billecta.debt_collection_from_invoice(collection_entry(rt))  # it reached Billecta, then the bot died
    with pytest.raises(AlreadyDone, match="Sent invoice 1002 to debt collection"):
        run_dialog(rt, dialog, ADMIN, attempt="new")
    assert cases(sandbox) == before + 1
    assert rt.store.claim_row(key)["status"] == "done"  # type: ignore[index]
    assert resolve_dead_claims(rt) == []


def test_find_case_says_not_sent_when_the_invoice_has_no_case(rt: Runtime) -> None:
    from bot.once import Once

    assert find_case(rt, resolve(rt, "invoice", "1002"), Once(rt.store, "k")) is None


def collection_entry(rt: Runtime) -> Any:
    from bot.billecta.models import DebtCollectionFromInvoiceEntryView

    return DebtCollectionFromInvoiceEntryView(source_public_id=resolve(rt, "invoice", "1002")["action_public_id"])


def test_the_event_logs_name_who_sent_it_to_collection_not_the_api(rt: Runtime) -> None:
    from bot.runner import run_view

    send(rt)
    for record_type in ("invoice", "debtcollection"):
        log = run_view(rt, registry.find(record_type, "events"), record_type, "1002", ADMIN)
        kinds = {"invoice": "SentToDebtCollection", "debtcollection": "Created"}
        event = next(e for e in log.events if e.event_type == kinds[record_type])
        assert event.asked_by == "UADMIN", (record_type, event)


def _without_email(rt: Runtime, number: str = "1002") -> None:
    debtor = rt.billecta.get_invoice(resolve(rt, "invoice", number)["action_public_id"]).debtor
    assert debtor is not None
    rt.billecta.update_debtor(debtor.model_copy(update={"email": None, "contact_email": None}))


def test_a_debtor_without_an_e_mail_address_is_sent_a_letter(rt: Runtime) -> None:
    _without_email(rt)
    prepared = prepare(rt, resolve(rt, "invoice", "1002"))
    assert prepared["delivery_method"] == "Mail" and "Email" in prepared["unreachable"]
    assert "by letter;" in send(rt).message


def test_an_address_removed_after_the_form_opened_is_caught_under_the_method(rt: Runtime, sandbox: Sandbox) -> None:
    before = cases(sandbox)
    dialog = prepare_dialog(rt, COLLECT, "1002", {"delivery_method": "Email"}, ADMIN)
    _without_email(rt)
    with pytest.raises(InvalidInput) as caught:
        run_dialog(rt, dialog, ADMIN, attempt="k")
    assert "no e-mail address" in caught.value.field_errors["delivery_method"] and cases(sandbox) == before
