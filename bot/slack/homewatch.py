"""Keeping open App Home tabs current: re-publish the Home of users who opened it recently as jobs move.

Slack sends `app_home_opened` only when the tab is opened, so a dashboard published then goes stale
while a job runs. `HomeWatch` is a `Notifier`: job progress, job ends and one-record commands' outcomes
(its Failures section) mark the Home stale, and at
most once every `interval` seconds the Homes of users who opened theirs in the last `window`
seconds are published again (the latest ones first, at most `MAX_VIEWERS`). A change during the
quiet period is not lost: a timer publishes once the period ends, so the final state always lands.
`views.publish` is Tier 4 (100+/min), so a few viewers every 10 s stay far below it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.notify import Forwarding, Notifier

if TYPE_CHECKING:
    from bot.commands import Command
    from bot.jobs.model import Job, JobItem
    from bot.roles import Actor
    from bot.services import Outcome
    from bot.slack.outbox import Outbox

log = logging.getLogger(__name__)
WINDOW_SECONDS = 600.0
INTERVAL_SECONDS = 10.0
MAX_VIEWERS = 20


class HomeWatch(Notifier):
    def __init__(self, *, window: float = WINDOW_SECONDS, interval: float = INTERVAL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window, self.interval, self.clock = window, interval, clock
        self._viewers: dict[str, float] = {}  # user → when they last opened the Home tab
        self._publish: Callable[[list[str]], None] | None = None
        self._last: float | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def bind(self, publish: Callable[[list[str]], None]) -> None:
        """`publish(user ids)` builds and publishes each one's Home (off this thread)."""
        self._publish = publish

    def opened(self, user: str) -> None:
        with self._lock:
            self._viewers[user] = self.clock()

    def viewers(self) -> list[str]:
        """Users who opened their Home within the window, the most recent first."""
        with self._lock:
            return self._recent(self.clock())

    def _recent(self, now: float) -> list[str]:
        for user in [u for u, at in self._viewers.items() if now - at > self.window]:
            del self._viewers[user]
        return sorted(self._viewers, key=self._viewers.__getitem__, reverse=True)[:MAX_VIEWERS]

    # -- Notifier --------------------------------------------------------------------------
    def job_progress(self, job: Job) -> None:
        self.changed()

    def job_finished(self, job: Job, failures: list[JobItem]) -> None:
        self.changed()

    def changed(self) -> None:
        """Something the Home shows changed: publish now, or when the quiet period ends."""
        with self._lock:
            now = self.clock()
            if self._publish is None or not self._recent(now):
                return
            wait = 0.0 if self._last is None else self._last + self.interval - now
            if wait > 0:
                if self._timer is None:
                    self._timer = threading.Timer(wait, self._fire)
                    self._timer.daemon = True
                    self._timer.start()
                return
            self._last = now
        self._send()

    def _fire(self) -> None:
        with self._lock:
            self._timer = None
            self._last = self.clock()
        self._send()

    def _send(self) -> None:
        publish, users = self._publish, self.viewers()
        if publish is None or not users:
            return
        try:
            publish(users)
        except Exception:  # a stale dashboard is not worth failing a job's notifications for
            log.exception("could not refresh the App Home of %d user(s)", len(users))

    def close(self) -> None:
        with self._lock:
            self._publish = None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None


class WithHome(Forwarding):
    """The Slack notifier plus the Home watch: what the job queue reports to when run with Slack."""

    def __init__(self, inner: Notifier, home: HomeWatch, outbox: Outbox | None = None) -> None:
        self.inner, self.home, self.outbox = inner, home, outbox

    def job_progress(self, job: Job) -> None:
        self.inner.job_progress(job)
        self.home.job_progress(job)

    def job_finished(self, job: Job, failures: list[JobItem]) -> None:
        self.inner.job_finished(job, failures)
        self.home.job_finished(job, failures)

    def action_done(self, outcome: Outcome, actor: Actor) -> None:
        self.inner.action_done(outcome, actor)
        self.home.changed()  # the Home lists failed commands until they succeed

    def action_failed(self, command: Command, actor: Actor, message: str) -> None:
        self.inner.action_failed(command, actor, message)
        self.home.changed()

    def close(self) -> None:
        self.home.close()
        self.inner.close()
