"""The action flow (one record, confirm, one quick Billecta call): pause, resume, dispute, undispute…

start → (pool) check the record exists and has a Billecta id → confirmation (ephemeral message with
buttons and Slack's confirm dialog, or the open modal) → confirmed → (pool) `run_action` →
the confirmation is replaced by the outcome; the notifier posts it to the channels.
"""

from __future__ import annotations

from blocks.confirm import action_message, action_view
from blocks.metadata import FlowState
from blocks.status import outcome_message, result_view
from bot.errors import BotError
from bot.roles import Actor
from bot.runner import audit, resolve_one, run_action
from bot.services.labels import label
from bot.slack.deps import Deps
from bot.slack.errors import describe
from bot.slack.ui import Where
from handlers.flows.common import Start, command_for, confirm_once, one_key


def start(deps: Deps, start: Start) -> None:
    key = one_key(start)
    state = FlowState(command=start.command.slug, record_type=start.record_type, key=key,
                      channel=start.where.channel, thread_ts=start.where.thread_ts)
    deps.work.run(start.where, lambda: _confirm(deps, state, start.where))


def _confirm(deps: Deps, state: FlowState, where: Where) -> None:
    command = command_for(state.command)
    row = resolve_one(deps.rt, command, state.key or "")
    state.label = label(command.record_type, row)
    if where.view_id:
        deps.ui.replace(where, action_view(command, state.label, state.pack()))
    elif where.response_url:
        deps.ui.respond(where.response_url, action_message(command, state.label, state.pack(2000)))
    else:
        deps.ui.ephemeral(where.channel or where.user, where.user,
                          action_message(command, state.label, state.pack(2000)))


def confirmed(deps: Deps, actor: Actor, state: FlowState, where: Where, idempotency_key: str) -> bool:
    """Run the confirmed action once; False when this confirmation was already used."""
    busy = f"{command_for(state.command).title}: {state.label}…"
    return confirm_once(deps, actor, state, where, idempotency_key, busy, lambda a: _run(deps, a, state, where))


def _run(deps: Deps, actor: Actor, state: FlowState, where: Where) -> None:
    command = command_for(state.command)
    try:
        outcome = run_action(deps.rt, command, state.key or "", actor)
    except Exception as exc:
        message = describe(exc)
        if not isinstance(exc, BotError):  # run_action audits refusals; an unexpected error too, with its reference
            audit(deps.rt, command, actor, [state.key or ""], "error", message)
        deps.notifier.action_failed(command, actor, f"{state.label}: {message}")
        deps.notifier.alert_retried(where.channel, where.message_ts, actor, f"{state.label}: {message}", ok=False)
        _show(deps, where, command.title, message, ok=False)
        return
    deps.notifier.action_done(outcome, actor)
    deps.notifier.alert_retried(where.channel, where.message_ts, actor, outcome.message, ok=True)
    _show(deps, where, command.title, outcome.message, ok=True)


def _show(deps: Deps, where: Where, title: str, text: str, *, ok: bool) -> None:
    """The outcome replaces the confirmation (ephemeral message or modal) the user clicked."""
    deps.ui.show(where, outcome_message(text, ok=ok), status_view=result_view(title, text, ok=ok))

