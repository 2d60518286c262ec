"""The CLI for jobs and the background: bulk `run` through the job queue, `jobs`, `worker`, `pull`,
`schedules`. Each handler takes the parsed arguments and settings and returns an exit status.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from bot import records
from bot.cli.views import confirm, stamp, tabulate
from bot.commands import Command
from bot.config import Settings
from bot.demo import link_demo
from bot.errors import NotFound, UsageError
from bot.jobs import Job, JobQueue
from bot.jobs.schedules import Schedules, load_schedules
from bot.jobs.selection import job_selection
from bot.jobs.table import JobTable
from bot.notify import MAX_LISTED_FAILURES, CliNotifier, Notifier, NullNotifier, describe_change, format_job
from bot.roles import shell_actor
from bot.runtime import Runtime, build_runtime
from bot.store import Store
from bot.targets import TargetSpec


def add_parsers(sub: Any) -> None:
    """The subcommands of this module, added to `billecta-bot`'s parser."""
    p = sub.add_parser("jobs", help="list jobs; jobs show|cancel|retry ID")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=20)
    actions = p.add_subparsers(dest="jobs_command", metavar="ACTION")
    for name, text in (("show", "a job and its items"), ("cancel", "cancel a queued or running job"),
                       ("retry", "run a finished job's failed items again, as a new job")):
        q = actions.add_parser(name, help=text)
        q.add_argument("job_id", type=int)
        q.add_argument("--json", action="store_true")
        if name == "show":
            q.add_argument("--status", choices=["queued", "running", "succeeded", "failed", "refused", "skipped"])
        if name == "retry":
            q.add_argument("--detach", action="store_true", help="queue it and return at once")
            q.add_argument("--yes", action="store_true", help="do not ask for confirmation (dangerous commands)")

    p = sub.add_parser("worker", help="run queued and scheduled jobs (no Slack) until Ctrl-C")
    p.add_argument("--once", action="store_true", help="run what is queued or unfinished, then exit")

    p = sub.add_parser("pull", help="link Billecta's debtors, products, creditor and order drafts to the store, "
                                    "then refresh its mirror (invoices, payments, cases)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("schedules", help="list the schedules with their next and last runs")
    p.add_argument("--json", action="store_true")


def handlers() -> dict[str, Callable[[argparse.Namespace, Settings], int]]:
    return {"jobs": jobs, "worker": worker, "pull": pull, "schedules": schedules}


# -- run ------------------------------------------------------------------------------------
def run_job_command(rt: Runtime, command: Command, spec: TargetSpec, args: argparse.Namespace) -> int:
    """`billecta-bot run <type> <verb> <targets>` for a job command: submit, then wait or detach."""
    try:
        selection = job_selection(rt, command, spec)
    except NotFound:
        if not _nothing_changed(rt, command, spec):
            raise
        return _nothing_to_sync(command, args.json)
    total = f" — total {selection.total_text}" if selection.total_text else ""
    confirm(command, selection.count, ", ".join(selection.labels[:5]) + total, args.yes)
    queue = JobQueue(rt, _notifier(args))
    if getattr(args, "detach", False):
        job_id = queue.submit(selection, shell_actor(), targets=spec.describe() or None)
        return _detached(job_id, selection.count, args.json)
    job_id = queue.submit(selection, shell_actor(), targets=spec.describe() or None, hold=True)
    return _foreground(queue, job_id, args.json)


def _nothing_changed(rt: Runtime, command: Command, spec: TargetSpec) -> bool:
    """`--changed` alone, and no record of the type has changed since its last sync."""
    return (spec.changed and not spec.keys and not spec.all and records.get(command.record_type).pushed
            and not rt.store.ids(command.record_type, changed_only=True))


def _nothing_to_sync(command: Command, as_json: bool) -> int:
    """Not an error: a script or schedule running `--changed` after a quiet day has succeeded."""
    message = f"Nothing to sync: no {command.record_type} changed since its last sync."
    if as_json:
        print(json.dumps({"ok": True, "message": message, "total": 0}))
    else:
        print(message)
    return 0


def _notifier(args: argparse.Namespace) -> Notifier:
    return NullNotifier() if args.json else CliNotifier(progress=sys.stderr.isatty())


def _foreground(queue: JobQueue, job_id: int, as_json: bool) -> int:
    try:
        job = queue.run_job(job_id)
    except KeyboardInterrupt:
        print(f"\ninterrupted: job {job_id} is unfinished; `billecta-bot worker` resumes it.", file=sys.stderr)
        return 130
    if as_json:
        print(json.dumps(_job_json(queue.table, job), indent=2))
    return 0 if job.ok else 1


def _detached(job_id: int, count: int, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"ok": True, "job_id": job_id, "status": "queued", "total": count}))
    else:
        print(f"job {job_id} queued ({count} record(s)); a running `billecta-bot worker` (or the Slack app) "
              f"runs it. Follow it with `billecta-bot jobs show {job_id}`.")
    return 0


def _job_json(table: JobTable, job: Job) -> dict[str, Any]:
    failures = table.problems(job.id, MAX_LISTED_FAILURES)
    return {"ok": job.ok, **job.as_dict(), "failures": [item.as_dict() for item in failures]}


# -- jobs -----------------------------------------------------------------------------------
def jobs(args: argparse.Namespace, settings: Settings) -> int:
    action = args.jobs_command
    if action in ("cancel", "retry"):
        rt = build_runtime(settings)
        try:
            link_demo(rt)
            return _cancel(rt, args) if action == "cancel" else _retry(rt, args)
        finally:
            rt.close()
    store = Store(settings.billecta_bot_db)
    try:
        table = JobTable(store)
        return _show(table, args) if action == "show" else _list(table, args)
    finally:
        store.close()


def _list(table: JobTable, args: argparse.Namespace) -> int:
    listed = table.jobs(args.limit)
    if args.json:
        print(json.dumps([job.as_dict() for job in listed], indent=2))
        return 0
    if listed:
        print(tabulate(("JOB", "STATUS", "COMMAND", "DONE", "FAILED", "CREATED", "BY"),
                       [(job.id, job.status.label, job.command, f"{job.done}/{job.total}", job.failed,
                         stamp(job.created_at), _requester(job)) for job in listed]))
    if not listed:
        print("No jobs yet.")
    return 0


def _requester(job: Job) -> str:
    return f"schedule {job.schedule}" if job.source == "schedule" else f"{job.source}:{job.requested_by}"


def _show(table: JobTable, args: argparse.Namespace) -> int:
    row = table.row(args.job_id)
    if row is None:
        raise UsageError(f"There is no job {args.job_id}.")
    job = Job.from_row(row)
    items = table.items(job.id, args.status)
    if args.json:
        print(json.dumps({**job.as_dict(), "items": [item.as_dict() for item in items]}, indent=2))
        return 0
    print(format_job(job, []))
    parent = f", retry of job {job.parent_job_id}" if job.parent_job_id else ""
    print(f"  requested by {job.requested_by} ({job.source}{parent}) at {stamp(job.created_at)}")
    if items:
        rows = [(item.seq, item.status.value, item.label, item.billecta_id or "", item.error or item.message or "")
                for item in items]
        print("\n".join(f"  {line}" for line in tabulate(("#", "STATUS", "RECORD", "BILLECTA ID", "DETAIL"),
                                                         rows).splitlines()))
    return 0


def _cancel(rt: Runtime, args: argparse.Namespace) -> int:
    job = JobQueue(rt).cancel(args.job_id, shell_actor())
    if args.json:
        print(json.dumps(job.as_dict(), indent=2))
    elif job.finished:
        print(f"{job.summary}.")
    else:
        print(f"job {job.id}: cancel requested; items already running finish, the rest are skipped.")
    return 0


def _retry(rt: Runtime, args: argparse.Namespace) -> int:
    queue = JobQueue(rt, _notifier(args))
    _confirm_retry(queue, args)
    if args.detach:
        job_id = queue.retry(args.job_id, shell_actor())
        return _detached(job_id, queue.get(job_id).total, args.json)
    job_id = queue.retry(args.job_id, shell_actor(), hold=True)
    return _foreground(queue, job_id, args.json)


def _confirm_retry(queue: JobQueue, args: argparse.Namespace) -> None:
    """A dangerous job's retry deletes, credits or erases again: the same question as the first run."""
    job = queue.get(args.job_id)
    command = queue.commands(job.record_type, job.verb)
    if not (command.dangerous and job.finished and job.failed):
        return  # a safe command's retry needs no confirmation; queue.retry explains an unfinished job
    labels = [item.label for item in queue.table.items(job.id, "failed", limit=5)]
    confirm(command, job.failed, ", ".join(labels), args.yes)


# -- worker, pull, schedules ------------------------------------------------------------------
def worker(args: argparse.Namespace, settings: Settings) -> int:
    rt = build_runtime(settings)
    queue = JobQueue(rt, CliNotifier(progress=False))
    try:
        link_demo(rt)
        if args.once:
            settled = queue.drain()
            return 0 if all(job.ok for job in settled) else 1
        planned = Schedules(rt.store, load_schedules(settings))
        queue.start(planned)
        print(f"worker running against {rt.target_label}: {len(planned.schedules)} schedule(s). Ctrl-C stops it.",
              flush=True)
        _wait_for_stop()
        return 0
    finally:
        queue.shutdown(wait=True)
        rt.close()


def _wait_for_stop() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    print("stopping: running items finish, unfinished jobs resume at the next start.", file=sys.stderr)


def pull(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.link import link_billecta
    from bot.services.pull import pull as do_pull
    from bot.services.pull import unread_note

    rt = build_runtime(settings)
    try:
        link_demo(rt)
        # Link first: a new store against an existing account gets its debtors, products and orders.
        linked = link_billecta(rt)
        report = do_pull(rt)
    finally:
        rt.close()
    if args.json:
        print(json.dumps({"linked": linked.as_dict(), "invoices": report.invoices, "payments": report.payments,
                          "debtcollections": report.debtcollections, "repaired": report.repaired,
                          "movements": report.movements, "unread": report.unread,
                          "changes": [describe_change(change) for change in report.changes]}, indent=2))
        return 0
    print(linked.describe())
    print(f"Pulled {report.invoices} invoices, {report.payments} unhandled payments and "
          f"{report.debtcollections} debt-collection cases.")
    if report.repaired:
        print(f"Recorded {report.repaired} change(s) made in Billecta that the bot had not recorded.")
    if report.unread:
        print(unread_note(report.unread))
    CliNotifier().mirror_changes(report.changes)
    return 0


def schedules(args: argparse.Namespace, settings: Settings) -> int:
    planned = load_schedules(settings)
    store = Store(settings.billecta_bot_db)
    try:
        rows = Schedules(store, planned).listing()
    finally:
        store.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(tabulate(("SCHEDULE", "CRON", "ZONE", "COMMAND", "NEXT RUN", "LAST RUN"),
                   [(row["id"], row["cron"], row["timezone"], f"{row['command']} {row['targets']}".strip(),
                     stamp(row["next_run"]), _last_run(row)) for row in rows]))
    return 0


def _last_run(row: dict[str, Any]) -> str:
    if not row["last_run"]:
        return "not run yet"
    outcome = f"{row['last_outcome']}: {row['last_job_status']}" if row["last_job_status"] else row["last_outcome"]
    return f"{stamp(row['last_run'])} ({outcome})"
