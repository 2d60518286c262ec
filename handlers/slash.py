"""`/billecta …`: help and usage errors are the ack itself; everything else acks, then starts a flow."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from blocks import help as help_blocks
from blocks.ids import SLASH_COMMAND
from blocks.metadata import PickerState
from bot.errors import UsageError
from bot.roles import Actor, who_can_grant
from bot.slack import payload
from bot.slack.deps import Deps
from handlers import flows
from handlers.grammar import parse
from handlers.guard import shielded
from handlers.palette import open_picker


def register(app: App) -> None:
    app.command(SLASH_COMMAND)(on_command)


@shielded
def on_command(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    try:
        parsed = parse(body.get("text") or "", actor.role)
    except UsageError as exc:
        ack(**deps.ui.message(help_blocks.usage_error(exc.user_message)))
        return
    if parsed.kind == "help":
        msg = (help_blocks.for_type(parsed.help_type, role=actor.role) if parsed.help_type
               else help_blocks.overview(role=actor.role, grants=who_can_grant(actor)))
        ack(**deps.ui.message(msg))
        return
    ack()
    if parsed.kind == "palette":
        open_picker(deps, body, PickerState(channel=payload.channel_id(body)), actor)
        return
    assert parsed.command is not None
    flows.start(deps, flows.Start(parsed.command, actor, payload.where(body), parsed.record_type,
                                  parsed.targets, parsed.flags, trigger_id=body.get("trigger_id")))
