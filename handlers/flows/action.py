"""The action flow (one record, confirm, one quick Billecta call): pause, resume, dispute, undispute…

start → (pool) check the record exists, has a Billecta id and that Billecta would accept the action
(`precheck_action`, a fresh read) → confirmation (ephemeral message with buttons and Slack's confirm
dialog, or the open modal) → confirmed → (pool) `run_action` → the confirmation is replaced by the
outcome; the notifier posts it to the channels.

A refusal (a paused invoice asked to pause) is an answer to the requester, with a button for the
command that applies; it is audited as refused and never alerted, since a retry cannot change it.

A reversible change's result (pause ↔ resume, dispute ↔ undispute: `commands.UNDONE_BY`) offers an Undo
for `UNDO_MINUTES`, on the requester's result and the channel's post. Pressed (handlers/undo.py), it
starts the opposite command here (`start_undo`): the same role check, fresh precheck and confirmation;
once that has run, both results say they were undone.
"""

from __future__ import annotations

import dataclasses
import time
import uuid

from blocks import limits
from blocks.confirm import action_message, action_view
from blocks.metadata import FlowState, UndoState
from blocks.status import loading_view, outcome_message, refused_message, refused_view, result_view
from blocks.undo import result_message, result_view_with_undo, undone_message
from bot import commands as registry
from bot.commands import Command
from bot.errors import BotError, InvoiceStateError, is_refusal
from bot.roles import Actor
from bot.runner import audit, precheck_action, run_action, typed_answer
from bot.services import Outcome
from bot.services.labels import enrich, listed
from bot.slack.deps import Deps
from bot.slack.errors import describe
from bot.slack.files import deliver_outcome
from bot.slack.ui import Where
from handlers.flows.common import Start, allowed, command_for, confirm_once, one_key, open_then


def start(deps: Deps, start: Start) -> None:
    key = one_key(start)
    state = FlowState(command=start.command.slug, record_type=start.record_type, key=key,
                      channel=start.where.channel, thread_ts=start.where.thread_ts)
    deps.work.run(start.where, lambda: _confirm(deps, state, start.where, start.actor))


def start_undo(deps: Deps, start: Start, undo: UndoState, reply_url: str | None) -> None:
    """The flow of the command that undoes a result (its Undo was pressed): the same checks and
    confirmation as when typed; once it has run, the undone result says so (`_undone`)."""
    state = FlowState(command=start.command.slug, record_type=start.record_type, key=undo.key,
                      channel=start.where.channel, undo_ref=undo.ref, undo_reply=reply_url,
                      undo_text=limits.clip(undo.text, 500))
    deps.work.run(start.where, lambda: _confirm(deps, state, start.where, start.actor))


def _confirm(deps: Deps, state: FlowState, where: Where, actor: Actor) -> None:
    command = command_for(state.command)
    try:
        row = precheck_action(deps.rt, command, state.key or "", actor)
    except BotError as exc:
        if not is_refusal(exc):
            raise
        refused(deps, where, command.title, exc, state, actor)
        return
    [row] = enrich(deps.rt.store, command.record_type, [row])
    state.label = listed(command.record_type, row)
    if command.typed_confirmation:
        state.typed = typed_answer(command, row)
    if where.view_id:
        deps.ui.replace(where, action_view(command, state.label, state.pack(), state.typed))
    elif where.response_url:
        deps.ui.respond(where.response_url, action_message(command, state.label, state.pack(2000)))
    else:
        deps.ui.ephemeral(where.channel or where.user, where.user,
                          action_message(command, state.label, state.pack(2000)))


def open_typed(deps: Deps, actor: Actor, state: FlowState, trigger_id: str, where: Where) -> None:
    """The typed confirmation of a one-record action (`Command.typed_confirmation`: the invoice number),
    in a modal: the precheck runs again behind "Loading…", then the modal asks for the number."""
    command = command_for(state.command)
    allowed(command, actor, state.record_type)
    loading = loading_view(command.title, "Checking the record in Billecta…")
    open_then(deps, trigger_id, dataclasses.replace(where, channel=state.channel), loading,
              lambda modal: _confirm(deps, state, modal, actor))


def confirmed(deps: Deps, actor: Actor, state: FlowState, where: Where, idempotency_key: str) -> bool:
    """Run the confirmed action once; False when this confirmation was already used."""
    busy = f"{command_for(state.command).title}: {state.label}…"
    return confirm_once(deps, actor, state, where, idempotency_key, busy, lambda a: _run(deps, a, state, where))


def _run(deps: Deps, actor: Actor, state: FlowState, where: Where) -> None:
    command = command_for(state.command)
    try:
        outcome = run_action(deps.rt, command, state.key or "", actor)
    except Exception as exc:
        if is_refusal(exc):  # audited as refused by run_action; an answer for the requester, not a new alert
            text = refused(deps, where, command.title, exc, state, actor)
            deps.notifier.alert_retried(where.channel, where.message_ts, actor, f"{state.label}: {text}", ok=False)
            return
        message = describe(exc)
        if not isinstance(exc, BotError):  # run_action audits bot errors; an unexpected one too, with its reference
            audit(deps.rt, command, actor, [state.key or ""], "error", message)
        deps.notifier.action_failed(command, actor, f"{state.label}: {message}")
        deps.notifier.alert_retried(where.channel, where.message_ts, actor, f"{state.label}: {message}", ok=False)
        _show(deps, where, command.title, message, ok=False)
        return
    if outcome.files:  # a file's outcome goes with the file, where the file went (bot.slack.files)
        text = deliver_outcome(deps, actor, command, outcome)
        deps.notifier.alert_retried(where.channel, where.message_ts, actor, outcome.message, ok=True)
        _show(deps, where, command.title, text, ok=True)
        return
    undo = _undo_for(deps, command, state, outcome, actor)
    if undo is not None:
        outcome.details["undo"] = undo
    deps.notifier.action_done(outcome, actor)
    deps.notifier.alert_retried(where.channel, where.message_ts, actor, outcome.message, ok=True)
    _undone(deps, state, actor, outcome)
    deps.ui.show(where, result_message(outcome.message, undo),
                 status_view=result_view_with_undo(command.title, outcome.message, undo))
    if state.reply_url:  # the message whose button opened the typed confirmation: its button is spent
        deps.ui.respond(state.reply_url, result_message(outcome.message, None), replace=True)


def _undo_for(deps: Deps, command: Command, state: FlowState, outcome: Outcome, actor: Actor) -> str | None:
    """The Undo button's value for a reversible change's result, valid for `undo_minutes`."""
    opposite = registry.undone_by(command)
    if opposite is None or not outcome.record_ids:
        return None
    undo = UndoState(command=opposite.slug, key=outcome.record_ids[0], text=limits.clip(outcome.message, 500),
                     by=actor.id, until=time.time() + deps.settings.undo_minutes * 60,
                     ref=f"result:{uuid.uuid4().hex[:16]}", channel=state.channel)
    return undo.pack(limits.BUTTON_VALUE)


def _undone(deps: Deps, state: FlowState, actor: Actor, outcome: Outcome) -> None:
    """This run undid a result: its messages say so, edited in place (the requester's, and the channel's
    post with a follow-up in its thread)."""
    if state.undo_reply:
        original = result_message(state.undo_text or "", None)
        deps.ui.respond(state.undo_reply, undone_message(original, actor.id, outcome.message), replace=True)
    if state.undo_ref:
        deps.notifier.undone(state.undo_ref, actor, outcome.message)


def _show(deps: Deps, where: Where, title: str, text: str, *, ok: bool) -> None:
    """The outcome replaces the confirmation (ephemeral message or modal) the user clicked."""
    deps.ui.show(where, outcome_message(text, ok=ok), status_view=result_view(title, text, ok=ok))


def refused(deps: Deps, where: Where, title: str, exc: BaseException, state: FlowState, actor: Actor) -> str:
    """Billecta's rules say no: tell the requester (the text returned), offering the command that applies
    if they may run it."""
    text = describe(exc)
    offer = None
    if isinstance(exc, InvoiceStateError) and exc.instead:
        instead = registry.find("invoice", exc.instead)
        if instead.available and actor.role >= instead.role:
            value = FlowState(command=instead.slug, record_type="invoice", key=exc.key or state.key,
                              channel=state.channel, thread_ts=state.thread_ts).pack(2000)
            offer = (instead.title, value)
        else:
            text += f" `{instead.name} {exc.key or state.key}` needs the {instead.role.label} role."
    deps.ui.show(where, refused_message(text, offer), status_view=refused_view(title, text, offer))
    return text
