"""Serving the app: HTTP behind waitress (`POST /slack/events`, `GET /healthz`) or Socket Mode.

HTTP mode is the production setup: Bolt's WSGI adapter verifies each request's signature and
dispatches commands, shortcuts, interactivity and options from the one path. Socket Mode (an
`xapp-` token) needs no public URL, for development and installs behind a firewall.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.slack.app import SlackBot

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HTTP_THREADS = 16


def health(bot: SlackBot) -> tuple[bool, dict[str, Any]]:
    deps = bot.deps
    try:
        deps.rt.store.count("audit")
        store = "ok"
    except Exception as exc:  # reported, not raised: /healthz must answer
        store = f"error: {type(exc).__name__}"
    scheduler = getattr(deps.jobs, "scheduler", None)
    worker = bool(scheduler and scheduler.running)
    body = {"ok": store == "ok", "billecta": deps.rt.target_label, "sandbox": deps.settings.is_sandbox,
            "store": store, "worker": "running" if worker else "not running"}
    return store == "ok", body


def wsgi_app(bot: SlackBot) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(bot.app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            ok, body = health(bot)
            data = json.dumps(body).encode()
            start_response("200 OK" if ok else "503 Service Unavailable",
                           [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
            return [data]
        if not _timestamp_well_formed(environ):
            return _unauthorized(start_response)
        started: list[bool] = []

        def once(*args: Any) -> Any:
            started.append(True)
            return start_response(*args)

        try:
            return slack(environ, once)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            if started:  # the answer is under way: nothing better to send
                raise
            # A signed body Bolt cannot parse (`payload=` that is not a JSON object): a 400, not a 500
            # with a traceback.
            log.warning("refused a Slack request Bolt could not parse: %s: %s", type(exc).__name__, exc)
            return _answer(start_response, "400 Bad Request", {"error": "malformed request"})

    return application


def _timestamp_well_formed(environ: dict[str, Any]) -> bool:
    """Bolt's signature check does `int(X-Slack-Request-Timestamp)` and a header like `abc` escapes it
    as a 500 with a traceback; Slack only ever sends whole seconds. (A missing header Bolt refuses.)"""
    value = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    return value is None or (value.isascii() and value.isdigit())


def _unauthorized(start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The answer Bolt gives a request whose signature does not verify."""
    log.info("refused a Slack request with a malformed X-Slack-Request-Timestamp")
    return _answer(start_response, "401 Unauthorized", {"error": "invalid request"})


def _answer(start_response: Callable[..., Any], status: str, body: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def make_http_server(bot: SlackBot, host: str = "0.0.0.0", port: int = 3000) -> Any:
    """A waitress server (not yet running): `.run()` serves, `.close()` stops, `.effective_port`."""
    from waitress.server import create_server

    return create_server(wsgi_app(bot), host=host, port=port, threads=HTTP_THREADS, ident="billecta-bot")


def run_socket_mode(bot: SlackBot, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(bot.app, app_token).start()
