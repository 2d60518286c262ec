"""The dialog flow (one record, a form, then a Billecta call): payments, reminders, postpone…

The contract for the command's service, form model, `prepare` and form blocks is in this package's
docstring (handlers/flows/__init__.py).

A dialog whose spec has `prepare_from_mirror` opens with its form drawn from the store (no Billecta
call before views.open), marked "as of"; `_refresh` then redraws it with Billecta's figures. The
modal's `Draft` (bot/slack/drafts.py) orders that redraw against the user's own interactions and the
submit; a submit whose figures are still the mirror's is checked against a fresh `prepare` first.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from slack_sdk.errors import SlackApiError

from blocks.forms import FormContext, form_view
from blocks.metadata import FlowState
from blocks.status import loading_view, refused_view, result_view
from bot.commands import Command
from bot.errors import BotError, InvalidInput, InvoiceStateError, StillRunning, echo, is_refusal
from bot.forms import validate_form
from bot.roles import Actor
from bot.runner import Dialog, known_one, load_dialog, prepared_fresh, prepared_from_mirror, resolve_one, run_dialog
from bot.services import prefill
from bot.services.labels import label
from bot.slack.deps import Deps
from bot.slack.drafts import Draft
from bot.slack.payload import values as state_values
from bot.slack.ui import Where
from handlers.flows.action import refused
from handlers.flows.common import Start, allowed, command_for, one_key, with_channel


def start(deps: Deps, start: Start) -> None:
    state = FlowState(command=start.command.slug, record_type=start.record_type, key=one_key(start),
                      channel=start.where.channel, thread_ts=start.where.thread_ts,
                      alert=f"{start.where.channel} {start.where.message_ts}" if start.where.message_ts else None)
    if start.trigger_id:
        trigger_id = start.trigger_id
        deps.work.open(start.where, lambda: _open(deps, state, start.flags, trigger_id, start.where, start.actor))
    else:
        deps.work.run(start.where, lambda: _load(deps, state, start.flags, start.where, start.actor))


def _open(deps: Deps, state: FlowState, flags: dict[str, str], trigger_id: str, where: Where,
          actor: Actor) -> None:
    """views.open with the form itself when the store's mirror can fill it (a store read, no Billecta
    call), else with "Loading…"; the slow part then runs on the work pool: Billecta's fresh figures
    behind the form, or the whole load."""
    quick = _from_mirror(deps, state, flags)
    if quick is None:
        view_id = deps.ui.open(trigger_id, loading_view(command_for(state.command).title, f"Loading {state.key}…"))
        modal = Where(user=where.user, view_id=view_id, channel=where.channel)
        deps.work.run(modal, lambda: _load(deps, state, flags, modal, actor))
        return
    row, values = quick
    draft = deps.drafts.open(state.prepared, values)  # before the modal exists: it carries the key
    state.draft = draft.key
    view_id, view_hash = deps.ui.open_with_hash(trigger_id, _form(state, values))
    with draft.lock:
        draft.hash = draft.hash or view_hash  # unless the user's first interaction has redrawn it already
    modal = Where(user=where.user, view_id=view_id, channel=where.channel)
    deps.work.refresh(modal, lambda: _refresh(deps, state, flags, row, draft, modal))


def _load(deps: Deps, state: FlowState, flags: dict[str, str], where: Where, actor: Actor) -> None:
    """Fill an open modal: from the mirror at once and then fresh, or fresh only."""
    quick = _from_mirror(deps, state, flags) if where.view_id else None
    if quick is not None:
        row, values = quick
        draft = deps.drafts.open(state.prepared, values)
        state.draft = draft.key
        with draft.lock:
            draft.hash = deps.ui.replace(where, _form(state, values))
        deps.work.refresh(where, lambda: _refresh(deps, state, flags, row, draft, where))
        return
    command = command_for(state.command)
    try:
        row, state.prepared = load_dialog(deps.rt, command, state.key or "")
    except InvoiceStateError as exc:
        if not exc.instead:
            raise
        refused(deps, where, command.title, exc, state, actor)  # with a button for the command that applies
        return
    state.label = label(command.record_type, row)
    deps.ui.replace(where, _form(state, _prefill(command, state.prepared, flags)))


def _from_mirror(deps: Deps, state: FlowState, flags: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(record, form values) with `state.prepared` from the store's mirror, marked "as of"; None when
    the store does not know the record or its mirror cannot stand in (then Billecta is asked first)."""
    command = command_for(state.command)
    try:
        row = known_one(deps.rt, command, state.key or "")
        prepared = prepared_from_mirror(deps.rt, command, row) if row is not None else None
    except BotError:
        return None  # the slow path meets the same problem and says it where the user looks
    if row is None or prepared is None:
        return None
    state.label, state.prepared = label(command.record_type, row), prepared
    return row, _prefill(command, prepared, flags)


def _refresh(deps: Deps, state: FlowState, flags: dict[str, str], row: dict[str, Any], draft: Draft,
             modal: Where) -> None:
    """Billecta's fresh figures behind a form drawn from the mirror: redraw it with them, keeping what
    the user typed; Billecta's refusal (paid in full meanwhile) replaces the form."""
    command, mirror = command_for(state.command), state.prepared
    if draft.closed:
        return  # submitted (and checked fresh there) or closed before its turn came
    try:
        fresh = prefill.checked(prepared_fresh(deps.rt, command, row), mirror)
    except BotError as exc:
        if is_refusal(exc):
            _end(deps, draft, modal, refused_view(command.title, exc.user_message))
            return
        # The form stays, marked unchecked: the submit is checked against Billecta in any case.
        fresh = prefill.unchecked(mirror, echo(exc.user_message, 120))
    before, after = _prefill(command, mirror, flags), _prefill(command, fresh, flags)
    with draft.lock:
        if draft.closed:
            return
        typed = {name: value for name, value in draft.values.items() if value != before.get(name)}
        draft.values, draft.prepared = {**after, **typed}, fresh
        state.prepared = fresh
        view = _form(state, draft.values, _errors_shown(command, draft.values, fresh))
        _redraw(deps, draft, modal.view_id or "", view, replacing=True)


def _redraw(deps: Deps, draft: Draft, view_id: str, view: dict[str, Any], *, replacing: bool,
            seen: str | None = None) -> None:
    """Update the modal, the draft's lock held, at the draft's hash (or `seen`, the hash of the view the
    user acted on, before views.open has answered). Only a submit replaces the form otherwise, and it
    closes the draft first: so a hash the draft has not seen (Slack's answer to views.open came after
    the user's first interaction) still shows this form, and the update is made without it."""
    try:
        try:
            new_hash = deps.ui.update(view_id, view, draft.hash or seen)
        except SlackApiError as exc:
            if exc.response.get("error") != "hash_conflict":
                raise
            new_hash = deps.ui.update(view_id, view)
    except SlackApiError as exc:
        if exc.response.get("error") != "not_found":
            raise
        draft.closed = True  # the user closed the modal: nothing to redraw
        deps.drafts.forget(draft.key)
        return
    draft.replaced = draft.hash if replacing else None
    draft.hash = new_hash


def _end(deps: Deps, draft: Draft, modal: Where, view: dict[str, Any]) -> None:
    with draft.lock:
        if not draft.closed:
            _redraw(deps, draft, modal.view_id or "", view, replacing=False)
            draft.closed = True
            deps.drafts.forget(draft.key)


def _form(state: FlowState, values: dict[str, Any], errors: dict[str, str] | None = None) -> dict[str, Any]:
    command = command_for(state.command)
    ctx = FormContext(command, state.label or "", state.prepared, values, errors or {})
    return form_view(ctx, state.pack())


def _prefill(command: Command, prepared: dict[str, Any], flags: dict[str, str]) -> dict[str, Any]:
    fields = _fields(command)
    return {k: v for k, v in {**prepared, **flags}.items() if k in fields}


def _errors_shown(command: Command, values: dict[str, Any], prepared: dict[str, Any]) -> dict[str, str]:
    """The errors of the fields filled so far (an empty field is not yet an error while typing)."""
    _, errors = validate(command, values, prepared)
    return {k: v for k, v in errors.items() if values.get(k) not in (None, "", [])}


def freshest(deps: Deps, state: FlowState) -> dict[str, Any]:
    """The freshest prepared data for a modal: Billecta's, when it arrived after the view was drawn."""
    draft = deps.drafts.get(state.draft)
    return draft.prepared if draft is not None else state.prepared


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
    """dispatch_action: show the errors of the fields filled so far (Slack ignores response_action here),
    against the freshest figures known for the modal."""
    state = FlowState.unpack(view.get("private_metadata"))
    command = command_for(state.command)
    allowed(command, actor, state.record_type)
    values = form_values(command, view)
    draft = deps.drafts.get(state.draft)
    if draft is None:
        deps.ui.update_if_current(view, _form(state, values, _errors_shown(command, values, state.prepared)))
        return
    with draft.lock:
        if not draft.current(view.get("hash")):
            return  # a slower duplicate of an interaction already drawn
        draft.values = {**draft.values, **values}
        state.prepared = draft.prepared
        shown = _form(state, values, _errors_shown(command, values, state.prepared))
        _redraw(deps, draft, str(view.get("id")), shown, replacing=False, seen=view.get("hash"))


def confirmed(deps: Deps, actor: Actor, state: FlowState, form: BaseModel, values: dict[str, Any], where: Where,
              submission: str) -> None:
    """After a valid submit (already acked with a Working… view): `runner.run_dialog` on the work pool.

    The runner runs each submission once (a resubmit or a retried delivery gets the first result, a
    crash is resolved by looking in Billecta), audits it and notifies; this only shows the result.
    """
    allowed(command_for(state.command), actor, state.record_type)
    actor = with_channel(actor, state.channel, state.thread_ts)  # from a message shortcut: in its thread
    deps.work.run(where, lambda: _run(deps, actor, state, form, values, where, submission))


def _run(deps: Deps, actor: Actor, state: FlowState, form: BaseModel, values: dict[str, Any], where: Where,
         submission: str) -> None:
    command = command_for(state.command)
    try:
        row = resolve_one(deps.rt, command, state.key or "")
        checked = _checked_fresh(deps, state, row, values, where) if prefill.stale(state.prepared) else form
        if checked is None:
            return
        dialog = Dialog(command, state.key or "", row, checked, state.prepared)
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


def _checked_fresh(deps: Deps, state: FlowState, row: dict[str, Any], values: dict[str, Any],
                   where: Where) -> BaseModel | None:
    """A form submitted before Billecta's figures reached the modal, validated again against them: the
    form again with the errors under its fields (None) — or with what moved, when the figures the
    user saw were not Billecta's — or the form to run."""
    command = command_for(state.command)
    state.prepared = prefill.checked(prepared_fresh(deps.rt, command, row), state.prepared)
    form, errors = validate(command, values, state.prepared)
    moved = prefill.moved_unseen(state.prepared)
    if form is not None and moved:  # valid on Billecta's figures, but not the figures the user saw
        form, errors = None, {next(iter(_fields(command))): moved}
    if form is None:
        deps.ui.replace(where, _form(state, values, errors))
    return form


def _retried(deps: Deps, state: FlowState, actor: Actor, outcome: str, *, ok: bool) -> None:
    if state.alert:
        channel, _, ts = state.alert.partition(" ")
        deps.notifier.alert_retried(channel, ts, actor, outcome, ok=ok)
