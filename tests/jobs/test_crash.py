"""THE crash test: a real `billecta-bot run` process is killed (SIGKILL) mid-job against the sandbox
served over HTTP; `billecta-bot worker --once` then finishes the job. Nothing done is redone, and no
debtor exists twice in Billecta."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.billecta.models import DebtorView
from bot.sandbox import Sandbox
from bot.sandbox.server import SandboxServer
from bot.store import Store
from tests.served import bot_env, serving

N = 300


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[Sandbox, SandboxServer]]:
    box = Sandbox(tmp_path / "sandbox.db", seed="empty")
    box.set_faults(latency_ms=20)
    with serving(box) as server:
        yield box, server
    box.close()


def _env(tmp_path: Path, box: Sandbox, server: SandboxServer) -> dict[str, str]:
    return bot_env(tmp_path, box, server, BILLECTA_CONCURRENCY="8")


def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _billecta_debtors(box: Sandbox, server: SandboxServer) -> list[DebtorView]:
    with BillectaClient(httpx.Client(base_url=server.url), token="sandbox", creditor_id=box.creditor_id) as client:
        return client.list_debtors()


@pytest.mark.slow
def test_a_killed_job_resumes_without_redoing_or_duplicating_anything(
        tmp_path: Path, served: tuple[Sandbox, SandboxServer]) -> None:
    box, server = served
    store = Store(tmp_path / "bot.db")
    store.upsert_records("debtor", [{"id": i, "name": f"Debtor {i} AB", "city": "Lund"} for i in range(1, N + 1)])
    store.close()
    env = _env(tmp_path, box, server)
    db = tmp_path / "bot.db"

    run = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "debtor", "upsert", "--all", "--yes"],
                           env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while _query(db, "SELECT COUNT(*) FROM job_item WHERE status = 'succeeded'")[0][0] < 60:
        assert run.poll() is None, run.communicate()
        assert time.monotonic() < deadline, "the job made no progress"
        time.sleep(0.02)
    run.kill()  # SIGKILL: no cleanup, no finally blocks
    run.wait(10)

    done_before = dict(_query(db, "SELECT id, finished_at FROM job_item WHERE status = 'succeeded'"))
    interrupted = dict(_query(db, "SELECT id, record_id FROM job_item WHERE status = 'running'"))
    assert 60 <= len(done_before) < N
    assert interrupted, "no item was mid-call when the process was killed"
    assert _query(db, "SELECT status FROM job")[0][0] == "running"
    # The case that could duplicate: Billecta created the debtor but the process died before the reply.
    lost_replies = set(interrupted.values()) & {debtor.debtor_external_id for debtor in _billecta_debtors(box, server)}
    assert lost_replies, "no interrupted item had reached Billecta; the resume lookup was not exercised"

    worker = subprocess.run([sys.executable, "-m", "bot.cli", "worker", "--once"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert worker.returncode == 0, worker.stdout + worker.stderr

    status, total, succeeded, failed, skipped = _query(
        db, "SELECT status, total, succeeded, failed, skipped FROM job")[0]
    assert (status, total, succeeded, failed, skipped) == ("succeeded", N, N, 0, 0)
    after = dict(_query(db, "SELECT id, finished_at FROM job_item"))
    assert all(after[item] == finished for item, finished in done_before.items())  # done items were not redone
    attempts = dict(_query(db, "SELECT id, attempts FROM job_item"))
    assert all(attempts[item] == 2 for item in interrupted)  # one more call each, which looked the record up
    assert all(attempts[item] == 1 for item in attempts if item not in interrupted)

    created = Counter(debtor.debtor_external_id for debtor in _billecta_debtors(box, server))
    assert set(created) == {str(i) for i in range(1, N + 1)}
    assert set(created.values()) == {1}  # every debtor created exactly once
    synced = _query(db, "SELECT COUNT(*) FROM debtor WHERE sync_status = 'synced' AND billecta_id IS NOT NULL")
    assert synced[0][0] == N
