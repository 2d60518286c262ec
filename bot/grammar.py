"""THE command grammar, shared by `/billecta` and `billecta-bot run`: `<type> <verb> <targets> field=value…`.

A command is named `<type> <verb>` ('invoice pause'), by its slug ('pause-invoice') or its seed id;
a slug of a command for every type with a log (`show-event-log`) is followed by the type. The words
after it are targets (ids, ranges, Billecta ids, `--all`, `--changed`; bot.targets reads them) and
options, written `name=value`, `--name value` or `--name=value` (a dialog's form fields, a view's
filters; `-` and `_` alike). Pure: no I/O, no Slack, so Slack runs it before the ack.

Errors name commands as Slack users type them (`/billecta invoice pause 1001`); the CLI shows them in
the shell's syntax (`bot.cli.cli_syntax`), so both surfaces say the same thing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from bot import commands as registry
from bot import records
from bot.commands import Command, Kind
from bot.errors import UsageError, echo
from bot.forms import form_help
from bot.records import Targets
from bot.roles import Role
from bot.specs import DialogSpec, ViewSpec
from bot.targets import parse_targets

TARGET_FLAGS = ("--all", "--changed", "all", "changed")


@dataclass(frozen=True)
class Invocation:
    command: Command
    record_type: str  # the type the user named: 'debtor' for `debtor events`, whose command is '* events'
    targets: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.command.name.replace(records.ANY, self.record_type)


def parse_words(words: list[str], role: Role = Role.ADMIN) -> Invocation:
    """`role`: whose "did you mean" suggestions an unknown command gets (only commands they can run)."""
    if not words:
        raise UsageError("Say the record type and the command, e.g. `/billecta invoice pause 1001`.")
    head = words[0].lower()
    command = registry.by_slug(head)
    if command is None and len(words) < 2 and head in records.BY_NAME:
        verbs = ", ".join(c.verb for c in registry.commands_for(head))
        raise UsageError(f"Say what to do with the {head}: {verbs}. `/billecta help {head}` says what each does.")
    if command is not None:
        record_type, rest = command.record_type, words[1:]
        if record_type == records.ANY:
            if not rest or not records.has_event_log(rest[0].lower()):
                raise UsageError(f"Say whose events: `/billecta {head} <{'|'.join(records.EVENT_LOG)}> <id>`.")
            record_type, rest = rest[0].lower(), rest[1:]
    else:
        try:
            command = registry.find(head, words[1].lower() if len(words) > 1 else "")
        except UsageError:
            raise UsageError(unknown(" ".join(words), role)) from None
        record_type, rest = head, words[2:]
    targets, options = _split(rest)
    invocation = Invocation(command, record_type, targets, options)
    if options:
        _check_options(invocation, option_names(command))
    return invocation


def _split(words: list[str]) -> tuple[list[str], dict[str, str]]:
    targets: list[str] = []
    options: dict[str, str] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if word.lower() in TARGET_FLAGS or not (word.startswith("--") or "=" in word):
            targets.append(word)
            index += 1
            continue
        if "=" in word:
            name, value = word.removeprefix("--").split("=", 1)
        elif index + 1 < len(words):
            name, value = word[2:], words[index + 1]
            index += 1
        else:
            raise UsageError(f"`{echo(word)}` needs a value: `{echo(word)} <value>` or `{echo(word[2:])}=<value>`.")
        name = name.strip().lower().replace("-", "_")
        # amount=5 amount=6 must not quietly register 6: which one was meant is the user's to say.
        if name in options and options[name] != value:
            raise UsageError(f"{echo(name)} is given twice ({echo(options[name])!r} and {echo(value)!r}); "
                             "give it once.")
        options[name] = value
        index += 1
    return targets, options


def _check_options(invocation: Invocation, known: tuple[str, ...]) -> None:
    """Options prefill a dialog's fields or set a view's filters; anything else is a typo to point out."""
    command, name = invocation.command, invocation.name
    if not known:
        usage = command.usage.replace(records.ANY, invocation.record_type)
        raise UsageError(f"`{name}` takes no field=value options; usage: `{usage}`.")
    wrong = next((option for option in invocation.options if option not in known), None)
    if wrong is None:
        return
    if isinstance(command.spec, DialogSpec):
        raise UsageError(f"`{name}` has no field `{echo(wrong)}`. Its fields:\n{form_help(command.spec.form)}")
    listed = ", ".join(f"`{option}`" for option in known)
    raise UsageError(f"`{name}` has no option `{echo(wrong)}`. Its options: {listed}.")


def one_target(command: Command, record_type: str, targets: list[str]) -> str | None:
    """The one record an action, dialog or view acts on, as typed; None for a report, and for a view of a
    type that defaults to the store's one record (the creditor's log)."""
    kind = records.get(record_type)
    if kind.targets is Targets.NONE:
        return None
    spec = parse_targets(targets)
    name = command.name.replace(records.ANY, record_type)
    if spec.all or spec.changed or len(spec.keys) > 1:
        # `amount=1 250,00` unquoted leaves `250,00` as a second record: say how a spaced value is typed.
        spaced = " A field's value with a space goes in quotes: amount=\"1 250,00\"." \
            if isinstance(command.spec, DialogSpec) and len(spec.keys) > 1 else ""
        raise UsageError(f"`{name}` acts on one record: `{command.usage.replace(records.ANY, record_type)}`.{spaced}")
    if spec.keys:
        return spec.keys[0]
    if command.kind is Kind.VIEW and kind.targets is Targets.DEFAULT_ONE:
        return None
    raise UsageError(f"Say which {record_type}: `/billecta {name} <id>`.")


def option_names(command: Command) -> tuple[str, ...]:
    """The options a command takes: a dialog's form fields, a view's filters; none for the rest."""
    spec = command.spec
    if isinstance(spec, DialogSpec):
        return tuple(spec.form.model_fields)
    if isinstance(spec, ViewSpec):
        return spec.options
    return ()


def names(role: Role = Role.ADMIN) -> list[str]:
    """Every way to name a command `role` can run now (available, role enough): 'invoice pause', the slugs."""
    found: list[str] = []
    for command in registry.COMMANDS:
        if not command.available or role < command.role:
            continue
        types = records.EVENT_LOG if command.record_type == records.ANY else (command.record_type,)
        found.extend(f"{t} {command.verb}" for t in types)
        found.append(command.slug)
    return found


def closest(text: str, n: int = 3, role: Role = Role.ADMIN) -> list[str]:
    words = text.lower().split()
    probe = " ".join(words[:2])
    known = names(role)
    matches = difflib.get_close_matches(probe, known, n=n, cutoff=0.5)
    if not matches and words:
        matches = difflib.get_close_matches(words[0], known, n=n, cutoff=0.5)
    return matches


def unknown(text: str, role: Role = Role.ADMIN) -> str:
    matches = closest(text, role=role)
    hint = " Did you mean " + ", ".join(f"`/billecta {m}`" for m in matches) + "?" if matches else ""
    return f"I don't know `/billecta {echo(text)}`.{hint} Try `/billecta help`."
