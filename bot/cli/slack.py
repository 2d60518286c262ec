"""`billecta-bot serve` (the Slack app, with the job worker and schedules) and `billecta-bot manifest`."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from typing import Any

from bot.config import Settings

EX_CONFIG = 78
SETUP = """\
To create the Slack app: `billecta-bot manifest > manifest.yml` (or use the committed manifest.yml),
then https://api.slack.com/apps → Create New App → From a manifest, paste it, install the app to the
workspace, and set:
  SLACK_BOT_TOKEN       OAuth & Permissions → Bot User OAuth Token (xoxb-…)
  SLACK_SIGNING_SECRET  Basic Information → App Credentials → Signing Secret (HTTP mode)
  SLACK_APP_TOKEN       Basic Information → App-Level Tokens, scope connections:write (xapp-…, Socket Mode)
For HTTP mode, generate the manifest with `billecta-bot manifest --url https://your-host`."""


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the Slack app (Socket Mode with SLACK_APP_TOKEN, else HTTP) and the worker")
    p.add_argument("--http", action="store_true", help="HTTP mode even when SLACK_APP_TOKEN is set")
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=None, help="HTTP port (default: PORT, 3000)")
    p.add_argument("--no-worker", action="store_true", help="do not run jobs and schedules in this process")
    p = sub.add_parser("manifest", help="print the Slack app manifest generated from the registry")
    p.add_argument("--url", default=None, help="public base URL for HTTP mode (default: a Socket Mode app)")


def handlers() -> dict[str, Callable[[argparse.Namespace, Settings], int]]:
    return {"serve": serve, "manifest": manifest}


def manifest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.slack.manifest import render

    sys.stdout.write(render(args.url))
    return 0


def missing_credentials(settings: Settings, http: bool) -> list[str]:
    missing = [] if settings.slack_bot_token else ["SLACK_BOT_TOKEN"]
    if http and not settings.slack_signing_secret:
        missing.append("SLACK_SIGNING_SECRET")
    return missing


def serve(args: argparse.Namespace, settings: Settings) -> int:
    http = bool(args.http or not settings.slack_app_token)
    missing = missing_credentials(settings, http)
    if missing:
        mode = "HTTP mode" if http else "Socket Mode"
        print(f"error: {mode} needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not set.\n"
              f"{SETUP}", file=sys.stderr)
        return EX_CONFIG
    return _serve(args, settings, http)


def _serve(args: argparse.Namespace, settings: Settings, http: bool) -> int:
    from bot.demo import link_demo
    from bot.jobs import JobQueue
    from bot.jobs.schedules import Schedules, load_schedules
    from bot.runner import resolve_dead_claims
    from bot.runtime import build_runtime
    from bot.slack.app import build_notifier, build_web_client, create_bot
    from bot.slack.server import make_http_server, run_socket_mode

    rt = build_runtime(settings)
    link_demo(rt)  # before the first request: the sandbox's demo records in the store, like the CLI's
    for _, outcome in resolve_dead_claims(rt):  # what a killed bot left half done: settled before serving
        print(f"Settled after a restart: {outcome.message if outcome else 'not done; it may be tried again.'}")
    client = build_web_client(settings)
    notifier = build_notifier(settings, rt, client)
    queue = JobQueue(rt, notifier)
    schedules = Schedules(rt.store, load_schedules(settings))
    bot = create_bot(settings, rt, jobs=queue, web_client=client, notifier=notifier, schedules=schedules)
    try:
        bot.deps.roles.start()  # user-group membership, fetched before the first request needs it
        if not args.no_worker:
            queue.start(schedules)
        _announce(settings, rt.target_label, args.no_worker, len(schedules.schedules))
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        if http:
            server = make_http_server(bot, args.host, args.port or settings.port)
            print(f"HTTP mode: POST http://{args.host}:{server.effective_port}/slack/events, GET /healthz", flush=True)
            server.run()
        else:
            print("Socket Mode: connecting to Slack…", flush=True)
            run_socket_mode(bot, settings.slack_app_token or "")
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        bot.deps.shutdown()
        queue.shutdown(wait=True)
        rt.close()


def _announce(settings: Settings, target: str, no_worker: bool, schedules: int) -> None:
    worker = "not run here (--no-worker)" if no_worker else f"running, {schedules} schedule(s)"
    print(f"billecta-bot serving Billecta {target}; job worker {worker}.", flush=True)
    if not settings.roles_configured:
        who = ("everyone is admin (sandbox without ROLE_* settings)" if settings.is_sandbox
               else "nobody may change anything until ROLE_ADMINS / ROLE_OPERATORS / ROLE_VIEWERS are set")
        print(f"warning: no roles configured: {who}.", file=sys.stderr, flush=True)
