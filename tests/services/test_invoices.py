"""Invoice state actions: what Billecta's Can* flags refuse, said before anyone confirms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import commands as registry
from bot.config import load_settings
from bot.demo import link_demo
from bot.errors import (
    BillectaRateLimited,
    BillectaRejected,
    BillectaUnavailable,
    InvalidInput,
    InvoiceStateError,
    NotFound,
    is_refusal,
)
from bot.roles import Actor, Role
from bot.runner import precheck_action, run_action
from bot.runtime import Runtime, build_runtime
from bot.services.invoices import fresh_view, refusal

OPERATOR = Actor("UOPER", Role.OPERATOR, "slack")


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[Runtime]:
    runtime = build_runtime(load_settings(billecta_bot_db=tmp_path / "bot.db"))
    link_demo(runtime)
    yield runtime
    runtime.close()


def invoice(rt: Runtime, number: str = "1001") -> dict:
    row = rt.store.find_by("invoice", "invoice_number", number)
    assert row is not None
    return row


def test_an_open_invoice_may_be_paused_and_disputed_not_resumed_or_undisputed(rt: Runtime) -> None:
    view = fresh_view(rt, invoice(rt))
    assert refusal(view, "pause") is None and refusal(view, "dispute") is None
    resume, undispute = refusal(view, "resume"), refusal(view, "undispute")
    assert resume is not None and resume.instead == "pause" and "is not paused" in resume.message
    assert undispute is not None and undispute.instead == "dispute"


def test_a_paused_invoice_says_since_when_and_offers_resume(rt: Runtime) -> None:
    rt.billecta.pause_invoice(invoice(rt)["action_public_id"])
    found = refusal(fresh_view(rt, invoice(rt)), "pause")
    assert found is not None and found.instead == "resume"
    assert found.message.startswith("Invoice 1001 has been paused since ")


def test_precheck_reads_billecta_fresh_and_is_audited_as_refused(rt: Runtime) -> None:
    rt.billecta.pause_invoice(invoice(rt)["action_public_id"])  # the store does not know yet
    command = registry.find("invoice", "pause")
    with pytest.raises(InvoiceStateError) as caught:
        precheck_action(rt, command, "1001", OPERATOR)
    assert caught.value.instead == "resume" and caught.value.key == "1001"
    assert invoice(rt)["is_paused"] == 1  # the fresh read was mirrored
    last = rt.store.rows("audit", order_by="id desc", limit=1)[0]
    assert (last["command"], last["outcome"]) == ("invoice pause", "refused")
    assert rt.store.rows("audit", "outcome = 'ok'") == []


def test_the_service_re_checks_on_its_own_read(rt: Runtime) -> None:
    command = registry.find("invoice", "pause")
    row = precheck_action(rt, command, "1001", OPERATOR)  # passes: not paused yet
    rt.billecta.pause_invoice(row["action_public_id"])  # …then paused before the confirmation is clicked
    with pytest.raises(InvoiceStateError, match="has been paused since"):
        run_action(rt, command, "1001", OPERATOR)


def test_refusals_are_answers_and_outages_are_incidents() -> None:
    assert all(is_refusal(e) for e in (InvoiceStateError("x"), BillectaRejected("The invoice is not paused."),
                                       NotFound("x"), InvalidInput("x")))
    assert not any(is_refusal(e) for e in (BillectaUnavailable(), BillectaRateLimited(), RuntimeError("x")))


def test_the_event_log_says_who_asked_for_what_the_bot_did(rt: Runtime) -> None:
    from blocks.events import event_text
    from bot.services.events import event_log

    run_action(rt, registry.find("invoice", "pause"), "1001", OPERATOR)
    run_action(rt, registry.find("invoice", "resume"), "1001", Actor("shell:alice", Role.ADMIN, "cli"))
    for refresh in (True, False):  # fetched now, and served from the cache
        log = event_log(rt, invoice(rt), {"record_type": "invoice", "refresh": refresh})
        by_type = {e.event_type: e for e in log.occurred}
        assert by_type["Paused"].asked_by == "UOPER" and by_type["Paused"].by == "API"
        assert "by <@UOPER> via Slack" in event_text(by_type["Paused"])
        assert "by alice via the CLI" in event_text(by_type["Resumed"])
        assert "by API" not in event_text(by_type["Paused"])
        assert by_type["InvoiceSent"].asked_by is None  # Billecta's own doing keeps its author


def test_an_event_outside_the_window_is_not_claimed(rt: Runtime) -> None:
    from bot.services.events import event_log

    run_action(rt, registry.find("invoice", "pause"), "1001", OPERATOR)
    rt.store.db.execute("UPDATE audit SET at = '2020-01-01T00:00:00+00:00'")
    [paused] = [e for e in event_log(rt, invoice(rt), {"record_type": "invoice"}).occurred if e.event_type == "Paused"]
    assert paused.asked_by is None


def test_the_creditor_wide_log_says_who_too(rt: Runtime) -> None:
    from bot.services.events import event_log

    run_action(rt, registry.find("invoice", "dispute"), "1001", OPERATOR)
    log = event_log(rt, None, {"record_type": "creditor", "days": 3})
    [disputed] = [e for e in log.occurred if e.event_type == "Disputed" and e.source == "invoice 1001"]
    assert disputed.asked_by == "UOPER" and disputed.requester == "UOPER via Slack"
