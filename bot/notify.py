"""The one way the bot tells people what happened: job progress and outcomes, pull changes, actions.

`Notifier` is the interface; every method is a no-op here, so an implementation overrides what it
shows. The job queue calls `job_progress` every ~0.25 s while a job runs and `job_finished` once at
the end; wrap a notifier that must not be called that often (Slack edits) in `ThrottledNotifier`.
Methods may be called from several threads at once (one per running job): implementations must
be thread-safe and must not wait on a slow surface (Slack goes through a durable outbox).
`CliNotifier` draws a progress bar on stderr and prints the outcome on stdout.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from bot.jobs.model import split_failures
from bot.money import format_amount
from bot.services.labels import invoice_stage

if TYPE_CHECKING:
    from bot.commands import Command
    from bot.files import OutcomeFile
    from bot.jobs.model import Job, JobItem
    from bot.jobs.swish import SwishRequest
    from bot.roles import Actor
    from bot.services import Outcome

# One change seen by a pull: (kind, the mirror row before or None, the row after); see PullReport.
Change = tuple[str, "dict[str, Any] | None", "dict[str, Any]"]
# job_finished lists at most this many failed items; `billecta-bot jobs show ID` has them all.
MAX_LISTED_FAILURES = 50


class Notifier:
    """Base class and interface. Override the methods a surface shows; the rest do nothing."""

    def job_progress(self, job: Job) -> None:
        """A running job's counts changed (`job.done` of `job.total`)."""

    def job_finished(self, job: Job, failures: list[JobItem]) -> None:
        """A job settled (`job.status`); `failures` are its first failed and refused items (told apart by
        `status`), each with `error`; only failed ones are incidents."""

    def mirror_changes(self, changes: list[Change]) -> None:
        """A pull saw changes people care about; `describe_change` words each one."""

    def action_done(self, outcome: Outcome, actor: Actor) -> None:
        """A one-record command succeeded; `outcome.message` names the record."""

    def action_failed(self, command: Command, actor: Actor, message: str) -> None:
        """A one-record command failed; `message` is the user-facing reason."""

    def alert_retried(self, channel: str | None, ts: str | None, actor: Actor, outcome: str, *, ok: bool) -> None:
        """`actor` retried what the failure alert at (channel, ts) reported; `outcome` is how it ended."""

    def swish_changed(self, request: SwishRequest) -> None:
        """A Swish request was sent or moved on (`request.status`; `request.finished` once it ended): the
        requester's one message about it says so."""

    def report_ready(self, channel: str, files: Sequence[OutcomeFile], comment: str) -> None:
        """A scheduled report ran: post its `files` to `channel` with `comment` (it names the "as of")."""

    def undone(self, ref: str, actor: Actor, outcome: str) -> None:
        """The result posted under `ref` was undone by `actor` (`outcome` says how): edit it, follow up."""

    def undo_expired(self, ref: str) -> None:
        """The Undo of the result posted under `ref` has expired: its button goes."""

    def follow(self, job_id: int, show: Callable[[Job], None]) -> None:
        """Call `show(job)` once job `job_id` has finished (at once if it has): where it was started from
        (a modal that said 'started') ends on its result."""

    def close(self) -> None:
        """Stop any background delivery (what is left is delivered by the next process)."""


class NullNotifier(Notifier):
    """Tells nobody (tests, or a worker with nothing attached)."""


def describe_change(change: Change) -> str:
    """'invoice 1004 was disputed outside the bot', 'new unhandled payment of 350,00 kr from …'."""
    kind, before, after = change
    if kind == "payment":
        amount = format_amount(after.get("amount") or 0, after.get("currency"))
        sender = after.get("sender_name") or "an unknown sender"
        return (f"payment {after.get('id')}: new unhandled payment of {amount} from {sender} "
                f"(reference {after.get('reference') or 'none'}); `payment match {after.get('id')}` puts it on "
                "an invoice.")
    name = f"invoice {after.get('invoice_number') or after.get('action_public_id')}"
    if after.get("stage") == "SentToDebtCollection" and (before or {}).get("stage") != "SentToDebtCollection":
        return f"{name} was sent to debt collection outside the bot."
    if after.get("is_disputed") and not (before or {}).get("is_disputed"):
        return f"{name} was disputed outside the bot."
    return f"{name} changed in Billecta (now {invoice_stage(after)})."


def progress_bar(job: Job, width: int = 30) -> str:
    """'[#####-----] 40/300 debtor upsert'; a job that ended without succeeding shows its counts, not a
    full bar that would read as done."""
    failed = f", {job.failed} failed" if job.failed else ""
    failed += f", {job.refused} refused" if job.refused else ""
    if job.finished and not job.ok:
        return f"{job.succeeded} of {job.total} succeeded {job.command}{failed} ({job.status.label})"
    filled = int(width * job.done / job.total) if job.total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {job.done}/{job.total} {job.command}{failed}"


class CliNotifier(Notifier):
    """A progress bar on stderr (redrawn in place) and the final table on stdout."""

    def __init__(self, *, out: TextIO | None = None, err: TextIO | None = None, progress: bool = True) -> None:
        self.out, self.err = out or sys.stdout, err or sys.stderr
        self.progress = progress
        self._lock = threading.Lock()
        self._drawn = False

    def job_progress(self, job: Job) -> None:
        if not self.progress:
            return
        with self._lock:
            print("\r" + progress_bar(job), end="", file=self.err, flush=True)
            self._drawn = True

    def job_finished(self, job: Job, failures: list[JobItem]) -> None:
        with self._lock:
            if self._drawn:
                print("\r" + progress_bar(job), file=self.err, flush=True)
                self._drawn = False
            print(format_job(job, failures), file=self.out, flush=True)

    def mirror_changes(self, changes: list[Change]) -> None:
        for change in changes:
            print(describe_change(change), file=self.out)

    def action_done(self, outcome: Outcome, actor: Actor) -> None:
        print(outcome.message, file=self.out)

    def action_failed(self, command: Command, actor: Actor, message: str) -> None:
        print(f"{command.name} failed: {message}", file=self.err)

    def swish_changed(self, request: SwishRequest) -> None:
        print(request.summary, file=self.out, flush=True)

    def report_ready(self, channel: str, files: Sequence[OutcomeFile], comment: str) -> None:
        # No Slack here: say what would have gone to the channel, so a scheduled report is not silent.
        print(f"{comment} For {channel}: {', '.join(f.name for f in files)} (no Slack: not posted)",
              file=self.out, flush=True)


def format_job(job: Job, failures: list[JobItem]) -> str:
    """The final table: status, counts, and each listed failure with its reason."""
    lines = [f"Job {job.id} ({job.command} {job.targets or ''}".rstrip() + f"): {job.status.label}"]
    for name in ("succeeded", "failed", "refused", "skipped", "total"):
        if name != "refused" or job.refused:
            lines.append(f"  {name:<10} {getattr(job, name):>7}")
    for currency, minor in sorted(job.moved.items()):  # the money the succeeded items moved
        lines.append(f"  {'amount':<10} {format_amount(minor, currency):>7}")
    if job.moved_text:
        lines.append(f"  {job.moved_text}")
    if job.error:
        lines.append(f"  error: {job.error}")
    failed, refused = split_failures(failures)
    for title, items, count in (("Failed", failed, job.failed), ("Refused by Billecta's rules", refused, job.refused)):
        if items:
            lines.append(f"{title}:")
            lines.extend(f"  {item.label}: {item.error}" + _applies(item) for item in items)
            if count > len(items):
                lines.append(f"  … and {count - len(items)} more: billecta-bot jobs show {job.id}")
    return "\n".join(lines)


def _applies(item: JobItem) -> str:
    return f"; what applies: billecta-bot run {item.message}" if item.message else ""


class Forwarding(Notifier):
    """Passes every report on to `inner`; a wrapper overrides only what it adds."""

    inner: Notifier

    def job_progress(self, job: Job) -> None:
        self.inner.job_progress(job)

    def job_finished(self, job: Job, failures: list[JobItem]) -> None:
        self.inner.job_finished(job, failures)

    def mirror_changes(self, changes: list[Change]) -> None:
        self.inner.mirror_changes(changes)

    def action_done(self, outcome: Outcome, actor: Actor) -> None:
        self.inner.action_done(outcome, actor)

    def action_failed(self, command: Command, actor: Actor, message: str) -> None:
        self.inner.action_failed(command, actor, message)

    def alert_retried(self, channel: str | None, ts: str | None, actor: Actor, outcome: str, *, ok: bool) -> None:
        self.inner.alert_retried(channel, ts, actor, outcome, ok=ok)

    def swish_changed(self, request: SwishRequest) -> None:
        self.inner.swish_changed(request)

    def report_ready(self, channel: str, files: Sequence[OutcomeFile], comment: str) -> None:
        self.inner.report_ready(channel, files, comment)

    def undone(self, ref: str, actor: Actor, outcome: str) -> None:
        self.inner.undone(ref, actor, outcome)

    def undo_expired(self, ref: str) -> None:
        self.inner.undo_expired(ref)

    def follow(self, job_id: int, show: Callable[[Job], None]) -> None:
        self.inner.follow(job_id, show)

    def close(self) -> None:
        self.inner.close()


class ThrottledNotifier(Forwarding):
    """Forwards a job's progress at most once every `interval` seconds; everything else at once.

    The final state always gets through, since `job_finished` is never held back.
    """

    def __init__(self, inner: Notifier, interval: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inner, self.interval, self.clock = inner, interval, clock
        self._last: dict[int, float] = {}
        self._lock = threading.Lock()

    def job_progress(self, job: Job) -> None:
        now = self.clock()
        with self._lock:
            last = self._last.get(job.id)
            if last is not None and now - last < self.interval:
                return
            self._last[job.id] = now
        self.inner.job_progress(job)

    def job_finished(self, job: Job, failures: list[JobItem]) -> None:
        with self._lock:
            self._last.pop(job.id, None)
        self.inner.job_finished(job, failures)
