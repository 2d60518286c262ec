"""One way to run a command, shared by the CLI, Slack and schedules: check, resolve, run, audit.

Handlers and the CLI parse input and show results; everything between lives here or in services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.commands import Command, Kind
from bot.errors import BotError, NotFound, NotInBillecta, UsageError
from bot.roles import Actor, require
from bot.services import Outcome
from bot.services.labels import label
from bot.services.mirror import resolve
from bot.store import SOURCE_TYPES
from bot.targets import TargetSpec

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass
class Selection:
    """The records a bulk command will act on, checked before any job is created."""

    command: Command
    ids: list[str]
    labels: list[str]

    @property
    def count(self) -> int:
        return len(self.ids)


def check_allowed(command: Command, actor: Actor) -> None:
    if not command.available:
        raise UsageError(f"`{command.name}` is not available yet in billecta-bot.")
    require(actor, command.role, f"`{command.name}`")


def has_billecta_id(record_type: str, row: dict[str, Any]) -> bool:
    column = "action_public_id" if record_type in ("invoice", "debtcollection") else "billecta_id"
    return bool(row.get(column))


def resolve_one(rt: Runtime, command: Command, key: str) -> dict[str, Any]:
    row = resolve(rt, command.record_type, key)
    if command.needs_billecta_id and not has_billecta_id(command.record_type, row):
        raise NotInBillecta(
            f"{label(command.record_type, row)} is not in Billecta yet. "
            f"Run `{command.record_type} upsert {row['id']}` first."
        )
    return row


def select(rt: Runtime, command: Command, spec: TargetSpec) -> Selection:
    """Validate every target of a bulk command; unknown ids and records not in Billecta fail it whole."""
    if spec.empty:
        raise UsageError(f"Say which records: `{command.usage}`.")
    table = command.record_type
    if spec.all or spec.changed:
        if table not in SOURCE_TYPES:
            raise UsageError(f"--all and --changed work for {', '.join(SOURCE_TYPES)}; name the {table}s.")
        keys = [str(i) for i in rt.store.ids(table, changed_only=spec.changed)]
        if not keys:
            raise NotFound(f"No {table}s {'changed since their last sync' if spec.changed else 'in the store'}.")
    else:
        keys = spec.keys
    id_column = "invoice_number" if table == "invoice" else "id"
    # Only ids and labels are kept: a 20,000-record selection must not hold 20,000 rows.
    ids, labels, missing, unsynced = [], [], [], []
    for key in keys:
        try:
            row = resolve_one(rt, command, key)
        except NotInBillecta:
            unsynced.append(key)
            continue
        except NotFound:
            missing.append(key)
            continue
        ids.append(str(row[id_column]))
        labels.append(label(table, row))
    _raise_for(table, missing, unsynced)
    return Selection(command, ids, labels)


def _raise_for(table: str, missing: list[str], unsynced: list[str]) -> None:
    problems = []
    if missing:
        problems.append(f"no {table} {_short(missing)} in the store or in Billecta")
    if unsynced:
        problems.append(f"{table} {_short(unsynced)} not in Billecta yet (upsert first)")
    if problems:
        raise NotFound("Nothing was done: " + "; ".join(problems) + ".")


def _short(keys: list[str], limit: int = 10) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def run_action(rt: Runtime, command: Command, key: str, actor: Actor) -> Outcome:
    """Run a one-record action command for `actor`; every attempt lands in the audit log."""
    check_allowed(command, actor)
    if command.kind is not Kind.ACTION:
        raise UsageError(f"`{command.name}` is a {command.kind.value} command.")
    row = resolve_one(rt, command, key)
    assert command.service is not None
    try:
        outcome: Outcome = command.service(rt, row, actor)
    except BotError as exc:
        audit(rt, command, actor, [key], "failed", exc.user_message)
        raise
    audit(rt, command, actor, outcome.record_ids, "ok", outcome.message)
    return outcome


def audit(rt: Runtime, command: Command, actor: Actor, ids: list[str], outcome: str, detail: str,
          job_id: int | None = None) -> None:
    rt.store.audit(actor=actor.id, source=actor.source, channel=actor.channel, command=command.name,
                   record_type=command.record_type, record_ids=ids, outcome=outcome, detail=detail,
                   job_id=job_id)

