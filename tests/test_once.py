"""bot.once through bot.runner.run_dialog: claims left by a dead process, lost replies, work done in
Billecta but not recorded here, and `pull` repairing the store. Real store, the demo sandbox."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from bot import commands as registry
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import AmountView, RegisterPaymentView
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import AlreadyDone, BillectaUnavailable, Unresolved
from bot.once import Once
from bot.process import is_alive, this_process
from bot.roles import Actor, Role
from bot.runner import Dialog, resolve_dead_claims, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.services.mirror import resolve
from bot.services.payments import PaymentForm, prepare
from bot.services.pull import pull
from bot.store import Store

ACTOR = Actor("U123", Role.OPERATOR, "slack", name="Olle Operator")
PAYMENT = registry.find("invoice", "payment")
DEAD = "999999/1/" + this_process().split("/")[2]  # a pid that is not running, on this boot


@pytest.fixture
def rt() -> Iterator[Runtime]:
    box = Sandbox(":memory:", seed="demo")
    runtime = build_runtime(Settings(), store=Store(":memory:"), transport=box.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()
    box.close()


def dialog(rt: Runtime, amount: str = "100", number: str = "1001") -> Dialog:
    row = resolve(rt, "invoice", number)
    prepared = prepare(rt, row)
    form = PaymentForm.parse({"amount": amount, "payment_means": "BG"}, prepared)
    return Dialog(PAYMENT, number, row, form, prepared)


def paid(rt: Runtime, number: str = "1001") -> int:
    return rt.billecta.get_invoice(resolve(rt, "invoice", number)["action_public_id"]).paid_amount.value


def key(attempt: str, number: str = "1001") -> str:
    return f"dialog:{PAYMENT.slug}:{number}:{attempt}"


def dead_claim(rt: Runtime, attempt: str, status: str, number: str = "1001") -> Once:
    """What a process killed mid-payment leaves: a claim owned by a pid that no longer runs."""
    assert rt.store.claim(key(attempt, number), owner=DEAD)
    once = Once(rt.store, key(attempt, number))
    rt.store.mark_claim(once.key, status, {"token": once.token})
    return once


def book_as_the_dead_process_did(rt: Runtime, once: Once, minor: int = 10000, number: str = "1001") -> None:
    aid = resolve(rt, "invoice", number)["action_public_id"]
    rt.billecta.register_payment(RegisterPaymentView(
        action_public_id=aid, amount=AmountView.from_minor(minor, "SEK"), payment_mean_code="BG",
        date=dt.datetime.now(STOCKHOLM), comment=f"Registered by Olle with billecta-bot ({once.token})"))


def last_audit(rt: Runtime) -> dict[str, Any]:
    return rt.store.rows("audit", order_by="id desc", limit=1)[0]


def test_the_owner_of_a_claim_is_told_alive_or_dead() -> None:
    assert is_alive(this_process())
    assert not is_alive(DEAD) and not is_alive(None) and not is_alive("garbage")
    pid, start, boot = this_process().split("/")
    assert not is_alive(f"{pid}/{int(start) + 1}/{boot}")  # the same pid reused by another process


def test_a_dead_claim_that_reached_billecta_is_reported_done_on_the_resubmit(rt: Runtime) -> None:
    once = dead_claim(rt, "submit-1", "sending")
    book_as_the_dead_process_did(rt, once)
    outcome = run_dialog(rt, dialog(rt), ACTOR, attempt="submit-1")
    assert "on invoice 1001" in outcome.message and "confirmed earlier" in outcome.message
    assert outcome.details["resolved"] and paid(rt) == 10000  # found, not sent again
    assert rt.store.claim_row(key("submit-1"))["status"] == "done"  # type: ignore[index]


def test_a_dead_claim_that_never_reached_billecta_is_retried_by_the_resubmit(rt: Runtime) -> None:
    dead_claim(rt, "submit-1", "sending")
    outcome = run_dialog(rt, dialog(rt), ACTOR, attempt="submit-1")
    assert outcome.message.startswith("Registered 100,00\u00a0kr on invoice 1001") and paid(rt) == 10000


def test_on_restart_dead_claims_are_settled_done_or_released(rt: Runtime) -> None:
    booked = dead_claim(rt, "a", "sending")
    book_as_the_dead_process_did(rt, booked)
    dead_claim(rt, "b", "sending", number="1002")  # sent, but Billecta has no trace: not done
    dead_claim(rt, "c", "claimed", number="1003")  # died before sending anything
    rt.store.claim(key("d", "1004"))  # alive (this process): left alone
    settled = dict(resolve_dead_claims(rt))
    assert set(settled) == {key("a"), key("b", "1002"), key("c", "1003")}
    assert settled[key("a")] is not None and "invoice 1001" in settled[key("a")].message  # type: ignore[union-attr]
    assert settled[key("b", "1002")] is None and settled[key("c", "1003")] is None
    assert rt.store.claim_row(key("a"))["status"] == "done"  # type: ignore[index]
    assert rt.store.claim_row(key("b", "1002")) is None and rt.store.claim_row(key("c", "1003")) is None
    assert rt.store.claim_row(key("d", "1004"))["status"] == "claimed"  # type: ignore[index]
    outcomes = [row["outcome"] for row in rt.store.rows("audit", "source = 'restart'")]
    assert sorted(outcomes) == ["failed", "failed", "ok"]
    assert paid(rt) == 10000 and paid(rt, "1002") == 0


def test_a_new_attempt_after_a_crash_that_went_through_is_not_sent_again(rt: Runtime) -> None:
    once = dead_claim(rt, "modal-1", "sending")
    book_as_the_dead_process_did(rt, once)
    with pytest.raises(AlreadyDone, match="Nothing more was sent now"):
        run_dialog(rt, dialog(rt), ACTOR, attempt="modal-2")  # the form opened again, submitted again
    assert paid(rt) == 10000
    assert run_dialog(rt, dialog(rt), ACTOR, attempt="modal-3").message.startswith("Registered 100,00\u00a0kr")
    assert paid(rt) == 20000  # the user said it is another payment


def test_when_billecta_cannot_tell_the_outcome_is_unknown_with_where_to_look(
        rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    prepared = dialog(rt)
    dead_claim(rt, "submit-1", "sending")

    def down(*args: object) -> None:
        raise BillectaUnavailable("Billecta is not answering.")

    monkeypatch.setattr(rt.billecta, "get_invoice", down)
    with pytest.raises(Unresolved) as caught:
        run_dialog(rt, prepared, ACTOR, attempt="submit-1")
    assert "event log of invoice 1001" in caught.value.user_message and "✅" not in caught.value.user_message
    assert last_audit(rt)["outcome"] == "unknown"
    assert rt.store.claim_row(key("submit-1"))["status"] == "unknown"  # type: ignore[index]
    monkeypatch.undo()
    assert run_dialog(rt, prepared, ACTOR, attempt="submit-1").message.startswith("Registered")  # looked, retried


def test_done_in_billecta_but_not_recorded_here_is_said_and_pull_repairs_it(
        rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    before = rt.store.count("payment", "kind = 'manual'")
    real_pay = rt.billecta.register_payment

    def disk_full(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    def pay_then_the_disk_fills(payment: Any) -> None:
        real_pay(payment)  # Billecta said yes; from here on every local write fails
        monkeypatch.setattr(rt.store, "mirror", disk_full)
        monkeypatch.setattr(rt.store, "insert", disk_full)

    prepared = dialog(rt, "300")
    monkeypatch.setattr(rt.billecta, "register_payment", pay_then_the_disk_fills)
    outcome = run_dialog(rt, prepared, ACTOR, attempt="submit-1")
    monkeypatch.undo()
    assert outcome.message.startswith("Done in Billecta, not recorded here: 300,00\u00a0kr on invoice 1001")
    assert "nothing" not in outcome.message.lower() and "went wrong" not in outcome.message
    audited = last_audit(rt)
    assert audited["outcome"] == "ok" and audited["detail"] == outcome.message
    assert paid(rt) == 30000 and rt.store.count("payment", "kind = 'manual'") == before
    assert resolve(rt, "invoice", "1001")["current_amount"] == 125000  # the mirror is stale

    assert pull(rt).repaired == 1
    assert resolve(rt, "invoice", "1001")["current_amount"] == 95000
    manual = rt.store.rows("payment", "kind = 'manual'")
    assert len(manual) == before + 1 and manual[-1]["amount"] == 30000
    assert pull(rt).repaired == 0  # once
    again = run_dialog(rt, dialog(rt, "300"), ACTOR, attempt="submit-1")  # a resubmit is not sent again
    assert again.details["repeated"] and paid(rt) == 30000


def test_a_payment_found_after_a_lost_reply_is_recorded_in_the_store(
        rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """The claim turned unknown kept the rows `send` recorded, so the payment Billecta booked is in the store
    once the resubmit finds it (the unknown mark used to replace them, and the row was never written)."""
    from bot.errors import OutcomeUnknown

    prepared = dialog(rt)
    real_pay = rt.billecta.register_payment

    def applied_then_lost(payment: Any) -> None:
        real_pay(payment)
        raise OutcomeUnknown("the payment on invoice 1001", "the invoice's event log in Billecta")

    monkeypatch.setattr(rt.billecta, "register_payment", applied_then_lost)
    with pytest.raises(Unresolved):
        run_dialog(rt, prepared, ACTOR, attempt="submit-1")
    kept = rt.store.claim_row(key("submit-1"))["result"]  # type: ignore[index]
    assert kept["token"] and kept["local"]["payment"] and kept["error"]
    monkeypatch.undo()
    before = rt.store.count("payment", "kind = 'manual'")
    assert run_dialog(rt, prepared, ACTOR, attempt="submit-1").details["resolved"]
    assert rt.store.count("payment", "kind = 'manual'") == before + 1 and paid(rt) == 10000


def test_facts_recorded_by_send_are_there_for_a_later_check(rt: Runtime) -> None:
    assert rt.store.claim(key("f"))
    once = Once(rt.store, key("f"))
    assert once.facts == {}
    once.send(lambda: None, "something", facts={"target": "754", "balances": ["a", "b"]})
    assert Once(rt.store, key("f")).facts == {"target": "754", "balances": ["a", "b"]}
