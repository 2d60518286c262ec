"""What every listener needs, built once by `create_app` and handed to listeners via the Bolt context.

`Work` is the small thread pool for the seconds-long part of an interaction (resolving a record,
a dialog's `prepare`, one Billecta call) so that nothing slow runs before `ack()` or `views.open`.
Long work (bulk commands) goes to the durable job queue instead.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from blocks.status import error_message, error_view, refused_message, refused_view
from bot.config import Settings
from bot.errors import InvalidInput, NotAllowed, NotFound, NotInBillecta, TriggerExpired, UsageError, is_refusal
from bot.jobs import JobQueue
from bot.jobs.schedules import Schedules
from bot.notify import Notifier
from bot.runtime import Runtime
from bot.slack.drafts import Drafts
from bot.slack.errors import describe, headline
from bot.slack.homewatch import HomeWatch
from bot.slack.roles import SlackRoles
from bot.slack.ui import Ui, Where

log = logging.getLogger(__name__)
# A trigger id works for ~3 s after Slack sent the interaction; keep a margin for the views.open call itself.
OPEN_WITHIN_SECONDS = 2.5
# views.open calls in flight at once. Each waits 100-300 ms on Slack and holds no CPU meanwhile, so a
# burst of slash commands must not queue behind a few threads: with 2, the 20th of 20 concurrent
# commands waited 10 x 150 ms = 1.5 s for its modal. bench/ack_latency.py (200 commands, Slack at
# 150 ms, a quiet machine): 32 threads, open p99 670 ms and ack p99 60 ms; 64 threads, open p99
# 170 ms but ack p99 100 ms (the opens' Python work competes with the acks for the GIL). 32 keeps
# both targets (open within 1 s, ack p99 under 100 ms) with a margin.
OPENER_THREADS = 32
# Fresh reads behind forms drawn from the mirror: about as many as Billecta calls may be in flight
# (BILLECTA_CONCURRENCY's default), more would only queue inside the client.
REFRESH_THREADS = 4


class TrackedPool(ThreadPoolExecutor):
    """A thread pool that knows what it still has to do, so tests and shutdown can wait for it."""

    def __init__(self, workers: int, name: str) -> None:
        super().__init__(max_workers=workers, thread_name_prefix=name)
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until everything submitted so far (and anything it submitted) is done; True if idle."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                pending = set(self._pending)
            if not pending:
                return True
            wait(pending, timeout=max(0.0, deadline - time.monotonic()))
        return False


class Work:
    """Runs what an interaction does after its ack; any failure is shown to the user.

    `open` is for views.open (and only that kind of quick Slack call): its own threads, enough for
    a burst of commands to open their modals at once, so a trigger id is never stuck behind slow work
    or behind other opens, and listeners return as soon as they ack (Bolt
    sends the ack while they run, so a listener doing Slack calls competes with the acks of the
    requests after it). `run` is for the seconds-long part: Billecta calls, `prepare`, services.
    """

    def __init__(self, on_error: Callable[[Where, BaseException], None], workers: int = 8) -> None:
        self.pool = TrackedPool(workers, "slack-work")
        self.opener = TrackedPool(OPENER_THREADS, "slack-open")
        # Reads that only refresh what a user already sees (a form drawn from the mirror): their own
        # lane, so a burst of them never queues a submission or a first load behind it.
        self.refresher = TrackedPool(REFRESH_THREADS, "slack-refresh")
        self._on_error = on_error
        self.open_within = OPEN_WITHIN_SECONDS

    def run(self, where: Where, fn: Callable[[], object]) -> Future[Any]:
        return self.pool.submit(self._guard, where, fn)

    def refresh(self, where: Where, fn: Callable[[], object]) -> Future[Any]:
        """`fn` brings fresh data to what the user already sees: slow, and second to everything else."""
        return self.refresher.submit(self._guard, where, fn)

    def open(self, where: Where, fn: Callable[[], object]) -> Future[Any]:
        """`fn` opens a modal with this interaction's trigger id: skipped (and the user told) once the
        trigger has expired, rather than failing at Slack after a wait."""
        deadline = time.monotonic() + self.open_within
        return self.opener.submit(self._guard, where, functools.partial(self._before, deadline, fn))

    @staticmethod
    def _before(deadline: float, fn: Callable[[], object]) -> object:
        if time.monotonic() > deadline:
            raise TriggerExpired()
        return fn()

    def _guard(self, where: Where, fn: Callable[[], object]) -> None:
        try:
            fn()
        except Exception as exc:  # every failure is shown to the user and logged, never swallowed
            self._on_error(where, exc)

    def drain(self, timeout: float = 30.0) -> bool:
        return (self.opener.drain(timeout) and self.pool.drain(timeout) and self.refresher.drain(timeout)
                and self.opener.drain(0.01) and self.pool.drain(0.01))

    def shutdown(self) -> None:
        """Stop: work not started yet is dropped (its modal keeps its Loading… view)."""
        self.opener.shutdown(wait=True, cancel_futures=True)
        self.refresher.shutdown(wait=True, cancel_futures=True)
        self.pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class Deps:
    settings: Settings
    rt: Runtime
    ui: Ui
    roles: SlackRoles
    notifier: Notifier
    jobs: JobQueue | None  # None: bulk commands answer that the job queue is not running
    work: Work
    listeners: TrackedPool  # Bolt's listener executor: listeners keep running after their ack
    schedules: Schedules | None = None  # for the App Home
    home: HomeWatch | None = None  # re-publishes recently opened App Home tabs as jobs move
    drafts: Drafts = field(default_factory=Drafts)  # dialog modals filled from the mirror (handlers/flows/dialog.py)

    def shutdown(self) -> None:
        """Stop refreshing Homes, then stop the work pools (see `Work.shutdown`), then the notifier's
        delivery (what it has not sent stays in the store's outbox for the next process)."""
        if self.home is not None:
            self.home.close()
        self.work.shutdown()
        self.notifier.close()

    def idle(self, timeout: float = 30.0) -> bool:
        """Wait for running listeners and the work they handed on (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.listeners.drain(deadline - time.monotonic()) and self.work.drain(deadline - time.monotonic()) \
                    and self.listeners.drain(0.01):
                return True
        return False

    def fail(self, where: Where, exc: BaseException) -> None:
        """Show an error where the user is looking (the one exit for errors after the ack)."""
        text = describe(exc)
        try:
            if _rules_said_no(exc):  # an answer (✋), like an action's refusal, not a failure (❌)
                self.ui.show(where, refused_message(text), status_view=refused_view(headline(exc), text))
                return
            self.ui.show(where, error_message(text), status_view=error_view(headline(exc), text))
        except Exception:  # the error display itself failed: the log is all that is left
            log.exception("could not show an error to %s: %s", where.user, text)


def _rules_said_no(exc: BaseException) -> bool:
    """A refusal by Billecta's rules or the record's state (a completed invoice takes no payment);
    the user's own input, role or ids keep their own errors."""
    return is_refusal(exc) and not isinstance(exc, (InvalidInput, NotAllowed, NotFound, NotInBillecta, UsageError))
