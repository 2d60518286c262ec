"""The job queue's own mechanics with a fake service: statuses and counts, retries, cancel, retry of
failed items, resuming after a crash, the background runner, and the audit trail."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest

from bot.errors import InvoiceStateError, NotAllowed, UsageError
from bot.jobs import ItemStatus, JobQueue, JobStatus
from bot.jobs.execute import EXTRA_WORKERS
from bot.jobs.table import CHUNK
from bot.notify import format_job
from bot.roles import Actor, Role
from bot.runtime import Runtime
from bot.services import ItemResult

from .conftest import ADMIN, FAST_RETRIES, FakeService, lookup_with, selection_of

IDS = [str(i) for i in range(1, 11)]


def test_all_items_succeed(queue: JobQueue, service: FakeService) -> None:
    job_id = queue.submit(selection_of(IDS), ADMIN, hold=True)
    assert queue.get(job_id).status is JobStatus.QUEUED
    job = queue.run_job(job_id)
    assert job.status is JobStatus.SUCCEEDED
    assert (job.total, job.succeeded, job.failed, job.skipped) == (10, 10, 0, 0)
    items = queue.items(job_id)
    assert [item.record_id for item in items] == IDS
    assert all(item.status is ItemStatus.SUCCEEDED and item.attempts == 1 for item in items)
    assert items[0].billecta_id == "bid-1" and items[0].message == "created"
    assert sorted(rid for rid, _ in service.calls) == sorted(IDS)
    assert job.started_at and job.finished_at


def test_a_refused_item_is_refused_with_billectas_reason_and_the_rest_go_on(queue: JobQueue,
                                                                           service: FakeService) -> None:
    service.refuse = {"3", "7"}
    job = queue.run_job(queue.submit(selection_of(IDS), ADMIN, hold=True))
    assert job.status is JobStatus.PARTLY_REFUSED and not job.incident
    assert (job.succeeded, job.failed, job.refused) == (8, 0, 2)
    refused = queue.items(job.id, "refused")
    assert [item.record_id for item in refused] == ["3", "7"]
    assert refused[0].error == "Billecta refused: record 3 is not acceptable"
    assert (refused[0].error_kind, refused[0].error_class) == ("refusal", "BillectaRejected")
    assert refused[0].attempts == 1  # a refusal is not retried


def test_a_failure_a_retry_may_fix_is_stored_with_its_kind_apart_from_refusals(queue: JobQueue,
                                                                               service: FakeService) -> None:
    service.refuse, service.broken = {"3"}, {"5"}
    job = queue.run_job(queue.submit(selection_of(IDS[:6]), ADMIN, hold=True))
    assert job.status is JobStatus.PARTLY_FAILED and job.incident
    assert (job.succeeded, job.failed, job.refused) == (4, 1, 1)
    [failed] = queue.items(job.id, "failed")
    assert (failed.record_id, failed.error_kind, failed.error_class) == ("5", "transient", "BillectaUnavailable")
    assert "1 refused" in job.summary and "1 failed" in job.summary


def test_every_item_failing_fails_the_job(queue: JobQueue, service: FakeService) -> None:
    service.broken = set(IDS[:3])
    job = queue.run_job(queue.submit(selection_of(IDS[:3]), ADMIN, hold=True))
    assert job.status is JobStatus.FAILED and job.failed == 3


def test_every_item_refused_is_an_answer_not_a_failed_job(queue: JobQueue, service: FakeService) -> None:
    service.refuse = set(IDS[:3])
    job = queue.run_job(queue.submit(selection_of(IDS[:3]), ADMIN, hold=True))
    assert job.status is JobStatus.REFUSED and (job.failed, job.refused) == (0, 3) and not job.incident
    with pytest.raises(UsageError, match="3 refused by Billecta's rules"):
        queue.retry(job.id, ADMIN)


def test_transient_failures_are_retried_as_resumed_attempts(queue: JobQueue, service: FakeService) -> None:
    service.flaky = {"2": 2, "5": 5}
    job = queue.run_job(queue.submit(selection_of(IDS[:6]), ADMIN, hold=True))
    assert service.called("2") == [False, True, True]  # a retry may follow a call that got through
    item2, item5 = queue.items(job.id)[1], queue.items(job.id)[4]
    assert item2.status is ItemStatus.SUCCEEDED and item2.attempts == 3
    assert item5.status is ItemStatus.FAILED and item5.attempts == FAST_RETRIES.attempts
    assert "not answering" in (item5.error or "")
    assert job.status is JobStatus.PARTLY_FAILED


def test_cancel_lets_running_items_finish_and_skips_the_rest(fake_rt: Runtime, service: FakeService) -> None:
    service.gate = threading.Event()
    q = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service))
    ids = [str(i) for i in range(1, 101)]
    job_id = q.submit(selection_of(ids), ADMIN, hold=True)
    runner = threading.Thread(target=q.run_job, args=[job_id])
    runner.start()
    in_call = fake_rt.settings.billecta_concurrency + EXTRA_WORKERS  # every worker is in its Billecta call
    _until(lambda: len(service.calls) == in_call)
    job = q.cancel(job_id, ADMIN)
    assert job.cancel_requested and not job.finished
    service.gate.set()
    runner.join(10)
    job = q.get(job_id)
    assert job.status is JobStatus.CANCELLED
    assert job.succeeded == len(service.calls) and job.succeeded + job.skipped == 100
    assert job.succeeded == in_call


def test_cancelling_a_queued_job_settles_it_at_once(queue: JobQueue, service: FakeService) -> None:
    job_id = queue.submit(selection_of(IDS), ADMIN)  # nobody runs it: the queue is not started
    job = queue.cancel(job_id, ADMIN)
    assert job.status is JobStatus.CANCELLED and job.skipped == 10 and not service.calls
    with pytest.raises(UsageError, match="already finished"):
        queue.cancel(job_id, ADMIN)


def test_retry_runs_the_failed_items_as_a_linked_job(queue: JobQueue, service: FakeService) -> None:
    service.broken, service.refuse = {"4", "9"}, {"6"}
    first = queue.run_job(queue.submit(selection_of(IDS), ADMIN, hold=True))
    service.broken = set()
    service.calls.clear()
    second_id = queue.retry(first.id, ADMIN, hold=True)
    second = queue.run_job(second_id)
    assert second.parent_job_id == first.id and second.status is JobStatus.SUCCEEDED
    assert [item.record_id for item in queue.items(second_id)] == ["4", "9"]  # not the refused 6
    assert sorted(rid for rid, _ in service.calls) == ["4", "9"]
    assert service.called("4") == [True]  # the failed attempt may have reached Billecta: look it up first
    with pytest.raises(UsageError, match="no failed items"):
        queue.retry(second_id, ADMIN)
    # One retry per failed job, from the CLI, a Slack alert or the App Home alike.
    with pytest.raises(UsageError, match=f"already being retried as job {second_id}"):
        queue.retry(first.id, ADMIN)


def _left_by_a_dead_process(q: JobQueue, job_id: int, *, cancel_requested: bool = False) -> None:
    """What a process killed mid-job leaves behind: 3 items done, 1 mid-call, a dead owner."""
    items = q.items(job_id)
    for item in items[:3]:
        q.table.mark_running(item.id)
        q.table.finish_item(job_id, item.id, ItemStatus.SUCCEEDED, billecta_id=f"bid-{item.record_id}")
    q.table.mark_running(items[3].id)
    q.rt.store.db.execute("UPDATE job SET status = 'running', owner = 'elsewhere:1:dead', heartbeat_at = 0, "
                          "cancel_requested = ? WHERE id = ?", [int(cancel_requested), job_id])


def test_a_job_resumes_after_its_process_died(fake_rt: Runtime, service: FakeService) -> None:
    q = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service))
    job_id = q.submit(selection_of(IDS), ADMIN, hold=True)
    _left_by_a_dead_process(q, job_id)
    settled = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service)).drain()
    assert [job.id for job in settled] == [job_id]
    assert settled[0].status is JobStatus.SUCCEEDED and settled[0].succeeded == 10
    assert not service.called("1") and not service.called("3")  # done items are not redone
    assert service.called("4") == [True]  # the one mid-call is looked up before creating
    assert service.called("5") == [False]
    assert q.items(job_id)[3].attempts == 2


def test_cancelling_a_job_whose_process_died_settles_it_at_once(fake_rt: Runtime, service: FakeService) -> None:
    q = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service))
    job_id = q.submit(selection_of(IDS), ADMIN, hold=True)
    _left_by_a_dead_process(q, job_id)
    job = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service)).cancel(job_id, ADMIN)
    assert job.status is JobStatus.CANCELLED and (job.succeeded, job.skipped) == (3, 7)
    interrupted = q.items(job_id)[3]
    assert interrupted.status is ItemStatus.SKIPPED and "may have reached Billecta" in (interrupted.error or "")
    assert not service.calls


def test_a_resumed_job_that_was_cancelled_meanwhile_runs_nothing_more(fake_rt: Runtime,
                                                                       service: FakeService) -> None:
    q = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service))
    job_id = q.submit(selection_of(IDS), ADMIN, hold=True)
    _left_by_a_dead_process(q, job_id, cancel_requested=True)
    settled = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service)).drain()
    assert [(job.id, job.status, job.skipped) for job in settled] == [(job_id, JobStatus.CANCELLED, 7)]
    assert not service.calls


def test_a_live_job_is_not_taken_over(fake_rt: Runtime, service: FakeService) -> None:
    q = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service))
    job_id = q.submit(selection_of(IDS), ADMIN, hold=True)
    other = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service))
    assert other.drain() == []  # held by a live queue in this process
    assert other.run_job(job_id).status is JobStatus.QUEUED and not service.calls


def test_items_stream_in_chunks_across_many_records(queue: JobQueue, service: FakeService) -> None:
    ids = [str(i) for i in range(1, CHUNK * 2 + 8)]
    job = queue.run_job(queue.submit(selection_of(ids), ADMIN, hold=True))
    assert job.succeeded == len(ids) and len(service.calls) == len(ids)


def test_the_background_runner_picks_up_submitted_and_queued_jobs(fake_rt: Runtime, service: FakeService) -> None:
    early = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service))
    queued_before = early.submit(selection_of(IDS[:3]), ADMIN)  # e.g. `run --detach` with no worker up
    q = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service), poll_seconds=0.1)
    q.start()
    try:
        submitted = q.submit(selection_of(IDS[3:]), ADMIN)
        assert q.wait(submitted, timeout=10).status is JobStatus.SUCCEEDED
        assert q.wait(queued_before, timeout=10).status is JobStatus.SUCCEEDED
    finally:
        q.shutdown()


def test_jobs_are_audited_when_queued_and_when_settled(queue: JobQueue, service: FakeService,
                                                       fake_rt: Runtime) -> None:
    service.broken = {"2"}
    job = queue.run_job(queue.submit(selection_of(IDS[:3]), ADMIN, hold=True))
    rows = fake_rt.store.rows("audit", "job_id = ?", [job.id], order_by="id")
    assert [row["outcome"] for row in rows] == ["queued", "partly_failed"]
    assert json.loads(rows[0]["record_ids"]) == ["1", "2", "3"] and rows[0]["actor"] == "U0ADMIN"
    assert json.loads(rows[1]["record_ids"]) == ["2"]
    assert "2 succeeded, 1 failed, 0 skipped of 3" in rows[1]["detail"]


def test_roles_are_checked_on_submit_cancel_and_retry(queue: JobQueue) -> None:
    viewer = Actor(id="U0VIEW", role=Role.VIEWER, source="slack")
    with pytest.raises(NotAllowed):
        queue.submit(selection_of(IDS), viewer)
    job_id = queue.submit(selection_of(IDS), ADMIN)
    with pytest.raises(NotAllowed):
        queue.cancel(job_id, viewer)


def _until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_refusal_that_names_what_applies_keeps_it_for_the_result(fake_rt: Runtime) -> None:
    def paused(rt: object, record_id: str, *, resumed: bool = False) -> ItemResult:
        raise InvoiceStateError(f"Invoice {record_id} has been paused since 28 Nov.", instead="resume", key=record_id)

    q = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(paused), poll_seconds=0.1)
    try:
        job = q.run_job(q.submit(selection_of(["3"]), ADMIN, hold=True))
        [item] = q.items(job.id)
        assert (item.status, item.error_kind, item.error_class) == (ItemStatus.REFUSED, "refusal", "InvoiceStateError")
        assert item.message == "debtor resume 3"  # the command that applies, in the record's own type
        table = format_job(job, [item])
        assert "Refused by Billecta's rules:" in table and "Failed:" not in table
        assert "what applies: billecta-bot run debtor resume 3" in table
    finally:
        q.shutdown()
