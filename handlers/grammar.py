"""`/billecta` text: `help [type]`, a type alone (its help), nothing at all (the palette), else a command
in the one grammar shared with the CLI (bot.grammar). Pure: no I/O, so it runs before the ack.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from bot import commands as registry
from bot.commands import Command
from bot.errors import UsageError
from bot.grammar import closest, names, option_names, parse_words, unknown
from bot.roles import Role

__all__ = ["MAX_TEXT", "Parsed", "closest", "names", "option_names", "parse", "unknown"]
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
    if len(words) < 2 and registry.by_slug(head) is None:
        if head in registry.RECORD_TYPES:  # '/billecta invoice': what can be done to invoices
            return Parsed("help", help_type=head)
        raise UsageError(unknown(text, role))
    run = parse_words(words, role)
    return Parsed("run", run.command, run.record_type, run.targets, run.options)


def _help(words: list[str], role: Role) -> Parsed:
    wanted = words[0].lower() if words else None
    if wanted and wanted not in registry.RECORD_TYPES:
        raise UsageError(unknown(" ".join(words), role))
    return Parsed("help", help_type=wanted)
