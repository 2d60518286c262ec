"""Running one job: its items through a bounded thread pool, each attempt recorded before it is made.

An item is marked running (attempts + 1, committed) before its service calls Billecta and settled
right after, so after a crash an item still 'running' is re-run with `resumed=True` (the service
looks the record up before creating it) and a settled item is never redone. So is a record whose
item in an earlier job was attempted without succeeding (a retry, or an interrupted item skipped by a
cancel), since that attempt too may have created it. An item whose write Billecta accepted before
recording it here failed is done ("done in Billecta, not recorded here"), not failed. Transient Billecta
failures are retried with backoff; any other failure fails the item with its user-facing reason and
its kind. A refusal by Billecta's rules (BotError.is_refusal) is an answer: the item is refused, with the
command that applies where there is one, and neither alerts nor is retried.
Items stream from the store in chunks, so memory does not grow with the job.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from bot import once
from bot.billecta import writes
from bot.billecta.retry import Backoff
from bot.commands import Command
from bot.errors import BillectaError, BillectaRateLimited, BotError, OutcomeUnknown, Unresolved
from bot.jobs.model import ErrorKind, ItemStatus, Job, JobItem
from bot.jobs.table import JobTable
from bot.services import ItemResult, known

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 0.25  # progress snapshots handed to the notifier (which may throttle further)
CANCEL_POLL_SECONDS = 0.2
HEARTBEAT_SECONDS = 5.0
EXTRA_WORKERS = 2


class _Feed:
    """One stream of items shared by the workers."""

    def __init__(self, items: Iterator[JobItem]) -> None:
        self._items = items
        self._lock = threading.Lock()

    def next(self) -> JobItem | None:
        with self._lock:
            return next(self._items, None)


class Ending(Enum):
    DONE = "done"  # every item has run
    CANCELLED = "cancelled"  # someone cancelled it: the rest are to be skipped
    STOPPED = "stopped"  # this process is shutting down: the rest wait for a resume


@dataclass(frozen=True)
class RetryPolicy:
    """How often the job retries an item after a transient Billecta failure (the client retried already)."""

    attempts: int = 3
    backoff: Backoff = field(default_factory=lambda: Backoff(base=1.0, cap=15.0))
    sleep: Callable[[float], None] = time.sleep


class Execution:
    def __init__(self, rt: Runtime, table: JobTable, job: Job, command: Command, owner: str,
                 policy: RetryPolicy, on_progress: Callable[[Job], None],
                 stopping: Callable[[], bool] = lambda: False) -> None:
        self.rt, self.table, self.job, self.on_progress = rt, table, job, on_progress
        self.spec, self.command = command.job, command
        self.index: known.ExternalIndex | None = None
        self.owner, self.policy = owner, policy
        # Billecta calls stay within BILLECTA_CONCURRENCY through the client's shared semaphore; a couple of
        # extra workers do their store bookkeeping while the others hold every Billecta slot busy.
        self.workers = rt.settings.billecta_concurrency + EXTRA_WORKERS
        self.stopping = stopping
        self.cancelled = job.cancel_requested  # cancelled while nobody ran it (its process had died)
        self.halted = False
        self._last = {"progress": 0.0, "cancel": 0.0, "heartbeat": time.monotonic()}

    def run(self) -> Ending:
        """Run pending items until none is left, the job is cancelled, or this process is stopping.

        The workers each take the next item from one stream of the store's pending items;
        this thread meanwhile notices a cancel, keeps the lease alive and reports progress.
        """
        self.index = self._index()
        feed = _Feed(self.table.pending(self.job.id))
        with ThreadPoolExecutor(self.workers, thread_name_prefix=f"job-{self.job.id}") as pool:
            workers = [pool.submit(self._work, feed) for _ in range(self.workers)]
            try:
                running = set(workers)
                while running:
                    running = wait(running, timeout=CANCEL_POLL_SECONDS).not_done
                    self._tick()
                for worker in workers:
                    worker.result()  # a store fault in a worker surfaces here
            except BaseException:
                # Ctrl-C or a store fault: started items finish, the rest stay queued for a resume.
                self.halted = True
                raise
        if self.cancelled:
            return Ending.CANCELLED
        return Ending.STOPPED if self.stopping() else Ending.DONE

    def _index(self) -> known.ExternalIndex | None:
        """One listing of what Billecta holds by external id, for a job with many records new to it."""
        if self.spec.index is None:
            return None
        if self.table.unlinked_untried(self.job.id, self.job.record_type) <= known.INDEX_THRESHOLD:
            return None  # a small job: the per-record look-up costs less than listing the whole account
        try:
            index: known.ExternalIndex = self.spec.index(self.rt)
            return index
        except BotError as exc:
            log.info("job %s: listing by external id failed (%s); looking each record up", self.job.id,
                     exc.user_message)
            return None

    def cancel(self) -> None:
        """Stop taking items now (the store's cancel flag is the durable record of it)."""
        self.cancelled = True

    def _work(self, feed: _Feed) -> None:
        try:
            while not (self.cancelled or self.halted or self.stopping()):
                item = feed.next()
                if item is None:
                    return
                self._item(item)
        except BaseException:
            self.halted = True
            raise

    def _tick(self) -> None:
        """Housekeeping between items: notice a cancel, keep the lease alive, report progress."""
        now, last = time.monotonic(), self._last
        if not self.cancelled and now - last["cancel"] >= CANCEL_POLL_SECONDS:
            last["cancel"] = now
            self.cancelled = self.table.cancel_requested(self.job.id)
        if now - last["heartbeat"] >= HEARTBEAT_SECONDS:
            last["heartbeat"] = now
            self.table.heartbeat(self.job.id, self.owner)
        if now - last["progress"] >= PROGRESS_SECONDS:
            last["progress"] = now
            row = self.table.row(self.job.id)
            if row is not None:
                self.on_progress(Job.from_row(row))

    # -- one item, in a pool thread ---------------------------------------------------------
    def _item(self, item: JobItem) -> None:
        # An attempt on this record, here or in an earlier job, may have reached Billecta: look before creating.
        resumed = item.attempts > 0 or self.table.tried_before(item)
        attempt = 0
        while True:
            attempt += 1
            self.table.mark_running(item.id)
            made = writes.Writes()
            try:
                with writes.tracking() as made, known.using(self.index):
                    result: ItemResult = self.spec.service(self.rt, item.record_id, resumed=resumed)
            except BotError as exc:
                delay = self._retry_delay(exc, attempt)
                if delay is None:
                    self._failed(item, exc)
                    return
                log.info("job %s: %s failed (%s); retrying in %.1f s", self.job.id, item.label,
                         exc.user_message, delay)
                self.policy.sleep(delay)
                resumed = True  # the failed attempt may have reached Billecta
                continue
            except Exception as exc:
                token = uuid.uuid4().hex[:8]
                log.exception("job %s: unexpected error on %s (ref %s)", self.job.id, item.label, token)
                if made:  # Billecta said yes, then recording it here failed: done, and `pull` repairs the store
                    self._finish(item, ItemStatus.SUCCEEDED, message=once.not_recorded_text(f"ref {token}"))
                    return
                self._finish(item, ItemStatus.FAILED, error=f"Unexpected error (ref {token}); see the bot's log.",
                             error_kind=ErrorKind.UNEXPECTED.value, error_class=type(exc).__name__)
                return
            self._finish(item, ItemStatus.SUCCEEDED, billecta_id=result.billecta_id, message=result.message,
                         amount_minor=result.amount_minor, currency=result.currency)
            return

    def _failed(self, item: JobItem, exc: BotError) -> None:
        kind = error_kind(exc)
        status = ItemStatus.FAILED if kind.retryable else ItemStatus.REFUSED
        self._finish(item, status, error=exc.user_message, message=applies_instead(exc, item),
                     error_kind=kind.value, error_class=type(exc).__name__)

    def _retry_delay(self, exc: BotError, attempt: int) -> float | None:
        if not (isinstance(exc, BillectaError) and exc.transient) or attempt >= self.policy.attempts:
            return None
        if isinstance(exc, BillectaRateLimited) and exc.retry_after is not None:
            return min(exc.retry_after, self.policy.backoff.cap)
        return self.policy.backoff.delay(attempt)

    def _finish(self, item: JobItem, status: ItemStatus, **values: Any) -> None:
        self.table.finish_item(self.job.id, item.id, status, **values)


def error_kind(exc: BotError) -> ErrorKind:
    if exc.is_refusal:
        return ErrorKind.REFUSAL
    if isinstance(exc, Unresolved | OutcomeUnknown):
        return ErrorKind.UNKNOWN
    if isinstance(exc, BillectaError) and exc.transient:
        return ErrorKind.TRANSIENT
    return ErrorKind.ERROR


def applies_instead(exc: BotError, item: JobItem) -> str | None:
    """'invoice resume 1003': the command that applies to a refused record, when the refusal names one."""
    instead, key = getattr(exc, "instead", None), getattr(exc, "key", None)
    if not exc.is_refusal or not isinstance(instead, str) or not instead:
        return None
    return f"{item.record_type} {instead} {key or item.record_id}"
