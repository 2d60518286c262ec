"""The report creator's modal (command 31, `report create`): preset, fields, filter, sums and name as
inputs (a refused one shows its message under it), the sums, the as-of line, and buttons to run it
again (the files are uploaded) or export one file. Pure: a `CreatedReport` or the refused options in.
"""

from __future__ import annotations

from typing import Any

from blocks import limits
from blocks.common import Block, actions, button, context, fields, header, option, plain, section
from blocks.forms import with_errors
from blocks.ids import ActionId, unique_id
from blocks.views import ViewContext
from bot.reports.creator import FIELDS_OPTION, NAME, PRESET, PRESETS, SAVE, SUM, CreatedReport
from bot.reports.filters import FILTER
from bot.services.export import ExportFile

FORMATS = {"pdf": "application/pdf", "csv": "text/csv"}
FIELDS_PER_BLOCK = 10
SAVE_TEXT = "Save under this name (run it again by its name)"
TEXTS = ((FIELDS_OPTION, "Fields (comma-separated, e.g. invoice_number,debtor,remaining)"),
         (FILTER, "Filter (e.g. remaining>1000;status=overdue)"), (SUM, "Sum columns (e.g. remaining)"),
         (NAME, "Name"))


def view_blocks(ctx: ViewContext) -> list[Block]:
    options = ctx.options or {}
    blocks = with_errors(_inputs(options), ctx.errors)
    report: CreatedReport | None = ctx.result
    if report is None:
        return [*blocks, section("*Correct the inputs above to see the report.*")]
    pairs = report.summary()
    return [*blocks, context(report.as_of_line), header(report.spec.title[: limits.HEADER_TEXT]),
            *(fields(pairs[i:i + FIELDS_PER_BLOCK]) for i in range(0, len(pairs), FIELDS_PER_BLOCK)),
            actions(button("Run again and send the files", ActionId.VIEW_REFRESH),
                    *(button(f"Export {fmt.upper()}", unique_id(ActionId.VIEW_EXPORT, fmt), fmt) for fmt in FORMATS),
                    block_id="report-buttons")]


def export(ctx: ViewContext, fmt: str) -> ExportFile:
    report: CreatedReport = ctx.result
    if fmt == "csv":
        return report.csv()
    wanted = next(f for f in report.files if f.mime == FORMATS[fmt])
    return ExportFile(wanted.name, wanted.data, wanted.mime, max(len(report.lines), 1))


def _inputs(options: dict[str, Any]) -> list[Block]:
    preset: Block = {"type": "static_select", "action_id": unique_id(ActionId.VIEW_OPTION, PRESET),
                     "options": [option(p.title[:75], key) for key, p in PRESETS.items()]}
    if options.get(PRESET) in PRESETS:
        chosen = PRESETS[str(options[PRESET])]
        preset["initial_option"] = option(chosen.title[:75], str(options[PRESET]))
    blocks = [_input(PRESET, "Preset", preset)]
    for name, label in TEXTS:
        element: Block = {"type": "plain_text_input", "action_id": unique_id(ActionId.VIEW_OPTION, name)}
        if options.get(name):
            element["initial_value"] = str(options[name])[:3000]
        blocks.append(_input(name, label, element))
    save: Block = {"type": "checkboxes", "action_id": unique_id(ActionId.VIEW_OPTION, SAVE),
                   "options": [option(SAVE_TEXT, "true")]}
    if _checked(options.get(SAVE)):
        save["initial_options"] = [option(SAVE_TEXT, "true")]
    return [*blocks, _input(SAVE, "Saved reports", save)]


def _checked(value: Any) -> bool:
    if isinstance(value, list):
        return "true" in value
    return str(value).strip().lower() in ("true", "yes", "1", "on")


def _input(block_id: str, label: str, element: Block) -> Block:
    return {"type": "input", "block_id": block_id, "label": plain(label, limits.LABEL), "optional": True,
            "dispatch_action": True, "element": element}
