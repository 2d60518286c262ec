"""The case dialogs' `check` (bot.once): a write that reached Billecta before the bot lost its reply or
died is found in the case's state and reported done, never sent again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot import commands as registry
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import AlreadyDone, OutcomeUnknown, Unresolved
from bot.roles import Actor, Role
from bot.runner import Dialog, prepare_dialog, resolve_dead_claims, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox, journal
from bot.services.mirror import resolve
from bot.store import Store

ADMIN = Actor("UADMIN", Role.ADMIN, "slack", name="Ada Admin")
BAILIFF = registry.find("debtcollection", "bailiff")
POSTPONE = registry.find("debtcollection", "postpone")


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


def _case_id(rt: Runtime) -> str:
    return str(resolve(rt, "debtcollection", "1007")["action_public_id"])


def _events(sandbox: Sandbox, case_id: str, word: str) -> int:
    return len([e for e in journal.action_events(sandbox._store, case_id) if word in str(e.get("Title"))])


def test_a_lost_bailiff_reply_is_found_in_the_stage_before_any_resend(rt: Runtime, sandbox: Sandbox,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = _case_id(rt)
    dialog = prepare_dialog(rt, BAILIFF, "1007", {"option": "bailiff"}, ADMIN)
    real = rt.billecta.send_to_bailiff

    def applied_then_lost(aid: str) -> None:
        real(aid)
        raise OutcomeUnknown("sending to the bailiff", "the case's event log in Billecta")

    monkeypatch.setattr(rt.billecta, "send_to_bailiff", applied_then_lost)
    with pytest.raises(Unresolved):
        run_dialog(rt, dialog, ADMIN, attempt="k")
    monkeypatch.undo()
    again = run_dialog(rt, Dialog(BAILIFF, "1007", dialog.record, dialog.form, dialog.prepared), ADMIN, attempt="k")
    assert again.details["resolved"] and "sent to the bailiff (Kronofogden)" in again.message
    assert _events(sandbox, case_id, "Sent to the bailiff") == 1
    assert resolve(rt, "debtcollection", "1007")["stage"] == "SentToBailiff"


def test_a_postpone_left_by_a_crash_after_sending_is_reported_not_sent_again(rt: Runtime, sandbox: Sandbox) -> None:
    case_id = _case_id(rt)
    sandbox.set_debtcollection_stage(case_id, "DebtCollectionClaimDue")
    dialog = prepare_dialog(rt, POSTPONE, "1007", {"days": "12"}, ADMIN)
    new_day: Any = dialog.form.new_day(dialog.form.from_day)
    key = f"dialog:{POSTPONE.slug}:1007:crashed"
    assert rt.store.claim(key, owner="0/0/0")  # a process that is gone
    rt.store.mark_claim(key, "sending", {"token": "t", "reference": "postponing debtcollection 1007", "local": {},
                                         "facts": {"new_day": new_day.isoformat()}})
    rt.billecta.postpone_debt_collection(case_id, new_day)  # it reached Billecta, then the bot died
    with pytest.raises(AlreadyDone, match="was postponed to"):
        run_dialog(rt, dialog, ADMIN, attempt="new")
    assert _events(sandbox, case_id, "postponed") == 1
    assert rt.store.claim_row(key)["status"] == "done"  # type: ignore[index]
    assert resolve_dead_claims(rt) == []
