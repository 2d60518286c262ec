"""The Bolt app factory. No module-level App: `create_app` builds one from settings and injected parts.

Listeners get what they need by name from the Bolt context (set by `_inject`): `deps` (settings,
runtime, Slack output, job queue, notifier, work pool) and `actor` (who asks, with the role their
Slack user id and user groups give them), recomputed for every request, buttons and submissions too.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from blocks.status import error_view
from bot.config import Settings
from bot.errors import Tampered
from bot.jobs import JobQueue
from bot.jobs.schedules import Schedules
from bot.notify import Notifier, ThrottledNotifier
from bot.runtime import Runtime
from bot.slack import payload
from bot.slack.deps import Deps, TrackedPool, Work
from bot.slack.errors import describe, headline
from bot.slack.homewatch import HomeWatch, WithHome
from bot.slack.notifier import SlackNotifier
from bot.slack.outbox import Outbox
from bot.slack.roles import SlackRoles
from bot.slack.seal import Sealer
from bot.slack.ui import Ui

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://slack.com/api"
# Listeners ack, open a modal and hand over to the work pool, so a few threads serve many requests.
LISTENER_THREADS = 16


def build_web_client(settings: Settings) -> WebClient:
    """The Web API client: SLACK_API_URL (tests point it at a fake), retries on 429 and 5xx."""
    client = WebClient(token=settings.slack_bot_token, base_url=(settings.slack_api_url or DEFAULT_API_URL) + "/",
                       timeout=10)
    # Honours Retry-After; the defaults already retry connection errors once.
    client.retry_handlers.extend([RateLimitErrorRetryHandler(max_retry_count=3),
                                  ServerErrorRetryHandler(max_retry_count=2)])
    return client


def build_notifier(settings: Settings, runtime: Runtime, client: WebClient) -> Notifier:
    """What the job queue and the flows report through: Slack (through the durable outbox, whose
    delivery thread starts here), throttled to one edit per ~2 s, plus the watch that keeps recently
    opened App Home tabs current (bound to the app by `create_bot`)."""
    # The outbox waits out Retry-After itself, lane by lane: a client sleeping through 429s would
    # hold every other channel's messages back, then give up.
    quiet = WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout)
    outbox = Outbox(runtime.store, Ui(quiet, sandbox=settings.is_sandbox, sealer=Sealer.for_settings(settings))).start()
    slack = ThrottledNotifier(SlackNotifier(outbox, runtime.store, settings))
    return WithHome(slack, HomeWatch(), outbox)


@dataclass
class SlackBot:
    app: App
    deps: Deps


def create_app(settings: Settings, runtime: Runtime, *, jobs: JobQueue | None = None,
               web_client: WebClient | None = None, notifier: Notifier | None = None,
               schedules: Schedules | None = None) -> App:
    """The Bolt app; `create_bot` also returns its dependencies (tests and `serve` need them)."""
    return create_bot(settings, runtime, jobs=jobs, web_client=web_client, notifier=notifier,
                      schedules=schedules).app


def create_bot(settings: Settings, runtime: Runtime, *, jobs: JobQueue | None = None,
               web_client: WebClient | None = None, notifier: Notifier | None = None,
               schedules: Schedules | None = None) -> SlackBot:
    client = web_client or build_web_client(settings)
    ui = Ui(client, sandbox=settings.is_sandbox, sealer=Sealer.for_settings(settings))
    notifier = notifier or build_notifier(settings, runtime, client)
    deps: Deps

    def fail(where: Any, exc: BaseException) -> None:
        deps.fail(where, exc)

    listeners = TrackedPool(LISTENER_THREADS, "slack-listener")
    deps = Deps(settings=settings, rt=runtime, ui=ui, roles=SlackRoles(settings, client), notifier=notifier,
                jobs=jobs, work=Work(on_error=fail, workers=max(8, settings.billecta_concurrency)),
                listeners=listeners, schedules=schedules,
                home=notifier.home if isinstance(notifier, WithHome) else None)
    app = App(client=client, signing_secret=settings.slack_signing_secret or "", process_before_response=False,
              listener_executor=listeners)
    app.use(_inject(deps))
    app.error(_on_error(deps))
    from handlers.home import refresh
    from handlers.listeners import register_all

    register_all(app)
    if deps.home is not None:
        deps.home.bind(lambda users: refresh(deps, users))
    return SlackBot(app, deps)


def _inject(deps: Deps) -> Any:
    def inject(body: dict[str, Any], context: Any, next: Any, request: Any) -> BoltResponse | None:
        context["deps"] = deps
        refused = _unseal(deps, body)
        if refused is not None:
            return refused
        user = payload.user_id(body)
        if user:
            context["actor"] = deps.roles.actor(user, payload.user_name(body), payload.channel_id(body))
        if _seen_event(deps, body):
            return BoltResponse(status=200, body="")  # a retried Events API delivery: done the first time
        next()
        return None

    return inject


def _unseal(deps: Deps, body: dict[str, Any]) -> BoltResponse | None:
    """The seals on what the interaction carries back, checked before any listener reads it; a
    changed one is refused where the user looks (the modal itself for a submission)."""
    if deps.ui.sealer is None:
        return None
    try:
        deps.ui.sealer.open_body(body)
    except Tampered as tampered:
        exc = tampered
        user = payload.user_id(body) or "unknown"
        log.warning("refused an interaction from %s: a sealed value came back changed", user)
        deps.rt.store.audit(actor=user, source="slack", channel=payload.channel_id(body), command="(interaction)",
                            record_type=None, record_ids=[], outcome="refused", detail=exc.user_message)
        if body.get("type") == "view_submission":
            view = deps.ui.view(error_view(headline(exc), exc.user_message))
            return BoltResponse(status=200, body=json.dumps({"response_action": "update", "view": view}),
                                headers={"content-type": "application/json"})
        where = payload.where(body)
        deps.work.run(where, lambda: deps.fail(where, exc))
        return BoltResponse(status=200, body="")
    return None


def _seen_event(deps: Deps, body: dict[str, Any]) -> bool:
    event_id = body.get("event_id")
    return bool(event_id) and not deps.rt.store.claim(f"slack:event:{event_id}")


def _on_error(deps: Deps) -> Any:
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        """Errors escaping a listener: shown where the user is looking; unexpected ones get a reference.

        A failed record search (block_suggestion) is only logged: the user's modal stays as it is.
        """
        if body.get("type") == "block_suggestion":
            log.error("record search failed: %s", describe(error))
            return
        deps.fail(payload.where(body), error)

    return on_error
