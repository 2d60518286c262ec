"""Swish requests (command 17): the form's rules, the refusals before it, the one request through the
dialog path, and its follow-up (paid, declined, cancelled, timed out) against the demo sandbox."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot import commands as registry
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import InvalidInput, InvoiceStateError, UsageError
from bot.forms import validate_form
from bot.jobs.swish import SwishWatch
from bot.money import format_amount
from bot.notify import Notifier
from bot.roles import Actor, Role
from bot.runner import prepare_dialog, resolve_dead_claims, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.services.mirror import resolve
from bot.services.swish import prepare
from bot.services.swish_form import SwishForm, field_at
from bot.store import Store

ACTOR = Actor("UOPER", Role.OPERATOR, "slack", name="Olle Operator", channel="CWORK")
SWISH = registry.find("invoice", "swish")
ANNA = "1002"  # overdue, 4 312,50 kr; Anna Andersson's phone is the mobile +46701234567


class Clock:
    """Moved by hand; made after the request is sent, so it starts at or after the request's own clock."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class Told(Notifier):
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def swish_changed(self, request: Any) -> None:
        self.seen.append((request.status, request.summary))


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(":memory:", seed="demo")
    yield box
    box.close()


@pytest.fixture
def rt(sandbox: Sandbox) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(swish_poll_seconds=1, swish_timeout_minutes=1), store=Store(":memory:"),
                            transport=sandbox.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()


def send(rt: Runtime, number: str = ANNA, **values: str) -> Any:
    dialog = prepare_dialog(rt, SWISH, number, {"phone": "070-123 45 67", **values}, ACTOR)
    return run_dialog(rt, dialog, ACTOR)


def errors(prepared: dict[str, Any], **values: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        validate_form(SwishForm, values, prepared)
    return caught.value.field_errors


def test_the_form_normalises_a_swedish_mobile_and_refuses_what_swish_cannot_take() -> None:
    prepared = {"message": "Payment of invoice 1002"}
    form = validate_form(SwishForm, {"phone": "070-123 45 67"}, prepared)
    assert isinstance(form, SwishForm) and form.phone == "46701234567" and form.message == "Payment of invoice 1002"
    assert "not a Swedish mobile number" in errors(prepared, phone="08-123 45 67")["phone"]
    assert "not a Swedish mobile number" in errors(prepared, phone="+47 22 12 34 56")["phone"]
    assert "At most 20 characters" in errors(prepared, phone="+46 70 123 45 67 00 00 00")["phone"]
    assert "At most 50 characters" in errors(prepared, phone="0701234567", message="x" * 51)["message"]
    assert "does not take" in errors(prepared, phone="0701234567", message="50% off <now>")["message"]
    assert set(errors(prepared)) == {"phone"}


def test_the_phone_is_found_through_the_configured_field_path() -> None:
    sources = {"invoice": {"debtor_name": "Anna"}, "debtor": {"phone": "+46701234567", "raw": '{"Mobile": "0702"}'}}
    assert field_at(sources, "debtor.phone") == field_at(sources, "phone") == "+46701234567"
    assert field_at(sources, "debtor.raw.mobile") == "0702"
    assert field_at(sources, "invoice.DebtorName") == "Anna"
    assert field_at(sources, "debtor.nothing.here") is None


def test_prepare_prefills_phone_and_message(rt: Runtime) -> None:
    prepared = prepare(rt, resolve(rt, "invoice", ANNA))
    assert prepared["phone"] == "+46701234567" and prepared["phone_problem"] is None
    assert prepared["message"] == "Payment of invoice 1002" and prepared["remaining"] == format_amount(431_250, "SEK")
    landline = prepare(rt, resolve(rt, "invoice", "1001"))  # Nordic Café's phone is a Gothenburg landline
    assert landline["phone"] == "+4631123456" and "not a Swedish mobile number" in landline["phone_problem"]


def test_prepare_reads_another_field_when_configured(sandbox: Sandbox) -> None:
    settings = Settings(swish_phone_field="invoice.debtor_name")
    runtime = build_runtime(settings, store=Store(":memory:"), transport=sandbox.transport())
    try:
        mirror_demo_into_store(runtime)
        assert prepare(runtime, resolve(runtime, "invoice", ANNA))["phone"] == "Anna Andersson"
    finally:
        runtime.close()


@pytest.mark.parametrize(("number", "words"), [
    ("1008", "there is nothing left to pay"), ("1007", "is in debt collection"), ("1010", "draft")])
def test_refused_before_the_form_with_the_reason(rt: Runtime, number: str, words: str) -> None:
    with pytest.raises(InvoiceStateError, match=words):
        prepare(rt, resolve(rt, "invoice", number))


def test_one_request_then_followed_until_paid(rt: Runtime, sandbox: Sandbox) -> None:
    outcome = send(rt)
    told, clock = Told(), Clock()
    amount = format_amount(431_250, "SEK")
    assert f"Swish request for {amount} sent to +46 70 123 45 67 for invoice 1002" in outcome.message
    watch = SwishWatch(rt, told, clock=clock)
    request = watch.get(outcome.details["swish_request_id"])
    assert request.pending and request.token
    assert watch.poll_due() == []  # not its turn yet
    clock.now += 1
    assert watch.poll_due() == [] and told.seen == []  # the payer has not answered (the first read)
    clock.now += 1
    [paid] = watch.poll_due()  # the sandbox's payer approves on the second read
    assert paid.status == "Paid" and paid.payment_recorded and told.seen[-1][0] == "Paid"
    assert resolve(rt, "invoice", ANNA)["stage"] == "Completed"
    assert rt.store.find_by("payment", "billecta_id", paid.token)["amount"] == 431_250
    assert rt.store.rows("audit", "command = 'invoice swish'")[-1]["outcome"] == "ok"
    clock.now += 5
    assert watch.poll_due() == []  # settled once


def test_a_second_request_while_one_waits_is_refused(rt: Runtime) -> None:
    send(rt)
    with pytest.raises(InvoiceStateError, match="still waiting for the payer"):
        prepare(rt, resolve(rt, "invoice", ANNA))


@pytest.mark.parametrize("answer", ["Declined", "Error"])
def test_a_declined_or_failed_request_is_told(rt: Runtime, sandbox: Sandbox, answer: str) -> None:
    sandbox.set_swish_payer(answer, 1)
    send(rt)
    told, clock = Told(), Clock()
    watch = SwishWatch(rt, told, clock=clock)
    clock.now += 1
    [ended] = watch.poll_due()
    assert ended.status == answer and ended.error and told.seen[-1][0] == answer
    assert resolve(rt, "invoice", ANNA)["stage"] != "Completed"


def test_no_answer_times_out(rt: Runtime, sandbox: Sandbox) -> None:
    sandbox.set_swish_payer(None, 1)
    send(rt)
    told, clock = Told(), Clock()
    watch = SwishWatch(rt, told, clock=clock)
    for _ in range(59):
        clock.now += 1
        assert watch.poll_due() == []
    clock.now += 1
    [ended] = watch.poll_due()
    assert ended.status == "TimedOut" and "no answer from the payer in time" in ended.summary


def test_a_status_that_cannot_be_read_by_the_deadline_is_unknown_not_unanswered(
        rt: Runtime, sandbox: Sandbox) -> None:
    sandbox.set_swish_payer(None, 1)
    send(rt)
    told, clock = Told(), Clock()
    watch = SwishWatch(rt, told, clock=clock)
    sandbox.set_faults(fail_rate=1.0)  # Billecta answers 503 to everything
    clock.now += 30
    assert watch.poll_due() == []  # not yet at the deadline: read again next turn
    clock.now += 31
    [ended] = watch.poll_due()
    assert ended.status == "Unknown" and "could not be read" in ended.summary and "invoice events 1002" in ended.summary


def test_cancel_a_pending_request(rt: Runtime, sandbox: Sandbox) -> None:
    sandbox.set_swish_payer(None, 1)
    told = Told()
    watch = SwishWatch(rt, told)
    request_id = send(rt).details["swish_request_id"]
    viewer = Actor("UVIEW", Role.VIEWER, "slack")
    with pytest.raises(Exception, match="operator role"):
        watch.cancel(request_id, viewer)
    cancelled = watch.cancel(request_id, ACTOR)
    assert cancelled.status == "Cancelled" and "cancelled by Olle Operator" in cancelled.summary
    assert rt.billecta.swish_status(str(cancelled.token)).status.value == "Cancelled"
    with pytest.raises(UsageError, match="nothing to cancel"):
        watch.cancel(request_id, ACTOR)


def test_too_late_to_cancel_says_how_it_ended(rt: Runtime, sandbox: Sandbox) -> None:
    watch = SwishWatch(rt, Told())
    request = watch.get(send(rt).details["swish_request_id"])
    sandbox.answer_swish(str(request.token), "Paid")
    with pytest.raises(UsageError, match="Too late to cancel.*paid"):
        watch.cancel(request.id, ACTOR)


def _left_unknown(rt: Runtime, *, reached_billecta: bool) -> tuple[str, SwishWatch]:
    """A submission whose create was sent and whose process then lost track (a crash, a lost reply)."""
    key = f"dialog:{SWISH.slug}:{ANNA}:attempt-1"
    record = resolve(rt, "invoice", ANNA)
    view = rt.billecta.get_invoice(record["action_public_id"])
    assert rt.store.claim(key)
    watch = SwishWatch(rt)
    watch.reserve(key, view, invoice_key=ANNA, label="invoice 1002", phone="+46 70 123 45 67",
                  message="Hi", actor=ACTOR)
    rt.store.mark_claim(key, "sending", {"token": "t", "reference": "a Swish request", "local": {}})
    if reached_billecta:
        rt.billecta.swish_request(view.action_public_id, "46701234567", "Hi")
    rt.store.mark_claim(key, "unknown", {"error": "the reply was lost"})
    return key, watch


def test_a_request_left_unknown_is_found_on_the_invoice_and_followed(rt: Runtime, sandbox: Sandbox) -> None:
    sandbox.set_swish_payer(None)
    key, watch = _left_unknown(rt, reached_billecta=True)
    [(settled, outcome)] = resolve_dead_claims(rt)
    assert settled == key and outcome is not None and "A Swish request for" in outcome.message
    request = watch.by_claim(key)
    assert request is not None and request.pending and request.token  # followed from here on
    with pytest.raises(InvoiceStateError, match="still waiting"):  # and no second one on the payer's phone
        send(rt)


def test_a_request_that_never_arrived_is_released(rt: Runtime) -> None:
    key, _ = _left_unknown(rt, reached_billecta=False)
    assert resolve_dead_claims(rt) == [(key, None)]
    assert rt.store.claim_row(key) is None
    assert "sent to" in send(rt).message


def test_the_swish_settings_are_checked_when_the_bot_starts() -> None:
    from bot.config import load_settings
    from bot.errors import ConfigError

    with pytest.raises(ConfigError, match="SWISH_PHONE_FIELD: must be a field path in dot notation"):
        load_settings(swish_phone_field="debtor..phone")
    with pytest.raises(ConfigError, match="SWISH_DEFAULT_MESSAGE: knows the placeholders"):
        load_settings(swish_default_message="Pay {ocr}")
    with pytest.raises(ConfigError, match="SWISH_DEFAULT_MESSAGE: At most 50 characters"):
        load_settings(swish_default_message="Betalning av faktura {invoice_number} till Demo Bygg AB tack")
    assert load_settings(swish_default_message="Faktura {invoice_number}, {amount}").swish_poll_seconds == 3.0


def test_an_invoice_without_a_billecta_id_is_refused_before_the_form(rt: Runtime) -> None:
    from bot.errors import NotInBillecta

    rt.store.insert("invoice", {"invoice_number": "2001", "debtor_name": "Anna Andersson", "stage": "Created"})
    with pytest.raises(NotInBillecta, match="invoice 2001.* is not in Billecta yet"):
        prepare_dialog(rt, SWISH, "2001", {"phone": "0701234567"}, ACTOR)


def test_the_job_queue_follows_a_request_sent_by_another_process(sandbox: Sandbox, tmp_path: Any) -> None:
    from bot.jobs import JobQueue

    runtime = build_runtime(Settings(swish_poll_seconds=0.05), store=Store(tmp_path / "bot.db"),
                            transport=sandbox.transport())
    try:
        mirror_demo_into_store(runtime)
        request_id = send(runtime).details["swish_request_id"]  # a CLI run with --detach, say
        told = Told()
        queue = JobQueue(runtime, told)
        queue.start()
        try:
            deadline = time.monotonic() + 10
            while not told.seen and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            queue.shutdown()
        assert told.seen and told.seen[-1][0] == "Paid", "the queue did not follow the request"
        assert SwishWatch(runtime).get(request_id).payment_recorded
    finally:
        runtime.close()
