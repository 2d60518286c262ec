"""The App Home tab (`app_home_opened` → `views.publish`) and its buttons."""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

from slack_bolt import Ack, App

from blocks.home import SHOWN_FAILURES, FailedCommand, HomeData, home_error_view, home_view
from blocks.ids import ActionId, matching
from blocks.metadata import PickerState
from bot import commands as registry
from bot import records
from bot.commands import Kind
from bot.errors import BotError
from bot.roles import Actor, Role
from bot.slack.deps import Deps
from bot.slack.errors import describe
from bot.slack.ui import Where
from handlers.flows.common import allowed
from handlers.guard import shielded
from handlers.palette import open_picker

log = logging.getLogger(__name__)
RECENT_JOBS = 20
AUDIT_ROWS = 50  # recent Slack-run commands read for the Failures section


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)
    app.action(ActionId.HOME_REFRESH)(on_refresh)
    app.action(ActionId.HOME_OPEN_PALETTE)(on_open_palette)
    app.action(matching(ActionId.HOME_COMMAND))(on_quick_command)


@shielded
def on_home_opened(event: dict[str, Any], body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    if event.get("tab", "home") == "home":
        if deps.home is not None:
            deps.home.opened(actor.id)  # kept current while jobs move (bot.slack.homewatch)
        publish(deps, actor)


@shielded
def on_refresh(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    publish(deps, actor)


def publish(deps: Deps, actor: Actor) -> None:
    """The user opened the tab or pressed Refresh: they look at the Home, so a failure is shown there."""
    deps.work.run(Where(user=actor.id), functools.partial(_publish_or_explain, deps, actor))


def _publish_or_explain(deps: Deps, actor: Actor) -> None:
    try:
        deps.ui.publish(actor.id, home_view(home_data(deps, actor)))
    except Exception as exc:
        text = describe(exc)  # logs an unexpected error with the reference it shows
        log.error("could not publish the App Home of %s: %s", actor.id, text)
        try:
            deps.ui.publish(actor.id, home_error_view(f"The dashboard could not be shown: {text}"))
        except Exception:  # Slack itself is unreachable: the log has it; a DM would be noise on every open
            log.exception("could not publish the App Home error view of %s", actor.id)


def refresh(deps: Deps, users: list[str]) -> None:
    """Publish these users' Homes again (a job moved); each with the role they have now."""
    for user in users:
        deps.work.run(Where(user=user), functools.partial(_republish, deps, user))


def _republish(deps: Deps, user: str) -> None:
    try:
        deps.ui.publish(user, home_view(home_data(deps, deps.roles.actor(user))))
    except Exception:  # nobody asked for this refresh: log it (the next refresh retries), never DM them
        log.exception("could not refresh the App Home of %s", user)


def home_data(deps: Deps, actor: Actor) -> HomeData:
    jobs = deps.jobs.list(RECENT_JOBS) if deps.jobs is not None else []
    scheduler = getattr(deps.jobs, "scheduler", None)
    data = HomeData(target=deps.rt.target_label, worker_running=bool(scheduler and scheduler.running),
                    role=actor.role.label if actor.role else "no role", jobs=jobs,
                    schedules=deps.schedules.listing() if deps.schedules is not None else [],
                    quick=[c for c in registry.COMMANDS if c.available and actor.role >= c.role > Role.NONE])
    retried = {job.parent_job_id for job in jobs if job.parent_job_id}
    for job in jobs:
        if job.finished and job.failed and job.id not in retried \
                and _may(registry.find(job.record_type, job.verb), actor):
            data.can_retry.add(job.id)
    data.failed_commands = failed_commands(deps, actor)
    return data


def failed_commands(deps: Deps, actor: Actor) -> list[FailedCommand]:
    """One-record commands run from Slack whose latest attempt failed (the audit log), newest first."""
    rows = deps.rt.store.rows("audit", "job_id IS NULL AND source = 'slack'", order_by="id desc", limit=AUDIT_ROWS)
    seen: set[tuple[str, str]] = set()
    found: list[FailedCommand] = []
    for row in rows:
        keys = json.loads(row["record_ids"] or "[]")
        if len(keys) != 1 or (row["command"], keys[0]) in seen:
            continue
        seen.add((row["command"], keys[0]))  # a later success (or failure) of the same command hides this one
        record_type, _, verb = row["command"].partition(" ")
        command = next((c for c in registry.commands_for(record_type) if c.verb == verb), None)
        if row["outcome"] in ("failed", "error") and command is not None and not command.is_job \
                and command.kind in (Kind.ACTION, Kind.DIALOG):
            found.append(FailedCommand(row["id"], command, record_type, str(keys[0]), row["detail"] or "",
                                       _may(command, actor)))
    return found[:SHOWN_FAILURES]


def _may(command: registry.Command, actor: Actor) -> bool:
    try:
        allowed(command, actor)
    except BotError:
        return False
    return True


@shielded
def on_open_palette(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    open_picker(deps, body, PickerState(), actor)


@shielded
def on_quick_command(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    command = registry.by_slug(action["value"])
    record_type = command.record_type if command and command.record_type != records.ANY else None
    open_picker(deps, body, PickerState(record_type=record_type, command=command.slug if command and
                                                      record_type else None), actor)
