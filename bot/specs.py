"""What a command plugs into its flow, one typed spec per kind (`Command.spec` in bot/commands.py).

A command's kind decides its flow (handlers/flows); its spec is everything that flow calls, typed so
mypy checks a new command's service against the flow that will call it:

    JobSpec     bulk commands and one-record commands that run as a durable job (creditor update)
    ActionSpec  one record, confirm, one quick Billecta call
    DialogSpec  one record, a form, then one Billecta call run once (bot.once, bot.runner.run_dialog)
    ViewSpec    read-only: the event log, reports

Blocks modules are named by import path, not imported here: blocks import the registry (they render a
`Command`), so the registry importing them would be a cycle. `tests/test_command_contracts.py` imports
every named module and checks it has the functions its flow calls, for every available command.
The full contract (what each function receives, what the flow adds around it) is in
handlers/flows/__init__.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pydantic import BaseModel

    from bot.once import Found, Once
    from bot.roles import Actor
    from bot.runtime import Runtime
    from bot.services import ItemResult, Outcome
    from bot.services.known import ExternalIndex

Record = dict[str, Any]
# The key of a view service's options that says who asked (Actor.display): the report creator records
# who saved a report. Set by bot.runner.run_view and the Slack view flow, never typed by a user.
REQUESTED_BY = "requested_by"


# Positional-only parameters: a service names its own parameters (`invoice`, `record`), and takes its
# own form model, which a `BaseModel` parameter would reject (parameters are contravariant).
class ItemService(Protocol):
    def __call__(self, rt: Runtime, record_id: str, /, *, resumed: bool = False) -> ItemResult: ...


class Indexer(Protocol):
    def __call__(self, rt: Runtime, /) -> ExternalIndex: ...


class ActionService(Protocol):
    def __call__(self, rt: Runtime, record: Record, actor: Actor, /) -> Outcome: ...


class Precheck(Protocol):
    def __call__(self, rt: Runtime, record: Record, /) -> None: ...


class DialogService(Protocol):
    def __call__(self, rt: Runtime, record: Record, form: Any, actor: Actor, once: Once, /) -> Outcome: ...


class Prepare(Protocol):
    def __call__(self, rt: Runtime, record: Record, /) -> dict[str, Any]: ...


class PrepareFromMirror(Protocol):
    def __call__(self, rt: Runtime, record: Record, /) -> dict[str, Any] | None: ...


class Check(Protocol):
    def __call__(self, rt: Runtime, record: Record, once: Once, /) -> Found | None: ...


class Suggest(Protocol):
    def __call__(self, rt: Runtime, prepared: dict[str, Any], field: str, query: str, /) -> list[tuple[str, str]]: ...


class ViewService(Protocol):
    def __call__(self, rt: Runtime, record: Record | None, options: dict[str, Any], /) -> Any: ...


class Choices(Protocol):
    def __call__(self, rt: Runtime, /) -> dict[str, Any]: ...


@dataclass(frozen=True)
class JobSpec:
    # One item of the job: looks the record up, acts on it in Billecta, mirrors it; raises BotError on failure.
    service: ItemService
    # Bulk upserts: lists what Billecta holds by external id once for a large job, so its new records
    # are not each looked up before their create (bot.services.known).
    index: Indexer | None = None


@dataclass(frozen=True)
class ActionSpec:
    service: ActionService
    # Raises a refusal (from a fresh Billecta read) before the user is asked to confirm something
    # Billecta would refuse (pausing a paused invoice).
    precheck: Precheck | None = None


@dataclass(frozen=True)
class DialogSpec:
    # The pydantic model the modal submits. Its field names are the modal's block ids and the CLI's
    # `field=value` names.
    form: type[BaseModel]
    # Runs after a valid submit through `bot.runner.run_dialog`; makes its one write with `once.send`.
    service: DialogService
    # The slow read of what the form shows or prefills (behind "Loading…"); small JSON-able scalars,
    # carried in the modal's private_metadata and handed to validators as context.
    prepare: Prepare | None = None
    # The fast twin of `prepare`: the same keys from the store's mirror alone (no Billecta call), with
    # `as_of` (bot.services.prefill), or None when the mirror cannot stand in. The modal then shows its
    # form at once, marked "as of", while `prepare` runs behind it and every submit is checked fresh.
    prepare_from_mirror: PrepareFromMirror | None = None
    # Whether the work of a claim left by a crash or a lost reply is in Billecta (bot.once).
    check: Check | None = None
    # Module with `form_blocks(ctx)`; None renders the form model (blocks.forms.generic).
    blocks: str | None = None
    # The options of the form's external selects as the user types (Slack's block_suggestion, answered
    # within 3 s, so from the store): (option text, value) pairs for `field`, given what prepare read.
    suggest: Suggest | None = None


@dataclass(frozen=True)
class ViewSpec:
    service: ViewService
    # Module with `view_blocks(ctx)` and `export(ctx, fmt)`; None shows the result as text.
    blocks: str | None = None
    # The view's filters: input block ids in the modal, `--name value` / `name=value` on the command line.
    options: tuple[str, ...] = ()
    # The formats `export(ctx, fmt)` writes (the modal's export buttons).
    exports: tuple[str, ...] = ("json",)
    # More for `run <type> <verb> --help` (the report creator's fields and presets).
    help: Callable[[], str] | None = None
    # What the modal's selects offer from the store (the report creator's saved reports), read on every
    # draw, also when the options were refused; the blocks module gets them as `ViewContext.choices`.
    choices: Choices | None = None


Spec = JobSpec | ActionSpec | DialogSpec | ViewSpec
