"""The reconciliation report's modal (command 30, `report reconciliation`): the period as inputs, how
many lines matched and the count of each discrepancy kind, each side's balances and how many of its
invoices' settlements are estimated, the discrepancies with the command that resolves each, the as-of
line, and buttons to run it again (the files are uploaded) or export one file. Pure: a
`ReconciliationReport` (bot.reports.reconciliation) or the refused options in.
"""

from __future__ import annotations

from blocks.common import Block, actions, button, context, fields, header, section
from blocks.forms import with_errors
from blocks.ids import ActionId, unique_id
from blocks.receivables import FIELDS_PER_BLOCK, _datepicker, _input
from blocks.views import ViewContext, report_export
from bot.reports.params import FROM, TO
from bot.reports.reconciliation import ReconciliationReport, line_label
from bot.services.export import ExportFile

FORMATS = {"pdf": "application/pdf", "csv": "text/csv"}
BUTTONS = "report-buttons"
SHOWN = 20  # discrepancies listed in the modal; the files hold them all


def view_blocks(ctx: ViewContext) -> list[Block]:
    options = ctx.options or {}
    blocks = with_errors([_input(FROM, "From (default: the 1st of this month)", _datepicker(FROM, options.get(FROM))),
                          _input(TO, "To (default: today)", _datepicker(TO, options.get(TO)))], ctx.errors)
    report: ReconciliationReport | None = ctx.result
    if report is None:
        return [*blocks, section("*Correct the dates above to see the report.*")]
    pairs = report.summary()
    blocks += [context(report.as_of_line), header("Totals and discrepancies"),
               *(fields(pairs[start:start + FIELDS_PER_BLOCK]) for start in range(0, len(pairs), FIELDS_PER_BLOCK)),
               *(context(note) for note in report.notes[1:]), *_found(report), _buttons()]
    return blocks


def export(ctx: ViewContext, fmt: str) -> ExportFile:
    """The report's PDF, or its CSV (one row per order and invoice, both sides and the difference)."""
    return report_export(ctx.result, fmt, FORMATS)


def _found(report: ReconciliationReport) -> list[Block]:
    items = [(line, d) for line in report.lines for d in line.discrepancies]
    if not items:
        return [section("Every order and invoice in the period matches.")]
    shown = [f"• *{line_label(line)}*: {d.text} → {d.action}" for line, d in items[:SHOWN]]
    blocks = [header("Discrepancies"), *(section(text) for text in shown)]
    if len(items) > SHOWN:
        blocks.append(context(f"{len(items) - SHOWN} more in the PDF and the CSV."))
    return blocks


def _buttons() -> Block:
    return actions(button("Run again and send the files", ActionId.VIEW_REFRESH),
                   *(button(f"Export {fmt.upper()}", unique_id(ActionId.VIEW_EXPORT, fmt), fmt) for fmt in FORMATS),
                   block_id=BUTTONS)

