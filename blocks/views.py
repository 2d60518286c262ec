"""Read-only view modals: the contract a view command's blocks module implements.

A module named by the command's `ViewSpec.blocks` exposes `view_blocks(ctx) -> list[dict]` and
`export(ctx, fmt) -> (filename, bytes)` (see handlers/flows/__init__.py). `view_modal` wraps the
body in the modal every view command shares.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from blocks import limits
from blocks.common import Block, message, modal, section
from blocks.ids import CallbackId
from bot.commands import Command
from bot.files import OutcomeFile
from bot.services.export import ExportFile, describe_filters, file_stem, rows_part

BODY_BLOCKS = 95  # leaves room for the header and the sandbox label


@dataclass
class ViewContext:
    command: Command
    record_label: str | None
    result: Any
    options: dict[str, Any] = field(default_factory=dict)
    # Option → message when the service refused the options (bot.errors.InvalidInput): the result is
    # None and the module shows each message under its input.
    errors: dict[str, str] = field(default_factory=dict)
    # What the command's `ViewSpec.choices` read for the modal's selects (empty when it has none).
    choices: dict[str, Any] = field(default_factory=dict)


class ViewModule(Protocol):
    def view_blocks(self, ctx: ViewContext) -> list[Block]: ...

    def export(self, ctx: ViewContext, fmt: str) -> ExportFile: ...


class _Plain:
    """Fallback for a view command without a module: the result as text, exported as JSON."""

    @staticmethod
    def view_blocks(ctx: ViewContext) -> list[Block]:
        return [section(f"```{limits.clip(str(ctx.result), 2900)}```")]

    @staticmethod
    def export(ctx: ViewContext, fmt: str) -> ExportFile:
        rows = len(ctx.result) if isinstance(ctx.result, (list, dict)) else int(ctx.result is not None)
        content = json.dumps(ctx.result, default=str, indent=2).encode()
        filters = {k: str(v) for k, v in (ctx.options or {}).items() if v not in (None, "")}
        return ExportFile(f"{file_stem(ctx.command.verb, filters=filters)}-{rows_part(rows)}.json", content,
                          "application/json", rows, filters)


def view_module(command: Command) -> ViewModule:
    name = command.view.blocks
    module: ViewModule = importlib.import_module(name) if name else _Plain()
    return module


class ReportFiles(Protocol):
    """What a report's modal exports from (bot.reports: receivables, reconciliation, the creator)."""

    @property
    def files(self) -> list[OutcomeFile]: ...

    @property
    def lines(self) -> list[Any]: ...

    def csv(self) -> ExportFile: ...


def report_export(report: ReportFiles, fmt: str, formats: Mapping[str, str]) -> ExportFile:
    """One file of a report for its modal's export button: the CSV made fresh, or the drawn file of
    that format (the PDF, the chart)."""
    if fmt == "csv":
        return report.csv()
    wanted = next(f for f in report.files if f.mime == formats[fmt])
    return ExportFile(wanted.name, wanted.data, wanted.mime, max(len(report.lines), 1))


def export_comment(what: str, exported: ExportFile) -> str:
    """The text beside an exported file: what it holds, the filter, how many rows, the format."""
    shown = describe_filters(exported.filters)
    rows = f"{exported.rows} row" + ("" if exported.rows == 1 else "s")
    fmt = exported.filename.rsplit(".", 1)[-1].upper()
    return f"{what}{f' (filter: {shown})' if shown else ''}: {rows}, {fmt}."


def export_empty(what: str, filters: Mapping[str, str] | None) -> dict[str, Any]:
    """Instead of an empty file: say there was nothing to export, and why (the filter, if any)."""
    shown = describe_filters(filters)
    what = what[:1].lower() + what[1:]
    text = (f"Nothing to export: nothing in the {what} matches the filter ({shown}), so no file was made."
            if shown else f"Nothing to export: the {what} is empty, so no file was made.")
    return message(text, [section(f"ℹ️ {text}")])


def view_modal(ctx: ViewContext, private_metadata: str) -> Block:
    title = ctx.command.title
    body = view_module(ctx.command).view_blocks(ctx)[:BODY_BLOCKS]
    head = [section(f"*{title}* of {ctx.record_label}")] if ctx.record_label else []
    # Slack wants a submit button on any view with inputs (the filters); filters apply as they change.
    has_inputs = any(block.get("type") == "input" for block in body)
    return modal(title, [*head, *body], callback_id=CallbackId.VIEW, close="Close",
                 submit="Done" if has_inputs else None, private_metadata=private_metadata)
