"""The durable job queue: submit bulk commands, run them (here, or in APScheduler's thread pool),
resume what a dead process left unfinished, cancel, retry failed items as a linked job, and report.

Jobs live in the store, so any process can see them: the Slack app and `billecta-bot worker` run
queued jobs in the background; `billecta-bot run` submits one and runs it in the foreground.
Every job is audited when queued and when it settles.
"""

from __future__ import annotations

import builtins
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from bot import commands as registry
from bot.billecta.dates import STOCKHOLM
from bot.errors import BotError, NotFound, UsageError
from bot.jobs.execute import Ending, Execution, RetryPolicy
from bot.jobs.model import Job, JobItem, JobStatus
from bot.jobs.swish import SwishWatch
from bot.jobs.table import JobTable, is_orphan, new_owner
from bot.notify import MAX_LISTED_FAILURES, Notifier, NullNotifier
from bot.roles import Actor
from bot.runner import Selection, audit, check_allowed

if TYPE_CHECKING:
    from bot.jobs.schedules import Schedules
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

MAX_AUDITED_FAILURES = 1000
MAX_TARGETS_TEXT = 200  # the job's `targets` as typed; the items say exactly which records


class JobQueue:
    def __init__(self, rt: Runtime, notifier: Notifier | None = None, *, policy: RetryPolicy | None = None,
                 workers: int = 4, poll_seconds: float = 2.0,
                 commands: Callable[[str, str], registry.Command] = registry.find) -> None:
        self.rt = rt
        self.commands = commands
        self.notifier = notifier or NullNotifier()
        self.table = JobTable(rt.store)
        self.policy = policy or RetryPolicy()
        self.owner = new_owner()
        self.workers, self.poll_seconds = workers, poll_seconds
        self.scheduler: BackgroundScheduler | None = None
        self._active: set[int] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._running: dict[int, Execution] = {}
        self.swish = SwishWatch(rt, self.notifier)

    # -- submitting -------------------------------------------------------------------------
    def submit(self, selection: Selection, actor: Actor, *, schedule: str | None = None,
               parent_job_id: int | None = None, targets: str | None = None, hold: bool = False) -> int:
        """Queue a job over `selection`; `hold` keeps it for this queue's `run_job` (the CLI's foreground run)."""
        command = selection.command
        check_allowed(command, actor)
        if not command.is_job:
            raise UsageError(f"`{command.name}` is not a bulk command.")
        values = _job_values(command, actor, targets or _describe(selection.ids), schedule, parent_job_id)
        job_id = self.table.create(values, zip(selection.ids, selection.labels, strict=True),
                                   owner=self.owner if hold else None)
        audit(self.rt, command, actor, selection.ids, "queued", f"job {job_id}: {selection.count} record(s)", job_id)
        if not hold:
            self._dispatch(job_id)
        return job_id

    def retry(self, job_id: int, actor: Actor, *, hold: bool = False) -> int:
        """A new job, linked to `job_id`, over that finished job's failed items."""
        job = self.get(job_id)
        command = self.commands(job.record_type, job.verb)
        check_allowed(command, actor)
        if not job.finished:
            raise UsageError(f"job {job_id} is still {job.status.label}; wait for it or cancel it first.")
        if not job.failed:
            refused = f" ({job.refused} refused by Billecta's rules: a retry would get the same answer)" \
                if job.refused else ""
            raise UsageError(f"job {job_id} has no failed items to retry{refused}.")
        values = _job_values(command, actor, f"failed items of job {job_id}", None, job_id)
        new_id = self.table.copy_failed(values, job_id, owner=self.owner if hold else None)
        failed = [item.record_id for item in self.table.items(new_id, limit=MAX_AUDITED_FAILURES)]
        audit(self.rt, command, actor, failed, "queued", f"job {new_id}: retry of job {job_id}'s failed items",
              new_id)
        if not hold:
            self._dispatch(new_id)
        return new_id

    def cancel(self, job_id: int, actor: Actor) -> Job:
        """Running items finish; the rest are skipped. A job nobody runs (queued, or left by a process that
        died) is settled here and now."""
        job = self.get(job_id)
        command = self.commands(job.record_type, job.verb)
        check_allowed(command, actor)
        if job.finished:
            raise UsageError(f"job {job_id} has already finished ({job.status.label}).")
        self.table.request_cancel(job_id)
        with self._lock:
            execution = self._running.get(job_id)
        if execution is not None:
            execution.cancel()
        audit(self.rt, command, actor, [], "cancel", f"job {job_id}: cancel requested", job_id)
        row = self.table.row(job_id)
        if row and execution is None and self._take(row):
            self.table.skip_pending(job_id)
            return self._settle(job_id)
        return self.get(job_id)

    # -- running ----------------------------------------------------------------------------
    def run_job(self, job_id: int) -> Job:
        """Run (or resume) a job in this thread until it settles, and return it.

        A job that another live process is running, or that has finished, is left alone.
        """
        row = self.table.row(job_id)
        if row is None:
            raise NotFound(f"There is no job {job_id}.")
        if not self._take(row):
            return self.get(job_id)
        return self._execute(job_id)

    def _take(self, row: dict[str, Any]) -> bool:
        if row["status"] == JobStatus.QUEUED.value and row.get("owner") in (None, self.owner):
            return self.table.claim(row["id"], self.owner)
        if is_orphan(row, self.owner, time.time()):
            log.info("job %s: taking it over from its process (%s), which stopped", row["id"], row.get("owner"))
            return self.table.claim(row["id"], self.owner, previous_owner=row.get("owner") or "")
        return False

    def _execute(self, job_id: int) -> Job:
        job = self.get(job_id)
        try:
            command = self.commands(job.record_type, job.verb)
            if not command.available:
                raise UsageError(f"`{command.name}` is not available in this version of billecta-bot.")
        except BotError as exc:
            return self._settle(job_id, JobStatus.FAILED, exc.user_message)
        execution = Execution(self.rt, self.table, job, command, self.owner, self.policy,
                              on_progress=self._guarded(self.notifier.job_progress), stopping=self._stopping.is_set)
        with self._lock:
            self._running[job_id] = execution
        try:
            ending = execution.run()
        except BaseException:
            self.table.release(job_id, self.owner)  # Ctrl-C or a store fault: any queue may resume it
            raise
        finally:
            with self._lock:
                self._running.pop(job_id, None)
        if ending is Ending.STOPPED:
            self.table.release(job_id, self.owner)
            return self.get(job_id)
        if ending is Ending.CANCELLED:
            self.table.skip_pending(job_id)
        return self._settle(job_id)

    def _settle(self, job_id: int, status: JobStatus | None = None, error: str | None = None) -> Job:
        job = self.table.finish(job_id, status, error)
        failures = self.table.problems(job_id, MAX_LISTED_FAILURES)  # failed and refused, told apart by status
        failed_ids = [item.record_id for item in self.table.problems(job_id, MAX_AUDITED_FAILURES)]
        refused = f", {job.refused} refused" if job.refused else ""
        counts = f"{job.succeeded} succeeded, {job.failed} failed{refused}, {job.skipped} skipped of {job.total}"
        # The job row names its command and requester, so this works even for a command no longer registered.
        self.rt.store.audit(actor=job.requested_by, source=job.source, channel=job.channel, command=job.command,
                            record_type=job.record_type, record_ids=failed_ids, outcome=job.status.value,
                            detail=f"job {job_id}: {counts}", job_id=job_id)
        self._guarded(self.notifier.job_finished)(job, failures)
        return job

    def drain(self) -> builtins.list[Job]:
        """Run queued and orphaned jobs here, one after another, until none is left (`worker --once`)."""
        tried: set[int] = set()
        settled: builtins.list[Job] = []
        while True:
            ids = [row["id"] for row in self.table.orphans(self.owner)] + self.table.queued()
            ids = [job_id for job_id in dict.fromkeys(ids) if job_id not in tried]
            if not ids:
                return settled
            for job_id in ids:
                tried.add(job_id)
                job = self.run_job(job_id)
                if job.finished:
                    settled.append(job)

    # -- reading ----------------------------------------------------------------------------
    def get(self, job_id: int) -> Job:
        row = self.table.row(job_id)
        if row is None:
            raise NotFound(f"There is no job {job_id}.")
        return Job.from_row(row)

    def list(self, limit: int = 20) -> list[Job]:
        return self.table.jobs(limit)

    def items(self, job_id: int, status: str | None = None, limit: int = -1,
              offset: int = 0) -> builtins.list[JobItem]:
        self.get(job_id)
        return self.table.items(job_id, status, limit, offset)

    def wait(self, job_id: int, timeout: float | None = None, poll: float = 0.1) -> Job:
        """The job once it has settled, or as it is when `timeout` seconds have passed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if job.finished or (deadline is not None and time.monotonic() >= deadline):
                return job
            time.sleep(poll)

    # -- in the background ------------------------------------------------------------------
    def start(self, schedules: Schedules | None = None) -> None:
        """Run jobs in APScheduler's thread pool: resume orphans now, pick up queued jobs as they come,
        and fire `schedules`."""
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(self.workers + 2)},
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=STOCKHOLM,
        )
        self.scheduler = scheduler
        self._stopping.clear()
        scheduler.add_job(self.poll, "interval", seconds=self.poll_seconds, id="job-queue-poll")
        # Swish requests waiting for their payer: a status read per request per turn, no thread held.
        scheduler.add_job(self.swish.poll_due, "interval", seconds=self.rt.settings.swish_poll_seconds,
                          id="swish-poll")
        if schedules is not None:
            schedules.install(scheduler, self)
        scheduler.start()
        self.poll()

    def shutdown(self, wait: bool = True) -> None:
        """Stop: running jobs finish the items they started and go back to the queue for a resume."""
        self._stopping.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        self.scheduler = None

    def poll(self) -> None:
        """Dispatch queued jobs nobody holds and orphans of dead processes."""
        for row in self.table.orphans(self.owner):
            self._dispatch(row["id"])
        for job_id in self.table.queued():
            self._dispatch(job_id)

    def _dispatch(self, job_id: int) -> None:
        scheduler = self.scheduler
        if scheduler is None or not scheduler.running:
            return
        with self._lock:
            if job_id in self._active:
                return
            self._active.add(job_id)
        scheduler.add_job(self._run_in_background, args=[job_id], id=f"job-{job_id}", replace_existing=True)

    def _run_in_background(self, job_id: int) -> None:
        try:
            self.run_job(job_id)
        except Exception:
            log.exception("job %s stopped unexpectedly; it will be resumed", job_id)
        finally:
            with self._lock:
                self._active.discard(job_id)

    @staticmethod
    def _guarded(call: Callable[..., None]) -> Callable[..., None]:
        """A notifier that fails (Slack down) must never fail the job it reports on."""
        def guarded(*args: Any) -> None:
            try:
                call(*args)
            except Exception:
                log.exception("notifier failed in %s", getattr(call, "__name__", call))
        return guarded


def _job_values(command: registry.Command, actor: Actor, targets: str, schedule: str | None,
                parent_job_id: int | None) -> dict[str, Any]:
    if len(targets) > MAX_TARGETS_TEXT:
        targets = targets[:MAX_TARGETS_TEXT].rsplit(" ", 1)[0] + " …"
    return {"command": command.name, "record_type": command.record_type, "verb": command.verb,
            "targets": targets, "requested_by": actor.id, "source": actor.source, "channel": actor.channel,
            "thread_ts": actor.thread_ts,
            "schedule": schedule, "parent_job_id": parent_job_id}


def _describe(ids: list[str], limit: int = 10) -> str:
    shown = " ".join(ids[:limit])
    return shown + (f" … ({len(ids)} records)" if len(ids) > limit else "")
