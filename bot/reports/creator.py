"""The report creator, command 31 `report create [preset=] [fields=a,b,c] [filter=...] [sum=a,b] [name=]`:
a report over the mirror's invoices with the fields, filter conditions and sum columns chosen, as a PDF
and the Swedish CSV (bot.reports.table), after the mirror is brought up to date (bot.reports.asof).

Presets give the fields, filter and sums of the two reports the seed names; anything given beside a
preset replaces that part of it, but a filter is added to the preset's:
    receivables  Accounts Receivable (Kundreskontra): every open invoice with its amounts
    prepaid      Prepaid Payments (Förutbetalda avier): invoices paid before they fell due
Sums are exact, per currency (integer minor units). Fields: bot.reports.fields; filters:
bot.reports.filters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bot import timefmt
from bot.errors import InvalidInput, echo
from bot.files import OutcomeFile
from bot.money import format_amount, from_minor
from bot.reports import pdf, saved
from bot.reports.asof import as_of_line, bring_up_to_date
from bot.reports.batch import without_gc_pauses
from bot.reports.fields import BY_KEY, FIELDS, INVOICE_ROWS, Field, Kind, invoice_row
from bot.reports.filters import FILTER, Condition, describe, matches, parse_filter
from bot.reports.params import flag
from bot.reports.table import CURRENCY, STYLE, Column, csv_export
from bot.services.export import ExportFile, file_stem

if TYPE_CHECKING:
    from bot.runtime import Runtime

PRESET, FIELDS_OPTION, SUM, NAME, SAVE = "preset", "fields", "sum", "name", "save"
OPTIONS = (PRESET, FIELDS_OPTION, FILTER, SUM, NAME, SAVE)
TITLE = "Report"


@dataclass(frozen=True)
class Preset:
    title: str
    fields: str
    filter: str
    sum: str


PRESETS = {
    "receivables": Preset("Accounts Receivable (Kundreskontra)",
                          "debtor,invoice_number,invoice_date,due_date,days_past_due,currency,invoiced,paid,"
                          "credited,written_off,fees,remaining", "status!=closed",
                          "invoiced,paid,credited,written_off,fees,remaining"),
    "prepaid": Preset("Prepaid Payments (Förutbetalda avier)",
                      "debtor,invoice_number,invoice_date,due_date,closed_date,currency,invoiced,paid,remaining",
                      "paid_ahead=yes", "invoiced,paid,remaining"),
}
DEFAULT_FIELDS = "invoice_number,debtor,invoice_date,due_date,currency,invoiced,remaining,status"


@dataclass(frozen=True)
class Definition:
    """What a report shows, checked: its fields, conditions and sum columns."""

    title: str
    fields: list[Field]
    conditions: list[Condition]
    sums: list[Field]
    preset: str | None = None
    name: str | None = None

    @property
    def parameters(self) -> list[tuple[str, str]]:
        shown = [("Preset", self.preset)] if self.preset else []
        return [*shown, ("Fields", ", ".join(f.key for f in self.fields)), ("Filter", describe(self.conditions)),
                ("Sums", ", ".join(f.key for f in self.sums) or "none")]


def definition(options: dict[str, Any]) -> Definition:
    """The options checked, each bad one refused under its own field (all at once)."""
    errors: dict[str, str] = {}
    preset_name = _text(options.get(PRESET)).lower() or None
    preset = PRESETS.get(preset_name or "")
    if preset_name and preset is None:
        errors[PRESET] = f"{echo(preset_name)!r} is not a preset: choose {' or '.join(PRESETS)}."
    fields = _fields(_text(options.get(FIELDS_OPTION)) or (preset.fields if preset else DEFAULT_FIELDS),
                     FIELDS_OPTION, errors)
    sums = _fields(_text(options.get(SUM)) or (preset.sum if preset else ""), SUM, errors)
    for bad in [f for f in sums if not f.summable]:
        errors[SUM] = f"{bad.key} is a {bad.kind.value} field: only amounts and numbers are summed."
    conditions: list[Condition] = []
    try:
        conditions = [*parse_filter(preset.filter if preset else ""), *parse_filter(options.get(FILTER))]
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    if errors:
        raise InvalidInput(" ".join(f"{name}: {message}" for name, message in errors.items()), errors)
    name = _text(options.get(NAME)) or None
    title = preset.title if preset else (name or TITLE)
    return Definition(title, fields, conditions, sums, preset_name, name)


def _fields(text: str, option: str, errors: dict[str, str]) -> list[Field]:
    keys = [k.strip().lower() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown:
        errors[option] = (f"Not a field: {', '.join(repr(echo(k)) for k in unknown)} "
                          "(`report create --help` lists them).")
    elif option == FIELDS_OPTION and not keys:
        errors[option] = "Choose at least one field."
    return [BY_KEY[k] for k in dict.fromkeys(keys) if k in BY_KEY]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


@dataclass
class CreatedReport:
    spec: Definition
    day: date
    as_of: datetime | None
    lines: list[dict[str, Any]]
    sums: dict[str, dict[str, int]]  # currency → sum column → total (minor units, or a count for numbers)

    @property
    def columns(self) -> list[Column]:
        picked = list(self.spec.fields)
        if CURRENCY not in {f.key for f in picked} and any(f.kind is Kind.AMOUNT for f in picked):
            picked.append(BY_KEY[CURRENCY])  # an amount means nothing without its currency
        return [f.column for f in picked]

    @property
    def as_of_line(self) -> str:
        return as_of_line(self.as_of)

    @property
    def parameters(self) -> list[tuple[str, str]]:
        return [("Date", self.day.isoformat()), *self.spec.parameters]

    @property
    def stem(self) -> str:
        return file_stem(self.spec.name or self.spec.preset or "report", self.day.isoformat())

    @property
    def files_comment(self) -> str:
        return f"{self.spec.title}, {timefmt.format_day(self.day)}: {len(self.lines)} invoice(s). {self.as_of_line}."

    @cached_property
    def files(self) -> list[OutcomeFile]:
        with without_gc_pauses():
            exported = self.csv()
            return [OutcomeFile(f"{self.stem}.pdf", "application/pdf", self.spec.title, content=self.pdf()),
                    OutcomeFile(exported.filename, "text/csv", f"{self.spec.title} (CSV)", content=exported.content)]

    def summary(self) -> list[tuple[str, str]]:
        lines = [("Invoices", str(len(self.lines)))]
        for currency, sums in sorted(self.sums.items()):
            lines += [(f"Sum {f.title} ({currency})", self._shown(f, sums[f.key], currency)) for f in self.spec.sums]
        return lines

    def text(self) -> str:
        head = [self.spec.title, *(f"{label}: {value}" for label, value in self.parameters), self.as_of_line]
        width = max(len(label) for label, _ in self.summary())
        return "\n".join([*head, *(f"  {label.ljust(width)}  {value}" for label, value in self.summary())])

    def as_json(self) -> dict[str, Any]:
        return {"report": self.spec.name or self.spec.preset or "create", "parameters": dict(self.parameters),
                "as_of": self.as_of.isoformat() if self.as_of else None, "count": len(self.lines),
                "sums": {cur: {f.key: str(self._exact(f, sums[f.key], cur)) for f in self.spec.sums}
                         for cur, sums in self.sums.items()},
                "files": [f.name for f in self.files]}

    def csv(self) -> ExportFile:
        return csv_export(self.stem, self.columns, self.lines, {"date": self.day.isoformat()})

    def pdf(self) -> bytes:
        return pdf.draw(pdf.ReportDocument(
            title=self.spec.title, parameters=self.parameters, as_of=self.as_of_line, columns=self.columns,
            rows=[*self.lines, *self._sum_rows()], summary=self.summary(),
            created=self.as_of or datetime.combine(self.day, datetime.min.time())))

    def _sum_rows(self) -> list[dict[str, Any]]:
        first = self.columns[0].key
        return [{first: f"TOTAL {cur}", CURRENCY: cur, STYLE: "total", **sums}
                for cur, sums in sorted(self.sums.items())] if self.spec.sums else []

    @staticmethod
    def _exact(f: Field, total: int, currency: str) -> Any:
        return from_minor(total, currency) if f.kind is Kind.AMOUNT else total

    @staticmethod
    def _shown(f: Field, total: int, currency: str) -> str:
        return format_amount(total, currency) if f.kind is Kind.AMOUNT else str(total)


def create_report(rt: Runtime, record: dict[str, Any] | None, options: dict[str, Any], /) -> CreatedReport:
    """The view service (bot/specs.py ViewService): the options checked first (refused under their
    fields), then the mirror pulled (unless `refresh` is False), then the rows, sums and files."""
    spec = checked(rt, options)
    as_of = bring_up_to_date(rt, refresh=bool(options.get("refresh", True)))
    return build(rt, spec, timefmt.today(), as_of)


def checked(rt: Runtime, options: dict[str, Any]) -> Definition:
    """The report `name=` saved (bot.reports.saved) with the options given over it, checked, and saved
    again when asked (`--save`, the modal's checkbox)."""
    name = saved.check_name(_text(options.get(NAME))) or None
    wanted = saved.with_saved(rt, options, name)
    spec = definition(wanted)
    if flag(options, SAVE):
        saved.save(rt, name, wanted)
    return spec


def build(rt: Runtime, spec: Definition, day: date, as_of: datetime | None) -> CreatedReport:
    with rt.store.lock:
        cursor = rt.store.db.execute(INVOICE_ROWS)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    lines = [line for line in (invoice_row(row, day) for row in rows) if matches(spec.conditions, line)]
    lines.sort(key=lambda line: (line["debtor"].casefold(), line["debtor_id"], line["due_date"] or "",
                                 line["invoice_number"] or ""))
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys((f.key for f in spec.sums), 0))
    for line in lines:
        totals = sums[line[CURRENCY]]
        for f in spec.sums:
            totals[f.key] += int(line[f.key] or 0)
    return CreatedReport(spec, day, as_of, lines, dict(sums))


def help_text() -> str:
    from bot.reports.fields import catalogue
    presets = "\n".join(f"  {key:<12}  {p.title}: fields={p.fields} filter={p.filter} sum={p.sum}"
                        for key, p in PRESETS.items())
    return (f"options: preset=receivables|prepaid fields=a,b,c filter=field<op>value;... sum=a,b name=...\n"
            f"--save keeps the report under its name=; name= alone runs a saved report again\n"
            f"filter operators: = != ~ (contains) < > <= >= (text: = != ~; dates: before/after; amounts exact)\n"
            f"presets:\n{presets}\nfields ({len(FIELDS)}):\n{catalogue()}")
