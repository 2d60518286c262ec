"""After Billecta said yes, the bot never says "nothing changed": an action whose write Billecta accepted,
and whose recording here then failed, is reported and audited as done in Billecta, not recorded here;
the next pull brings the store up to date."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from blocks.ids import ActionId
from bot.services import invoices, mirror
from bot.services.pull import pull

from .conftest import Stack
from .payloads import find_element


def _store_fails_once_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mirror write after the pause fails (the fresh read before it still works)."""
    def failing(rt: Any, view: Any) -> dict[str, Any]:
        if view.state.is_paused:
            raise sqlite3.OperationalError("database is locked")
        return mirror.mirror_invoice(rt, view)
    monkeypatch.setattr(invoices, "mirror_invoice", failing)


def test_a_pause_billecta_accepted_but_the_store_did_not_record_says_so(stack: Stack,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _store_fails_once_paused(monkeypatch)
    reply, url = stack.client.command("invoice pause 1001")
    assert reply.status == 200
    stack.settle()
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.ACTION_CONFIRM),
                               response_url=url)
    stack.settle()
    final = stack.responses(url)[-1]["text"]
    assert "Done in Billecta, not recorded here" in final and "invoice 1001" in final
    assert "billecta-bot pull" in final
    assert "nothing" not in final.lower() and "went wrong" not in final.lower()
    assert not stack.posts("CALERT")  # done is not an incident
    [row] = stack.rt.store.rows("audit", "command = 'invoice pause' AND outcome != 'refused'")
    assert row["outcome"] == "ok" and row["detail"].startswith("Done in Billecta, not recorded here")
    before = stack.rt.store.find_by("invoice", "invoice_number", "1001")
    assert before is not None and not before["is_paused"]  # not recorded here
    assert stack.rt.billecta.get_invoice(before["action_public_id"]).state.is_paused  # but done in Billecta
    monkeypatch.undo()
    pull(stack.rt)
    after = stack.rt.store.find_by("invoice", "invoice_number", "1001")
    assert after is not None and after["is_paused"] == 1  # the pull repaired it
