"""`/billecta help [type]`: generated from the registry, like everything else users see."""

from __future__ import annotations

from typing import Any

from blocks.common import context, header, message, section
from bot import commands as registry
from bot.commands import Command

EXAMPLES = ("`/billecta invoice pause 1001`", "`/billecta debtor upsert 1-5 9`", "`/billecta pause-invoice 1001`",
            "`/billecta invoice events 1001`", "`/billecta` (the command palette)")


Commands = tuple[Command, ...]


def _for(record_type: str, commands: Commands) -> list[Command]:
    return [c for c in commands if registry.applies_to(c, record_type)]


def _line(command: Command, record_type: str) -> str:
    usage = command.usage.replace("*", record_type)
    state = "" if command.available else " _(not available yet)_"
    danger = " ⚠️" if command.dangerous else ""
    return f"`{usage}` — {command.title}{danger}, {command.role.label}{state}"


def overview(commands: Commands | None = None) -> dict[str, Any]:
    commands = registry.COMMANDS if commands is None else commands
    lines = []
    for record_type in registry.RECORD_TYPES:
        verbs = ", ".join(c.verb if c.available else f"_{c.verb}_" for c in _for(record_type, commands))
        if not verbs:
            continue
        lines.append(f"*{record_type}*: {verbs}")
    blocks = [
        header("Billecta from Slack"),
        section("`/billecta <type> <command> <ids> [--option value]` — ids are record ids, ranges (`5-9`), "
                "Billecta ids or invoice numbers; bulk commands also take `--all` or `--changed`."),
        section("\n".join(lines)),
        context("Examples: " + " · ".join(EXAMPLES)),
        context("_Italic_ commands are not available yet. `/billecta help <type>` shows each command's usage "
                "and the role it needs. Message shortcuts read the ids in a message."),
    ]
    return message("billecta-bot help: /billecta <type> <command> <ids>", blocks)


def for_type(record_type: str, commands: Commands | None = None) -> dict[str, Any]:
    found = _for(record_type, registry.COMMANDS if commands is None else commands)
    lines = [_line(command, record_type) for command in found] or [f"No commands act on {record_type}s."]
    blocks = [header(f"/billecta {record_type} …"), section("\n".join(lines)),
              context("⚠️ dangerous: asks for confirmation and says what it destroys or escalates.")]
    return message(f"billecta-bot help for {record_type}", blocks)


def usage_error(text: str) -> dict[str, Any]:
    return message(text, [section(f"🤔 {text}")])
