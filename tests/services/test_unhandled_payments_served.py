"""`payment match` and `payment delete` against the sandbox served over HTTP: a write whose reply was
lost after Billecta applied it (a 503, or the connection dropped) is looked up and applied exactly once,
a claim left unknown is settled by the command's `check`, every state that cannot take the command
is refused before the form, and the store's mirror shows the payment and the invoice afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import commands as registry
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import InvalidInput, InvoiceStateError, NotInBillecta
from bot.once import SENDING, UNKNOWN, Once
from bot.roles import Actor, Role
from bot.runner import DIALOG_KEY, prepare_dialog, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import DEMO, Sandbox
from bot.services import payment_delete, payment_match
from bot.services.mirror import resolve
from tests.served import serving

ADMIN = Actor("UADMIN", Role.ADMIN, "slack", name="Ada Admin")
UNMATCHED, OVERPAYMENT, BALANCE = (DEMO.unhandled_payments[k] for k in ("unmatched", "overpayment", "balance"))
MATCH, DELETE = registry.find("payment", "match"), registry.find("payment", "delete")


@pytest.fixture
def box() -> Iterator[Sandbox]:
    sandbox = Sandbox(":memory:", seed="demo")
    yield sandbox
    sandbox.close()


@pytest.fixture
def rt(box: Sandbox, tmp_path: Path) -> Iterator[Runtime]:
    with serving(box, threads=2) as server:
        settings = Settings(_env_file=None, billecta_bot_db=tmp_path / "bot.db",  # type: ignore[call-arg]
                            billecta_base_url=server.url, billecta_secure_token="sandbox",
                            billecta_creditor_id=box.creditor_id)
        runtime = build_runtime(settings)
        mirror_demo_into_store(runtime)
        yield runtime
        runtime.close()


def _paid_on(rt: Runtime, number: str) -> int:
    return rt.billecta.get_invoice(resolve(rt, "invoice", number)["action_public_id"]).paid_amount.value


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_a_match_whose_reply_was_lost_is_applied_once(box: Sandbox, rt: Runtime, mode: str) -> None:
    dialog = prepare_dialog(rt, MATCH, UNMATCHED, {"invoice": "1001"}, ADMIN)
    box.set_faults(lose_next=1, lose_reply_mode=mode)
    outcome = run_dialog(rt, dialog, ADMIN)
    assert box.faults.lose_next == 0  # the reply was indeed lost
    assert outcome.message == ("Matched payment 3 (1\u00a0250,00\u00a0kr from Nordic Cafe) to invoice 1001: it is "
                               "now fully paid.")
    assert _paid_on(rt, "1001") == 125_000  # once, not twice
    assert resolve(rt, "invoice", "1001")["stage"] == "Completed"
    payment = resolve(rt, "payment", UNMATCHED)
    assert payment["state"] == "UsedOnInvoice" and payment["action_public_id"] == \
        resolve(rt, "invoice", "1001")["action_public_id"]
    audited = rt.store.rows("audit", "command = 'payment match'")[-1]
    assert (audited["outcome"], audited["actor"]) == ("ok", "UADMIN")


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_a_delete_whose_reply_was_lost_is_applied_once(box: Sandbox, rt: Runtime, mode: str) -> None:
    dialog = prepare_dialog(rt, DELETE, UNMATCHED, {"amount": "1 250,00"}, ADMIN)
    box.set_faults(lose_next=1, lose_reply_mode=mode)
    outcome = run_dialog(rt, dialog, ADMIN)
    assert box.faults.lose_next == 0
    assert outcome.message == ("Deleted payment 3 (1\u00a0250,00\u00a0kr from Nordic Cafe, ref "
                               f"{resolve(rt, 'payment', UNMATCHED)['reference']}) in Billecta. The money will not "
                               "be matched to any invoice.")
    assert rt.billecta.get_unhandled_payment(UNMATCHED).state.value == "Deleted"
    assert resolve(rt, "payment", UNMATCHED)["state"] == "Deleted"


def test_a_larger_payment_pays_the_invoice_and_keeps_the_excess_as_an_overpayment(box: Sandbox, rt: Runtime) -> None:
    """Nordic Café pays 1 500,00 kr with no usable reference; invoice 1001 has 1 250,00 kr left."""
    box.register_incoming_payment(150_000, "payment for coffee service", sender_name="Nordic Cafe AB",
                                  sender={"SenderBankgiroNo": "5402-8812"})
    from bot.services.pull import pull

    pull(rt)
    row = next(r for r in rt.store.rows("payment", "amount = 150000"))
    prepared = payment_match.prepare(rt, row)
    assert prepared["bank_account"] == "5402-8812" and prepared["suggested"][0]["n"] == "1001"
    assert "250,00\u00a0kr more than the remaining amount" in prepared["suggested"][0]["why"]
    outcome = run_dialog(rt, prepare_dialog(rt, MATCH, str(row["id"]), {"suggestion": "1001"}, ADMIN), ADMIN)
    kept = rt.store.rows("payment", "payment_type = 'OverPayment' AND amount = 25000")
    assert len(kept) == 1 and kept[0]["state"] == "Unhandled" and kept[0]["debtor_public_id"] == DEMO.debtors["2"]
    assert outcome.message == (f"Matched payment {row['id']} (1\u00a0500,00\u00a0kr from Nordic Cafe AB) to invoice "
                               "1001: it is now fully paid; the 250,00\u00a0kr more than remained is kept as an "
                               f"overpayment, a balance of Nordic Café AB (payment {kept[0]['id']}).")
    assert outcome.details["used_minor"] == 125_000 and outcome.details["excess_minor"] == 25_000


def test_the_check_finds_a_match_or_delete_left_unknown(box: Sandbox, rt: Runtime) -> None:
    """A claim left `unknown` (the process died mid-call): the retry asks Billecta before sending again."""
    payment = resolve(rt, "payment", UNMATCHED)
    aid = resolve(rt, "invoice", "1001")["action_public_id"]
    key = f"{DIALOG_KEY}{MATCH.slug}:{UNMATCHED}:attempt-1"
    assert rt.store.claim(key)
    rt.store.mark_claim(key, SENDING, {"facts": {"payment": UNMATCHED, "invoice": aid}})
    assert payment_match.find_match(rt, payment, Once(rt.store, key)) is None  # not matched yet
    rt.billecta.match_payment(UNMATCHED, aid)  # it went through, the reply never came back
    rt.store.mark_claim(key, UNKNOWN, {"facts": {"payment": UNMATCHED, "invoice": aid}})
    found = payment_match.find_match(rt, payment, Once(rt.store, key))
    assert found is not None and found.message == "Matched payment 3 to invoice 1001; it is now fully paid"
    assert _paid_on(rt, "1001") == 125_000

    other = resolve(rt, "payment", OVERPAYMENT)
    gone = f"{DIALOG_KEY}{DELETE.slug}:{OVERPAYMENT}:attempt-1"
    assert rt.store.claim(gone)
    rt.store.mark_claim(gone, SENDING, {"facts": {"payment": OVERPAYMENT}})
    assert payment_delete.find_deleted(rt, other, Once(rt.store, gone)) is None
    rt.billecta.delete_unhandled_payment(OVERPAYMENT)
    found = payment_delete.find_deleted(rt, other, Once(rt.store, gone))
    assert found is not None and "Deleted payment 2 in Billecta" in found.message
    assert resolve(rt, "payment", OVERPAYMENT)["state"] == "Deleted"


def test_a_retry_after_an_unknown_outcome_reports_the_match_without_sending_it_again(rt: Runtime) -> None:
    aid = resolve(rt, "invoice", "1001")["action_public_id"]
    dialog = prepare_dialog(rt, MATCH, "3", {"invoice": "1001"}, ADMIN)  # the form, submitted
    key = f"{DIALOG_KEY}{MATCH.slug}:3:same-submit"
    assert rt.store.claim(key)
    rt.billecta.match_payment(UNMATCHED, aid)  # the first run's match arrived; its process died
    rt.store.mark_claim(key, UNKNOWN, {"facts": {"payment": UNMATCHED, "invoice": aid}})
    outcome = run_dialog(rt, dialog, ADMIN, attempt="same-submit")
    assert outcome.message.startswith("Matched payment 3 to invoice 1001; it is now fully paid (confirmed earlier")
    assert _paid_on(rt, "1001") == 125_000


def test_refused_states_say_why_before_the_form(box: Sandbox, rt: Runtime) -> None:
    rt.billecta.delete_unhandled_payment(OVERPAYMENT)
    rt.billecta.match_payment(UNMATCHED, resolve(rt, "invoice", "1001")["action_public_id"])
    with pytest.raises(InvoiceStateError, match="payment 3 was already used on invoice 1001; it cannot be matched"):
        prepare_dialog(rt, MATCH, "3", {"invoice": "1001"}, ADMIN)
    with pytest.raises(InvoiceStateError, match="payment 3 was already used on invoice 1001; it cannot be deleted"):
        prepare_dialog(rt, DELETE, "3", {"amount": "1250"}, ADMIN)
    with pytest.raises(InvoiceStateError, match="payment 2 is already deleted in Billecta; it cannot be matched"):
        prepare_dialog(rt, MATCH, "2", {"invoice": "1002"}, ADMIN)
    # A payment the bot registered on an invoice is not one of Billecta's unhandled payments.
    rt.store.insert("payment", {"kind": "manual", "state": "Registered", "amount": 100, "currency": "SEK",
                                "action_public_id": resolve(rt, "invoice", "1002")["action_public_id"]})
    manual = rt.store.rows("payment", "kind = 'manual'")[0]
    with pytest.raises(NotInBillecta, match="not one of Billecta's unhandled payments"):
        prepare_dialog(rt, MATCH, str(manual["id"]), {"invoice": "1002"}, ADMIN)


def test_no_open_invoice_at_all_is_said_before_the_form(box: Sandbox, rt: Runtime) -> None:
    unhandled = box.register_incoming_payment(9_900, "nothing like it", currency="EUR")
    from bot.services.pull import pull

    pull(rt)
    row = resolve(rt, "payment", unhandled["UnhandledPaymentPublicId"])
    with pytest.raises(InvoiceStateError, match="There is no open invoice in EUR to match payment"):
        prepare_dialog(rt, MATCH, str(row["id"]), {"invoice": "1001"}, ADMIN)


def test_billectas_refusal_of_a_match_shows_under_the_field(rt: Runtime) -> None:
    """Nordic Café's balance on Anna's invoice: Billecta's rule, and its ResponseMessage, under the field."""
    dialog = prepare_dialog(rt, MATCH, BALANCE, {"invoice": "1002"}, ADMIN)
    with pytest.raises(InvalidInput) as refused:
        run_dialog(rt, dialog, ADMIN)
    assert refused.value.field_errors == {
        "invoice": "Billecta refused to match payment 1 to invoice 1002: The balance belongs to another debtor."}
    assert _paid_on(rt, "1002") == 0
    # Nothing changed, so the same values may be sent again (the claim was released).
    assert rt.store.count("idempotency", "key LIKE 'dialog:match-unhandled-payments:%'") == 0


def test_a_payment_gone_from_billecta_says_so_and_is_mirrored_deleted(rt: Runtime) -> None:
    gone = rt.store.mirror("payment", "billecta_id", {"billecta_id": "00000000-0000-4000-8000-000000000001",
                                                      "kind": "unhandled", "state": "Unhandled", "amount": 5_000,
                                                      "currency": "SEK", "payment_date": "2026-11-01T00:00:00+01:00"})
    with pytest.raises(InvoiceStateError, match=f"payment {gone['id']} is no longer in Billecta"):
        prepare_dialog(rt, DELETE, str(gone["id"]), {"amount": "50"}, ADMIN)
    assert rt.store.require("payment", gone["id"])["state"] == "Deleted"


def test_a_balance_larger_than_the_invoice_keeps_its_rest_as_the_same_balance(box: Sandbox, rt: Runtime) -> None:
    """Nordic Café's 500,00 kr credit from invoice 1006 onto 1001, of which only 250,00 kr is left to pay."""
    box.register_incoming_payment(100_000, str(resolve(rt, "invoice", "1001")["ocr"]))
    from bot.services.pull import pull

    pull(rt)
    prepared = payment_match.prepare(rt, resolve(rt, "payment", BALANCE))
    assert prepared["source_invoice"] == "1006" and "(from invoice 1006)" in prepared["kind"]
    first = prepared["suggested"][0]
    assert first["n"] == "1001" and "that rest stays the debtor's balance from invoice 1006" in first["why"]
    assert "overpayment" not in first["why"]
    outcome = run_dialog(rt, prepare_dialog(rt, MATCH, BALANCE, {"invoice": "1001"}, ADMIN), ADMIN)
    rest = [r for r in rt.store.rows("payment", "payment_type = 'BalanceFromInvoice' AND state = 'Unhandled'")]
    assert [(r["amount"], r["source_invoice_number"]) for r in rest] == [(25_000, "1006")]
    assert outcome.message == ("Matched payment 1 (500,00\u00a0kr) to invoice 1001: it is now fully paid; the "
                               "250,00\u00a0kr more than remained stays Nordic Café AB's balance from invoice 1006 "
                               f"(payment {rest[0]['id']}).")
