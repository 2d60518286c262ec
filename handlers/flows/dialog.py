"""The dialog flow (one record, a form, then a Billecta call): payments, reminders, postpone…

The contract for the command's service, form model, `prepare` and form blocks is in this package's
docstring (handlers/flows/__init__.py).
"""

from __future__ import annotations

import inspect
from typing import Any

from pydantic import BaseModel, ValidationError

from blocks.forms import FormContext, form_view
from blocks.metadata import FlowState
from blocks.status import loading_view, result_view
from bot.commands import Command
from bot.errors import BotError, InvalidInput
from bot.roles import Actor
from bot.runner import audit, resolve_one
from bot.services.labels import label
from bot.slack.deps import Deps
from bot.slack.errors import describe
from bot.slack.payload import values as state_values
from bot.slack.ui import Where
from handlers.flows.common import Start, allowed, command_for, confirm_once, one_key, open_then


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
    row = resolve_one(deps.rt, command, state.key or "")
    state.label = label(command.record_type, row)
    state.prepared = command.prepare(deps.rt, row) if command.prepare else {}
    fields = _fields(command)
    prefill = {k: v for k, v in {**state.prepared, **flags}.items() if k in fields}
    ctx = FormContext(command, state.label, state.prepared, prefill)
    deps.ui.replace(where, form_view(ctx, state.pack()))


def _fields(command: Command) -> dict[str, Any]:
    return dict(command.form.model_fields) if command.form else {}


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
    assert command.form is not None
    try:
        return command.form.model_validate(values, context=prepared), {}
    except ValidationError as exc:
        names = list(_fields(command))
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else names[-1]
            errors.setdefault(name, error["msg"].removeprefix("Value error, "))
        return None, errors


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
              idempotency_key: str) -> bool:
    """After a valid submit (already acked with a Working… view): the service on the work pool, once.

    False when this submission was already used. A service that takes an `idempotency_key` keyword
    gets the submission's key.
    """
    command = command_for(state.command)
    takes_key = "idempotency_key" in inspect.signature(command.service).parameters  # type: ignore[arg-type]
    extra = {"idempotency_key": idempotency_key} if takes_key else {}
    return confirm_once(deps, actor, state, where, idempotency_key, command.title,
                        lambda a: _run(deps, a, state, form, values, where, extra))


def _run(deps: Deps, actor: Actor, state: FlowState, form: BaseModel, values: dict[str, Any], where: Where,
         extra: dict[str, Any]) -> None:
    command = command_for(state.command)
    row = resolve_one(deps.rt, command, state.key or "")
    try:
        outcome = command.service(deps.rt, row, form, actor, **extra)  # type: ignore[misc]
    except InvalidInput as exc:
        audit(deps.rt, command, actor, [state.key or ""], "failed", exc.user_message)
        ctx = FormContext(command, state.label or "", state.prepared, values,
                          exc.field_errors or {next(iter(values), ""): exc.user_message})
        deps.ui.replace(where, form_view(ctx, state.pack()))
        return
    except Exception as exc:  # a refusal, or an unexpected error (which may have changed state): audited
        message = describe(exc)
        audit(deps.rt, command, actor, [state.key or ""], "failed" if isinstance(exc, BotError) else "error", message)
        deps.notifier.action_failed(command, actor, f"{state.label}: {message}")
        _retried(deps, state, actor, f"{state.label}: {message}", ok=False)
        deps.ui.replace(where, result_view(command.title, message, ok=False))
        return
    audit(deps.rt, command, actor, outcome.record_ids, "ok", outcome.message)
    deps.notifier.action_done(outcome, actor)
    _retried(deps, state, actor, outcome.message, ok=True)
    channel = deps.settings.notify_channel
    note = f"Posted in <#{channel}>." if channel else None
    deps.ui.replace(where, result_view(command.title, outcome.message, note=note))


def _retried(deps: Deps, state: FlowState, actor: Actor, outcome: str, *, ok: bool) -> None:
    if state.alert:
        channel, _, ts = state.alert.partition(" ")
        deps.notifier.alert_retried(channel, ts, actor, outcome, ok=ok)
