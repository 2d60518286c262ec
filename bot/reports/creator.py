"""The report creator, command 31 `report create [preset=] [fields=a,b,c] [filter=...] [sum=a,b]
[date= | from= to= period_on=] [numbers=] [name=]`: a report over the mirror's invoices with the fields,
filter conditions and sum columns chosen, as a PDF and the Swedish CSV (bot.reports.table), after the
mirror is brought up to date (bot.reports.asof).

Date parameters (bot.reports.params.period): `date=YYYY-MM-DD` is the report's day (default today,
Stockholm): days past due, status (open, overdue, closed by then), aging and paid ahead are computed at
it, and invoices dated after it are left out. A period `from=` `to=` keeps only the invoices whose
`period_on` date (invoice_date, the default; due_date; closed_date) lies in it, and its last day is the
report's day. Paid, credited and written off are what was by the report's day, from the dated
movements (bot.reports.movements.settled); a part the store has no date for counts from the day the
invoice closed, or while open from the last pull, and a report at an earlier day says how many
invoices that touches. Fees are those raised by the report's day, dated the same way.

Number format `numbers=`: exact (1 250,00, the default), whole (rounded half-up to whole units, 1 250)
or thousands (tkr with one decimal, 1,3 tkr). Only the PDF's and Slack's display is rounded: sums are
computed exactly in minor units and then shown rounded the same way, and the PDF says so. The CSV
always holds the exact amounts, whatever the format: a finance user re-summing it in Excel gets the
report's exact sums, not a sum of rounded figures.

Presets give the fields, filter and sums of the two reports the seed names; anything given beside a
preset replaces that part of it, but a filter is added to the preset's:
    receivables  Accounts Receivable (Kundreskontra): every open invoice with its amounts
    prepaid      Prepaid Payments (Förutbetalda avier): invoices with a payment dated before their due date
                 (bot.reports.movements; the store keeps no invoice period, so the due date is the mark)
Sums are exact, per currency (integer minor units). The options checked: bot.reports.definition;
fields: bot.reports.fields; filters: bot.reports.filters; saved reports: bot.reports.saved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bot import timefmt
from bot.files import OutcomeFile
from bot.money import from_minor
from bot.reports import movements, pdf, saved
from bot.reports.asof import as_of_line, bring_up_to_date
from bot.reports.batch import without_gc_pauses
from bot.reports.definition import (
    LOAD,
    NAME,
    PERIOD_DATES,
    PERIOD_ON,
    PRESETS,
    SAVE,
    Definition,
    definition,
    option_text,
)
from bot.reports.fields import BY_KEY, FIELDS, INVOICE_ROWS, Field, Kind, Sources, invoice_row
from bot.reports.filters import matches
from bot.reports.numbers import Numbers, money
from bot.reports.orders import order_rows
from bot.reports.params import DATE, FROM, TO, flag
from bot.reports.table import CURRENCY, STYLE, Column, csv_export
from bot.services.export import ExportFile, file_stem
from bot.specs import REQUESTED_BY

if TYPE_CHECKING:
    from bot.runtime import Runtime

ESTIMATED_NOTE = ("{count} invoice(s) have payments, credits or write-offs the store keeps no date for: they are "
                  "counted from the day the invoice closed, or while open from the last pull ({day}), the latest "
                  "they can have happened.")

@dataclass
class CreatedReport:
    spec: Definition
    as_of: datetime | None
    lines: list[dict[str, Any]]
    sums: dict[str, dict[str, int]]  # currency → sum column → total (minor units, or a count for numbers)

    @property
    def day(self) -> date:
        return self.spec.day

    @property
    def columns(self) -> list[Column]:
        """The columns as the CSV writes them: amounts exact."""
        picked = list(self.spec.fields)
        if CURRENCY not in {f.key for f in picked} and any(f.kind is Kind.AMOUNT for f in picked):
            picked.append(BY_KEY[CURRENCY])  # an amount means nothing without its currency
        return [f.column for f in picked]

    @property
    def pdf_columns(self) -> list[Column]:
        """The columns as the PDF draws them: amounts in the report's number format."""
        return [replace(c, numbers=self.spec.numbers) for c in self.columns]

    @property
    def as_of_line(self) -> str:
        return as_of_line(self.as_of)

    @property
    def parameters(self) -> list[tuple[str, str]]:
        return self.spec.parameters

    @property
    def stem(self) -> str:
        return file_stem(self.spec.name or self.spec.preset or "report", self.spec.period.describe().replace(" ", "-"))

    @property
    def files_comment(self) -> str:
        return (f"{self.spec.title}, {self.spec.period.said()}: {len(self.lines)} invoice(s). "
                f"{self.as_of_line}.")

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
        if self.spec.numbers is not Numbers.EXACT and self.spec.sums:
            lines.append(("Numbers", "rounded for display; sums exact"))
        return lines

    @property
    def pulled_on(self) -> date:
        return pull_day(self.as_of)

    @property
    def notes(self) -> list[str]:
        """Said in the PDF, the modal and the CLI: how rounded amounts are, and, at a day before the last
        pull, how many invoices' movements by then are estimated."""
        notes = [self.spec.numbers.note] if self.spec.numbers.note else []
        estimated = sum(1 for line in self.lines if line["estimated"]) if self.day < self.pulled_on else 0
        if estimated:
            notes.append(ESTIMATED_NOTE.format(count=estimated, day=timefmt.format_day(self.pulled_on)))
        return notes

    def text(self) -> str:
        head = [self.spec.title, *(f"{label}: {value}" for label, value in self.parameters), self.as_of_line]
        width = max(len(label) for label, _ in self.summary())
        return "\n".join([*head, *(f"  {label.ljust(width)}  {value}" for label, value in self.summary()),
                          *self.notes])

    def as_json(self) -> dict[str, Any]:
        return {"report": self.spec.name or self.spec.preset or "create", "parameters": dict(self.parameters),
                "as_of": self.as_of.isoformat() if self.as_of else None, "count": len(self.lines),
                "sums": {cur: {f.key: str(self._exact(f, sums[f.key], cur)) for f in self.spec.sums}
                         for cur, sums in self.sums.items()},
                "files": [f.name for f in self.files]}

    def csv(self) -> ExportFile:
        """One row per invoice, amounts exact whatever the number format (see the module's docstring)."""
        chosen = self.spec.period
        dates = ({DATE: chosen.at.isoformat()} if chosen.start is None else
                 {FROM: chosen.start.isoformat(), TO: chosen.at.isoformat(), PERIOD_ON: self.spec.period_on})
        return csv_export(self.stem, self.columns, self.lines, dates)

    def pdf(self) -> bytes:
        return pdf.draw(pdf.ReportDocument(
            title=self.spec.title, parameters=self.parameters, as_of=self.as_of_line, columns=self.pdf_columns,
            rows=[*self.lines, *self._sum_rows()], summary=self.summary(), notes=self.notes,
            created=self.as_of or datetime.combine(self.day, datetime.min.time())))

    def _sum_rows(self) -> list[dict[str, Any]]:
        first = self.columns[0].key
        return [{first: f"TOTAL {cur}", CURRENCY: cur, STYLE: "total", **sums}
                for cur, sums in sorted(self.sums.items())] if self.spec.sums else []

    @staticmethod
    def _exact(f: Field, total: int, currency: str) -> Any:
        return from_minor(total, currency) if f.kind is Kind.AMOUNT else total

    def _shown(self, f: Field, total: int, currency: str) -> str:
        return money(total, currency, self.spec.numbers) if f.kind is Kind.AMOUNT else str(total)


def create_report(rt: Runtime, record: dict[str, Any] | None, options: dict[str, Any], /) -> CreatedReport:
    """The view service (bot/specs.py ViewService): the options checked first (refused under their
    fields), then the mirror pulled (unless `refresh` is False), then the rows, sums and files."""
    spec = checked(rt, options)
    as_of = bring_up_to_date(rt, refresh=bool(options.get("refresh", True)))
    return build(rt, spec, as_of)


def choices(rt: Runtime, /) -> dict[str, Any]:
    """What the modal's selects offer (bot/specs.py ViewSpec.choices): the saved reports, latest first."""
    return {LOAD: saved.listing(rt)}


def checked(rt: Runtime, options: dict[str, Any]) -> Definition:
    """The report `name=` (or the one chosen in the modal's select) saved (bot.reports.saved), with the
    options given over it, checked, and saved again when asked (`--save`, the modal's checkbox): under
    name=, so a loaded report saved under a new name is a copy."""
    name = saved.check_name(option_text(options.get(NAME))) or None
    loaded = option_text(options.get(LOAD)) or name
    wanted = saved.with_saved(rt, options, loaded)
    spec = definition({**wanted, NAME: name or loaded})
    if flag(options, SAVE):
        saved.save(rt, name or loaded, wanted, option_text(options.get(REQUESTED_BY)))
    return spec


def build(rt: Runtime, spec: Definition, as_of: datetime | None) -> CreatedReport:
    """The rows at the report's day, filtered and sorted, and their sums: a fixed number of queries
    (the invoices with their orders, the orders' rows, the dated movements), none per invoice. Without
    the collector's pauses (bot.reports.batch): tens of thousands of row dicts made while it walks the
    heap cost more than their count."""
    with without_gc_pauses():
        return _build(rt, spec, as_of)


def _build(rt: Runtime, spec: Definition, as_of: datetime | None) -> CreatedReport:
    with rt.store.lock:
        cursor = rt.store.db.execute(INVOICE_ROWS)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    currencies = {row["order_id"]: row["order_currency"] or row["currency"] or "SEK" for row in rows if row["order_id"]}
    sources = Sources(order_rows(rt, currencies), movements.load(rt), pull_day(as_of))
    day = spec.day
    lines = [line for line in (invoice_row(row, day, sources) for row in rows)
             if spec.in_period(line) and matches(spec.conditions, line)]
    lines.sort(key=lambda line: (line["debtor"].casefold(), line["debtor_id"], line["due_date"] or "",
                                 line["invoice_number"] or ""))
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys((f.key for f in spec.sums), 0))
    for line in lines:
        totals = sums[line[CURRENCY]]
        for f in spec.sums:
            totals[f.key] += int(line[f.key] or 0)
    return CreatedReport(spec, as_of, lines, dict(sums))


def pull_day(as_of: datetime | None) -> date:
    """The last pull's Stockholm day, and never after today (a clock pinned in a test); today if never."""
    today = timefmt.today()
    return min(timefmt.local(as_of).date(), today) if as_of else today


def help_text() -> str:
    from bot.reports.fields import catalogue
    presets = "\n".join(f"  {key:<12}  {p.title}: fields={p.fields} filter={p.filter} sum={p.sum}"
                        for key, p in PRESETS.items())
    return (f"options: preset=receivables|prepaid fields=a,b,c filter=field<op>value;... sum=a,b name=...\n"
            f"  date=YYYY-MM-DD  the report's day (default today): days past due, status and aging at it\n"
            f"  from=YYYY-MM-DD to=YYYY-MM-DD period_on={'|'.join(PERIOD_DATES)}  only invoices whose "
            f"period_on date (default invoice_date) is in the period; aged at its last day\n"
            f"  numbers={'|'.join(Numbers)}  exact 1 250,00 (default), whole 1 250, thousands 1,3 tkr: the PDF and "
            f"the totals shown; sums are exact and the CSV always has the exact amounts\n"
            f"--save keeps the report under its name= (replacing one saved under it, with who saved it and when);\n"
            f"  name= alone runs a saved report again; a name= nothing is saved under lists the saved reports\n"
            f"filter operators: = != ~ (contains) < > <= >= (text: = != ~; dates: before/after; amounts exact)\n"
            f"presets:\n{presets}\nfields ({len(FIELDS)}):\n{catalogue()}")
