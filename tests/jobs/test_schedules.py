"""Schedules: configuration checked entry by entry, the default pull, and misfires after downtime
run once (the last run is kept in the store because APScheduler's memory forgets it)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.billecta.dates import STOCKHOLM
from bot.errors import ConfigError
from bot.jobs import JobQueue, JobStatus
from bot.jobs.schedules import DEFAULT_PULL, MISFIRE_GRACE_SECONDS, Schedule, Schedules, load_schedules
from bot.runtime import Runtime

from .conftest import FakeService, settings_for

NIGHTLY = {"id": "nightly-debtors", "cron": "0 2 * * *", "command": "debtor upsert", "targets": "--changed"}


def test_schedules_from_json_with_the_default_pull(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, schedules=json.dumps([NIGHTLY, {"cron": "30 3 * * 1", "command": "article upsert",
                                                                      "targets": "--all"}]))
    schedules = load_schedules(settings, tmp_path)
    assert schedules[0] == Schedule("nightly-debtors", "0 2 * * *", "debtor upsert", "--changed")
    assert schedules[1].id == "article-upsert" and schedules[1].targets == "--all"
    assert schedules[2] == DEFAULT_PULL and DEFAULT_PULL.cron == "*/15 * * * *"


def test_schedules_from_a_toml_file(tmp_path: Path) -> None:
    (tmp_path / "schedules.toml").write_text(
        '[[schedule]]\nid = "orders"\ncron = "0 6 * * 1-5"\ncommand = "order upsert-attest"\ntargets = "--changed"\n'
        '[[schedule]]\ncron = "0 * * * *"\ncommand = "pull"\n', encoding="utf-8")
    schedules = load_schedules(settings_for(tmp_path), tmp_path)
    assert [(s.id, s.command) for s in schedules] == [("orders", "order upsert-attest"), ("pull", "pull")]


@pytest.mark.parametrize(("entry", "message"), [
    ({**NIGHTLY, "cron": "0 25 * * *"}, "SCHEDULES entry 1 (nightly-debtors): cron '0 25 * * *' is not valid"),
    ({**NIGHTLY, "command": "debtor upsart"}, "SCHEDULES entry 1 (nightly-debtors): debtor has no command"),
    ({**NIGHTLY, "command": "invoice pause"}, "`invoice pause` is not a bulk command"),
    ({**NIGHTLY, "targets": ""}, "say which records"),
    ({**NIGHTLY, "every": "day"}, "unknown key(s) every"),
    ({"cron": "0 * * * *", "command": "pull", "targets": "--all"}, "SCHEDULES entry 1 (pull): pull takes no targets"),
    ({**NIGHTLY, "timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
    ("0 2 * * *", "expected a table"),
])
def test_a_bad_entry_is_named_with_the_reason(tmp_path: Path, entry: object, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_schedules(settings_for(tmp_path, schedules=json.dumps([entry])), tmp_path)
    assert message in error.value.user_message


def test_bad_json_and_duplicate_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_schedules(settings_for(tmp_path, schedules="[{"), tmp_path)
    with pytest.raises(ConfigError, match="entry 2 .*used by an earlier entry"):
        load_schedules(settings_for(tmp_path, schedules=json.dumps([NIGHTLY, NIGHTLY])), tmp_path)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_missed_slot_after_downtime_runs_once(fake_rt: Runtime) -> None:
    clock = Clock(datetime(2026, 3, 2, 12, 0, tzinfo=STOCKHOLM))
    nightly = Schedule("nightly", "0 2 * * *", "debtor upsert", "--changed")
    schedules = Schedules(fake_rt.store, [nightly, DEFAULT_PULL], clock=clock)
    assert schedules.missed() == []  # first start: nothing to catch up, but now they are known
    clock.now += timedelta(minutes=10)
    assert schedules.missed() == []  # no slot has passed yet
    clock.now += timedelta(days=3)  # down for three nights: three nightly slots, ~290 pull slots
    assert schedules.missed() == [nightly, DEFAULT_PULL]  # each once
    # After the catch-up run is recorded, nothing is missed any more.
    restarted = Schedules(fake_rt.store, [nightly], clock=clock)
    restarted._save("nightly", last_run_at=clock.now.isoformat())
    assert restarted.missed() == []


def test_install_coalesces_and_queues_one_catch_up_per_missed_schedule(fake_rt: Runtime) -> None:
    clock = Clock(datetime(2026, 3, 2, 12, 0, tzinfo=STOCKHOLM))
    nightly = Schedule("nightly", "0 2 * * *", "debtor upsert", "--changed")
    Schedules(fake_rt.store, [nightly], clock=clock).missed()
    clock.now += timedelta(days=2)
    scheduler = BackgroundScheduler(timezone=STOCKHOLM)
    Schedules(fake_rt.store, [nightly], clock=clock).install(scheduler, JobQueue(fake_rt))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"schedule-nightly", "catch-up-nightly"}
    assert jobs["schedule-nightly"].coalesce is True
    assert jobs["schedule-nightly"].misfire_grace_time == MISFIRE_GRACE_SECONDS


def test_firing_a_schedule_queues_a_job_over_changed_records(fake_rt: Runtime, service: FakeService,
                                                             queue: JobQueue) -> None:
    nightly = Schedule("nightly", "0 2 * * *", "debtor upsert", "--changed")
    schedules = Schedules(fake_rt.store, [nightly])
    schedules.queue = queue
    assert schedules.fire("nightly") is None
    assert (schedules.state("nightly") or {})["last_outcome"].startswith("nothing to do")
    fake_rt.store.upsert_records("debtor", [{"id": 1, "name": "Acme AB"}, {"id": 2, "name": "Beta AB"}])
    job_id = schedules.fire("nightly")
    assert job_id is not None
    job = queue.get(job_id)
    assert (job.schedule, job.source, job.targets, job.total) == ("nightly", "schedule", "--changed", 2)
    assert schedules.fire("nightly") == job_id  # the last run's job is still queued: not queued twice
    assert "still going" in (schedules.state("nightly") or {})["last_outcome"]
    assert queue.run_job(job_id).status is JobStatus.SUCCEEDED
    listing = schedules.listing()[0]
    assert listing["last_job_id"] == job_id and listing["next_run"]
    assert listing["last_job_status"] == "succeeded"  # how the job ended, not just which job it was


def test_a_schedule_that_fails_unexpectedly_records_why(fake_rt: Runtime, queue: JobQueue,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(rt: Runtime) -> None:
        raise RuntimeError("connection pool exploded")

    monkeypatch.setattr("bot.services.pull.pull", broken)
    schedules = Schedules(fake_rt.store, [DEFAULT_PULL])
    schedules.queue = queue
    assert schedules.fire(DEFAULT_PULL.id) is None
    outcome = (schedules.state(DEFAULT_PULL.id) or {})["last_outcome"]
    assert outcome.startswith("failed: unexpected error (ref ")  # not 'running' for ever
