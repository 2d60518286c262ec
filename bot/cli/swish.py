"""`billecta-bot swish`: the Swish requests the bot sent (newest first), and following or cancelling one
from a shell, as the Slack message's button does. Each handler returns an exit status."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from bot.cli.views import stamp, tabulate
from bot.config import Settings
from bot.demo import link_demo
from bot.errors import UsageError
from bot.jobs.swish import SwishRequest, SwishWatch, status_words
from bot.notify import CliNotifier, NullNotifier
from bot.roles import shell_actor
from bot.runtime import build_runtime


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("swish", help="Swish requests sent: list; swish follow|cancel ID")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=20)
    actions = p.add_subparsers(dest="swish_command", metavar="ACTION")
    for name, text in (("follow", "read a request's status until the payer answers"),
                       ("cancel", "withdraw a request the payer has not answered")):
        q = actions.add_parser(name, help=text)
        q.add_argument("request_id", type=int)
        q.add_argument("--json", action="store_true")
        if name == "cancel":
            q.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def handlers() -> dict[str, Callable[[argparse.Namespace, Settings], int]]:
    return {"swish": swish}


def swish(args: argparse.Namespace, settings: Settings) -> int:
    rt = build_runtime(settings)
    try:
        link_demo(rt)  # a first command on the embedded sandbox: its demo, as `run` sees it
        watch = SwishWatch(rt, NullNotifier() if args.json else CliNotifier())
        if args.swish_command == "follow":
            return _show(watch.follow(args.request_id), args.json, paid_only=True)
        if args.swish_command == "cancel":
            request = watch.get(args.request_id)
            if not args.yes:
                if not sys.stdin.isatty():
                    raise UsageError(f"Cancelling: {request.summary} Add --yes to confirm when not running "
                                     "interactively.")
                if input(f"Cancel: {request.summary} [y/N] ").strip().lower() not in ("y", "yes"):
                    raise UsageError("Not cancelled; nothing was changed.")
            return _show(watch.cancel(args.request_id, shell_actor()), args.json)
        return _list(watch.recent(args.limit), args.json)
    finally:
        rt.close()


def _show(request: SwishRequest, as_json: bool, *, paid_only: bool = False) -> int:
    if as_json:
        print(json.dumps(asdict(request), indent=2))
    return 0 if not paid_only or request.status == "Paid" else 1


def _list(requests: list[SwishRequest], as_json: bool) -> int:
    if as_json:
        print(json.dumps([asdict(r) for r in requests], indent=2))
        return 0
    if not requests:
        print("No Swish requests yet (`billecta-bot run invoice swish <id> phone=…` sends one).")
        return 0
    print(tabulate(("ID", "SENT", "INVOICE", "AMOUNT", "PHONE", "STATUS"),
                   [(r.id, stamp(r.created_at), r.record_label, r.amount, r.phone, status_words(r))
                    for r in requests]))
    return 0
