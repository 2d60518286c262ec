"""The Slack side of `bot.notify.Notifier`: job messages edited in place, outcomes and alerts.

Every post and edit goes through the durable outbox (`bot.slack.outbox`): a job's thread writes a row
and returns, Slack being slow, rate limited or down delays a notification instead of losing it.

A Slack-started job gets one message in the requester's channel (in the thread of the message a
shortcut was used on, or in their DMs), kept under `job:<id>` so every progress report edits it, up
to its final state. Wrap this notifier in `ThrottledNotifier` so that happens at most every ~2 s per
job; progress edits of all jobs together are kept to one every 1.5 s (chat.update is Tier 3, ~50 per
minute). Successes also go to NOTIFY_CHANNEL and failures to ALERT_CHANNEL (with retry and event-log
buttons), except where the job's own message already is: one message per job in a channel. Records
Billecta's rules refused are answers: the job's message lists them, and a job whose only problems are
refusals posts no alert. A retry's
progress and end are written onto the failed job's message and alert, whose buttons then go.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from blocks import notices
from blocks.metadata import FlowState, UndoState
from blocks.swish import swish_message
from blocks.undo import has_undo, undone_followup, undone_message, with_undo, without_undo
from bot.commands import Command
from bot.config import Settings
from bot.files import OutcomeFile
from bot.jobs.model import Job, JobItem
from bot.jobs.swish import SwishRequest, read_request
from bot.notify import Change, Notifier, describe_change
from bot.roles import Actor
from bot.services import Outcome
from bot.services.labels import SEP
from bot.slack.outbox import Outbox
from bot.slack.refs import find_ids, reference
from bot.slack.ui import Msg
from bot.store import Store

log = logging.getLogger(__name__)
DONE_LABELS = 5
EDIT_GAP_SECONDS = 1.5
MAX_REFS = 5000  # ids read to name a job's records; the reference is cut to ~1,500 characters anyway
LISTED_FAILURES = 50
UNDO_SWEEP_SECONDS = 30.0  # how often expired Undo buttons are taken off the channel's posts


def job_ref(job_id: int) -> str:
    return f"job:{job_id}"


def job_alert_ref(job_id: int) -> str:
    return f"alert:job:{job_id}"


def swish_ref(request_id: int, where: str = "requester") -> str:
    return f"swish:{where}:{request_id}"


class SlackNotifier(Notifier):
    def __init__(self, outbox: Outbox, store: Store, settings: Settings, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.outbox, self.store, self.settings, self.clock = outbox, store, settings, clock
        self._lock = threading.Lock()
        self._refs: dict[int, str] = {}  # running job → its records named for message shortcuts
        self._last_edit: float | None = None  # the last progress edit, of any job
        self._retries_noted: set[int] = set()  # running retries already written onto their parent
        self._followers: dict[int, Callable[[Job], None]] = {}
        self._sweeper: threading.Thread | None = None
        self._closing = threading.Event()

    # -- jobs -----------------------------------------------------------------------------
    def job_progress(self, job: Job) -> None:
        if job.source == "slack":
            self._job_message(job, notices.job_message(job, records=self._records(job)), progress=True)
        if job.parent_job_id and job.id not in self._retries_noted:
            self._retries_noted.add(job.id)
            self._retried(job)

    def job_finished(self, job: Job, failures: list[JobItem]) -> None:
        done = self._done_labels(job)
        if job.source == "slack":
            self._job_message(job, notices.job_message(job, failures, done, self._records(job)))
        with self._lock:
            self._refs.pop(job.id, None)
        here = job.channel if job.source == "slack" and not job.thread_ts else None
        if job.succeeded and here != self.settings.notify_channel:
            self._post(self.settings.notify_channel,
                       notices.job_done(job, done, self._records(job, "succeeded")))
        if job.incident and here != self.settings.alert_channel:
            self._post(self.settings.alert_channel, notices.job_alert(job, failures), ref=job_alert_ref(job.id))
        if job.parent_job_id:
            self._retries_noted.discard(job.id)
            self._retried(job)
        self._tell_follower(job.id, job)

    def follow(self, job_id: int, show: Callable[[Job], None]) -> None:
        """`show(job)` once the job has finished (now, if it already has): a modal that said 'started'
        ends on the result."""
        with self._lock:
            self._followers[job_id] = show
        row = self.store.get("job", job_id)
        if row is not None and Job.from_row(row).finished:
            self._tell_follower(job_id, Job.from_row(row))

    def _tell_follower(self, job_id: int, job: Job) -> None:
        with self._lock:
            show = self._followers.pop(job_id, None)
        if show is None:
            return
        try:
            show(job)
        except Exception:  # the modal was closed, or Slack is down: the job's message has the result
            log.warning("could not show job %s's result where it was started", job_id, exc_info=True)

    def _retried(self, retry: Job) -> None:
        """Write the retry's state onto the failed job's own message and its alert, without their buttons."""
        row = self.store.get("job", retry.parent_job_id or 0)
        if row is None:
            return
        parent = Job.from_row(row)
        note = notices.retried_note(retry)
        failures = [JobItem.from_row(r) for r in self.store.rows(
            "job_item", "job_id = ? AND status IN ('failed', 'refused')", [parent.id], order_by="seq",
            limit=LISTED_FAILURES)]
        if self.outbox.knows(job_alert_ref(parent.id)):
            self.outbox.edit(job_alert_ref(parent.id), notices.job_alert(parent, failures, note))
        if self.outbox.knows(job_ref(parent.id)):
            self.outbox.edit(job_ref(parent.id), notices.job_message(
                parent, failures, self._done_labels(parent), self._records(parent), note))

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
        return [done_label(row) for row in rows]

    def _job_message(self, job: Job, msg: Msg, *, progress: bool = False) -> None:
        """Post the job's message, or edit it; progress edits of all jobs together stay under chat.update's
        Tier 3 (~50/min per workspace): one every EDIT_GAP_SECONDS at most. Final states always go through."""
        ref = job_ref(job.id)
        with self._lock:
            known = self.outbox.knows(ref)
            now = self.clock()
            if known and progress and self._last_edit is not None and now - self._last_edit < EDIT_GAP_SECONDS:
                return
            if known:
                if progress:
                    self._last_edit = now
                self.outbox.edit(ref, msg)
            else:
                self.outbox.post(job.channel, msg, ref=ref, dm_user=job.requested_by, thread_ts=job.thread_ts)

    # -- one-record commands ----------------------------------------------------------------
    def action_done(self, outcome: Outcome, actor: Actor) -> None:
        request_id = outcome.details.get("swish_request_id")
        if request_id is not None:  # a Swish request gets its one message, edited as it moves on
            self.swish_changed(read_request(self.store, int(request_id)))
            return
        key = outcome.record_ids[0] if outcome.record_ids else None
        msg = notices.action_done(outcome.message, actor.id, outcome.record_type, key)
        if actor.thread_ts and actor.channel:  # started from a message shortcut: the answer goes in its thread
            self.outbox.post(actor.channel, msg, thread_ts=actor.thread_ts, dm_user=actor.id)
            if actor.channel == self.settings.notify_channel:
                return
        undo = outcome.details.get("undo")  # a reversible change: the channel's post offers its Undo too
        if undo:
            self._post(self.settings.notify_channel, with_undo(msg, undo), ref=UndoState.unpack(undo).ref)
            self._sweep_undos()
        else:
            self._post(self.settings.notify_channel, msg)

    def undone(self, ref: str, actor: Actor, outcome: str) -> None:
        """Edit the undone result in place (no Undo, who undid it) and say it in its thread."""
        content = self.outbox.content(ref)
        if content is None:
            return
        self.outbox.edit(ref, undone_message(content, actor.id, outcome))
        where = self.outbox.posted(ref)
        if where is not None:
            self.outbox.post(where["channel"], undone_followup(actor.id, outcome), thread_ts=where["ts"])

    def undo_expired(self, ref: str) -> None:
        content = self.outbox.content(ref)
        if content is not None and has_undo(content):
            self.outbox.edit(ref, without_undo(content))

    def expire_undos(self, now: datetime | None = None) -> int:
        """Take the Undo off every channel post whose Undo has expired; how many. Posts of the last day
        only: older ones were swept before (or by a process that is gone, and are left as they are)."""
        moment = now or datetime.now(UTC)
        expired = moment - timedelta(minutes=self.settings.undo_minutes)
        since = (moment - timedelta(days=1)).isoformat(timespec="seconds")
        rows = self.store.rows("slack_message", "ref LIKE 'result:%' AND created_at <= ? AND created_at > ?",
                               [expired.isoformat(timespec="seconds"), since])
        swept = 0
        for row in rows:
            content = self.outbox.content(row["ref"])
            if content is not None and has_undo(content):
                self.outbox.edit(row["ref"], without_undo(content))
                swept += 1
        return swept

    def _sweep_undos(self) -> None:
        """Started with the first Undo posted: sweeps expired ones until the notifier closes."""
        with self._lock:
            if self._sweeper is not None:
                return
            self._sweeper = threading.Thread(target=self._sweep_loop, name="undo-sweep", daemon=True)
        self._sweeper.start()

    def _sweep_loop(self) -> None:
        while not self._closing.wait(UNDO_SWEEP_SECONDS):
            try:
                self.expire_undos()
            except Exception:  # the store or the outbox hiccuped: the next round tries again
                log.warning("could not take expired Undo buttons off their posts", exc_info=True)

    def action_failed(self, command: Command, actor: Actor, message: str) -> None:
        keys = find_ids(message, command.record_type)
        key = keys[0] if len(keys) == 1 else None
        retry = None
        if key and command.kind.value in ("action", "dialog"):  # an action runs again; a dialog reopens its form
            retry = FlowState(command=command.slug, record_type=command.record_type, key=key,
                              label=f"{command.record_type} {key}", channel=actor.channel).pack(2000)
        # Its own ref, so a Try again on it can write how the retry ended onto it (`alert_retried`).
        self._post(self.settings.alert_channel, notices.action_failed(command, message, actor.id, key, retry),
                   ref=f"alert:action:{uuid.uuid4().hex[:16]}")

    def alert_retried(self, channel: str | None, ts: str | None, actor: Actor, outcome: str, *, ok: bool) -> None:
        """Someone pressed Try again on the alert at (channel, ts): it says who, how it ended, and loses
        its buttons. Nothing happens for a message that is not one of the bot's alerts."""
        ref = self.outbox.ref_at(channel, ts) if channel and ts else None
        alert = self.outbox.content(ref) if ref and ref.startswith("alert:") else None
        if ref and alert:
            self.outbox.edit(ref, notices.alert_retried(alert, actor.id, outcome, ok=ok))

    def swish_changed(self, request: SwishRequest) -> None:
        """The requester's message about the request (where they asked, else their DMs) and the
        NOTIFY_CHANNEL's, each posted once and then edited in place."""
        msg = swish_message(request)
        places: list[tuple[str, str | None, str | None, str | None]] = []
        if request.source == "slack":
            places.append((swish_ref(request.id), request.channel, request.requested_by, request.thread_ts))
        notify = self.settings.notify_channel
        if notify and not (request.source == "slack" and request.channel == notify and not request.thread_ts):
            places.append((swish_ref(request.id, "notify"), notify, None, None))
        for ref, channel, dm_user, thread_ts in places:
            if self.outbox.knows(ref):
                self.outbox.edit(ref, msg)
            else:
                self.outbox.post(channel, msg, ref=ref, dm_user=dm_user, thread_ts=thread_ts)

    # -- Billecta's own changes -------------------------------------------------------------
    def mirror_changes(self, changes: list[Change]) -> None:
        if changes:
            self._post(self.settings.notify_channel, notices.changes([describe_change(c) for c in changes]))

    # -- plumbing ---------------------------------------------------------------------------
    def report_ready(self, channel: str, files: Sequence[OutcomeFile], comment: str) -> None:
        """A scheduled report's files, uploaded to its channel; if Slack will not take them there, the
        alert channel says so (nobody asked for it, so there is no one to DM)."""
        try:  # no requester: a channel that refuses them has no DM to fall back on
            self.outbox.ui.upload(channel, "", files, comment)
        except Exception as exc:
            log.warning("could not post a scheduled report to %s", channel, exc_info=exc)
            self._post(self.settings.alert_channel,
                       {"text": f"A scheduled report could not be posted to {channel}: {comment}"})

    def _post(self, channel: str | None, msg: Msg, *, ref: str | None = None) -> None:
        if channel:
            self.outbox.post(channel, msg, ref=ref)

    def close(self) -> None:
        self._closing.set()
        self.outbox.close()


def done_label(row: dict[str, Any]) -> str:
    """'invoice 1001 · Nordic Café AB · credited 1 250,00 kr · now completed': for an item that moved
    money, what it did in place of the line from before it (whose amount and stage are now stale)."""
    if row.get("amount_minor") is None or not row.get("message"):
        return str(row["label"])
    return SEP.join([*str(row["label"]).split(SEP)[:2], str(row["message"])])

