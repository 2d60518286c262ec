"""The notifier interface: throttling, the CLI's progress bar and table, and how pull changes read."""

from __future__ import annotations

import io
from dataclasses import replace

from bot.jobs.model import ItemStatus, Job, JobItem, JobStatus
from bot.notify import CliNotifier, Notifier, ThrottledNotifier, describe_change

JOB = Job(id=7, command="debtor upsert", record_type="debtor", verb="upsert", targets="--changed",
          requested_by="U1", source="slack", channel="C1", status=JobStatus.RUNNING, total=10, succeeded=3,
          failed=1, skipped=0, created_at="2026-01-01T00:00:00+00:00", started_at=None, finished_at=None,
          parent_job_id=None, schedule=None, error=None, cancel_requested=False)
FAILED = JobItem(id=1, job_id=7, seq=4, record_type="debtor", record_id="4", label="debtor 4 (Acme AB)",
                 status=ItemStatus.FAILED, attempts=1, billecta_id=None, error="Billecta refused: bad org no",
                 message=None, started_at=None, finished_at=None)


class Recorder(Notifier):
    def __init__(self) -> None:
        self.seen: list[tuple[str, int, int]] = []

    def job_progress(self, job: Job) -> None:
        self.seen.append(("progress", job.id, job.done))

    def job_finished(self, job: Job, failures: list[JobItem]) -> None:
        self.seen.append(("finished", job.id, job.done))


def test_throttled_notifier_forwards_progress_at_most_every_interval_and_always_the_end() -> None:
    now = [0.0]
    inner = Recorder()
    throttled = ThrottledNotifier(inner, interval=2.0, clock=lambda: now[0])
    for t, done in ((0.0, 1), (0.5, 2), (1.9, 3), (2.1, 4), (3.0, 5)):
        now[0] = t
        throttled.job_progress(replace(JOB, succeeded=done, failed=0))
    throttled.job_progress(replace(JOB, id=8, succeeded=1, failed=0))  # another job has its own clock
    now[0] = 3.1
    throttled.job_finished(replace(JOB, status=JobStatus.SUCCEEDED, succeeded=10, failed=0), [])
    assert inner.seen == [("progress", 7, 1), ("progress", 7, 4), ("progress", 8, 1), ("finished", 7, 10)]
    throttled.job_progress(replace(JOB, succeeded=0, failed=0))  # a finished job's state is forgotten
    assert inner.seen[-1] == ("progress", 7, 0)


def test_cli_notifier_draws_a_bar_and_prints_the_final_table() -> None:
    out, err = io.StringIO(), io.StringIO()
    cli = CliNotifier(out=out, err=err)
    cli.job_progress(JOB)
    assert "[#########" in err.getvalue() and "4/10 debtor upsert, 1 failed" in err.getvalue()
    cli.job_finished(replace(JOB, status=JobStatus.PARTLY_FAILED, succeeded=9), [FAILED])
    table = out.getvalue()
    assert "Job 7 (debtor upsert --changed): partly failed" in table
    assert "succeeded        9" in table and "debtor 4 (Acme AB): Billecta refused: bad org no" in table
    final = err.getvalue().rsplit("\r", 1)[-1]
    assert "#" not in final and "9 of 10 succeeded" in final  # a failed job does not end on a full bar


def test_pull_changes_read_as_sentences_naming_the_record() -> None:
    before = {"invoice_number": "1004", "stage": "InvoiceSent", "is_disputed": 0}
    assert describe_change(("invoice", before, {**before, "is_disputed": 1})) == (
        "invoice 1004 was disputed outside the bot.")
    assert describe_change(("invoice", before, {**before, "stage": "SentToDebtCollection"})) == (
        "invoice 1004 was sent to debt collection outside the bot.")
    payment = {"id": 3, "amount": 35000, "currency": "SEK", "sender_name": "Okänd AB", "reference": "123"}
    assert describe_change(("payment", None, payment)) == (
        "payment 3: new unhandled payment of 350,00\u00a0kr from Okänd AB (reference 123); `payment match 3` puts "
        "it on an invoice.")
