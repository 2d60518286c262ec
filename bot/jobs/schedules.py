"""Cron schedules that run bulk commands (and the mirror pull) without anyone asking.

Read from `SCHEDULES` (a JSON list) or, when that is unset, `schedules.toml` in the working directory
(`[[schedule]]` tables). Each entry: `cron` (5 fields, Europe/Stockholm unless `timezone` says
otherwise), `command` (a bulk command such as "debtor upsert", or "pull"), `targets` ("--changed",
"--all" or ids; none for pull) and an optional `id`. A report command ("report receivables",
"report create") takes no targets but a `channel` its files are posted to (through the notifier, with
the report's "as of" line) and its `options` as on the command line ("preset=prepaid",
"name=overdue" for a saved report). A `pull` every 15 minutes is added unless one
is configured. Bad entries fail at start with a message naming the entry.

Misfires run once, not once per missed slot: APScheduler coalesces while the process is up, and
because its in-memory job store forgets everything at exit, each schedule's last run is kept in the
store; at start a schedule whose slot passed since then (during downtime) runs once straight away.
"""

from __future__ import annotations

import json
import logging
import shlex
import tomllib
import uuid
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot import commands as registry
from bot.billecta.dates import STOCKHOLM
from bot.config import Settings
from bot.errors import BotError, ConfigError, NotFound, UsageError
from bot.jobs.model import JobStatus
from bot.jobs.selection import job_selection
from bot.roles import Actor, Role
from bot.store import Store
from bot.targets import parse_targets

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.jobs.queue import JobQueue

log = logging.getLogger(__name__)

PULL = "pull"
TOML_FILE = "schedules.toml"
MISFIRE_GRACE_SECONDS = 3600
_KEYS = {"id", "cron", "command", "targets", "timezone", "channel", "options"}
REPORT = "report"


@dataclass(frozen=True)
class Schedule:
    id: str
    cron: str
    command: str  # 'debtor upsert' or 'pull'
    targets: str = ""
    timezone: str = "Europe/Stockholm"
    channel: str = ""  # a report's: where its files are posted
    options: str = ""  # a report's: 'preset=prepaid sum=remaining'

    @property
    def is_pull(self) -> bool:
        return self.command == PULL

    @property
    def is_report(self) -> bool:
        return self.command.split()[0] == REPORT

    def option_values(self) -> dict[str, str]:
        return dict(word.split("=", 1) for word in shlex.split(self.options))

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(self.timezone))

    def next_run(self, now: datetime) -> datetime | None:
        return self.trigger().get_next_fire_time(None, now)


DEFAULT_PULL = Schedule(id=PULL, cron="*/15 * * * *", command=PULL)


def load_schedules(settings: Settings, cwd: Path | None = None) -> list[Schedule]:
    """The configured schedules plus the default pull; a ConfigError names any bad entry."""
    entries, origin = _raw_entries(settings, cwd or Path.cwd())
    schedules: list[Schedule] = []
    for index, entry in enumerate(entries, start=1):
        schedule = parse_entry(entry, f"{origin} entry {index}", taken={s.id for s in schedules})
        schedules.append(schedule)
    if not any(s.is_pull for s in schedules) and DEFAULT_PULL.id not in {s.id for s in schedules}:
        schedules.append(DEFAULT_PULL)
    return schedules


def _raw_entries(settings: Settings, cwd: Path) -> tuple[list[Any], str]:
    if settings.schedules:
        try:
            entries = json.loads(settings.schedules)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"SCHEDULES is not valid JSON: {exc.msg} at character {exc.pos}.") from None
        if not isinstance(entries, list):
            raise ConfigError('SCHEDULES must be a JSON list like [{"cron": "0 2 * * *", "command": '
                              '"debtor upsert", "targets": "--changed"}].')
        return entries, "SCHEDULES"
    path = cwd / TOML_FILE
    if not path.exists():
        return [], TOML_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    entries = data.get("schedule", data.get("schedules", []))
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: write each schedule as a [[schedule]] table.")
    return entries, str(path)


def parse_entry(entry: Any, where: str, taken: AbstractSet[str] = frozenset()) -> Schedule:
    """One entry checked: its cron, command, targets, time zone and id."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table with cron, command and targets, got {entry!r}.")
    name = f"{where} ({entry.get('id') or entry.get('command') or 'unnamed'})"
    unknown = set(entry) - _KEYS
    if unknown:
        raise ConfigError(f"{name}: unknown key(s) {', '.join(sorted(unknown))}; use {', '.join(sorted(_KEYS))}.")
    command, targets = _command_and_targets(entry, name)
    channel, options = _report_parts(entry, name, command)
    timezone = str(entry.get("timezone") or "Europe/Stockholm")
    schedule_id = str(entry.get("id") or command.replace(" ", "-"))
    if schedule_id in taken:
        if entry.get("id"):
            raise ConfigError(f"{name}: the id {schedule_id!r} is used by an earlier entry.")
        schedule_id = f"{schedule_id}-{len(taken) + 1}"
    schedule = Schedule(schedule_id, str(entry.get("cron") or ""), command, targets, timezone, channel, options)
    try:
        schedule.trigger()
    except ZoneInfoNotFoundError:
        raise ConfigError(f"{name}: unknown time zone {timezone!r}.") from None
    except ValueError as exc:
        raise ConfigError(f"{name}: cron {schedule.cron!r} is not valid: {exc}.") from None
    return schedule


def _command_and_targets(entry: dict[str, Any], name: str) -> tuple[str, str]:
    words = str(entry.get("command") or "").split()
    targets = str(entry.get("targets") or "").strip()
    if words[:1] == [REPORT]:
        if targets:
            raise ConfigError(f"{name}: a report takes no targets (its options go in `options`).")
        return _report_command(words, name).name, ""
    if words == [PULL]:
        if targets:
            raise ConfigError(f"{name}: pull takes no targets.")
        return PULL, ""
    try:
        command = _bulk_command(words)
        spec = parse_targets(targets.split())
    except BotError as exc:
        raise ConfigError(f"{name}: {exc.user_message.rstrip('.')}.") from None
    if spec.empty:
        raise ConfigError(f'{name}: say which records, e.g. targets = "--changed".')
    return command.name, spec.describe()


def _report_command(words: list[str], name: str) -> registry.Command:
    try:
        command = registry.find(*words) if len(words) == 2 else None
    except BotError as exc:
        raise ConfigError(f"{name}: {exc.user_message.rstrip('.')}.") from None
    if command is None or command.record_type != REPORT or not command.available:
        raise ConfigError(f"{name}: {' '.join(words)!r} is not an available report; write e.g. 'report receivables'.")
    return command


def _report_parts(entry: dict[str, Any], name: str, command: str) -> tuple[str, str]:
    """A report's channel and options, checked: a report without a channel would tell nobody."""
    channel, options = str(entry.get("channel") or "").strip(), str(entry.get("options") or "").strip()
    if command.split()[0] != REPORT:
        if channel or options:
            raise ConfigError(f"{name}: channel and options are for reports; a bulk command reports through "
                              "NOTIFY_CHANNEL.")
        return "", ""
    if not channel:
        raise ConfigError(f'{name}: say where its files go, e.g. channel = "#finance".')
    known = registry.find(*command.split())
    allowed = known.view.options if known is not None else ()
    try:
        words = shlex.split(options)  # filter="debtor~Åsa Öberg": a value may hold spaces
    except ValueError as exc:
        raise ConfigError(f"{name}: options {options!r}: {exc}.") from None
    for word in words:
        key, equals, _ = word.partition("=")
        if not equals or key not in allowed:
            raise ConfigError(f"{name}: option {word!r} is not one of {', '.join(allowed)} (write name=value).")
    return channel, options


def _bulk_command(words: list[str]) -> registry.Command:
    command = None
    if len(words) == 1:
        command = registry.by_slug(words[0])
    elif len(words) == 2:
        command = registry.find(*words)
    if command is None:
        raise UsageError(f"command {' '.join(words)!r} is unknown; write e.g. 'debtor upsert' or 'pull'")
    if not command.is_job:
        raise UsageError(f"`{command.name}` is not a bulk command")
    return command


class Schedules:
    """The configured schedules, wired into a queue's scheduler, with their last runs in the store."""

    def __init__(self, store: Store, schedules: list[Schedule],
                 clock: Callable[[], datetime] = lambda: datetime.now(STOCKHOLM)) -> None:
        self.store, self.schedules, self.clock = store, schedules, clock
        self.by_id = {s.id: s for s in schedules}
        self.queue: JobQueue | None = None

    def install(self, scheduler: BaseScheduler, queue: JobQueue) -> None:
        self.queue = queue
        for schedule in self.schedules:
            scheduler.add_job(self.fire, trigger=schedule.trigger(), args=[schedule.id], id=f"schedule-{schedule.id}",
                              coalesce=True, misfire_grace_time=MISFIRE_GRACE_SECONDS, max_instances=1,
                              replace_existing=True)
        for schedule in self.missed():
            log.info("schedule %s missed a run while the bot was down; running it once now", schedule.id)
            scheduler.add_job(self.fire, args=[schedule.id], id=f"catch-up-{schedule.id}", replace_existing=True)

    def missed(self) -> list[Schedule]:
        """Schedules with a slot between their last run (or when first seen) and now; each listed once."""
        now = self.clock()
        missed = []
        for schedule in self.schedules:
            state = self.state(schedule.id)
            if state is None:
                self._save(schedule.id, since=now.isoformat())
                continue
            reference = datetime.fromisoformat(state["last_run_at"] or state["since"])
            slot = schedule.trigger().get_next_fire_time(None, reference + timedelta(microseconds=1))
            if slot is not None and slot <= now:
                missed.append(schedule)
        return missed

    def fire(self, schedule_id: str) -> int | None:
        """Run a schedule now: a pull, or a job over its targets. Returns the job id, if one was queued."""
        schedule = self.by_id[schedule_id]
        self._save(schedule.id, last_run_at=self.clock().isoformat(), last_outcome="running")
        job_id: int | None = None
        try:
            if schedule.is_report:
                job_id, outcome = None, self._report(schedule)
            else:
                job_id, outcome = self._pull() if schedule.is_pull else self._submit(schedule)
        except BotError as exc:
            outcome = f"failed: {exc.user_message}"
            log.warning("schedule %s failed: %s", schedule.id, exc.user_message)
        except Exception:
            token = uuid.uuid4().hex[:8]
            log.exception("schedule %s failed unexpectedly (ref %s)", schedule.id, token)
            outcome = f"failed: unexpected error (ref {token}); see the bot's log"
        self._save(schedule.id, last_outcome=outcome, last_job_id=job_id)
        return job_id

    def _pull(self) -> tuple[None, str]:
        from bot.services.pull import pull

        assert self.queue is not None
        report = pull(self.queue.rt)
        if report.changes:
            self.queue.notifier.mirror_changes(report.changes)
        unread = f"; {report.unread} invoice(s) still to read in full" if report.unread else ""
        return None, (f"pulled {report.invoices} invoices, {report.payments} payments, "
                      f"{report.debtcollections} cases; {len(report.changes)} change(s){unread}")

    def _report(self, schedule: Schedule) -> str:
        """The report run as the schedule (the mirror pulled first, as always) and its files posted."""
        from bot.files import files_of
        from bot.runner import run_view

        assert self.queue is not None
        command = registry.find(*schedule.command.split())
        assert command is not None
        actor = Actor(id=f"schedule:{schedule.id}", role=Role.ADMIN, source="schedule", name=f"schedule {schedule.id}")
        result = run_view(self.queue.rt, command, REPORT, None, actor, schedule.option_values())
        files = files_of(result)
        self.queue.notifier.report_ready(schedule.channel, files, result.files_comment)
        return f"posted {len(files)} file(s) to {schedule.channel}"

    def _submit(self, schedule: Schedule) -> tuple[int | None, str]:
        assert self.queue is not None
        previous = (self.state(schedule.id) or {}).get("last_job_id")
        if previous and not self.queue.get(previous).finished:
            return previous, f"skipped: job {previous} from the last run is still going"
        command = registry.find(*schedule.command.split())
        try:
            selection = job_selection(self.queue.rt, command, parse_targets(schedule.targets.split()))
        except NotFound as exc:
            return None, f"nothing to do: {exc.user_message}"
        actor = Actor(id=f"schedule:{schedule.id}", role=Role.ADMIN, source="schedule", name=f"schedule {schedule.id}")
        job_id = self.queue.submit(selection, actor, schedule=schedule.id, targets=schedule.targets)
        return job_id, f"job {job_id}"

    # -- state in the store -----------------------------------------------------------------
    def state(self, schedule_id: str) -> dict[str, Any] | None:
        return self.store.get("schedule_state", schedule_id)

    def _save(self, schedule_id: str, **values: Any) -> None:
        store = self.store
        with store.lock:
            if store.get("schedule_state", schedule_id) is None:
                store.db["schedule_state"].insert({"id": schedule_id, "since": self.clock().isoformat(),  # type: ignore[union-attr]
                                                   **values})
            else:
                store.update("schedule_state", schedule_id, values)  # type: ignore[arg-type]

    def listing(self) -> list[dict[str, Any]]:
        """Each schedule with its next and last run, for `billecta-bot schedules` and the App Home."""
        now = self.clock()
        rows = []
        for schedule in self.schedules:
            state = self.state(schedule.id) or {}
            next_run = schedule.next_run(now)
            rows.append({"id": schedule.id, "cron": schedule.cron, "timezone": schedule.timezone,
                         "command": schedule.command, "targets": schedule.targets or schedule.options,
                         "next_run": next_run.isoformat() if next_run else None,
                         "last_run": state.get("last_run_at"), "last_outcome": state.get("last_outcome"),
                         "last_job_id": state.get("last_job_id"),
                         "last_job_status": self._job_status(state.get("last_job_id"))})
        return rows

    def _job_status(self, job_id: int | None) -> str | None:
        """How the last run's job stands now ('succeeded', 'partly failed'…); the outcome says only which job."""
        row = self.store.get("job", job_id) if job_id else None
        return JobStatus(row["status"]).label if row else None
