"""Messages the bot posts on its own: job progress and results, action outcomes, alerts, pull changes.

Every one names its records ('invoice 1001', 'debtor 3 (Lund AB)') in its text so a message
shortcut on it finds them again. Failure alerts carry buttons: retry the failed records, open the
event log. Records Billecta's rules refused are listed as refused, with the command that applies:
they are answers, so they never get a retry button or an alert of their own.
"""

from __future__ import annotations

from typing import Any

from blocks import limits
from blocks.common import Block, actions, button, confirm_dialog, context, message, section
from blocks.ids import ActionId, BlockId, unique_id
from bot.commands import EVENT_LOG_TYPES, Command, Kind
from bot.jobs.model import ItemStatus, Job, JobItem, split_failures

LISTED_FAILURES = 20
EVENT_BUTTONS = 5


def bar(done: int, total: int, width: int = 20) -> str:
    filled = int(width * done / total) if total else width
    return "▓" * filled + "░" * (width - filled)


def progress(job: Job, width: int = 20) -> str:
    """'`▓▓▓░░░` 40/300' while a job runs or once it succeeded; a job that failed, partly failed or was
    cancelled shows its counts only, since a full bar would read as done."""
    counts = f"{job.done}/{job.total}"
    if job.finished and not job.ok:
        return f"{job.succeeded} succeeded of {job.total}"
    return f"`{bar(job.done, job.total, width)}` {counts}"


def progress_words(job: Job) -> str:
    """The progress as a screen reader and a notification should say it: '40 of 300 done'."""
    failed = f", {job.failed} failed" if job.failed else ""
    refused = f", {job.refused} refused" if job.refused else ""
    return f"{job.done} of {job.total} done{failed}{refused}"


def icon(job: Job) -> str:
    """⏳ running, ✅ all done, ❌ an incident (failures a retry may fix), ⚠️ some records refused."""
    if not job.finished:
        return "⏳"
    return "✅" if job.ok else ("❌" if job.incident else "⚠️")


def _counts(job: Job) -> str:
    """' · 2 failed · 1 refused' after the progress."""
    return (f" · {job.failed} failed" if job.failed else "") + (f" · {job.refused} refused" if job.refused else "")


def _by(user: str) -> str:
    return f"<@{user}>" if user[:1] in ("U", "W") else user


def _failure_lines(job: Job, failures: list[JobItem], count: int | None = None) -> str:
    lines = [f"• {item.label}: {limits.clip(item.error or 'failed', 300)}" + _applies(item)
             for item in failures[:LISTED_FAILURES]]
    count = job.failed if count is None else count
    if count > len(lines):
        lines.append(f"… and {count - len(lines)} more: `billecta-bot jobs show {job.id}`")
    return "\n".join(lines)


def _applies(item: JobItem) -> str:
    return f" → `{item.message}` applies" if item.status is ItemStatus.REFUSED and item.message else ""


def _problem_blocks(job: Job, items: list[JobItem]) -> list[Block]:
    """'Failed:' (what a retry may fix) and 'Refused by Billecta's rules:' (answers), each listed."""
    failed, refused = split_failures(items)
    blocks = [section("*Failed:*\n" + _failure_lines(job, failed))] if failed else []
    if refused:
        blocks.append(section("*Refused by Billecta's rules:*\n" + _failure_lines(job, refused, job.refused)))
    return blocks


def events_button(record_type: str, key: str, label: str) -> Block:
    return button(limits.clip(f"Event log: {label}", limits.BUTTON_TEXT),
                  unique_id(ActionId.OPEN_EVENTS, f"{record_type}-{key}"), f"{record_type}:{key}")


def _job_buttons(job: Job, failures: list[JobItem], *, events: bool) -> list[Block]:
    buttons: list[Block] = []
    if job.finished and job.failed:
        buttons.append(button(f"Retry {job.failed} failed", ActionId.JOB_RETRY, str(job.id), style="primary",
                              confirm=confirm_dialog("Retry the failed records?",
                                                     f"A new job runs {job.command} again on the {job.failed} "
                                                     "record(s) that failed.", "Retry")))
    if not job.finished:
        buttons.append(button("Cancel job", ActionId.JOB_CANCEL, str(job.id),
                              confirm=confirm_dialog("Cancel the job?", "Records already done stay done; the "
                                                     "rest are skipped.", "Cancel job", danger=True, no="Keep going")))
    if events and job.record_type in EVENT_LOG_TYPES:
        buttons.extend(events_button(job.record_type, item.record_id, item.label) for item in failures[:EVENT_BUTTONS])
    return [actions(*buttons, block_id=BlockId.JOB_BUTTONS)] if buttons else []


def retried_note(retry: Job) -> str:
    """What a failed job's message and alert say once someone retried its failures as job `retry`."""
    if not retry.finished:
        how = "running"
    elif retry.ok:
        how = f"✅ all {retry.succeeded} succeeded"
    elif not retry.incident:  # what was left, Billecta's rules refused: an answer
        how = f"⚠️ {retry.succeeded} succeeded, {retry.refused} refused by Billecta's rules of {retry.total}"
    else:
        refused = f", {retry.refused} refused" if retry.refused else ""
        how = f"❌ {retry.status.label}: {retry.succeeded} succeeded, {retry.failed} failed{refused} of {retry.total}"
    return f"🔁 Retried by {_by(retry.requested_by)} as job {retry.id}: {how}"


def job_message(job: Job, failures: list[JobItem] | None = None,
                done_labels: list[str] | None = None, records: str | None = None,
                retried: str | None = None) -> dict[str, Any]:
    """The job's own message in the requester's channel, edited in place until it settles.

    `records` names every record of the job ('debtors 1-3, 5') so a message shortcut finds them all.
    `retried` (`retried_note`) replaces the retry button once the failures were retried.
    """
    mark = icon(job)
    words = job.summary if job.finished else f"job {job.id} ({job.command}): {job.status.label}, {progress_words(job)}"
    text = f"{mark} {words}" + (f": {records}" if records else "")
    blocks = [section(f"{mark} *Job {job.id}* — {job.command} {job.targets or ''}".rstrip()),
              section(progress(job) + _counts(job) + f" · {job.status.label}")]
    if records:
        blocks.append(context(f"Records: {records}"))
    if job.finished and job.moved_text:
        blocks.append(section(f"*{job.moved_text}*"))
    if done_labels:
        more = job.succeeded - len(done_labels)
        blocks.append(context("Done: " + ", ".join(done_labels) + (f" and {more} more" if more > 0 else "")))
    blocks.extend(_problem_blocks(job, failures or []))
    blocks.append(context(f"Requested by {_by(job.requested_by)}"))
    if retried:
        blocks.append(section(retried))
    else:
        blocks.extend(_job_buttons(job, failures or [], events=False))
    return message(text + (f" — {retried}" if retried else ""), blocks)


def job_alert(job: Job, failures: list[JobItem], retried: str | None = None) -> dict[str, Any]:
    """A job with failures, for the alert channel; once retried (`retried_note`) it says so, buttonless.
    Refused records are named as refused, so the alert's counts add up, but only failures get buttons."""
    text = f"❌ {job.summary}"
    failed = split_failures(failures)[0]
    blocks = [section(f"❌ *Job {job.id}* ({job.command}) {job.status.label}: {job.failed} of {job.total} failed."),
              *(_problem_blocks(job, failures) or [context("No details.")]),
              context(f"Requested by {_by(job.requested_by)}")]
    blocks.extend([section(retried)] if retried else _job_buttons(job, failed, events=True))
    return message(text + (f" — {retried}" if retried else ""), blocks)


def job_done(job: Job, done_labels: list[str], records: str | None = None) -> dict[str, Any]:
    """What a job changed, for the notify channel (a partly failed job's failures go to the alert channel).

    `records` names the records that succeeded ('debtors 1-3, 5') for message shortcuts.
    """
    names = ", ".join(done_labels) + (f" and {job.succeeded - len(done_labels)} more"
                                      if job.succeeded > len(done_labels) else "")
    icon = "✅" if job.ok else "⚠️"
    failed = f", {job.failed} failed (see the alert channel)" if job.failed else ""
    failed += f", {job.refused} refused by Billecta's rules" if job.refused else ""
    text = f"{icon} {job.summary}: {names}"
    blocks = [section(f"{icon} *Job {job.id}* ({job.command}): {job.succeeded} succeeded{failed} — {names}")]
    if job.moved_text:
        blocks.append(section(f"*{job.moved_text}*"))
    if records:
        blocks.append(context(f"Succeeded: {records}"))
    return message(text, [*blocks, context(f"Requested by {_by(job.requested_by)}")])


def action_done(text: str, actor: str, record_type: str, key: str | None) -> dict[str, Any]:
    blocks = [section(f"✅ {text}"), context(f"By {_by(actor)}")]
    if key and record_type in EVENT_LOG_TYPES:
        blocks.append(actions(events_button(record_type, key, f"{record_type} {key}")))
    return message(f"✅ {text}", blocks)


def action_failed(command: Command, text: str, actor: str, key: str | None, retry_value: str | None) -> dict[str, Any]:
    name = command.name.replace("*", command.record_type)
    blocks = [section(f"❌ *{command.title}* failed: {text}"), context(f"By {_by(actor)} · `{name}`")]
    buttons = []
    if retry_value and command.kind is Kind.DIALOG:  # the form again, with a fresh trigger id
        buttons.append(button("Open the form again", ActionId.OPEN_COMMAND, retry_value, style="primary"))
    elif retry_value:
        buttons.append(button("Try again", ActionId.ACTION_CONFIRM, retry_value, style="primary",
                              confirm=confirm_dialog(f"{command.title}?", limits.clip(text, 250), "Try again")))
    if key and command.record_type in EVENT_LOG_TYPES:
        buttons.append(events_button(command.record_type, key, f"{command.record_type} {key}"))
    if buttons:
        blocks.append(actions(*buttons))
    return message(f"❌ {command.title} failed: {text}", blocks)


def alert_retried(alert: dict[str, Any], by: str, outcome: str, *, ok: bool) -> dict[str, Any]:
    """A failure alert after someone pressed its Try again: what it said, who retried and how it ended,
    and no buttons (a second Try again would retry what is already settled)."""
    note = f"🔁 Retried by {_by(by)}: {'✅' if ok else '❌ failed again:'} {outcome}"
    kept = [block for block in alert.get("blocks") or [] if block.get("type") != "actions"]
    return message(f"{alert.get('text', '')} — {note}", [*kept, section(limits.clip(note, 3000))])


def changes(lines: list[str]) -> dict[str, Any]:
    shown = lines[:LISTED_FAILURES]
    more = f"\n… and {len(lines) - len(shown)} more" if len(lines) > len(shown) else ""
    return message("Billecta changes: " + "; ".join(shown), [section("🔔 *Seen in Billecta*\n" + "\n".join(
        f"• {line}" for line in shown) + more)])
