"""After Billecta said yes, the bot never says "nothing changed": a bulk item or an action whose write
Billecta accepted, and whose recording here then failed, is done in Billecta, not recorded here."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot import commands as registry
from bot.billecta.client import BillectaClient
from bot.cli import main
from bot.errors import BillectaUnavailable
from bot.jobs import ItemStatus
from bot.runner import run_action
from bot.runtime import Runtime
from bot.sandbox import DEMO
from bot.services import credit, invoices, mirror
from bot.services.pull import pull

from .conftest import ADMIN, run_command


def test_a_credit_billecta_booked_but_the_store_did_not_record_is_done_not_failed(
        rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(runtime: Any, view: Any) -> dict[str, Any]:
        if view.credited_amount.value > 0:
            raise sqlite3.OperationalError("disk I/O error")
        return mirror.mirror_invoice(runtime, view)
    monkeypatch.setattr(credit, "mirror_invoice", failing)
    job = run_command(rt, "invoice credit", DEMO["open"])
    [item] = rt.store.rows("job_item", "job_id = ?", [job.id])
    assert item["status"] == ItemStatus.SUCCEEDED and job.ok and not job.incident
    assert item["message"].startswith("Done in Billecta, not recorded here") and "billecta-bot pull" in item["message"]
    row = rt.store.find_by("invoice", "invoice_number", DEMO["open"])
    assert row is not None and row["current_amount"] == 125000  # not recorded here …
    assert rt.billecta.get_invoice(row["action_public_id"]).credited_amount.value == 125000  # … done in Billecta
    monkeypatch.undo()
    pull(rt)
    repaired = rt.store.find_by("invoice", "invoice_number", DEMO["open"])
    # Billecta's invoice lists carry the balance and stage (not the credited amount)
    assert repaired is not None and repaired["current_amount"] == 0 and repaired["stage"] == "Completed"


def test_an_action_whose_reread_fails_after_billecta_said_yes_is_done_and_audited_so(
        rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = {"n": 0}
    real = BillectaClient.get_invoice

    def read(self: BillectaClient, aid: str) -> Any:
        reads["n"] += 1
        if reads["n"] > 1:  # the precheck's read works; the one after the dispute does not
            raise BillectaUnavailable("HTTP 503")
        return real(self, aid)
    monkeypatch.setattr(BillectaClient, "get_invoice", read)
    outcome = run_action(rt, registry.find("invoice", "dispute"), DEMO["open"], ADMIN)
    assert outcome.message.startswith("Done in Billecta, not recorded here: Dispute")
    assert outcome.details["not_recorded"]
    [audit] = rt.store.rows("audit", "command = 'invoice dispute'")
    assert audit["outcome"] == "ok" and audit["detail"] == outcome.message


def test_the_cli_says_done_in_billecta_not_recorded_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))

    def failing(runtime: Any, view: Any) -> dict[str, Any]:
        if view.state.is_paused:
            raise sqlite3.OperationalError("database is locked")
        return mirror.mirror_invoice(runtime, view)
    monkeypatch.setattr(invoices, "mirror_invoice", failing)
    status = main(["run", "invoice", "pause", DEMO["open"], "--yes"])
    out, err = capsys.readouterr()
    assert status == 0, out + err
    assert out.startswith(f"Done in Billecta, not recorded here: Pause invoice on invoice {DEMO['open']}")
    assert "nothing" not in (out + err).lower()
