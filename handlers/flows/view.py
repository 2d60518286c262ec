"""The view flow (read-only): the event log, reports. A modal, filters, exports posted as files.

The contract for the service and its blocks module is in this package's docstring.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from blocks.metadata import FlowState
from blocks.status import loading_view
from blocks.views import ViewContext, export_comment, export_empty, view_modal, view_module
from bot.commands import Command
from bot.errors import InvalidInput, UsageError, echo
from bot.files import files_of
from bot.roles import Actor
from bot.services.labels import label
from bot.services.mirror import resolve
from bot.slack.deps import Deps
from bot.slack.files import deliver
from bot.slack.payload import values as state_values
from bot.slack.ui import Where
from bot.specs import REQUESTED_BY
from handlers.flows.common import Start, allowed, command_for, one_key, open_then

OPTION_MAX = 500


def start(deps: Deps, start: Start) -> None:
    state = FlowState(command=start.command.slug, record_type=start.record_type, key=one_key(start),
                      channel=start.where.channel, options=dict(start.flags))
    what = f"{start.record_type} {state.key}" if state.key else start.command.title
    loading = loading_view(start.command.title, f"Loading {what}…")
    if start.trigger_id:
        open_then(deps, start.trigger_id, start.where, loading,
                  lambda modal: _show(deps, state, modal, refresh=True, actor=start.actor))
    else:
        deps.work.run(start.where, lambda: _show(deps, state, start.where, refresh=True, actor=start.actor))


def _context(deps: Deps, command: Command, state: FlowState, refresh: bool, actor: Actor | None) -> ViewContext:
    row = resolve(deps.rt, state.record_type, state.key) if state.key else None
    state.label = label(state.record_type, row) if row is not None else None
    options = {**state.options, "record_type": state.record_type, "refresh": refresh,
               REQUESTED_BY: actor.display if actor is not None else ""}
    choices = command.view.choices(deps.rt) if command.view.choices else {}
    try:
        result = command.view.service(deps.rt, row, options)
    except InvalidInput as exc:
        # Options refused (a report's dates): shown under their inputs, with what the user chose.
        if not set(exc.field_errors) & set(command.view.options):
            raise
        return ViewContext(command, state.label, None, state.options, errors=exc.field_errors, choices=choices)
    return ViewContext(command, state.label, result, state.options, choices=choices)


def _show(deps: Deps, state: FlowState, where: Where, *, refresh: bool, actor: Actor | None = None) -> None:
    """Draw the view; a result that carries files (a report) has them uploaded when it was run afresh
    (opened, or its refresh button), not on every filter change."""
    command = command_for(state.command)
    ctx = _context(deps, command, state, refresh, actor)
    deps.ui.replace(where, view_modal(ctx, state.pack()))
    files = files_of(ctx.result) if refresh and actor is not None else []
    if files and actor is not None:
        comment = getattr(ctx.result, "files_comment", command.title)
        asker = replace(actor, channel=actor.channel or state.channel)
        deliver(deps, asker, command, files, comment, record_type=state.record_type,
                record_ids=[state.key] if state.key else [], to_requester_only=state.channel is None)


def interact(deps: Deps, actor: Actor, view: dict[str, Any], *, refresh: bool, where: Where) -> None:
    """A filter changed or refresh was clicked: run the service again and update the modal."""
    state = FlowState.unpack(view.get("private_metadata"))
    allowed(command_for(state.command), actor)
    state.options = {**state.options, **_bounded(state_values(view))}
    modal = Where(user=actor.id, view_id=view["id"], channel=state.channel)
    deps.work.run(modal, lambda: _show(deps, state, modal, refresh=refresh, actor=actor))


def export(deps: Deps, actor: Actor, view: dict[str, Any], fmt: str, where: Where) -> None:
    """Export what the modal shows as a file to the requester's DMs (a file cannot be ephemeral, and
    what one user filtered is not for the channel); an empty result is said, not sent as a file."""
    state = FlowState.unpack(view.get("private_metadata"))
    command = command_for(state.command)
    allowed(command, actor)
    state.options = {**state.options, **_bounded(state_values(view))}

    if fmt not in command.view.exports:  # a button value not sent by Slack's own client
        raise UsageError(f"{command.title} exports {', '.join(command.view.exports)}, not {echo(fmt)!r}.")

    def upload() -> None:
        ctx = _context(deps, command, state, False, actor)
        exported = view_module(command).export(ctx, fmt)
        what = f"{command.title} of {state.label}" if state.label else command.title
        if exported.rows == 0:
            deps.ui.dm(actor.id, export_empty(what, exported.filters))
            return
        deliver(deps, actor, command, [exported.as_file()], export_comment(what, exported),
                record_type=state.record_type, record_ids=[state.key] if state.key else [], to_requester_only=True)

    deps.work.run(where, upload)


def _bounded(values: dict[str, Any]) -> dict[str, Any]:
    """Filter values as typed, cut to OPTION_MAX: they travel in private_metadata (3,000 characters in
    all), and a payload not sent by Slack's own client may carry more than an input's max_length."""
    return {k: v[:OPTION_MAX] if isinstance(v, str) else v for k, v in values.items()}
