"""A real `billecta-bot run invoice payment` process killed (SIGKILL) mid-payment, against the sandbox
served over HTTP with latency: the claim it leaves is settled from what Billecta shows, never reported
done for a payment that did not happen, never left claimed for ever, and the payment exists once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.config import Settings
from bot.runner import resolve_dead_claims
from bot.runtime import build_runtime
from bot.sandbox import Sandbox
from bot.sandbox.server import SandboxServer
from bot.store import Store
from tests.served import bot_env, serving

LATENCY_MS = 1500  # every reply is held this long after the sandbox has done the work


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[Sandbox, SandboxServer]]:
    box = Sandbox(tmp_path / "sandbox.db", seed="demo")
    with serving(box) as server:
        yield box, server
    box.close()


def _env(tmp_path: Path, box: Sandbox, server: SandboxServer) -> dict[str, str]:
    return bot_env(tmp_path, box, server)


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


def _booked_by_the_bot(tmp_path: Path) -> int:
    """Payments the bot stamped (its run-once token in the comment), read from the sandbox's own file:
    the HTTP API would hold the answer for the injected latency."""
    conn = sqlite3.connect(tmp_path / "sandbox.db", timeout=10)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM events WHERE data LIKE '%with billecta-bot (bb-%'")
                   .fetchone()[0])
    finally:
        conn.close()


def _paid(box: Sandbox, server: SandboxServer, number: str) -> int:
    with BillectaClient(httpx.Client(base_url=server.url), token="sandbox", creditor_id=box.creditor_id) as client:
        row = next(r for r in client.open_invoices() if r.invoice_number == number)
        return client.get_invoice(row.action_public_id).paid_amount.value


def _start_payment(tmp_path: Path, env: dict[str, str], number: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "invoice", "payment", number, "amount=100",
                             "payment_means=BG", "--yes"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _kill_when(run: subprocess.Popen[bytes], ready: Any) -> None:
    deadline = time.monotonic() + 30
    while not ready():
        assert run.poll() is None, run.communicate()
        assert time.monotonic() < deadline, "the payment never reached the expected point"
        time.sleep(0.01)
    run.kill()  # SIGKILL: no finally blocks, no cleanup
    run.wait(10)


@pytest.mark.slow
def test_a_payment_killed_after_billecta_booked_it_is_reported_done_once(
        tmp_path: Path, served: tuple[Sandbox, SandboxServer]) -> None:
    box, server = served
    env = _env(tmp_path, box, server)
    db = tmp_path / "bot.db"
    box.set_faults(latency_ms=LATENCY_MS)
    run = _start_payment(tmp_path, env, "1001")
    # Killed while Billecta's reply is held: the payment is booked, the bot never heard so.
    _kill_when(run, lambda: any(s == "sending" for _, s in _claims(db)) and _booked_by_the_bot(tmp_path) == 1)
    assert [status for _, status in _claims(db)] == ["sending"]
    box.set_faults(latency_ms=0)

    again = subprocess.run([sys.executable, "-m", "bot.cli", "run", "invoice", "payment", "1001", "amount=100",
                            "payment_means=BG", "--yes"], env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=60)
    # The next attempt looks in Billecta first: the earlier one went through, so nothing is sent again.
    assert again.returncode == 1, again.stdout + again.stderr
    assert "on invoice 1001" in again.stderr and "Nothing more was sent now" in again.stderr
    assert _paid(box, server, "1001") == 10000
    assert [status for _, status in _claims(db)] == ["done"]
    store = Store(db)
    try:
        audited = store.rows("audit", "source = 'restart'")
        assert [row["outcome"] for row in audited] == ["ok"] and "confirmed earlier" in audited[0]["detail"]
        # The payment the killed process never recorded is in the store now, once.
        assert [row["amount"] for row in store.rows("payment", "kind = 'manual'")] == [10000]
    finally:
        store.close()


@pytest.mark.slow
def test_a_payment_killed_before_it_was_sent_is_released_on_restart(
        tmp_path: Path, served: tuple[Sandbox, SandboxServer]) -> None:
    box, server = served
    env = _env(tmp_path, box, server)
    db = tmp_path / "bot.db"
    box.set_faults(latency_ms=LATENCY_MS)
    run = _start_payment(tmp_path, env, "1002")
    # Killed while the fresh read of the invoice is on its way: claimed, nothing sent.
    _kill_when(run, lambda: any(s == "claimed" for _, s in _claims(db)))
    box.set_faults(latency_ms=0)
    assert _paid(box, server, "1002") == 0

    settings = Settings(_env_file=None, billecta_bot_db=db, billecta_base_url=server.url,  # type: ignore[call-arg]
                        billecta_secure_token="sandbox", billecta_creditor_id=box.creditor_id)
    rt = build_runtime(settings)
    try:
        settled = resolve_dead_claims(rt)  # what `serve` does when it starts
        assert [outcome for _, outcome in settled] == [None]  # not done: no ✅
        assert _claims(db) == []  # released, not claimed for ever
        assert rt.store.rows("audit", "source = 'restart'")[0]["outcome"] == "failed"
    finally:
        rt.close()
    retry = subprocess.run([sys.executable, "-m", "bot.cli", "run", "invoice", "payment", "1002", "amount=100",
                            "payment_means=BG", "--yes"], env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=60)
    assert retry.returncode == 0 and "Registered 100,00\u00a0kr on invoice 1002" in retry.stdout, retry.stderr
    assert _paid(box, server, "1002") == 10000
