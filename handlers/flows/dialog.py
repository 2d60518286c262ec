"""The dialog flow (one record, a form, then a Billecta call): payments, reminders, postpone…

The contract for the command's service, form model, `prepare` and form blocks is in this package's
docstring (handlers/flows/__init__.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from blocks.forms import FormContext, form_view
from blocks.metadata import FlowState
from blocks.status import loading_view, refused_view, result_view
from bot.commands import Command
from bot.errors import BotError, InvalidInput, StillRunning, is_refusal
from bot.forms import validate_form
from bot.roles import Actor
from bot.runner import Dialog, load_dialog, resolve_one, run_dialog
from bot.services.labels import label
from bot.slack.deps import Deps
from bot.slack.payload import values as state_values
from bot.slack.ui import Where
from handlers.flows.common import Start, allowed, command_for, one_key, open_then, with_channel


def start(deps: Deps, start: Start) -> None:
    state = FlowState(command=start.command.slug, record_type=start.record_type, key=one_key(start),
                      channel=start.where.channel, thread_ts=start.where.thread_ts,
                      alert=f"{start.where.channel} {start.where.message_ts}" if start.where.message_ts else None)
    loading = loading_view(start.command.title, f"Loading {state.key}…")
    if start.trigger_id:
        open_then(deps, start.trigger_id, start.where, loading, lambda modal: _load(deps, state, start.flags, modal))
    else:
        deps.work.run(start.where, lambda: _load(deps, state, start.flags, start.where))


def _load(deps: Deps, state: FlowState, flags: dict[str, str], where: Where) -> None:
    command = command_for(state.command)
    row, state.prepared = load_dialog(deps.rt, command, state.key or "")
    state.label = label(command.record_type, row)
    fields = _fields(command)
    prefill = {k: v for k, v in {**state.prepared, **flags}.items() if k in fields}
    ctx = FormContext(command, state.label, state.prepared, prefill)
    deps.ui.replace(where, form_view(ctx, state.pack()))


def _fields(command: Command) -> dict[str, Any]:
    return dict(command.dialog.form.model_fields)


def form_values(command: Command, view: dict[str, Any]) -> dict[str, Any]:
    """The submitted values of the form's fields, as pydantic should see them."""
    fields = _fields(command)
    found = {k: v for k, v in state_values(view).items() if k in fields}
    for name, value in found.items():
        if isinstance(value, list) and fields[name].annotation is bool:
            found[name] = bool(value)
    return found


def validate(command: Command, values: dict[str, Any],
             prepared: dict[str, Any]) -> tuple[BaseModel | None, dict[str, str]]:
    """The form, or the errors keyed by field (= input block id) for `response_action: errors`."""
    try:
        return validate_form(command.dialog.form, values, prepared), {}
    except InvalidInput as exc:
        # A whole-form refusal goes under the last field, where Slack can show it.
        return None, exc.field_errors or {list(_fields(command))[-1]: exc.user_message}


def invalid_view(command: Command, state: FlowState, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The form again with its errors in place: for errors on fields the open form does not show yet
    (an overpayment's confirmation), which `response_action: errors` cannot point at."""
    return form_view(FormContext(command, state.label or "", state.prepared, values, errors), state.pack())


def on_change(deps: Deps, actor: Actor, view: dict[str, Any]) -> None:
    """dispatch_action: show the errors of the fields filled so far (Slack ignores response_action here)."""
    state = FlowState.unpack(view.get("private_metadata"))
    command = command_for(state.command)
    allowed(command, actor, state.record_type)
    values = form_values(command, view)
    _, errors = validate(command, values, state.prepared)
    shown = {k: v for k, v in errors.items() if values.get(k) not in (None, "", [])}
    ctx = FormContext(command, state.label or "", state.prepared, values, shown)
    deps.ui.update_if_current(view, form_view(ctx, state.pack()))


def confirmed(deps: Deps, actor: Actor, state: FlowState, form: BaseModel, values: dict[str, Any], where: Where,
              submission: str) -> None:
    """After a valid submit (already acked with a Working… view): `runner.run_dialog` on the work pool.

    The runner runs each submission once (a resubmit or a retried delivery gets the first result, a
    crash is resolved by looking in Billecta), audits it and notifies; this only shows the result.
    """
    allowed(command_for(state.command), actor, state.record_type)
    actor = with_channel(actor, state.channel)
    deps.work.run(where, lambda: _run(deps, actor, state, form, values, where, submission))


def _run(deps: Deps, actor: Actor, state: FlowState, form: BaseModel, values: dict[str, Any], where: Where,
         submission: str) -> None:
    command = command_for(state.command)
    try:
        row = resolve_one(deps.rt, command, state.key or "")
        dialog = Dialog(command, state.key or "", row, form, state.prepared)
        outcome = run_dialog(deps.rt, dialog, actor, attempt=submission,
                             notify=lambda done: deps.notifier.action_done(done, actor))
    except InvalidInput as exc:
        ctx = FormContext(command, state.label or "", state.prepared, values,
                          exc.field_errors or {next(iter(values), ""): exc.user_message})
        deps.ui.replace(where, form_view(ctx, state.pack()))
        return
    except StillRunning:
        return  # a second delivery of a submission still running: the first one's result replaces this view
    except BotError as exc:  # audited by the runner
        if not is_refusal(exc):  # Billecta's rules said no: an answer for the requester, not an alert
            deps.notifier.action_failed(command, actor, f"{state.label}: {exc.user_message}")
        _retried(deps, state, actor, f"{state.label}: {exc.user_message}", ok=False)
        shown = refused_view(command.title, exc.user_message) if is_refusal(exc) \
            else result_view(command.title, exc.user_message, ok=False)
        deps.ui.replace(where, shown)
        return
    if not outcome.details.get("repeated"):
        _retried(deps, state, actor, outcome.message, ok=True)
    channel = deps.settings.notify_channel
    note = f"Posted in <#{channel}>." if channel and not outcome.details.get("repeated") else None
    deps.ui.replace(where, result_view(command.title, outcome.message, note=note))


def _retried(deps: Deps, state: FlowState, actor: Actor, outcome: str, *, ok: bool) -> None:
    if state.alert:
        channel, _, ts = state.alert.partition(" ")
        deps.notifier.alert_retried(channel, ts, actor, outcome, ok=ok)
