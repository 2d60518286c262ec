"""The `/billecta` grammar, from the registry: `<type> <verb> <targets> [--flag value]`, seed slugs,
`help [type]`, and nothing at all (the palette). Pure: no I/O, so it runs before the ack.
"""

from __future__ import annotations

import difflib
import shlex
from dataclasses import dataclass, field

from bot import commands as registry
from bot.commands import Command
from bot.errors import UsageError, echo
from bot.roles import Role
from bot.specs import DialogSpec, ViewSpec

TARGET_FLAGS = ("--all", "--changed")
MAX_TEXT = 4000  # far above any real command (ids, ranges, flags), far below Slack's 40,000


@dataclass
class Parsed:
    kind: str  # 'palette' | 'help' | 'run'
    command: Command | None = None
    record_type: str = ""
    targets: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)
    help_type: str | None = None


def parse(text: str, role: Role = Role.ADMIN) -> Parsed:
    """`role`: whose "did you mean" suggestions these are (only commands they can run)."""
    if len(text) > MAX_TEXT:  # no command is this long: refuse before any part of it is echoed
        raise UsageError(f"That is {len(text):,} characters; a `/billecta` command takes at most {MAX_TEXT:,}. "
                         "Try `/billecta help`.")
    try:
        words = shlex.split(text.strip())
    except ValueError:
        words = text.split()
    if not words:
        return Parsed("palette")
    head = words[0].lower()
    if head in ("help", "?", "-h", "--help"):
        return _help(words[1:], role)
    command = registry.by_slug(head)
    if command is not None:
        rest = words[1:]
        record_type = command.record_type
        if record_type == "*":
            if not rest or rest[0] not in registry.EVENT_LOG_TYPES:
                raise UsageError(f"Say whose events: `/billecta {head} <{'|'.join(registry.EVENT_LOG_TYPES)}> <id>`.")
            record_type, rest = rest[0], rest[1:]
        return _run(command, record_type, rest)
    if len(words) < 2:
        if head in registry.RECORD_TYPES:  # '/billecta invoice': what can be done to invoices
            return Parsed("help", help_type=head)
        raise UsageError(unknown(text, role))
    try:
        command = registry.find(head, words[1].lower() if len(words) > 1 else "")
    except UsageError:
        raise UsageError(unknown(text, role)) from None
    return _run(command, head, words[2:])


def _help(words: list[str], role: Role) -> Parsed:
    wanted = words[0].lower() if words else None
    if wanted and wanted not in registry.RECORD_TYPES:
        raise UsageError(unknown(" ".join(words), role))
    return Parsed("help", help_type=wanted)


def _run(command: Command, record_type: str, words: list[str]) -> Parsed:
    targets: list[str] = []
    flags: dict[str, str] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if word.startswith("--") and word not in TARGET_FLAGS:
            name = word[2:]
            if "=" in name:
                name, value = name.split("=", 1)
            elif index + 1 < len(words):
                index, value = index + 1, words[index + 1]
            else:
                raise UsageError(f"`{echo(word)}` needs a value: `{echo(word)} <value>`.")
            flags[name.replace("-", "_")] = value
        else:
            targets.append(word)
        index += 1
    if flags:
        _check_flags(command, record_type, flags)
    return Parsed("run", command, record_type, targets, flags)


def _check_flags(command: Command, record_type: str, flags: dict[str, str]) -> None:
    """Options prefill a dialog's fields or set a view's filters; anything else is a typo to point out."""
    name = command.name.replace("*", record_type)
    known = option_names(command)
    if not known:
        raise UsageError(f"`{name}` takes no options; usage: `{command.usage.replace('*', record_type)}`.")
    wrong = [flag for flag in flags if flag not in known]
    if wrong:
        listed = ", ".join(f"`--{option.replace('_', '-')}`" for option in known)
        raise UsageError(f"`{name}` has no option `--{echo(wrong[0].replace('_', '-'))}`. Its options: {listed}.")


def option_names(command: Command) -> tuple[str, ...]:
    """The `--flag value` options a command takes: a dialog's form fields, a view's filters."""
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
        types = registry.EVENT_LOG_TYPES if command.record_type == "*" else (command.record_type,)
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
