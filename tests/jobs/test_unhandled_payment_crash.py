"""A real `billecta-bot run payment match` process killed (SIGKILL) while Billecta's reply to the match is
held: the claim it leaves is settled from the payment's state in Billecta (UsedOnInvoice on that
invoice) when the bot starts, reported done once, and the payment is matched once."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.runner import resolve_dead_claims
from bot.runtime import build_runtime
from bot.sandbox import DEMO, Sandbox
from bot.sandbox.server import SandboxServer
from tests.served import bot_env, serving

LATENCY_MS = 1500  # every reply is held this long after the sandbox has done the work
UNMATCHED = DEMO.unhandled_payments["unmatched"]


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[Sandbox, SandboxServer]]:
    box = Sandbox(tmp_path / "sandbox.db", seed="demo")
    with serving(box) as server:
        yield box, server
    box.close()


def _claims(db: Path) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db, timeout=10)
    try:
        return conn.execute("SELECT key, status FROM idempotency WHERE key LIKE 'dialog:%'").fetchall()
    except sqlite3.OperationalError:  # the schema is not there yet
        return []
    finally:
        conn.close()


def _payment_state(tmp_path: Path) -> str:
    """Read from the sandbox's own file: the HTTP API would hold the answer for the injected latency."""
    conn = sqlite3.connect(tmp_path / "sandbox.db", timeout=10)
    try:
        row = conn.execute("SELECT data FROM docs WHERE kind = 'unhandled' AND id = ?", [UNMATCHED]).fetchone()
        return str(json.loads(row[0])["State"])
    finally:
        conn.close()


@pytest.mark.slow
def test_a_match_killed_after_billecta_applied_it_is_settled_done_once(
        tmp_path: Path, served: tuple[Sandbox, SandboxServer]) -> None:
    box, server = served
    env, db = bot_env(tmp_path, box, server), tmp_path / "bot.db"
    assert subprocess.run([sys.executable, "-m", "bot.cli", "pull"], env=env, cwd=tmp_path, capture_output=True,
                          timeout=60).returncode == 0
    box.set_faults(latency_ms=LATENCY_MS)
    run = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "payment", "match", UNMATCHED, "invoice=1001",
                            "--yes"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (any(s == "sending" for _, s in _claims(db)) and _payment_state(tmp_path) == "UsedOnInvoice"):
        assert run.poll() is None, run.communicate()
        assert time.monotonic() < deadline, "the match never reached Billecta"
        time.sleep(0.01)
    run.kill()  # SIGKILL: no finally blocks, no cleanup
    run.wait(10)
    box.set_faults(latency_ms=0)
    assert [status for _, status in _claims(db)] == ["sending"]

    settings = Settings(_env_file=None, billecta_bot_db=db, billecta_base_url=server.url,  # type: ignore[call-arg]
                        billecta_secure_token="sandbox", billecta_creditor_id=box.creditor_id)
    rt = build_runtime(settings)
    try:
        settled = resolve_dead_claims(rt)  # what `serve` does when it starts
        assert len(settled) == 1 and settled[0][1] is not None
        assert settled[0][1].message.startswith("Matched payment ") and "to invoice 1001" in settled[0][1].message
        assert [status for _, status in _claims(db)] == ["done"]
        audited = rt.store.rows("audit", "source = 'restart'")
        assert [row["outcome"] for row in audited] == ["ok"] and "confirmed earlier" in audited[0]["detail"]
        invoice = rt.billecta.get_invoice(rt.store.rows("invoice", "invoice_number = '1001'")[0]["action_public_id"])
        assert invoice.paid_amount.value == 125_000  # matched once
        assert rt.store.rows("payment", "billecta_id = ?", [UNMATCHED])[0]["state"] == "UsedOnInvoice"
    finally:
        rt.close()
