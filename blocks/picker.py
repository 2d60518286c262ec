"""The command palette and the message-shortcut modal: pick a type, a command, the record(s).

Choosing a type or a command updates the modal (dispatch_action → views.update); the record input
depends on the command: a search over the bot's store (external_select), the ids found in the
message, or free targets for bulk commands.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from blocks import limits
from blocks.common import Block, context, modal, option, plain
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.metadata import PickerState
from bot import commands as registry
from bot import records
from bot.commands import Command, Kind
from bot.roles import Role
from bot.targets import parse_targets

TITLE = "Billecta"


@functools.cache
def record_types() -> tuple[str, ...]:
    """The types any command acts on (fixed by the registry; cached, the palette is on the ack path)."""
    return tuple(t for t in registry.RECORD_TYPES if registry.commands_for(t))


def _select(block_id: str, action_id: str, label: str, options: list[Block], value: str | None) -> Block:
    element: Block = {"type": "static_select", "action_id": action_id, "options": options[: limits.OPTIONS],
                      "placeholder": plain(f"Choose a {label.lower()}", limits.PLACEHOLDER)}
    chosen = [o for o in options if o["value"] == value]
    if chosen:
        element["initial_option"] = chosen[0]
    return {"type": "input", "block_id": block_id, "dispatch_action": True, "label": plain(label),
            "element": element}


def _command_option(command: Command, record_type: str) -> Block:
    danger = " ⚠️" if command.dangerous else ""
    return option(f"{command.verb} — {command.title}{danger}", command.slug)


@dataclass(frozen=True)
class Viewer:
    """Who the palette is for: their role decides what is offered; `grants` says who can give more."""

    role: Role = Role.ADMIN
    grants: str = "an admin"


def runnable(command: Command, role: Role) -> bool:
    return command.available and role >= command.role


def _locked(record_type: str, commands: tuple[Command, ...], role: Role) -> bool:
    """Commands on the type are ready, but none for this role (types with none ready stay listed)."""
    ready = [c for c in commands if c.available and registry.applies_to(c, record_type)]
    return bool(ready) and not any(role >= c.role for c in ready)


def picker_view(state: PickerState, note: str | None = None, commands: tuple[Command, ...] | None = None,
                viewer: Viewer | None = None, lines: dict[str, str] | None = None) -> Block:
    """The palette, offering only what `viewer` may run; `commands` defaults to the registry;
    `lines` names the records a message shortcut found (their record lines, by key)."""
    commands = registry.COMMANDS if commands is None else commands
    viewer = viewer or Viewer()
    blocks: list[Block] = []
    if note:
        blocks.append(context(note))
    if not state.fixed_type:
        usable = [t for t in record_types() if not _locked(t, commands, viewer.role)]
        types = [option(t, t) for t in usable]
        if types:  # someone with no role may have none to choose (Slack refuses a select of no options)
            blocks.append(_select(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "Record type", types,
                                  state.record_type))
        locked = [t for t in record_types() if t not in usable]  # named, so the role is what they ask for
        if locked:
            blocks.append(context(f"Commands on {', '.join(locked)} need a higher role than your "
                                  f"{viewer.role.label if viewer.role else 'none'}; ask {viewer.grants}."))
    if state.record_type:
        blocks.extend(_command_blocks(state, [c for c in commands if registry.applies_to(c, state.record_type)],
                                      viewer, lines or {}))
    title = f"Billecta: {state.record_type}" if state.fixed_type and state.record_type else TITLE
    return modal(limits.clip(title, limits.VIEW_TITLE), blocks, callback_id=CallbackId.PICKER, submit="Continue",
                 close="Cancel", private_metadata=state.pack())


def _command_blocks(state: PickerState, commands: list[Command], viewer: Viewer,
                    lines: dict[str, str]) -> list[Block]:
    record_type = state.record_type or ""
    ready = [c for c in commands if runnable(c, viewer.role)]
    blocks: list[Block] = []
    if ready:
        options = [_command_option(c, record_type) for c in ready]
        blocks.append(_select(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "Command", options, state.command))
    for role in (Role.OPERATOR, Role.ADMIN):
        locked = [c.verb for c in commands if c.available and c.role is role and viewer.role < role]
        if locked:
            blocks.append(context(f"Need the {role.label} role: {', '.join(locked)} (ask {viewer.grants})."))
    waiting = [c.verb for c in commands if not c.available]
    if waiting:
        blocks.append(context("Not available yet: " + ", ".join(waiting)))
    command = next((c for c in ready if c.slug == state.command), None)
    if command is not None:
        blocks.extend(_record_blocks(command, state, lines))
    return blocks


def _record_blocks(command: Command, state: PickerState, lines: dict[str, str]) -> list[Block]:
    record_type = state.record_type or ""
    danger = " · ⚠️ dangerous" if command.dangerous else ""
    blocks = [context(f"*{command.title}* · needs the {command.role.label} role{danger}")]
    if not records.takes_target(command.record_type):
        return blocks
    if command.kind is Kind.BULK:
        element: Block = {"type": "plain_text_input", "action_id": ActionId.PICKER_TARGETS,
                          "placeholder": plain("1 2 5-9, --changed or --all", limits.PLACEHOLDER)}
        if state.spec:
            element["initial_value"] = state.spec
        blocks.append({"type": "input", "block_id": BlockId.PICKER_TARGETS,
                       "label": plain(f"{record_type.capitalize()}s"),
                       "hint": plain("Record ids, ranges, Billecta ids; or --changed / --all."),
                       "element": element})
        return blocks
    blocks.append(_record_input(record_type, state.spec, lines))
    return blocks


def found_keys(spec: str | None) -> list[str]:
    """The records a message shortcut found, as the picker offers them."""
    return parse_targets(spec.split()).keys[: limits.OPTIONS] if spec else []


def _record_input(record_type: str, spec: str | None, lines: dict[str, str]) -> Block:
    keys = found_keys(spec)
    if keys:
        options = [option(lines.get(key) or f"{record_type} {key}", key) for key in keys]
        element: Block = {"type": "static_select", "action_id": ActionId.PICKER_RECORD, "options": options,
                          "initial_option": options[0]}
    else:
        element = {"type": "external_select", "action_id": ActionId.PICKER_RECORD, "min_query_length": 0,
                   "placeholder": plain(f"Search {record_type}s by number, name or id", limits.PLACEHOLDER)}
    return {"type": "input", "block_id": BlockId.PICKER_RECORD, "label": plain(record_type.capitalize()),
            "element": element}


def chosen(values: dict[str, Any], state: PickerState) -> PickerState:
    """The picker's state after the user changed the type or the command."""
    record_type = state.record_type if state.fixed_type else values.get(BlockId.PICKER_TYPE) or state.record_type
    command = values.get(BlockId.PICKER_COMMAND)
    fits = registry.by_slug(command or "") in registry.commands_for(record_type or "")
    if record_type != state.record_type or not fits:
        command = None
    return state.model_copy(update={"record_type": record_type, "command": command})
