"""What every flow shares: how a command starts, how one target is read, idempotency keys."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from blocks.metadata import FlowState
from blocks.status import busy_message
from bot import commands as registry
from bot.commands import Command
from bot.errors import UsageError
from bot.grammar import one_target
from bot.roles import Actor, require
from bot.slack.deps import Deps
from bot.slack.ui import Where


@dataclass
class Start:
    """A command about to run for `actor`, from a slash command, a shortcut, the palette or a button."""

    command: Command
    actor: Actor
    where: Where  # where answers go: the slash command's response_url, or the modal already open
    record_type: str
    targets: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)
    trigger_id: str | None = None  # to open a modal; None when continuing inside an open one


def command_for(slug: str) -> Command:
    command = registry.by_slug(slug)
    if command is None:
        raise UsageError(f"Unknown command {slug!r}; it may have been removed. Start again with /billecta.")
    return command


def allowed(command: Command, actor: Actor, record_type: str = "") -> None:
    """The server-side check on every request: available, and the caller's role is enough.

    Same rule as `runner.check_allowed`, worded with the type the user named ('invoice events').
    """
    name = command.name.replace("*", record_type or "<type>")
    if not command.available:
        raise UsageError(f"`{name}` is not available yet in billecta-bot.")
    require(actor, command.role, f"`{name}`")


def one_key(start: Start) -> str | None:
    """The single record an action, dialog or view acts on (None for reports and the creditor's log),
    by the rule the command line uses."""
    return one_target(start.command, start.record_type, start.targets)


def with_channel(actor: Actor, channel: str | None, thread_ts: str | None = None) -> Actor:
    """The actor answering from `channel` unless already placed, in the thread of `thread_ts` there."""
    if channel and not actor.channel:
        actor = replace(actor, channel=channel)
    if thread_ts and actor.channel == channel:
        actor = replace(actor, thread_ts=thread_ts)
    return actor


def open_then(deps: Deps, trigger_id: str, where: Where, view: dict[str, Any],
              then: Callable[[Where], None]) -> None:
    """views.open right away (a "Loading…" view), then `then(the modal)` on the work pool."""
    def opened() -> None:
        view_id = deps.ui.open(trigger_id, view)
        modal = Where(user=where.user, view_id=view_id, channel=where.channel)
        deps.work.run(modal, lambda: then(modal))

    deps.work.open(where, opened)


def confirm_once(deps: Deps, actor: Actor, state: FlowState, where: Where, idempotency_key: str,
                 busy: str, run: Callable[[Actor], None]) -> bool:
    """A confirmation was clicked or submitted: check again, then `run` on the work pool, once.

    False when this confirmation was already used (a double click, a resubmit, a retried delivery).
    """
    allowed(command_for(state.command), actor, state.record_type)
    if not deps.rt.store.claim(idempotency_key):
        return False
    actor = with_channel(actor, state.channel, state.thread_ts)
    if where.response_url and not where.view_id:
        deps.ui.respond(where.response_url, busy_message(busy), replace=where.replace)
    deps.work.run(where, lambda: run(actor))
    return True


def submission_key(view: dict[str, Any]) -> str:
    """A modal submission, once: the same view in the same state (a resubmit, a retried delivery)."""
    state = repr(sorted(((view.get("state") or {}).get("values") or {}).items()))
    digest = hashlib.sha256(state.encode()).hexdigest()[:16]
    return f"slack:submit:{view.get('id')}:{view.get('hash')}:{digest}"


def click_key(body: dict[str, Any], action_id: str, value: str) -> str:
    """A button on one message, once: double clicks and retried deliveries of the same message."""
    container = body.get("container") or {}
    where = container.get("message_ts") or container.get("view_id") or body.get("trigger_id")
    digest = hashlib.sha256(value.encode()).hexdigest()[:16]
    return f"slack:click:{where}:{action_id}:{digest}"
