"""The report creator's modal (command 31, `report create`): the saved reports to run one (name, who
saved it, when), then preset, fields, filter, sums, the date parameters (datepickers and what a period
selects by), the number format and the name as inputs (a refused one shows its message under it);
then the parameters the report ran with, its sums, the as-of line, and buttons to run it again (the
files are uploaded) or export one file. Pure: a `CreatedReport` or the refused options in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from blocks import limits
from blocks.common import Block, actions, button, context, fields, header, option, plain, section
from blocks.forms import with_errors
from blocks.ids import ActionId, unique_id
from blocks.views import ViewContext, report_export
from bot import timefmt
from bot.reports.creator import CreatedReport
from bot.reports.definition import (
    FIELDS_OPTION,
    LOAD,
    NAME,
    NUMBER_TITLES,
    NUMBERS,
    PERIOD_DATES,
    PERIOD_ON,
    PRESET,
    PRESETS,
    SAVE,
    SUM,
)
from bot.reports.filters import FILTER
from bot.reports.params import DATE, FROM, TO
from bot.reports.saved import Saved
from bot.services.export import ExportFile

FORMATS = {"pdf": "application/pdf", "csv": "text/csv"}
FIELDS_PER_BLOCK = 10
SAVE_TEXT = "Save under this name (run it again by its name)"
TEXTS = ((FIELDS_OPTION, "Fields (comma-separated, e.g. invoice_number,debtor,remaining)"),
         (FILTER, "Filter (e.g. remaining>1000;status=overdue)"), (SUM, "Sum columns (e.g. remaining)"))
DATES = ((DATE, "Date (the report's day; default today)"), (FROM, "Or a period: from"), (TO, "to"))
SAVED_LABEL = "Saved reports (choose one to run it; inputs filled in below replace its own)"
# A static select holds at most 100 options: the latest saved.
SAVED_SHOWN = limits.OPTIONS


def view_blocks(ctx: ViewContext) -> list[Block]:
    options = ctx.options or {}
    report: CreatedReport | None = ctx.result
    blocks = with_errors(_inputs(options, ctx.choices.get(LOAD) or []), ctx.errors)
    if report is None:
        return [*blocks, section("*Correct the inputs above to see the report.*")]
    pairs = report.summary()
    ran = "\n".join(f"{label}: {_escape(value)}" for label, value in report.spec.parameters_said)
    return [*blocks, context(report.as_of_line), header(report.spec.title[: limits.HEADER_TEXT]),
            section(limits.clip(ran, limits.SECTION_TEXT)),
            *(fields(pairs[i:i + FIELDS_PER_BLOCK]) for i in range(0, len(pairs), FIELDS_PER_BLOCK)),
            actions(button("Run again and send the files", ActionId.VIEW_REFRESH),
                    *(button(f"Export {fmt.upper()}", unique_id(ActionId.VIEW_EXPORT, fmt), fmt) for fmt in FORMATS),
                    block_id="report-buttons"),
            *(context(_escape(note)) for note in report.notes)]


def export(ctx: ViewContext, fmt: str) -> ExportFile:
    return report_export(ctx.result, fmt, FORMATS)


def _inputs(options: dict[str, Any], saved: list[Saved]) -> list[Block]:
    blocks = [_saved_select(saved, options.get(LOAD))] if saved else []
    blocks.append(_input(PRESET, "Preset", _select(PRESET, {k: p.title for k, p in PRESETS.items()},
                                                   options.get(PRESET))))
    blocks += [_input(name, label, _text(name, options.get(name))) for name, label in TEXTS]
    blocks += [_input(name, label, _datepicker(name, options.get(name))) for name, label in DATES]
    blocks.append(_input(PERIOD_ON, "A period selects invoices by (default invoice date)",
                         _select(PERIOD_ON, PERIOD_DATES, options.get(PERIOD_ON))))
    blocks.append(_input(NUMBERS, "Numbers (sums are always exact; the CSV is exact)",
                         _select(NUMBERS, {str(k): v for k, v in NUMBER_TITLES.items()}, options.get(NUMBERS))))
    blocks.append(_input(NAME, "Name", _text(NAME, options.get(NAME))))
    save: Block = {"type": "checkboxes", "action_id": unique_id(ActionId.VIEW_OPTION, SAVE),
                   "options": [option(SAVE_TEXT, "true")]}
    if _checked(options.get(SAVE)):
        save["initial_options"] = [option(SAVE_TEXT, "true")]
    return [*blocks, _input(SAVE, "Save", save)]


def _saved_select(saved: list[Saved], chosen: Any) -> Block:
    """Each saved report as 'name · who · when', the latest first."""
    shown = {s.name: _saved_text(s) for s in saved[:SAVED_SHOWN]}
    return _input(LOAD, SAVED_LABEL, _select(LOAD, shown, chosen))


def _saved_text(saved: Saved) -> str:
    after = f" · {saved.saved_by or 'who not recorded'} · {timefmt.format_moment(saved.saved_at)}"
    return limits.clip(saved.name, max(limits.OPTION_TEXT - len(after), 12)) + after


def _select(name: str, choices: dict[str, str], chosen: Any) -> Block:
    element: Block = {"type": "static_select", "action_id": unique_id(ActionId.VIEW_OPTION, name),
                      "options": [option(text, value) for value, text in choices.items()]}
    if chosen in choices:
        element["initial_option"] = option(choices[str(chosen)], str(chosen))
    return element


def _text(name: str, value: Any) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": unique_id(ActionId.VIEW_OPTION, name)}
    if value:
        element["initial_value"] = str(value)[:3000]
    return element


def _datepicker(name: str, value: Any) -> Block:
    element: Block = {"type": "datepicker", "action_id": unique_id(ActionId.VIEW_OPTION, name)}
    if _is_date(value):
        element["initial_date"] = str(value)
    return element


def _is_date(value: Any) -> bool:
    try:
        return isinstance(value, str) and len(value) == 10 and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _escape(text: str) -> str:
    """A typed filter shown in mrkdwn: `remaining>1000` is not a quote, `<!here>` not a mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _checked(value: Any) -> bool:
    if isinstance(value, list):
        return "true" in value
    return str(value).strip().lower() in ("true", "yes", "1", "on")


def _input(block_id: str, label: str, element: Block) -> Block:
    return {"type": "input", "block_id": block_id, "label": plain(label, limits.LABEL), "optional": True,
            "dispatch_action": True, "element": element}
