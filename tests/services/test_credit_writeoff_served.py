"""Use credit and write-off against the sandbox served over HTTP, with the reply of the write lost after
Billecta applied it (a 503, or the connection dropped): each is applied exactly once, the user is told it
was done, and the store's mirror shows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import commands as registry
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.roles import Actor, Role
from bot.runner import prepare_dialog, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import DEMO, Sandbox
from bot.services.mirror import resolve
from tests.served import serving

ADMIN = Actor("UADMIN", Role.ADMIN, "slack", name="Ada Admin")


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


def lose_the_next_reply(box: Sandbox, mode: str) -> None:
    box.set_faults(lose_next=1, lose_reply_mode=mode)


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_a_write_off_whose_reply_was_lost_is_applied_once(box: Sandbox, rt: Runtime, mode: str) -> None:
    values = {"amount": "312,50", "reason": "Rounding"}
    dialog = prepare_dialog(rt, registry.find("invoice", "writeoff"), "1002", values, ADMIN)
    lose_the_next_reply(box, mode)
    outcome = run_dialog(rt, dialog, ADMIN)
    assert box.faults.lose_next == 0  # the reply was indeed lost
    assert outcome.message == ("Wrote off 312,50\u00a0kr on invoice 1002: it will not be collected; "
                               "4\u00a0000,00\u00a0kr remains to collect.")
    view = rt.billecta.get_invoice(resolve(rt, "invoice", "1002")["action_public_id"])
    assert view.write_off_amount.value == 31250 and [e.event_type.value for e in view.events].count("WrittenOff") == 1
    assert resolve(rt, "invoice", "1002")["current_amount"] == 400000
    assert rt.store.count("payment", "kind = 'writeoff'") == 1


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_a_credit_use_whose_reply_was_lost_is_applied_once(box: Sandbox, rt: Runtime, mode: str) -> None:
    dialog = prepare_dialog(rt, registry.find("invoice", "use-credit"), "1006", {"target": "1001"}, ADMIN)
    lose_the_next_reply(box, mode)
    outcome = run_dialog(rt, dialog, ADMIN)
    assert box.faults.lose_next == 0
    assert outcome.message == ("Used 500,00\u00a0kr of the credit of invoice 1006 on invoice 1001: 750,00\u00a0kr "
                               "remains to pay on invoice 1001; no credit is left.")
    target = rt.billecta.get_invoice(resolve(rt, "invoice", "1001")["action_public_id"])
    assert target.paid_amount.value == 50000
    assert rt.billecta.get_unhandled_payment(DEMO.unhandled_payments["balance"]).state.value == "UsedOnInvoice"
    assert resolve(rt, "invoice", "1001")["current_amount"] == 75000
