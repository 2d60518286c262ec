"""The CLI subcommands. Each takes the parsed arguments and settings and returns an exit status."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot import commands as registry
from bot.billecta.endpoints import ENDPOINTS, Confidence
from bot.cli_jobs import run_job_command
from bot.commands import Command, Kind
from bot.config import Settings
from bot.errors import UsageError
from bot.roles import shell_actor
from bot.runner import run_action
from bot.runtime import Runtime, build_runtime
from bot.services import Outcome
from bot.store import Store
from bot.targets import parse_targets


def list_commands(args: argparse.Namespace, settings: Settings) -> int:
    rows = [{"number": c.number, "command": c.name, "slug": c.slug, "kind": c.kind.value,
             "role": c.role.label, "dangerous": c.dangerous, "available": c.available,
             "title": c.title} for c in registry.COMMANDS]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        flag = "yes" if row["available"] else "not yet"
        danger = " (dangerous)" if row["dangerous"] else ""
        print(f"{row['number']:>2}  {row['command']:<28} {row['kind']:<7} {row['role']:<9} "
              f"{flag:<8} {row['title']}{danger}")
    available = sum(1 for row in rows if row["available"])
    print(f"\n{available} of {len(rows)} commands available.")
    return 0


def import_file(args: argparse.Namespace, settings: Settings) -> int:
    from bot.importer import import_file as do_import

    store = Store(settings.billecta_bot_db)
    try:
        report = do_import(store, args.record_type, Path(args.file))
    finally:
        store.close()
    print(report.format())
    return 0 if report.ok else 2


def parse_run_words(words: list[str]) -> tuple[Command, list[str]]:
    """'invoice pause 1001', 'pause-invoice 1001' or the full seed id."""
    by_slug = registry.by_slug(words[0])
    if by_slug is not None:
        return by_slug, words[1:]
    if len(words) < 2:
        raise UsageError("Say the record type and the command, e.g. `run invoice pause 1001`.")
    return registry.find(words[0], words[1]), words[2:]


def run(args: argparse.Namespace, settings: Settings) -> int:
    command, target_words = parse_run_words(args.words)
    if args.select_all:
        target_words.append("--all")
    if args.changed:
        target_words.append("--changed")
    runtime = build_runtime(settings)
    try:
        return _run(runtime, command, target_words, args)
    finally:
        runtime.close()


def _run(rt: Runtime, command: Command, target_words: list[str], args: argparse.Namespace) -> int:
    actor = shell_actor()
    spec = parse_targets(target_words)
    if command.is_job:
        return run_job_command(rt, command, spec, args, _confirm)
    if command.kind is not Kind.ACTION:
        raise UsageError(f"`{command.name}` is a {command.kind.value} command; run it from Slack for now.")
    if len(spec.keys) != 1 or spec.all or spec.changed:
        raise UsageError(f"`{command.name}` acts on one record: `{command.usage}`.")
    _confirm(command, 1, f"{command.record_type} {spec.keys[0]}", args.yes)
    outcome = run_action(rt, command, spec.keys[0], actor)
    _print_outcome(outcome, args.json)
    return 0


def _confirm(command: Command, count: int, label: str, yes: bool) -> None:
    text = command.confirm.format(count=count, label=label)
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(f"{text} Add --yes to confirm when not running interactively.")
    print(text + (f"\nRecords: {label}" if command.kind is Kind.BULK else ""))
    if command.typed_confirmation:
        answer = input(f"Type {count} to confirm: ").strip()
        ok = answer == str(count)
    else:
        ok = input("Proceed? [y/N] ").strip().lower() in ("y", "yes")
    if not ok:
        raise UsageError("Cancelled; nothing was changed.")


def _print_outcome(outcome: Outcome, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"ok": outcome.ok, "message": outcome.message, "record_type": outcome.record_type,
                          "records": outcome.record_ids, "details": outcome.details}, indent=2))
    else:
        print(outcome.message)


def sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from bot.sandbox import Sandbox
    from bot.sandbox.server import serve

    db = args.db or settings.sandbox_db
    box = Sandbox(db, token=args.token, seed=args.seed, latency_ms=args.latency_ms,
                  fail_rate=args.fail_rate, rate_limit=args.rate_limit)
    print(f"Billecta sandbox on http://{args.host}:{args.port} (state in {db}, creditor {box.creditor_id}).\n"
          f"Point the bot at it: BILLECTA_BASE_URL=http://{args.host}:{args.port} "
          f"BILLECTA_SECURE_TOKEN={args.token}", flush=True)
    try:
        serve(box, host=args.host, port=args.port)
    finally:
        box.close()
    return 0


def audit(args: argparse.Namespace, settings: Settings) -> int:
    store = Store(settings.billecta_bot_db)
    try:
        rows = store.rows("audit", order_by="id desc", limit=args.limit)
    finally:
        store.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        ids = ", ".join(json.loads(row["record_ids"] or "[]")[:5])
        print(f"{row['at']}  {row['actor']:<20} {row['source']:<8} {row['command']:<22} {row['outcome']:<7} "
              f"{ids}  {row['detail'] or ''}")
    if not rows:
        print("The audit log is empty.")
    return 0


def endpoints(args: argparse.Namespace, settings: Settings) -> int:
    for endpoint in ENDPOINTS.values():
        if args.unconfirmed and endpoint.confidence is Confidence.CONFIRMED:
            continue
        print(f"{endpoint.confidence.value}  {endpoint.method:<6} {endpoint.path:<60} {endpoint.name}")
    return 0
