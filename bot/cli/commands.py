"""The CLI subcommands. Each takes the parsed arguments and settings and returns an exit status."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from blocks.views import ViewContext, view_module
from bot import commands as registry
from bot.billecta import probe
from bot.billecta.endpoints import Confidence, Endpoint
from bot.cli.jobs import run_job_command
from bot.cli.views import confirm as _confirm
from bot.cli.views import print_view, stamp, tabulate
from bot.commands import Command, Kind
from bot.config import Settings
from bot.demo import link_demo
from bot.errors import InvoiceStateError, UsageError
from bot.files import OutcomeFile, audit_delivery, files_of, save_files
from bot.forms import form_help
from bot.grammar import Invocation, one_target, parse_words
from bot.roles import Actor, shell_actor
from bot.runner import (
    check_allowed,
    display_name,
    precheck_action,
    prepare_dialog,
    run_action,
    run_dialog,
    run_view,
    typed_answer,
)
from bot.runtime import Runtime, build_runtime
from bot.services import Outcome
from bot.services.labels import label as record_label
from bot.services.labels import major_money
from bot.services.labels import titled as record_line
from bot.specs import DialogSpec, ViewSpec
from bot.store import Store
from bot.targets import parse_targets


def list_commands(args: argparse.Namespace, settings: Settings) -> int:
    rows = [{"number": c.number, "command": c.name, "slug": c.slug, "kind": c.kind.value,
             "role": c.role.label, "dangerous": c.dangerous, "available": c.available,
             "title": c.title} for c in registry.COMMANDS]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(tabulate(("#", "COMMAND", "KIND", "ROLE", "AVAILABLE", "TITLE"),
                   [(c.number, c.name.replace("*", "<type>"), c.kind.value, c.role.label,
                     "yes" if c.available else "not yet", c.title + (" (dangerous)" if c.dangerous else ""))
                    for c in registry.COMMANDS]))
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


def parse_run_words(words: list[str]) -> Invocation:
    """'invoice pause 1001', 'pause-invoice 1001' or the full seed id, then targets and options
    (`field=value`): the grammar `/billecta` reads too (bot.grammar)."""
    return parse_words(words, shell_actor().role)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.show_help:
        print(command_help(args.words) if args.words else RUN_HELP)
        return 0
    if not args.words:
        raise UsageError("Say the record type and the command, e.g. `billecta-bot run invoice pause 1001` "
                         "(`run invoice payment --help` lists a command's fields).")
    invocation = parse_run_words(args.words)
    command, record_type, target_words, values = (invocation.command, invocation.record_type,
                                                  list(invocation.targets), invocation.options)
    if getattr(args, "save", False):
        values["save"] = "true"
    if args.select_all:
        target_words.append("--all")
    if args.changed:
        target_words.append("--changed")
    runtime = build_runtime(settings)
    try:
        link_demo(runtime)
        return _run(runtime, command, record_type, target_words, values, args)
    finally:
        runtime.close()


def _run(rt: Runtime, command: Command, record_type: str, target_words: list[str], values: dict[str, str],
         args: argparse.Namespace) -> int:
    actor = shell_actor()
    check_allowed(command, actor, record_type)  # before any confirmation: "not available" is the answer
    if command.is_job:
        return run_job_command(rt, command, parse_targets(target_words), args)
    key = one_target(command, record_type, target_words)
    if command.kind is Kind.VIEW:
        result = run_view(rt, command, record_type, key, actor, dict(values))
        print_view(result, args.json, values)
        files = view_exports(command, record_type, key, result, values) if args.out else files_of(result)
        _print_written(deliver_files(rt, command, record_type, actor, files, args.out, [key] if key else []),
                       args.json)
        return 0
    assert key is not None
    if command.kind is Kind.DIALOG:
        dialog = prepare_dialog(rt, command, key, values, actor)
        given = _given(dialog.form, values, dialog.prepared.get("currency"))
        left = f"; {dialog.prepared['remaining']} remains" if dialog.prepared.get("remaining") else ""
        _confirm(command, 1, f"{record_label(command.record_type, dialog.record)} ({given}{left})", args.yes)
        outcome = run_dialog(rt, dialog, actor)
        if outcome.details.get("swish_request_id") and not outcome.details.get("repeated"):
            _print_outcome(outcome, args.json, [])
            return _follow_swish(rt, int(outcome.details["swish_request_id"]), args)
    else:
        record = _precheck(rt, command, key, actor)
        answer = typed_answer(command, record) if command.typed_confirmation else None
        _confirm(command, 1, record_line(command.record_type, record), args.yes, answer)
        outcome = run_action(rt, command, key, actor)
    written = deliver_files(rt, command, record_type, actor, outcome.files, args.out, outcome.record_ids)
    _print_outcome(outcome, args.json, written)
    return 0


def _follow_swish(rt: Runtime, request_id: int, args: argparse.Namespace) -> int:
    """A Swish request is followed here until the payer answers (or the timeout), unless --detach."""
    from bot.jobs.swish import SwishWatch
    from bot.notify import CliNotifier, NullNotifier

    if getattr(args, "detach", False):
        if not args.json:
            print(f"Not following it here (--detach): the Slack app (`billecta-bot serve`) follows it and posts how "
                  f"it ends to NOTIFY_CHANNEL; a `billecta-bot worker` follows it too. `billecta-bot swish follow "
                  f"{request_id}` follows it here, `billecta-bot swish cancel {request_id}` withdraws it.")
        return 0
    watch = SwishWatch(rt, NullNotifier() if args.json else CliNotifier())
    try:
        request = watch.follow(request_id)
    except KeyboardInterrupt:
        print(f"\ninterrupted: the Slack app or a `billecta-bot worker` goes on following the request "
              f"(`billecta-bot swish follow {request_id}` here).", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps({"swish_request": request_id, "status": request.status, "message": request.summary}))
    return 0 if request.status == "Paid" else 1


def _given(form: BaseModel, values: dict[str, str], currency: str | None) -> str:
    """The fields the user gave, as the confirmation restates them: money in the one money format
    ('1 250,00 kr', as the remaining amount beside it), not the form's '1250.00'. A form whose fields
    default to what the modal prefills (a reminder's fee) restates them all itself (`confirmation`)."""
    restate = getattr(form, "confirmation", None)
    if callable(restate):
        return str(restate(currency))
    typed = form.model_dump(mode="json")
    shown = []
    for name in values:
        value = getattr(form, name, None)
        if value is None:
            continue
        shown.append(f"{name} {major_money(value, currency) if isinstance(value, Decimal) else typed[name]}")
    return ", ".join(shown)


RUN_HELP = """usage: billecta-bot run <type> <verb> <targets> [field=value …] [--yes] [--json] [--all|--changed]
       [--detach] [--out PATH]
       --out: where a command's file goes (invoice pdf: ./invoice-<number>.pdf); a directory for several
              (a view writes its exports there: run invoice events 1001 --out DIR)
       billecta-bot run <type> <verb> --help   (what the command does and its form fields)
`billecta-bot commands` lists the commands."""


def command_help(words: list[str]) -> str:
    """`run <type> <verb> --help`: what the command does, how to call it and, for a dialog, its form
    fields (from the form model itself)."""
    invocation = parse_run_words(words)
    command, record_type = invocation.command, invocation.record_type
    name = display_name(command, record_type)
    lines = [f"{name}: {command.title}. {command.confirm.format(count='N', label=f'the {record_type}')}",
             f"usage: billecta-bot run {name} {command.targets_hint}".rstrip()
             + (" field=value …" if isinstance(command.spec, DialogSpec) else "")
             + (" [--yes]" if command.kind is not Kind.VIEW else "")]
    if not command.available:
        lines.append("Not available yet in billecta-bot.")
    if isinstance(command.spec, DialogSpec):
        lines += ["fields:", form_help(command.spec.form)]
    if isinstance(command.spec, ViewSpec) and command.spec.help:
        lines.append(command.spec.help())
    return "\n".join(lines)


def _precheck(rt: Runtime, command: Command, key: str, actor: Actor) -> dict[str, Any]:
    """Refused before anyone confirms, naming the command that applies ('run invoice resume 1003')."""
    try:
        return precheck_action(rt, command, key, actor)
    except InvoiceStateError as exc:
        if exc.instead:
            exc.user_message += f" To {exc.instead} it: billecta-bot run invoice {exc.instead} {exc.key or key}"
        raise


def _print_outcome(outcome: Outcome, as_json: bool, written: list[Path]) -> None:
    if as_json:
        print(json.dumps({"ok": outcome.ok, "message": outcome.message, "record_type": outcome.record_type,
                          "records": outcome.record_ids, "details": outcome.details,
                          "written": [str(path) for path in written]}, indent=2))
        return
    print(outcome.message)
    _print_written(written, as_json)


def _print_written(written: list[Path], as_json: bool) -> None:
    """The paths of the files written, one a line, last: what a script takes (`$(… | tail -1)`). Beside
    a view's JSON they go to stderr, so stdout stays one JSON document."""
    for path in written:
        print(path, file=sys.stderr if as_json else sys.stdout)


def view_exports(command: Command, record_type: str, key: str | None, result: object,
                 options: dict[str, str]) -> list[OutcomeFile]:
    """A view's files for --out: those its result carries, else the files its exports make (the event
    log's CSV and JSON, a report's) with the options given, as Slack's export buttons would send them;
    empty ones are left out."""
    if files_of(result):
        return files_of(result)
    ctx = ViewContext(command, f"{record_type} {key}" if key else None, result, dict(options))
    made = [view_module(command).export(ctx, fmt) for fmt in command.view.exports]
    return [exported.as_file() for exported in made if exported.rows]


def deliver_files(rt: Runtime, command: Command, record_type: str, actor: Actor, files: list[OutcomeFile],
                  out: str | None, record_ids: list[str]) -> list[Path]:
    """Write a command's files to `--out` (bot.files.save_files) and audit each one."""
    name = display_name(command, record_type)
    if not files:
        if out:
            print(f"--out {out}: `{name}` made no file, so nothing was written.", file=sys.stderr)
        return []
    written = save_files(files, out)
    for file, path in zip(files, written, strict=True):
        audit_delivery(rt.store, file, str(path.resolve()), actor=actor.id, source=actor.source,
                       command=name, record_type=record_type, record_ids=record_ids)
    return written


def sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from bot.sandbox import Sandbox
    from bot.sandbox.server import make_server

    _check_sandbox_options(args)
    db = args.db or settings.sandbox_db
    box = Sandbox(db, token=args.token, seed=args.seed, latency_ms=args.latency_ms,
                  fail_rate=args.fail_rate, rate_limit=args.rate_limit, lose_reply_rate=args.lose_reply_rate,
                  lose_reply_mode=args.lose_reply_mode)
    if args.swish_payer is not None or args.swish_after_polls != 2:
        answer = args.swish_payer or "paid"
        box.set_swish_payer(None if answer == "never" else answer.capitalize(), args.swish_after_polls)
    try:
        try:
            server = make_server(box, host=args.host, port=args.port)
        except OSError as exc:
            raise UsageError(f"Cannot serve the sandbox on {args.host}:{args.port}: {exc.strerror or exc}.") from None
        print(f"Billecta sandbox on {server.url} (state in {db}, creditor {box.creditor_id}).\n"
              f"Point the bot at it: BILLECTA_BASE_URL={server.url} BILLECTA_SECURE_TOKEN={args.token}\n"
              "(POST /v1/authentication/apiauthenticate with Basic sandbox:sandbox also returns the token.)",
              flush=True)
        if args.lose_reply_rate:
            print(f"Losing the reply of {args.lose_reply_rate:.0%} of writes after applying them "
                  f"({'answered 503' if args.lose_reply_mode == '503' else 'connection dropped'}).", flush=True)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
    finally:
        box.close()
    return 0


def _check_sandbox_options(args: argparse.Namespace) -> None:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number (0-65535; 0 picks a free one).")
    if args.latency_ms < 0:
        raise UsageError("--latency-ms cannot be negative.")
    if not 0.0 <= args.fail_rate <= 1.0:
        raise UsageError(f"--fail-rate {args.fail_rate} must be a fraction between 0 and 1 (0.05 = 5 %).")
    if not 0.0 <= args.lose_reply_rate <= 1.0:
        raise UsageError(f"--lose-reply-rate {args.lose_reply_rate} must be a fraction between 0 and 1 (0.3 = 30 %).")
    if args.swish_after_polls < 1:
        raise UsageError("--swish-after-polls must be at least 1.")
    if args.rate_limit is not None and args.rate_limit < 1:
        raise UsageError("--rate-limit must be at least 1 request per second (leave it out for no limit).")


def audit(args: argparse.Namespace, settings: Settings) -> int:
    store = Store(settings.billecta_bot_db)
    try:
        rows = store.rows("audit", order_by="id desc", limit=args.limit)
    finally:
        store.close()
    for row in rows:  # stored as JSON text; a script reads a list, not a string holding one
        row["record_ids"] = json.loads(row["record_ids"] or "[]")
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if rows:
        print(tabulate(("WHEN", "WHO", "WHERE", "COMMAND", "OUTCOME", "RECORDS", "DETAIL"),
                       [(stamp(row["at"]), row["actor"],
                         f"{row['source']}:{row['channel']}" if row["channel"] else row["source"], row["command"],
                         row["outcome"], _records(row["record_ids"]), row["detail"] or "")
                        for row in rows]))
    if not rows:
        print("The audit log is empty.")
    return 0


def _records(ids: list[Any]) -> str:
    """The first five ids, and how many more: '1, 2, 5, 6, 7 +4' (a cut list must not look whole)."""
    shown = ", ".join(str(i) for i in ids[:5])
    return shown + (f" +{len(ids) - 5}" if len(ids) > 5 else "")


# shared/billecta-api.md's grading of each path, in words for `billecta-bot endpoints`
CONFIDENCE_MEANING = {
    Confidence.CONFIRMED: "path and method confirmed from Billecta's documentation",
    Confidence.PARTLY: "the operation exists but the path is our best reading",
    Confidence.UNCONFIRMED: "unconfirmed, check it against Billecta before relying on it",
}


def endpoints(args: argparse.Namespace, settings: Settings) -> int:
    table = settings.endpoints
    shown = [endpoint for endpoint in table.values()
             if not (args.unconfirmed and endpoint.confidence is Confidence.CONFIRMED)]
    if args.check:
        return _check_endpoints(settings, shown, table.get("creditors_list"))
    print(tabulate(("SURE", "METHOD", "PATH", "NAME"),
                   [(_sure(e), e.method, e.path, e.name) for e in shown]))
    print("\nSURE: " + "; ".join(f"{c.value} = {CONFIDENCE_MEANING[c]}" for c in Confidence)
          + f"; * = set in BILLECTA_ENDPOINTS ({settings.billecta_endpoints}).")
    return 0


def _sure(endpoint: Endpoint) -> str:
    return endpoint.confidence.value + ("*" if endpoint.overridden else "")


def _check_endpoints(settings: Settings, shown: list[Endpoint], token_check: Endpoint | None) -> int:
    """Probe each path at the configured Billecta; 1 when any did not answer as a routed path does."""
    runtime = build_runtime(settings)
    try:
        print(f"Checking {len(shown)} paths against {runtime.target_label} with requests that change nothing "
              f"(GETs, and writes on an id no record has).\n")
        probes = probe.check(shown, runtime.billecta.exchange_once, token_check=token_check,
                             workers=settings.billecta_concurrency)
    finally:
        runtime.close()
    print(tabulate(("RESULT", "SURE", "METHOD", "PATH", "NAME", "ANSWER"),
                   [(p.verdict.value, _sure(p.endpoint), p.endpoint.method, p.endpoint.path, p.endpoint.name,
                     p.answer) for p in probes]))
    bad = [p for p in probes if p.verdict is not probe.Verdict.ROUTED]
    print(f"\n{len(probes) - len(bad)} of {len(probes)} paths answered as expected.")
    for p in bad:
        print(_what_to_do(p, settings))
    return 1 if bad else 0


def _what_to_do(p: probe.Probe, settings: Settings) -> str:
    e = p.endpoint
    head = f"{p.verdict.value}: {e.name} ({e.method} {e.path}): {p.answer}."
    if p.verdict is probe.Verdict.UNSURE:
        return head
    if e.overridden:
        return f"{head} Its path comes from {settings.billecta_endpoints}: correct or remove its line."
    return (f"{head} Once the right path is known, set it without a release in a TOML file named by "
            f'BILLECTA_ENDPOINTS, one line: {e.name} = "{e.method} /v1/…"')
