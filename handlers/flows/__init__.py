"""One generic flow per command kind (action, bulk, dialog, view), used by every command of that kind.

Handlers parse the surface (slash command, shortcut, palette, button) into a `Start` and call
`flows.start(deps, start)`; the flow does the rest. Nothing slow runs before `ack()` or `views.open`:
a flow acks, opens a "Loading…" modal (or a dialog's form drawn from the store alone) or answers
ephemerally at once, and hands the slow part (record resolution, `prepare`, the service call) to
`deps.work` (a small thread pool); bulk work goes to the job queue.

CONTRACT FOR DIALOG AND VIEW COMMANDS (what a command module plugs in; nothing Slack-specific)
===========================================================================================

Dialog commands (`Kind.DIALOG`, e.g. `invoice payment`)
-------------------------------------------------------
Registry entry (`bot/commands.py`): `spec=DialogSpec(form, service, prepare=, check=, blocks=, suggest=)`
(bot/specs.py)
    service(rt, record: dict, form: BaseModel, actor: Actor, once: bot.once.Once) -> Outcome
        Runs after a valid submit, on the work pool, through `bot.runner.run_dialog` (the one dialog
        path of Slack and the CLI: run once per submission, audit, notify). It re-checks its own
        rules against a fresh read, stamps `once.token` into what it sends and makes its one write
        with `once.send(call, reference, local=rows)`. Raise `InvalidInput(msg, field_errors=…)` for
        errors Billecta or the state reveals (shown under the fields, values kept), any other
        `BotError` for a refusal (shown in the modal). The service never audits nor claims keys.
    check(rt, record: dict, once) -> bot.once.Found | None
        Whether the work of a claim left by a crash (or a lost reply) is in Billecta.
    form: a pydantic model class. FIELD NAMES ARE THE MODAL'S BLOCK IDS. Submitted values arrive as
        strings/lists exactly as Slack sends them (plain_text_input → str, number_input → str,
        datepicker → "YYYY-MM-DD", static_select/radio_buttons → option value, checkboxes → list of
        values, empty → None); let pydantic coerce them. Validation runs with
        `form.model_validate(values, context=prepared)`, so validators can read what `prepare`
        returned through `info.context` (e.g. the amount left to pay).
    prepare(rt, record: dict) -> dict   (optional)
        Slow fetch of what the form shows or prefills; runs on the work pool after `views.open`, behind
        the "Loading…" view. Return JSON-able scalars only and keep it small (< 1,500 characters as
        JSON): it is carried in the modal's private_metadata and handed back as validation context.
        Keys matching field names prefill those fields.
    suggest(rt, prepared: dict, field: str, query: str) -> list[(text, value)]   (optional)
        The options of the form's external selects as the user types (block_suggestion on the field's
        `unique_id(FORM_FIELD, name)`, answered from the store within Slack's 3 s; ≤ 100 options,
        texts ≤ 75 characters, e.g. record lines). Only someone allowed to run the command gets any.
    A write Billecta keeps no token on (a payment match) records what `check` needs to find it with
    `once.send(..., facts={...})`; `check` reads them back as `once.facts`.
    prepare_from_mirror(rt, record: dict) -> dict | None   (optional, fast: the store only)
        The same keys as `prepare`, from the store's mirror, plus `as_of` (bot/services/prefill.py);
        None when the mirror cannot stand in (never read from Billecta, a state in which Billecta's
        refusal is the answer). With it the modal opens with its form, marked "as of", and `prepare`
        runs behind it: its figures redraw the form (what the user typed is kept, errors follow the
        fresh figures), its refusal replaces the form, and a submit made before they arrived is
        validated again against a fresh `prepare` before the service runs; when the figures moved
        meanwhile (`prefill.moved_unseen`) the form is shown again with Billecta's, not run.
        The store holds for it: the invoice's whole view as Billecta last showed it (`raw`,
        `bot.services.mirror.stored_view`; read by the pull for open invoices, dropped when a list
        contradicts it), debtor balances by the invoice they came from, Billecta's settings
        (`Store.setting`: the creditor's default settings as last read or pushed).

Blocks (optional): a module `blocks/forms/<name>.py`, named by `DialogSpec.blocks`, with
    def form_blocks(ctx: blocks.forms.FormContext) -> list[dict]
        The body of the form (input blocks plus any read-only sections). The flow adds the sandbox
        label, the record header, the dangerous-command warning, title/submit/close and metadata.
        ctx.command, ctx.record_label ('invoice 1001'), ctx.prepared (prepare's dict),
        ctx.values (the current field values: prefilled from `prepared`, then what the user typed),
        ctx.errors (field → message from on-change validation or the service; show them with
        `blocks.forms.field_error(field, message)` right under the input).
        Every input: block_id = the field name, action_id = `unique_id(FORM_FIELD, name)`; put
        `dispatch_action: True` on inputs that should validate as the user types or picks (not on
        file inputs). `blocks.forms.initial_text/initial_option` keep values across `views.update`.
Without a module the flow renders the form from the model (`blocks.forms.generic`): str → text,
Decimal/int → number, date → datepicker, Enum/Literal → select, bool → checkbox; `Field(title=,
description=)` give label and hint.

Lifecycle: views.open(Loading) → resolve record + prepare (pool) → views.update(form) (or, with
`prepare_from_mirror` and a record the store knows: views.open(form as of …) → prepare (pool) →
views.update(form with Billecta's figures), bot/slack/drafts.py keeping the two in order) → on change:
validate, views.update with the field's error → submit: validate → `response_action: errors` under
the fields, or `update` to a "Working…" view → service (pool) → views.update(result) + the outcome
posted (requester, NOTIFY_CHANNEL / ALERT_CHANNEL). A resubmitted modal runs the service once.

View commands (`Kind.VIEW`, e.g. `invoice events 1001`)
-------------------------------------------------------
Registry entry: `spec=ViewSpec(service, blocks=, options=, exports=, choices=)`
    service(rt, record: dict | None, options: dict) -> Any   (the "result"; slow allowed, pool)
        record is None for reports. options = the view's inputs flattened (block_id → value) plus
        "record_type" (the type the user named: event log commands serve several types),
        "refresh" (True on first open and on the refresh button; False on filter changes — serve
        those from the store) and `bot.specs.REQUESTED_BY` (who asked: Actor.display).
    choices(rt) -> dict   (optional, fast: from the store) what the modal's selects offer, read on
        every draw, also when the options were refused: `ctx.choices`.
Blocks: a module named by `ViewSpec.blocks` (the event log: `blocks.events`) with
    def view_blocks(ctx: blocks.views.ViewContext) -> list[dict]
        ctx.command, ctx.record_label, ctx.result, ctx.options, ctx.errors (refused options: result
        None), ctx.choices. ≤ 95 blocks (the flow adds a few).
        Filters: input blocks, block_id = option name, action_id = `unique_id(VIEW_OPTION, name)`,
        `dispatch_action: True` → any change re-runs the service with refresh=False and updates.
        Export: buttons with action_id `unique_id(VIEW_EXPORT, fmt)` and value = format ("csv", "json").
        Refresh: a button with action_id `ActionId.VIEW_REFRESH`.
    def export(ctx: blocks.views.ViewContext, fmt: str) -> tuple[str, bytes]
        (filename, content): the flow uploads it with files_upload_v2 to the requester's DMs, naming
        the record, through `bot.slack.files.deliver` (audited).

Files (`bot.files`)
-------------------
Any command's result may carry files: `Outcome.files` (or a view result's `files` list), each a
`bot.files.OutcomeFile(name, mime, title, content= or path=)`. The CLI writes them to `--out` (a path
for one file, a directory for several; by default each under its own name in the current folder)
and prints the paths; a view without files of its own writes its `export` formats there instead.
The action flow uploads them beside the outcome's message to the channel the command came from (the
thread of a message shortcut's message), or the requester's DMs when there is none or the bot
cannot post there (`bot.slack.files.deliver_outcome`). Every delivery is audited with the file's
name, size, SHA-256 and where it went. Files to keep go through
`bot.services.stored_files.keep` (the `files/` folder beside the database).
"""

from __future__ import annotations

from bot.commands import Kind
from bot.slack.deps import Deps
from handlers.flows.common import Start, allowed

__all__ = ["Start", "start"]


def start(deps: Deps, start: Start) -> None:
    """Begin `start.command`'s flow. Call after ack; raises typed errors for bad input or roles."""
    from handlers.flows import action, bulk, dialog, view

    allowed(start.command, start.actor, start.record_type)
    flows = {Kind.ACTION: action.start, Kind.BULK: bulk.start, Kind.DIALOG: dialog.start, Kind.VIEW: view.start}
    # A one-record command that runs as a job (creditor update) takes the bulk flow: confirm, then a job.
    flows[Kind.BULK if start.command.is_job else start.command.kind](deps, start)
