"""The receivables report's modal (command 29, `report receivables`): its parameters as inputs, the
totals and the aging summary, the as-of line, and buttons to run it again (the files are uploaded) or
export one file. Pure: a `ReceivablesReport` (bot.reports.receivables) or the refused options in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from blocks import limits
from blocks.common import Block, actions, button, context, fields, header, option, plain, section
from blocks.forms import with_errors
from blocks.ids import ActionId, unique_id
from blocks.views import ViewContext, report_export
from bot.reports.params import DATE, FROM, TO
from bot.reports.receivables import EXCLUDE, ReceivablesReport
from bot.services.export import ExportFile

FORMATS = {"pdf": "application/pdf", "csv": "text/csv", "png": "image/png"}
EXCLUDE_TEXT = "Exclude invoices with periods outside the selected date"
FIELDS_PER_BLOCK = 10
BUTTONS = "report-buttons"  # Slack's limit on a section's fields


def view_blocks(ctx: ViewContext) -> list[Block]:
    options = ctx.options or {}
    blocks = with_errors(_inputs(options), ctx.errors)
    report: ReceivablesReport | None = ctx.result
    if report is None:
        return [*blocks, section("*Correct the dates above to see the report.*")]
    blocks += [context(report.as_of_line), *_summary(report), *_buttons()]
    for note in report.notes:
        blocks.append(context(note))
    return blocks


def export(ctx: ViewContext, fmt: str) -> ExportFile:
    """One of the report's files: its PDF, its CSV (one row per open invoice) or its aging chart."""
    return report_export(ctx.result, fmt, FORMATS)


def _inputs(options: dict[str, Any]) -> list[Block]:
    exclude = {"type": "checkboxes", "action_id": unique_id(ActionId.VIEW_OPTION, EXCLUDE),
               "options": [option(EXCLUDE_TEXT, "true")]}
    if _checked(options.get(EXCLUDE)):
        exclude["initial_options"] = [option(EXCLUDE_TEXT, "true")]
    return [_input(DATE, "Date (snapshot; default today)", _datepicker(DATE, options.get(DATE))),
            _input(FROM, "Or a period: from", _datepicker(FROM, options.get(FROM))),
            _input(TO, "to", _datepicker(TO, options.get(TO))),
            _input(EXCLUDE, "Period", exclude)]


def _datepicker(name: str, value: Any) -> Block:
    element: Block = {"type": "datepicker", "action_id": unique_id(ActionId.VIEW_OPTION, name)}
    if _is_date(value):
        element["initial_date"] = str(value)
    return element


def _input(block_id: str, label: str, element: Block) -> Block:
    return {"type": "input", "block_id": block_id, "label": plain(label, limits.LABEL), "optional": True,
            "dispatch_action": True, "element": element}


def _summary(report: ReceivablesReport) -> list[Block]:
    """The totals, then the aging, per currency: ten figures to a section (Slack's limit on fields)."""
    pairs = report.summary()
    return [header("Totals and aging"),
            *(fields(pairs[start:start + FIELDS_PER_BLOCK]) for start in range(0, len(pairs), FIELDS_PER_BLOCK))]


def _buttons() -> list[Block]:
    return [actions(button("Run again and send the files", ActionId.VIEW_REFRESH),
                    *(button(f"Export {fmt.upper()}", unique_id(ActionId.VIEW_EXPORT, fmt), fmt) for fmt in FORMATS),
                    block_id=BUTTONS)]


def _checked(value: Any) -> bool:
    if isinstance(value, list):
        return "true" in value
    return str(value).strip().lower() in ("true", "yes", "1", "on")


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return len(str(value)) == 10
