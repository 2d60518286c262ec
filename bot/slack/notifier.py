"""The Slack side of `bot.notify.Notifier`: job messages edited in place, outcomes and alerts.

A Slack-started job gets one message in the requester's channel (or their DMs), recorded in the
store's `slack_message` table under `job:<id>` so every progress report `chat.update`s it; wrap
this notifier in `ThrottledNotifier` so that happens at most every ~2 s per job, and progress edits of
all jobs together are kept to one every 1.5 s (chat.update is Tier 3, ~50 per minute). Successes go to
NOTIFY_CHANNEL, failures to ALERT_CHANNEL with retry and event-log buttons. A notifier failure is
logged and never fails the job or command it reports on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from blocks import notices
from blocks.metadata import FlowState
from bot.commands import Command
from bot.config import Settings
from bot.jobs.model import Job, JobItem
from bot.notify import Change, Notifier, describe_change
from bot.roles import Actor
from bot.services import Outcome
from bot.slack.refs import find_ids, reference
from bot.slack.ui import Msg, Ui
from bot.store import Store, utcnow

log = logging.getLogger(__name__)
DONE_LABELS = 5
EDIT_GAP_SECONDS = 1.5
MAX_REFS = 5000  # ids read to name a job's records; the reference is cut to ~1,500 characters anyway


class SlackNotifier(Notifier):
    def __init__(self, ui: Ui, store: Store, settings: Settings, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ui, self.store, self.settings, self.clock = ui, store, settings, clock
        self._lock = threading.Lock()
        self._refs: dict[int, str] = {}  # running job → its records named for message shortcuts
        self._last_edit: float | None = None  # the last progress edit, of any job

    # -- jobs -----------------------------------------------------------------------------
    def job_progress(self, job: Job) -> None:
        if job.source == "slack":
            self._job_message(job, notices.job_message(job, records=self._records(job)), progress=True)

    def job_finished(self, job: Job, failures: list[JobItem]) -> None:
        done = self._done_labels(job)
        if job.source == "slack":
            self._job_message(job, notices.job_message(job, failures, done, self._records(job)))
        with self._lock:
            self._refs.pop(job.id, None)
        if job.succeeded:  # what changed goes to the notify channel, even when some records failed
            self._post(self.settings.notify_channel, notices.job_done(job, done, self._records(job, "succeeded")))
        if job.failed or not job.ok:
            self._post(self.settings.alert_channel, notices.job_alert(job, failures))

    def _records(self, job: Job, status: str | None = None) -> str:
        """'debtors 1-3, 5': the job's records (or those with `status`), read once per job while it runs."""
        if status is None:
            with self._lock:
                if job.id in self._refs:
                    return self._refs[job.id]
        sql = "SELECT record_id FROM job_item WHERE job_id = ?" + (" AND status = ?" if status else "")
        params: list[Any] = [job.id, *([status] if status else [])]
        with self.store.lock:
            ids = [str(row[0]) for row in self.store.db.conn.execute(f"{sql} ORDER BY seq LIMIT {MAX_REFS}", params)]
        text = reference(job.record_type, ids)
        if status is None and not job.finished:
            with self._lock:
                self._refs[job.id] = text
        return text

    def _done_labels(self, job: Job) -> list[str]:
        rows = self.store.rows("job_item", "job_id = ? AND status = 'succeeded'", [job.id], order_by="seq",
                               limit=DONE_LABELS)
        return [row["label"] for row in rows]

    def _job_message(self, job: Job, msg: Msg, *, progress: bool = False) -> None:
        """Post the job's message, or edit it; progress edits of all jobs together stay under chat.update's
        Tier 3 (~50/min per workspace): one every EDIT_GAP_SECONDS at most. Final states always go through."""
        ref = f"job:{job.id}"
        with self._lock:
            found = self.message(ref)
            now = self.clock()
            if found and progress and self._last_edit is not None and now - self._last_edit < EDIT_GAP_SECONDS:
                return
            try:
                if found:
                    if progress:
                        self._last_edit = now
                    self.ui.edit(found["channel"], found["ts"], msg)
                else:
                    channel, ts = self.ui.post_or_dm(job.channel, job.requested_by, msg)
                    self.remember(ref, channel, ts)
            except SlackApiError as exc:
                log.warning("job %s: Slack refused the progress message: %s", job.id, exc.response.get("error"))

    # -- one-record commands ----------------------------------------------------------------
    def action_done(self, outcome: Outcome, actor: Actor) -> None:
        key = outcome.record_ids[0] if outcome.record_ids else None
        self._post(self.settings.notify_channel, notices.action_done(outcome.message, actor.id,
                                                                     outcome.record_type, key))

    def action_failed(self, command: Command, actor: Actor, message: str) -> None:
        keys = find_ids(message, command.record_type)
        key = keys[0] if len(keys) == 1 else None
        retry = None
        if key and command.kind.value in ("action", "dialog"):  # an action runs again; a dialog reopens its form
            retry = FlowState(command=command.slug, record_type=command.record_type, key=key,
                              label=f"{command.record_type} {key}", channel=actor.channel).pack(2000)
        self._post(self.settings.alert_channel, notices.action_failed(command, message, actor.id, key, retry))

    # -- Billecta's own changes -------------------------------------------------------------
    def mirror_changes(self, changes: list[Change]) -> None:
        if changes:
            self._post(self.settings.notify_channel, notices.changes([describe_change(c) for c in changes]))

    # -- plumbing ---------------------------------------------------------------------------
    def _post(self, channel: str | None, msg: Msg) -> None:
        if not channel:
            return
        try:
            self.ui.post(channel, msg)
        except SlackApiError as exc:
            log.warning("could not post to %s: %s", channel, exc.response.get("error"))

    def message(self, ref: str) -> dict[str, Any] | None:
        return self.store.find_by("slack_message", "ref", ref)

    def remember(self, ref: str, channel: str, ts: str) -> None:
        now = utcnow()
        with self.store.lock:
            self.store.db["slack_message"].insert(  # type: ignore[union-attr]
                {"ref": ref, "channel": channel, "ts": ts, "created_at": now, "updated_at": now})
