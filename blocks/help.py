"""`/billecta help [type]`: generated from the registry, like everything else users see."""

from __future__ import annotations

from typing import Any

from blocks.common import context, header, message, section
from bot import commands as registry
from bot.commands import Command
from bot.roles import Role

EXAMPLES = ("`/billecta invoice pause 1001`", "`/billecta debtor upsert 1-5 9`", "`/billecta pause-invoice 1001`",
            "`/billecta invoice events 1001`", "`/billecta` (the command palette)")


Commands = tuple[Command, ...]


def _for(record_type: str, commands: Commands) -> list[Command]:
    return [c for c in commands if registry.applies_to(c, record_type)]


def _line(command: Command, record_type: str, role: Role) -> str:
    usage = command.usage.replace("*", record_type)
    if not command.available:
        state = " _(not available yet)_"
    elif role < command.role:
        state = f" 🔒 _needs the {command.role.label} role_"
    else:
        state = ""
    danger = " ⚠️" if command.dangerous else ""
    return f"`{usage}` — {command.title}{danger}, {command.role.label}{state}"


def _verbs(found: list[Command], role: Role) -> str:
    """'events · 🔒 operator: pause, resume · _pdf_': what `role` may run first, then what needs more."""
    parts = [", ".join(c.verb for c in found if c.available and role >= c.role)]
    for needed in (Role.OPERATOR, Role.ADMIN):
        locked = [c.verb for c in found if c.available and c.role is needed and role < needed]
        if locked:
            parts.append(f"🔒 {needed.label}: {', '.join(locked)}")
    waiting = [f"_{c.verb}_" for c in found if not c.available]
    if waiting:
        parts.append(", ".join(waiting))
    return " · ".join(part for part in parts if part)


def overview(commands: Commands | None = None, role: Role = Role.ADMIN, grants: str = "an admin") -> dict[str, Any]:
    """`role`: whose help this is; commands they cannot run are marked with the role they need."""
    commands = registry.COMMANDS if commands is None else commands
    lines = []
    for record_type in registry.RECORD_TYPES:
        found = _for(record_type, commands)
        if not found:
            continue
        lines.append(f"*{record_type}*: {_verbs(found, role)}")
    blocks = [
        header("Billecta from Slack"),
        section("`/billecta <type> <command> <ids> [field=value]` — ids are record ids, ranges (`5-9`), "
                "Billecta ids or invoice numbers; bulk commands also take `--all` or `--changed`. A form's "
                "fields and a view's filters are `field=value` or `--field value`, as in the shell."),
        section("\n".join(lines)),
        context("Examples: " + " · ".join(EXAMPLES)),
        context("_Italic_ commands are not available yet. `/billecta help <type>` shows each command's usage "
                "and the role it needs. Message shortcuts read the ids in a message."),
    ]
    if role < Role.ADMIN and any(c.available and role < c.role for c in commands):
        blocks.append(context(f"🔒 needs a role you do not have ({role.label if role else 'none'}); "
                              f"ask {grants} for it."))
    return message("billecta-bot help: /billecta <type> <command> <ids>", blocks)


def for_type(record_type: str, commands: Commands | None = None, role: Role = Role.ADMIN) -> dict[str, Any]:
    found = _for(record_type, registry.COMMANDS if commands is None else commands)
    lines = [_line(command, record_type, role) for command in found] or [f"No commands act on {record_type}s."]
    blocks = [header(f"/billecta {record_type} …"), section("\n".join(lines)),
              context("⚠️ dangerous: asks for confirmation and says what it destroys or escalates.")]
    return message(f"billecta-bot help for {record_type}", blocks)


def usage_error(text: str) -> dict[str, Any]:
    return message(text, [section(f"🤔 {text}")])
