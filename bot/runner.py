"""One way to run a command, shared by the CLI, Slack and schedules: check, resolve, run, audit.

Handlers and the CLI parse input and show results; everything between lives here or in services.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from bot import once, records
from bot.billecta import writes
from bot.billecta.enums import InvoiceStage
from bot.commands import Command
from bot.errors import (
    AlreadyDone,
    BotError,
    NotFound,
    NotInBillecta,
    StillRunning,
    Unexpected,
    Unresolved,
    UsageError,
    is_refusal,
)
from bot.forms import check_fields, validate_form
from bot.money import DEFAULT_CURRENCY, format_amount
from bot.records import Targets
from bot.roles import Actor, Role, require
from bot.services import Outcome
from bot.services.labels import enrich, label, listed
from bot.services.mirror import known, resolve
from bot.specs import REQUESTED_BY
from bot.targets import TargetSpec

if TYPE_CHECKING:
    from bot.runtime import Runtime

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class Selection:
    """The records a bulk command will act on, checked before any job is created.

    `totals`: for commands that move money (credit, attest), the sum per currency in minor units;
    `total_text` states it for a confirmation ('12 500,00 kr', or '… excl. VAT' for orders that have
    no Billecta invoice yet, whose total is the sum of their rows).
    """

    command: Command
    ids: list[str]
    labels: list[str]
    totals: dict[str, int] = field(default_factory=dict)
    excl_vat: bool = False

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def currency(self) -> str | None:
        return next(iter(self.totals)) if len(self.totals) == 1 else None

    @property
    def total_minor(self) -> int | None:
        return self.totals[self.currency] if self.currency else None

    @property
    def total_text(self) -> str:
        text = " + ".join(format_amount(minor, currency) for currency, minor in sorted(self.totals.items()))
        return f"{text} excl. VAT" if text and self.excl_vat else text


def display_name(command: Command, record_type: str = "") -> str:
    """The command as the user would type it: 'invoice events', never '* events'."""
    if command.record_type != records.ANY:
        return command.name
    return f"{record_type if records.has_event_log(record_type) else records.EVENT_LOG[0]} {command.verb}"


def check_allowed(command: Command, actor: Actor, record_type: str = "") -> None:
    """Available, and the actor's role is enough. `record_type`: the type the user named, for
    commands that apply to several ('debtor events')."""
    name = display_name(command, record_type)
    if not command.available:
        raise UsageError(f"`{name}` is not available yet in billecta-bot.")
    require(actor, command.role, f"`{name}`")


def has_billecta_id(record_type: str, row: dict[str, Any]) -> bool:
    return records.get(record_type).billecta_id(row) is not None


def resolve_one(rt: Runtime, command: Command, key: str) -> dict[str, Any]:
    row = resolve(rt, command.record_type, key)
    if command.needs_billecta_id and not has_billecta_id(command.record_type, row):
        raise NotInBillecta(f"{label(command.record_type, row)} is not in Billecta yet. "
                            f"{records.get(command.record_type).sync_text(row)}")
    return row


def known_one(rt: Runtime, command: Command, key: str) -> dict[str, Any] | None:
    """`resolve_one` from the store alone (no Billecta call): None when the store does not know the
    record or it is not in Billecta yet (then `resolve_one` says what to do)."""
    row = known(rt, command.record_type, key)
    if row is None or (command.needs_billecta_id and not has_billecta_id(command.record_type, row)):
        return None
    return row


def select(rt: Runtime, command: Command, spec: TargetSpec) -> Selection:
    """Validate every target of a bulk command; unknown ids and records not in Billecta fail it whole."""
    spec = _default_creditor(rt, command, spec)
    if spec.empty:
        raise UsageError(f"Say which records: `{command.usage}`.")
    table, kind = command.record_type, records.get(command.record_type)
    if spec.all or spec.changed:
        if not kind.pushed:
            raise UsageError(f"--all and --changed work for {', '.join(records.SOURCE)}; name the {table}s.")
        keys = [str(i) for i in rt.store.ids(table, changed_only=spec.changed)]
        if not keys:
            raise NotFound(f"No {table}s {'changed since their last sync' if spec.changed else 'in the store'}.")
    else:
        keys = spec.keys
    # Only ids, record lines and totals are kept: a 20,000-record selection must not hold 20,000 rows.
    selection = Selection(command, [], [])
    missing, unsynced, batch = [], [], []
    for key in keys:
        try:
            batch.append(resolve_one(rt, command, key))
        except NotInBillecta:
            unsynced.append(key)
        except NotFound:
            missing.append(key)
        if len(batch) >= BATCH:
            _add(rt, selection, batch)
    _add(rt, selection, batch)
    _raise_for(table, missing, unsynced)
    return selection


BATCH = 500
# Bulk commands that move money, and the column of the (enriched) row holding each record's amount.
MONEY_COLUMNS = {"invoice credit": "current_amount", "order attest": "total_minor",
                 "order upsert-attest": "total_minor"}


def _add(rt: Runtime, selection: Selection, batch: list[dict[str, Any]]) -> None:
    """Record lines (and, for money, the amounts) of a batch of resolved rows; empties the batch."""
    table, column = selection.command.record_type, MONEY_COLUMNS.get(selection.command.name)
    kind = records.get(table)
    for row in enrich(rt.store, table, batch):
        selection.ids.append(kind.key(row))
        selection.labels.append(listed(table, row) + _to_credit(selection.command, row))
        if column:
            currency = (row.get("currency") or DEFAULT_CURRENCY).upper()
            selection.totals[currency] = selection.totals.get(currency, 0) + int(row.get(column) or 0)
            selection.excl_vat = selection.excl_vat or bool(row.get("total_excl_vat"))
    batch.clear()


def _to_credit(command: Command, row: dict[str, Any]) -> str:
    """What a credit takes off this invoice, where its line's amount alone would not say it: a line
    shows what a closed invoice was invoiced, and an open one what remains (maybe less than invoiced)."""
    if command.name != "invoice credit":
        return ""
    remaining, invoiced = int(row.get("current_amount") or 0), row.get("invoiced_amount")
    closed = row.get("stage") in (InvoiceStage.Completed.value, InvoiceStage.Cancelled.value)
    if closed or remaining <= 0:
        return " · nothing to credit"
    if invoiced is not None and int(invoiced) != remaining:
        currency = row.get("currency")
        return f" · {format_amount(remaining, currency)} of {format_amount(int(invoiced), currency)} left to credit"
    return ""


def _default_creditor(rt: Runtime, command: Command, spec: TargetSpec) -> TargetSpec:
    """`creditor update` with no id means the store's one creditor."""
    if records.get(command.record_type).targets is not Targets.DEFAULT_ONE or not spec.empty:
        return spec
    ids = rt.store.ids("creditor")
    if not ids:
        raise NotFound("The store has no creditor yet; import one with `billecta-bot import creditor FILE`.")
    if len(ids) > 1:
        raise UsageError(f"The store has {len(ids)} creditors ({_short([str(i) for i in ids])}); "
                         f"say which: `{command.usage}`.")
    return TargetSpec(keys=[str(ids[0])])


def _raise_for(table: str, missing: list[str], unsynced: list[str]) -> None:
    problems = []
    if missing and records.get(table).pushed:
        problems.append(f"no {table} {_short(missing)} in the store (import it first)")
    elif missing:
        problems.append(f"no {table} {_short(missing)} in the store or in Billecta")
    if unsynced:
        problems.append(f"{table} {_short(unsynced)} not in Billecta yet (upsert first)")
    if problems:
        raise NotFound("Nothing was done: " + "; ".join(problems) + ".")


def _short(keys: list[str], limit: int = 10) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def precheck_action(rt: Runtime, command: Command, key: str, actor: Actor) -> dict[str, Any]:
    """The record of a one-record action, once it is known Billecta would accept the action on it
    (`command.precheck`, a fresh read). Slack and the CLI call this before asking to confirm; a
    refusal is audited as refused, like one met by `run_action`."""
    check_allowed(command, actor)

    def check() -> dict[str, Any]:
        row = resolve_one(rt, command, key)
        precheck = command.action.precheck
        if precheck is None:
            return row
        precheck(rt, row)
        return rt.store.find_by(command.record_type, "id", row["id"]) or row  # as the fresh read mirrored it

    return _audited(rt, command, actor, key, check, audit_success=False)


def typed_answer(command: Command, row: dict[str, Any]) -> str:
    """What a one-record command with `typed_confirmation` makes the user type: the invoice number the
    record is known by (a debt-collection case's invoice), else the record's key."""
    return str(row.get("invoice_number") or records.get(command.record_type).key(row))


def run_action(rt: Runtime, command: Command, key: str, actor: Actor) -> Outcome:
    """Run a one-record action command for `actor`; every attempt lands in the audit log."""
    check_allowed(command, actor)
    service = command.action.service

    def act() -> Outcome:
        row = resolve_one(rt, command, key)
        with writes.tracking() as made:
            try:
                return service(rt, row, actor)
            except Exception as exc:
                if not made or is_refusal(exc):
                    raise  # Billecta has not said yes: nothing changed
                return not_recorded(command, row, key, made, exc)

    return _audited(rt, command, actor, key, act)


def not_recorded(command: Command, row: dict[str, Any], key: str, made: list[str], exc: BaseException) -> Outcome:
    """Billecta accepted the write, then recording it here (the mirror, its re-read) failed: the work is
    done, so the user is told so and where it stands, never that nothing changed; `pull` repairs."""
    log.error("%s on %s %s: Billecta accepted %s, recording it here failed", command.name, command.record_type,
              key, ", ".join(made), exc_info=exc)
    what = f"{command.title} on {label(command.record_type, row)}"
    return Outcome(once.not_recorded_text(what, "do not do it again"), command.record_type, [key],
                   details={"not_recorded": True, "reference": what})


@dataclass
class Dialog:
    """A dialog command ready to run: its record and the validated form (confirm, then `run_dialog`)."""

    command: Command
    key: str
    record: dict[str, Any]
    form: BaseModel
    prepared: dict[str, Any]


def prepare_dialog(rt: Runtime, command: Command, key: str, values: dict[str, Any], actor: Actor) -> Dialog:
    """Resolve the record, read what the form needs (`prepare`) and validate the values given.

    Every required field must be given: the prefill in `prepared` (the remaining amount…) is what a
    modal offers to edit, never a silent default on the command line. Refusals are audited.
    """
    check_allowed(command, actor)
    form_type = command.dialog.form
    check_fields(command.name, form_type, values)  # the command line's syntax, like an unknown command

    def build() -> Dialog:
        row, prepared = load_dialog(rt, command, key)
        return Dialog(command, key, row, validate_form(form_type, values, prepared), prepared)

    return _audited(rt, command, actor, key, build, audit_success=False)


def load_dialog(rt: Runtime, command: Command, key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dialog's record and what its form shows (`prepare`, slow: a fresh read from Billecta)."""
    row = resolve_one(rt, command, key)
    return row, prepared_fresh(rt, command, row)


def prepared_fresh(rt: Runtime, command: Command, row: dict[str, Any]) -> dict[str, Any]:
    """What the dialog's form shows, read fresh from Billecta (`prepare`; refusals raise)."""
    prepare = command.dialog.prepare
    return prepare(rt, row) if prepare else {}


def prepared_from_mirror(rt: Runtime, command: Command, row: dict[str, Any]) -> dict[str, Any] | None:
    """The same from the store's mirror alone, marked `as_of` (bot.services.prefill); None when the
    command has no such twin or the mirror cannot stand in for Billecta on this record."""
    from_mirror = command.dialog.prepare_from_mirror
    return from_mirror(rt, row) if from_mirror else None


DIALOG_KEY = "dialog:"


def run_dialog(rt: Runtime, dialog: Dialog, actor: Actor, *, attempt: str | None = None,
               notify: Callable[[Outcome], None] | None = None) -> Outcome:
    """Run the dialog's service once per `attempt` (a Slack submission; each CLI run is its own),
    audit what happened, then `notify`. The service re-checks its rules against a fresh read.

    A crash or a lost reply is resolved by `bot.once` (done, not done and retried, or unknown); work
    done in Billecta but not recorded here is reported as such, never as "nothing changed".
    """
    command = dialog.command
    check_allowed(command, actor)
    spec = command.dialog
    key = f"{DIALOG_KEY}{command.slug}:{dialog.key}:{attempt or uuid.uuid4().hex}"
    _audited(rt, command, actor, dialog.key, lambda: _earlier_attempts(rt, command, dialog, key), audit_success=False)
    service, subject = spec.service, dialog_subject(command, dialog.key, dialog.record)
    try:
        outcome = once.run_once(rt.store, key, lambda o: service(rt, dialog.record, dialog.form, actor, o),
                                _bound_check(rt, command, dialog.record), subject)
    except StillRunning:
        raise  # a second delivery of a submission that is running: the running one is audited when it ends
    except BotError as exc:
        ended = "unknown" if isinstance(exc, Unresolved) else "refused" if exc.is_refusal else "failed"
        audit(rt, command, actor, [dialog.key], ended, exc.user_message)
        raise
    except Exception as exc:  # nothing was sent (bot.once turns a failure after sending into Unresolved)
        reference = secrets.token_hex(4)
        log.error("unexpected error in %s [ref %s]", key, reference, exc_info=exc)
        text = (f"Something went wrong on our side (reference `{reference}`). Nothing was changed; "
                "give the reference to whoever runs the bot.")
        audit(rt, command, actor, [dialog.key], "error", text)
        raise Unexpected(text) from exc
    _audit_outcome(rt, command, actor, outcome)
    if notify is not None and not outcome.details.get("repeated"):
        notify(outcome)
    return outcome


def _bound_check(rt: Runtime, command: Command, record: dict[str, Any]) -> once.Check | None:
    check = command.dialog.check
    if check is None:
        return None
    return lambda claim: check(rt, record, claim)


def _audit_outcome(rt: Runtime, command: Command, actor: Actor, outcome: Outcome) -> None:
    if outcome.details.get("repeated"):
        return  # audited when it ran
    audit(rt, command, actor, outcome.record_ids, "ok", outcome.message)


def dialog_subject(command: Command, key: str, record: dict[str, Any]) -> once.Subject:
    name = label(command.record_type, record)
    return once.Subject(what=f"`{command.name}` on {name}",
                        where=f"the event log of {name} (`{command.record_type} events {key}`)",
                        record_type=command.record_type, record_ids=[key])


def resolve_dead_claims(rt: Runtime, prefix: str = DIALOG_KEY) -> list[tuple[str, Outcome | None]]:
    """Every dialog claim under `prefix` left by a process that died (or whose outcome was unknown) is
    looked up in Billecta and settled: done (its outcome), not done (released: None) or, when Billecta
    cannot tell, left unknown (skipped; shown on the next attempt). Run when the bot starts, and for
    one record before each new attempt on it. Each resolution is audited."""
    from bot import commands as registry

    settled: list[tuple[str, Outcome | None]] = []
    for row in once.dead_claims(rt.store, prefix):
        # dialog:<slug>:<record key>:<attempt> (the attempt, a Slack submission key, has colons of its own)
        slug, _, rest = row["key"].removeprefix(DIALOG_KEY).partition(":")
        record_key = rest.partition(":")[0]
        command = registry.by_slug(slug)
        if command is None or not rt.store.take_over(row["key"], row.get("owner")):
            continue
        actor = Actor(id="billecta-bot", role=Role.ADMIN, source="restart")
        try:
            record = resolve_one(rt, command, record_key)
            subject = dialog_subject(command, record_key, record)
            outcome = once.resolve(rt.store, row, _bound_check(rt, command, record), subject)
        except BotError as exc:  # cannot tell now: unknown, so the next attempt looks again
            if not isinstance(exc, Unresolved):
                rt.store.mark_claim(row["key"], once.UNKNOWN, {**(row.get("result") or {}), "error": exc.user_message})
            audit(rt, command, actor, [record_key], "unknown", exc.user_message)
            continue
        if outcome is None:
            rt.store.release(row["key"])
            audit(rt, command, actor, [record_key], "failed",
                  f"{subject.what} did not reach Billecta before the bot stopped; nothing changed.")
        else:
            audit(rt, command, actor, [record_key], "ok", outcome.message)
        settled.append((row["key"], outcome))
    return settled


def _earlier_attempts(rt: Runtime, command: Command, dialog: Dialog, key: str) -> None:
    """Before a new attempt on a record: an earlier one left by a crash that did reach Billecta is
    reported instead of sending again (the user may not know it went through)."""
    prefix = f"{DIALOG_KEY}{command.slug}:{dialog.key}:"
    for earlier, outcome in resolve_dead_claims(rt, prefix):
        if earlier != key and outcome is not None:
            raise AlreadyDone(f"{outcome.message} Nothing more was sent now; if this is another one, "
                              "submit it again.")


def run_view(rt: Runtime, command: Command, record_type: str, key: str | None, actor: Actor,
             options: dict[str, Any] | None = None) -> Any:
    """A read-only command's result for one record (or none, for a creditor's log and reports)."""
    check_allowed(command, actor, record_type)
    service = command.view.service
    row = resolve(rt, record_type, key) if key else None
    return service(rt, row, {"refresh": True, **(options or {}), "record_type": record_type,
                             REQUESTED_BY: actor.display})


def _audited(rt: Runtime, command: Command, actor: Actor, key: str, work: Callable[[], T], *,
             audit_success: bool = True) -> T:
    """Run `work`; a refusal (unknown record, state, Billecta's rules) is audited as refused, another
    bot error as failed, and re-raised."""
    try:
        result = work()
    except BotError as exc:
        audit(rt, command, actor, [key], "refused" if exc.is_refusal else "failed", exc.user_message)
        raise
    if audit_success and isinstance(result, Outcome):
        audit(rt, command, actor, result.record_ids, "ok", result.message)
    return result


def audit(rt: Runtime, command: Command, actor: Actor, ids: list[str], outcome: str, detail: str,
          job_id: int | None = None) -> None:
    rt.store.audit(actor=actor.id, source=actor.source, channel=actor.channel, command=command.name,
                   record_type=command.record_type, record_ids=ids, outcome=outcome, detail=detail,
                   job_id=job_id)

