"""The App Home tab: the integration monitoring dashboard (≤ 100 blocks).

Running and recent jobs with progress, recent failures with retry (failed jobs, and one-record
commands that failed), schedules with their next run, the Billecta target, and quick actions allowed
to the viewer's role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blocks import limits
from blocks.common import Block, actions, button, confirm_dialog, context, divider, header, section
from blocks.ids import ActionId, BlockId, unique_id
from blocks.metadata import FlowState
from blocks.notices import progress
from bot import records, timefmt
from bot.commands import Command, Kind
from bot.jobs.model import Job

SHOWN_JOBS = 8
SHOWN_FAILURES = 5
SHOWN_SCHEDULES = 10
QUICK_ACTIONS = 24


@dataclass(frozen=True)
class FailedCommand:
    """A one-record command that failed recently (from the audit log), and whether this viewer may retry it."""

    audit_id: int
    command: Command
    record_type: str
    key: str
    detail: str
    retry: bool


@dataclass
class HomeData:
    target: str
    worker_running: bool
    role: str
    jobs: list[Job] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    quick: list[Command] = field(default_factory=list)
    can_retry: set[int] = field(default_factory=set)  # failed jobs this viewer may retry
    failed_commands: list[FailedCommand] = field(default_factory=list)  # newest first


def _job_line(job: Job) -> str:
    icon = {"running": "⏳", "queued": "🕒", "succeeded": "✅", "cancelled": "⏹️", "refused": "⚠️",
            "partly_refused": "⚠️"}.get(job.status.value, "❌")
    by = f" · <@{job.requested_by}>" if job.requested_by[:1] in ("U", "W") else f" · {job.requested_by}"
    return (f"{icon} *Job {job.id}* {job.command} {progress(job, 12)}"
            + (f", {job.failed} failed" if job.failed else "") + (f", {job.refused} refused" if job.refused else "")
            + f" · {job.status.label}{by}")


def _jobs(data: HomeData) -> list[Block]:
    running = [j for j in data.jobs if not j.finished]
    recent = [j for j in data.jobs if j.finished][:SHOWN_JOBS]
    blocks = [header("Jobs")]
    blocks.append(section("*Running*\n" + "\n".join(_job_line(j) for j in running[:SHOWN_JOBS]) if running
                          else "*Running*\nNo job is running."))
    if recent:
        blocks.append(section("*Recent*\n" + "\n".join(_job_line(j) for j in recent)))
    return blocks


def _failures(data: HomeData) -> list[Block]:
    failed = [j for j in data.jobs if j.finished and j.failed][:SHOWN_FAILURES]
    commands = data.failed_commands[:SHOWN_FAILURES]
    if not failed and not commands:
        return [header("Failures"), context("No recent failures.")]
    blocks = [header("Failures")]
    for job in failed:
        accessory = (button(f"Retry {job.failed} failed", unique_id(ActionId.JOB_RETRY, job.id), str(job.id),
                            style="primary")
                     if job.id in data.can_retry else None)
        blocks.append(section(f"❌ {job.summary}", accessory=accessory))
    blocks.extend(_failed_command(item) for item in commands)
    return blocks


def _failed_command(item: FailedCommand) -> Block:
    """'❌ invoice pause on invoice 1001: <reason>' with Try again (an action) or the form again (a dialog)."""
    name = f"{item.record_type} {item.command.verb}"
    text = f"❌ `{name}` on {item.record_type} {item.key}: {limits.clip(item.detail, 300)}"
    if not item.retry:
        return section(text)
    # The audit id makes the button's value, and so its once-only key, unique to this failure.
    value = FlowState(command=item.command.slug, record_type=item.record_type, key=item.key,
                      label=f"{item.record_type} {item.key}", origin=f"audit:{item.audit_id}").pack(2000)
    if item.command.kind is Kind.DIALOG:
        return section(text, accessory=button("Open the form again", unique_id(ActionId.OPEN_COMMAND, item.audit_id),
                                              value))
    confirm = confirm_dialog(f"{item.command.title}?", f"Run {name} on {item.record_type} {item.key} again.",
                             "Try again")
    return section(text, accessory=button("Try again", unique_id(ActionId.ACTION_CONFIRM, item.audit_id), value,
                                          confirm=confirm))


def _schedules(data: HomeData) -> list[Block]:
    if not data.schedules:
        return [header("Schedules"), context("No schedules configured (SCHEDULES or schedules.toml).")]
    lines = []
    for row in data.schedules[:SHOWN_SCHEDULES]:
        last = f" · last: {row['last_outcome']}" if row.get("last_outcome") else ""
        targets = row.get("targets") or ""
        next_run = timefmt.format_moment(row.get("next_run"))
        lines.append(f"`{row['cron']}` *{row['command']}* {targets} — next {next_run}{last}")
    return [header("Schedules"), section("\n".join(lines))]


def _quick(data: HomeData) -> list[Block]:
    buttons = [button("Command palette", ActionId.HOME_OPEN_PALETTE, style="primary")]
    buttons += [button(limits.clip(c.title if c.record_type == records.ANY else c.name, limits.BUTTON_TEXT),
                       unique_id(ActionId.HOME_COMMAND, c.slug), c.slug) for c in data.quick[:QUICK_ACTIONS]]
    return [header("Quick actions"), actions(*buttons[:25], block_id=BlockId.HOME_QUICK),
            context(f"Commands your role ({data.role}) may run. `/billecta help` lists them all.")]


def home_error_view(text: str) -> Block:
    """What the Home shows when the dashboard could not be built or Slack refused it: the reason, and
    a Refresh to try again (the user opened the tab and is looking at it, not at their DMs)."""
    return {"type": "home", "blocks": [header("Billecta integration"), section(f"❌ {limits.clip(text, 2900)}"),
                                       actions(button("Refresh", ActionId.HOME_REFRESH))]}


def home_view(data: HomeData) -> Block:
    worker = "running" if data.worker_running else "not running in this process"
    blocks = [header("Billecta integration"),
              context(f"Billecta: *{data.target}* · job worker: {worker} · your role: *{data.role}*"),
              actions(button("Refresh", ActionId.HOME_REFRESH)),
              divider(), *_jobs(data), divider(), *_failures(data), divider(), *_schedules(data), divider(),
              *_quick(data)]
    return limits.check_view({"type": "home", "blocks": blocks[: limits.VIEW_BLOCKS - 1]})
