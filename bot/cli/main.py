"""`billecta-bot`'s parser and dispatch: the subcommands, logging, and errors as the shell shows them."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from bot import timefmt
from bot.commands import RECORD_TYPES
from bot.config import Settings, load_settings
from bot.errors import BotError
from bot.services.listing import LISTED_TYPES

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="billecta-bot", description="Billecta from Slack and the shell.")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show the bot's debug log (Billecta calls, jobs) on stderr")
    sub = parser.add_subparsers(dest="cli_command", required=True, metavar="COMMAND")

    p = sub.add_parser("commands", help="list the 32 commands and which are available")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("import", help="import records from a CSV or JSON file (all or nothing)")
    p.add_argument("record_type", choices=["article", "debtor", "creditor", "order", "orderrow"])
    p.add_argument("file")

    # Its own -h: `run invoice payment --help` describes that command and its form fields.
    p = sub.add_parser("run", help="run a command: run <type> <verb> <targets> (or run <slug> <targets>)",
                       add_help=False)
    p.add_argument("-h", "--help", dest="show_help", action="store_true",
                   help="show this help, or a command's form fields: run invoice payment --help")
    p.add_argument("words", nargs="*", metavar="WORD", help="e.g. 'invoice pause 1001' or 'debtor upsert 1-9'")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    p.add_argument("--all", dest="select_all", action="store_true", help="all records of the type")
    p.add_argument("--changed", action="store_true", help="records changed since their last sync")
    p.add_argument("--detach", action="store_true",
                   help="bulk commands: queue the job and return at once; `invoice swish`: do not wait for the payer")
    p.add_argument("--save", action="store_true",
                   help="report create: save the report under its name= (run it again with name= alone)")
    p.add_argument("--out", metavar="PATH", default=None,
                   help="where a command's file goes (invoice pdf: default ./invoice-<number>.pdf); "
                        "a directory when it makes several")

    p = sub.add_parser("list", help="what the store knows of a record type: id, record, Billecta id, status")
    p.add_argument("record_type", metavar="TYPE", help=f"one of {', '.join(LISTED_TYPES)}")
    p.add_argument("text", nargs="*", help="only records whose id, number, name or reference contain this")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=50, help="at most this many, newest first (0: all)")

    p = sub.add_parser("sandbox", help="serve the Billecta sandbox (emulator) over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--db", default=None, help="state file (default: BILLECTA_SANDBOX_DB or beside the bot db)")
    p.add_argument("--seed", choices=["demo", "empty"], default="demo")
    p.add_argument("--token", default="sandbox", help="the SecureToken clients must send")
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--fail-rate", type=float, default=0.0)
    p.add_argument("--rate-limit", type=int, default=None, help="requests per second before 429")
    p.add_argument("--lose-reply-rate", type=float, default=0.0, metavar="F",
                   help="fraction of writes applied and then their reply lost (0.3 = 30 %%)")
    p.add_argument("--lose-reply-mode", choices=["503", "drop"], default="503",
                   help="how a lost reply looks: answered 503, or the connection dropped (default 503)")
    p.add_argument("--swish-payer", choices=["paid", "declined", "error", "cancelled", "never"], default=None,
                   help="how the simulated payer answers Swish requests (default: paid)")
    p.add_argument("--swish-after-polls", type=int, default=2, metavar="N",
                   help="the payer answers on the N-th status read of a request (default 2)")

    p = sub.add_parser("audit", help="show the audit log, newest first")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("endpoints", help="list the Billecta endpoints used, with path confidence")
    p.add_argument("--unconfirmed", action="store_true", help="only paths not confirmed from a source")
    p.add_argument("--check", action="store_true",
                   help="ask the configured Billecta whether it routes each path (requests that change nothing); "
                        "exit 1 when any path is wrong")

    from bot.cli import jobs, slack, swish

    jobs.add_parsers(sub)
    slack.add_parsers(sub)
    swish.add_parsers(sub)
    return parser


def _handlers() -> dict[str, Handler]:
    from bot.cli import commands, jobs, slack, swish, views

    return {
        **jobs.handlers(),
        **slack.handlers(),
        **swish.handlers(),
        "commands": commands.list_commands,
        "list": views.list_records,
        "import": commands.import_file,
        "run": commands.run,
        "sandbox": commands.sandbox,
        "audit": commands.audit,
        "endpoints": commands.endpoints,
    }


# The bot's own loggers; -v turns them to DEBUG while libraries stay at WARNING.
BOT_LOGGERS = ("bot", "handlers", "blocks")
# Libraries that log every request or connection at DEBUG/INFO: noise next to the bot's own lines.
NOISY_LOGGERS = ("httpx", "httpcore", "urllib3", "slack_bolt", "slack_sdk", "apscheduler", "waitress")


class _ZonedFormatter(logging.Formatter):
    """Log lines stamped like every other time the bot shows: the configured zone with its offset
    ('2026-12-02 00:41:57.990 +01:00'), not the host's clock without one."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        when = timefmt.local(datetime.fromtimestamp(record.created, UTC))
        return f"{when:%Y-%m-%d %H:%M:%S}.{int(record.msecs):03d} {timefmt.offset(when)}"


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_ZonedFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in BOT_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.NOTSET)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


_HELP = re.compile(r"`/billecta help[^`]*`")
_SLASH = re.compile(r"`/billecta(?: (?=[a-z])|(?=`))")
_NEUTRAL = re.compile(rf"`(?=(?:{'|'.join(RECORD_TYPES)}) [a-z])")


def cli_syntax(text: str) -> str:
    """A message from code shared with Slack, with its commands as the shell types them: services name
    them as Slack users type them (`/billecta invoice pause 1001`) or bare (`debtor upsert 5`)."""
    text = _HELP.sub("`billecta-bot commands`", text)
    text = _SLASH.sub(lambda match: "`billecta-bot run " if match.group().endswith(" ") else "`billecta-bot", text)
    return _NEUTRAL.sub("`billecta-bot run ", text)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        settings = load_settings()
        timefmt.configure(settings.display_timezone)
        status = _handlers()[args.cli_command](args, settings)
        sys.stdout.flush()  # inside the try: a reader that has gone away is seen here, not at exit
        return status
    except BrokenPipeError:
        # `billecta-bot audit | head`: the reader closed the pipe; stop quietly, like other tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, the status a shell reports for a tool stopped by a closed pipe
    except BotError as exc:
        message = cli_syntax(exc.user_message)
        if getattr(args, "json", False):
            print(json.dumps({"ok": False, "error": message, "kind": type(exc).__name__}))
        else:
            print(f"error: {message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
