"""The Undo button on a reversible change's result (pause ↔ resume, dispute ↔ undispute).

Pressing it runs the opposite command through its own flow: the role check, its precheck against
fresh Billecta state, its confirmation; only then is the result edited to say it was undone
(handlers/flows/action.py). After `UNDO_MINUTES` the button answers with the command to run instead
and is removed from the message it was pressed on.
"""

from __future__ import annotations

import time
from typing import Any

from slack_bolt import Ack, App

from blocks.common import context, message
from blocks.ids import ActionId
from blocks.metadata import UndoState
from blocks.undo import expired_message, expired_text, result_message
from bot.roles import Actor
from bot.slack import payload
from bot.slack.deps import Deps
from bot.slack.ui import Where
from handlers.flows import action as action_flow
from handlers.flows.common import Start, allowed, command_for, with_channel
from handlers.guard import shielded


def register(app: App) -> None:
    app.action(ActionId.UNDO)(on_undo)


def now() -> float:
    return time.time()


@shielded
def on_undo(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    undo = UndoState.unpack(action.get("value"))
    command = command_for(undo.command)
    ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
    where = payload.where(body)
    if now() > undo.until:
        _expired(deps, undo, command.name, where, ephemeral=ephemeral)
        return
    allowed(command, actor)  # before anything is shown: a viewer's Undo is refused here
    start = Start(command, with_channel(actor, where.channel), where, command.record_type, [undo.key])
    action_flow.start_undo(deps, start, undo, where.response_url if ephemeral else None)


def _expired(deps: Deps, undo: UndoState, name: str, where: Where, *, ephemeral: bool) -> None:
    """Name the command that applies, and take the button off the message it was pressed on: the
    requester's result says it in place; on the channel's post the presser is told."""
    if ephemeral and where.response_url:
        shown = result_message(undo.text, None)
        deps.ui.respond(where.response_url, message(shown["text"], [*shown["blocks"],
                                                                    context(expired_text(name, undo.key))]),
                        replace=True)
        return
    if undo.ref:
        deps.notifier.undo_expired(undo.ref)
    deps.ui.show(where, expired_message(name, undo.key))
