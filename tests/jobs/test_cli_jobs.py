"""The job CLI on the embedded sandbox: run (foreground and --detach), jobs, worker --once, retry,
cancel, pull and schedules, with their exit statuses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    return tmp_path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_run_waits_for_the_job_and_prints_the_table(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "run", "debtor", "upsert", "1", "2", "--yes")
    assert status == 0, out + err
    assert "Job 1 (debtor upsert 1 2): succeeded" in out
    status, out, _ = cli(capsys, "run", "article", "delete", "1", "--yes", "--json")
    assert status == 1
    result = json.loads(out)
    assert result["status"] == "refused" and "used on an invoice" in result["failures"][0]["error"]
    assert result["failures"][0]["status"] == "refused" and result["refused"] == 1


def test_detach_then_worker_once_then_jobs_show(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "run", "debtor", "upsert", "1-3", "--yes", "--detach", "--json")
    assert status == 0
    job_id = json.loads(out)["job_id"]
    _, out, _ = cli(capsys, "jobs", "--json")
    assert json.loads(out)[0]["status"] == "queued"
    status, out, _ = cli(capsys, "worker", "--once")
    assert status == 0 and f"Job {job_id} (debtor upsert 1 2 3): succeeded" in out
    status, out, _ = cli(capsys, "jobs", "show", str(job_id), "--json")
    shown = json.loads(out)
    assert status == 0 and shown["succeeded"] == 3
    assert [item["status"] for item in shown["items"]] == ["succeeded"] * 3
    status, out, _ = cli(capsys, "jobs")
    assert status == 0 and "debtor upsert" in out and "3/3" in out


def test_retry_runs_failed_items_as_a_linked_job(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "run", "article", "delete", "1", "--yes")
    assert status == 1 and "Refused by Billecta's rules:" in out and "used on an invoice" in out
    # A refusal is an answer: retrying it would get the same one, so there is nothing to retry.
    status, out, err = cli(capsys, "jobs", "retry", "1")
    assert status == 2 and "no failed items to retry (1 refused" in out + err


def test_cancel_a_queued_job(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(capsys, "run", "debtor", "upsert", "1-3", "--yes", "--detach")
    status, out, _ = cli(capsys, "jobs", "cancel", "1")
    assert status == 0 and "cancelled" in out and "3 skipped" in out
    assert cli(capsys, "worker", "--once")[0] == 0  # nothing left to run


def test_creditor_update_runs_as_a_one_item_job(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "run", "creditor", "update", "--yes")
    assert status == 0, out + err
    assert "Job 1 (creditor update 1): succeeded" in out and "total            1" in out


def test_pull_and_schedules(workdir: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, _ = cli(capsys, "pull")
    assert status == 0 and out.splitlines()[0] == (  # the embedded demo was linked when it was created
        "Nothing new to link from Billecta. (5 debtors already linked; 4 products already linked; "
        "1 order draft already linked.)")
    assert out.splitlines()[1].startswith("Pulled ")
    monkeypatch.setenv("SCHEDULES", json.dumps([{"id": "nightly", "cron": "0 2 * * *", "command": "debtor upsert",
                                                 "targets": "--changed"}]))
    status, out, _ = cli(capsys, "schedules", "--json")
    rows = json.loads(out)
    assert status == 0 and [row["id"] for row in rows] == ["nightly", "pull"]
    assert rows[0]["next_run"].endswith(("+01:00", "+02:00")) and rows[0]["last_run"] is None
    monkeypatch.setenv("SCHEDULES", json.dumps([{"cron": "0 2 * *", "command": "debtor upsert"}]))
    status, _, err = cli(capsys, "schedules")
    assert status == 78 and "SCHEDULES entry 1" in err


@pytest.mark.slow
def test_the_worker_runs_detached_jobs_until_it_is_stopped(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "run", "debtor", "upsert", "1-3", "--yes", "--detach", "--json")
    job_id = json.loads(out)["job_id"]
    worker = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=dict(os.environ), cwd=workdir,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while json.loads(cli(capsys, "jobs", "show", str(job_id), "--json")[1])["status"] != "succeeded":
            assert worker.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert "worker running" in out and f"Job {job_id} (debtor upsert 1 2 3): succeeded" in out
