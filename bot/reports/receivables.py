"""Accounts receivable (kundreskontra), command 29 `report receivables`: every open invoice per debtor
at a date, with invoiced, paid, credited, written-off, fees and remaining amounts and its aging, totals
per debtor and overall, from the store's mirror (brought up to date first, bot.reports.asof).

Which invoices: attested (not drafts), not deleted, dated on or before the report's day, not closed
by its end, and with something left to pay at its end. `date=D` is a snapshot at D; `from=F to=T` is
the ledger at T, and with `exclude_outside_period=true` only invoices dated F to T are in it. For a
snapshot, `exclude_outside_period=true` leaves out invoices whose period runs past the date (due after it).

Paid, credited and written off are what was settled by the end of the day, from the dated movements
(bot.reports.movements); remaining at the day is what is open now plus what was settled after it, so
an invoice closed since is in the ledger with what was open on the day. A part of a total no movement
dates is taken as happening on the latest day it can have (the closing day, or the last pull's): the
report counts the invoices where that moves a figure at its day. Fees are what Billecta added after
invoicing (reminder fees, interest): remaining + paid + credited + written off − invoiced now, dated
by their fee movements (the reminder that raised them) like the rest; a past snapshot counts those
raised by its day, and says so where a fee has no dated movement (dated then by the closing day or
the last pull). Aging is the days past the due date at the report's day: not due, 1–30, 31–60, 61–90, over 90.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bot import timefmt
from bot.billecta.dates import stockholm_date
from bot.files import OutcomeFile
from bot.money import format_amount
from bot.reports import chart, movements, pdf
from bot.reports.asof import as_of_line, bring_up_to_date
from bot.reports.batch import without_gc_pauses
from bot.reports.movements import Movement
from bot.reports.params import Period, flag, period
from bot.reports.table import CURRENCY, STYLE, Cell, Column, csv_export
from bot.services.export import ExportFile, file_stem
from bot.services.pull import unread_in_full, unread_note
from bot.timefmt import format_day

if TYPE_CHECKING:
    from bot.runtime import Runtime

TITLE = "Accounts receivable (kundreskontra)"
EXCLUDE = "exclude_outside_period"
OPTIONS = ("date", "from", "to", EXCLUDE)
# The buckets in order: key, label (latin-1: the PDF's core fonts draw no en dash), upper bound in days.
BUCKETS: tuple[tuple[str, str, int | None], ...] = (
    ("not_due", "Not due", 0), ("1_30", "1-30 days", 30), ("31_60", "31-60 days", 60),
    ("61_90", "61-90 days", 90), ("over_90", "Over 90 days", None))
BUCKET_LABEL = {key: label for key, label, _ in BUCKETS}
AMOUNTS = ("invoiced", "paid", "credited", "written_off", "fees", "remaining")
AMOUNT_TITLES = {"invoiced": "Invoiced", "paid": "Paid", "credited": "Credited", "written_off": "Written off",
                 "fees": "Fees", "remaining": "Remaining"}
ESTIMATED_NOTE = ("{count} invoice(s) have estimated figures at {day}: part of what was paid, credited or written "
                  "off on them has no dated record in the mirror, so it is taken as made on the latest day it can "
                  "have been: the day the invoice closed, or for one still open the day of the last pull ({pulled}).")
FEES_NOTE = ("{count} invoice(s) carry reminder fees or interest the mirror has no date for: they are counted "
             "in full at {day}, also where Billecta added them after it.")
# After the pull's own words on them (bot.services.pull.unread_note): what that does to the report.
UNREAD_NOTE = "Their paid, credited and written-off amounts here are only those with a dated record."

COLUMNS = (
    Column("debtor", "Debtor", width=44), Column("debtor_id", "Debtor id", width=0, csv=True),
    Column("invoice_number", "Invoice number", width=19), Column("invoice_date", "Invoice date", width=17),
    Column("due_date", "Due date", width=17), Column("days_past_due", "Days past due", Cell.NUMBER, width=15),
    Column("bucket", "Aging", width=17), Column(CURRENCY, "Currency", width=12),
    *(Column(key, AMOUNT_TITLES[key], Cell.AMOUNT, width=22) for key in AMOUNTS),
)
PDF_COLUMNS = tuple(c for c in COLUMNS if c.width)


@dataclass
class Totals:
    """Sums in minor units of one currency: each amount, and the remaining amount per aging bucket."""

    count: int = 0
    amounts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AMOUNTS, 0))
    buckets: dict[str, int] = field(default_factory=lambda: {key: 0 for key, _, _ in BUCKETS})

    def add(self, line: dict[str, Any]) -> None:
        self.count += 1
        for key in AMOUNTS:
            self.amounts[key] += line[key]
        self.buckets[line["bucket_key"]] += line["remaining"]


@dataclass
class ReceivablesReport:
    period: Period
    exclude_outside_period: bool
    as_of: datetime | None
    lines: list[dict[str, Any]]  # one per invoice, sorted by debtor, then due date
    debtors: dict[tuple[str, str, str], Totals]  # (debtor name, debtor id, currency) → its totals
    totals: dict[str, Totals]  # currency → overall totals
    # The last pull's Stockholm day: the latest day an undated payment on an open invoice can have been.
    pulled_on: date | None = None
    estimated: int = 0  # invoices whose figures at the day are estimated (ESTIMATED_NOTE)
    undated_fees: int = 0  # invoices with fees in a past snapshot (FEES_NOTE)
    unread: int = 0  # invoices in the mirror not yet read in full (bot.services.pull.unread_in_full)

    @cached_property
    def files(self) -> list[OutcomeFile]:
        """The PDF, the CSV and the chart, drawn when first asked for (a filter change in Slack redraws
        the totals only)."""
        with without_gc_pauses():
            return self.make_files()

    @property
    def files_comment(self) -> str:
        """The text beside the uploaded files."""
        parts = [f"{format_amount(t.amounts['remaining'], cur)} remaining on {t.count} open invoice(s)"
                 for cur, t in sorted(self.totals.items())] or ["no open invoices"]
        return f"{TITLE}, {self.period.said()}: {'; '.join(parts)}. {self.as_of_line}."

    @property
    def as_of_line(self) -> str:
        return as_of_line(self.as_of)

    @property
    def parameters(self) -> list[tuple[str, str]]:
        kind = ("Period", self.period.describe()) if self.period.is_period else ("Date", self.period.describe())
        return [kind, ("Exclude invoices with periods outside the selection",
                       "yes" if self.exclude_outside_period else "no")]

    @property
    def notes(self) -> list[str]:
        """What the figures at the day rest on besides dated records; none for today with every movement dated."""
        day = format_day(self.period.at)
        notes = []
        if self.estimated:
            notes.append(ESTIMATED_NOTE.format(count=self.estimated, day=day, pulled=format_day(self.pulled_on)))
        if self.undated_fees:
            notes.append(FEES_NOTE.format(count=self.undated_fees, day=day))
        if self.unread:
            notes.append(f"{unread_note(self.unread)} {UNREAD_NOTE}")
        return notes

    @property
    def stem(self) -> str:
        return file_stem("receivables", self.period.describe().replace(" ", "-"))

    def summary(self) -> list[tuple[str, str]]:
        """The totals and the aging, one line each per currency (the modal, the CLI, the PDF)."""
        if not self.totals:
            return [("Open invoices", "none")]
        lines: list[tuple[str, str]] = []
        for currency, totals in sorted(self.totals.items()):
            lines.append((f"Open invoices ({currency})", f"{totals.count} of {self.debtor_count(currency)} debtor(s)"))
            lines += [(AMOUNT_TITLES[key], format_amount(totals.amounts[key], currency)) for key in AMOUNTS]
            lines += [(f"Aging: {label}", format_amount(totals.buckets[key], currency)) for key, label, _ in BUCKETS]
        return lines

    def debtor_count(self, currency: str) -> int:
        return sum(1 for (_, _, cur) in self.debtors if cur == currency)

    def text(self) -> str:
        head = [TITLE, *(f"{label}: {value}" for label, value in self.parameters), self.as_of_line]
        width = max(len(label) for label, _ in self.summary())
        return "\n".join([*head, *(f"  {label.ljust(width)}  {value}" for label, value in self.summary()),
                          *self.notes])

    def as_json(self) -> dict[str, Any]:
        return {
            "report": "receivables", "parameters": dict(self.parameters),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "totals": {cur: {"count": t.count, **{k: str(_major(v, cur)) for k, v in t.amounts.items()},
                             "aging": {k: str(_major(v, cur)) for k, v in t.buckets.items()}}
                       for cur, t in self.totals.items()},
            "notes": self.notes, "files": [f.name for f in self.files],
        }

    # -- the files ------------------------------------------------------------------------------
    def csv(self) -> ExportFile:
        return csv_export(self.stem, COLUMNS, self.lines, {"date": self.period.describe()})

    def chart_png(self) -> bytes:
        remaining = {cur: [t.buckets[key] for key, _, _ in BUCKETS] for cur, t in self.totals.items()}
        return chart.aging_png(f"Aging of receivables at {self.period.at}", [label for _, label, _ in BUCKETS],
                               remaining)

    def pdf(self, chart_png: bytes | None = None) -> bytes:
        return pdf.draw(pdf.ReportDocument(
            title=TITLE, parameters=self.parameters, as_of=self.as_of_line, columns=PDF_COLUMNS,
            rows=self._pdf_rows(), created=self.as_of or datetime.combine(self.period.at, datetime.min.time()),
            summary=self.summary(), chart_png=chart_png, notes=self.notes))

    def make_files(self) -> list[OutcomeFile]:
        png = self.chart_png()
        exported = self.csv()
        return [OutcomeFile(f"{self.stem}.pdf", "application/pdf", f"{TITLE}, {self.period.describe()}",
                            content=self.pdf(png)),
                OutcomeFile(exported.filename, "text/csv", f"{TITLE}, {self.period.describe()} (CSV)",
                            content=exported.content),
                OutcomeFile(f"{self.stem}-aging.png", "image/png", f"Aging at {self.period.at}", content=png)]

    def _pdf_rows(self) -> Iterator[dict[str, Any]]:
        """Each debtor's invoices, then its subtotal; the overall total per currency at the end."""
        current: tuple[str, str, str] | None = None
        for line in self.lines:
            key = (line["debtor"], line["debtor_id"], line[CURRENCY])
            if current is not None and key != current:
                yield _total_row(f"Total {current[0]}", current[2], self.debtors[current], "subtotal")
            current = key
            yield line
        if current is not None:
            yield _total_row(f"Total {current[0]}", current[2], self.debtors[current], "subtotal")
        for currency, totals in sorted(self.totals.items()):
            yield _total_row(f"TOTAL {currency} ({totals.count} invoices)", currency, totals, "total")


def _total_row(label: str, currency: str, totals: Totals, style: str) -> dict[str, Any]:
    return {"debtor": label, CURRENCY: currency, STYLE: style, **totals.amounts}


def _major(minor: int, currency: str) -> Any:
    from bot.money import from_minor
    return from_minor(minor, currency)


# -- the service ----------------------------------------------------------------------------------

def receivables_report(rt: Runtime, record: dict[str, Any] | None, options: dict[str, Any], /) -> ReceivablesReport:
    """The view service (bot/specs.py ViewService): the parameters checked first (refused under their
    fields), then the mirror pulled (unless `refresh` is False), then the ledger and its files."""
    chosen = period(options)
    exclude = flag(options, EXCLUDE)
    as_of = bring_up_to_date(rt, refresh=bool(options.get("refresh", True)))
    return build(rt, chosen, exclude, as_of)


def build(rt: Runtime, chosen: Period, exclude: bool, as_of: datetime | None) -> ReceivablesReport:
    """The ledger from the mirror alone (no Billecta call): what the bench measures."""
    with without_gc_pauses():
        return _build(rt, chosen, exclude, as_of)


def _build(rt: Runtime, chosen: Period, exclude: bool, as_of: datetime | None) -> ReceivablesReport:
    day = chosen.at
    pulled_on = _pulled_on(as_of)
    moves = movements.load(rt)
    lines: list[dict[str, Any]] = []
    estimated = undated_fees = 0
    for row in _open_at(rt, day):
        if exclude and _outside(row, chosen):
            continue
        line = _line(row, moves.get(row["action_public_id"], []), day, pulled_on)
        if line is None:
            continue
        estimated += line.pop("estimated")
        undated_fees += line.pop("undated_fees")
        lines.append(line)
    lines.sort(key=lambda line: (line["debtor"].casefold(), line["debtor_id"], line[CURRENCY],
                                 line["due_date"] or "", line["invoice_number"] or ""))
    debtors: dict[tuple[str, str, str], Totals] = defaultdict(Totals)
    totals: dict[str, Totals] = defaultdict(Totals)
    for line in lines:
        debtors[(line["debtor"], line["debtor_id"], line[CURRENCY])].add(line)
        totals[line[CURRENCY]].add(line)
    return ReceivablesReport(chosen, exclude, as_of, lines, dict(debtors), dict(totals), pulled_on=pulled_on,
                             estimated=estimated, undated_fees=undated_fees, unread=unread_in_full(rt))


def _pulled_on(as_of: datetime | None) -> date:
    """The last pull's Stockholm day, never after today: today is the display zone's (bot.timefmt), which
    can be a day behind Stockholm's, and nothing the pull saw happened after the report's today."""
    today = timefmt.today()
    pulled = stockholm_date(as_of)
    return today if pulled is None else min(pulled, today)


_OPEN_AT = """
SELECT invoice_number, action_public_id, debtor_public_id, debtor_name, currency, invoiced_amount,
       current_amount, paid_amount, credited_amount, write_off_amount, invoice_date, due_date, closed_date
FROM invoice
WHERE COALESCE(sync_status, '') != 'deleted' AND stage NOT IN ('Created', 'None')
  AND invoice_date IS NOT NULL AND substr(invoice_date, 1, 10) <= ?
  AND (closed_date IS NULL OR substr(closed_date, 1, 10) > ?)
"""


def _open_at(rt: Runtime, day: date) -> list[dict[str, Any]]:
    with rt.store.lock:
        cursor = rt.store.db.execute(_OPEN_AT, [day.isoformat(), day.isoformat()])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _outside(row: dict[str, Any], chosen: Period) -> bool:
    if chosen.start is not None:
        return (row["invoice_date"] or "")[:10] < chosen.start.isoformat()
    return (row["due_date"] or "")[:10] > chosen.at.isoformat()


def _line(row: dict[str, Any], moves: list[Movement], day: date, pulled_on: date) -> dict[str, Any] | None:
    """The invoice's line at the end of `day`, or None when nothing was left to pay on it then."""
    by_day = movements.settled(row, moves, until=day, pulled_on=pulled_on)
    ever = movements.settled(row, moves, until=date.max, pulled_on=pulled_on)
    fees, fees_estimated = movements.fees_by(row, moves, until=day, pulled_on=pulled_on)
    fees_ever, _ = movements.fees_by(row, moves, until=date.max, pulled_on=pulled_on)
    invoiced = row["invoiced_amount"] or 0
    # Open now, plus what was settled after the day, less the fees raised after it.
    remaining = (row["current_amount"] or 0) + ever.total - by_day.total - (fees_ever - fees)
    if remaining <= 0:
        return None
    due = row["due_date"][:10] if row["due_date"] else None
    days = (day - date.fromisoformat(due)).days if due else 0
    bucket = _bucket(days)
    return {
        "debtor": row["debtor_name"] or row["debtor_public_id"] or "(no debtor)",
        "debtor_id": row["debtor_public_id"] or "", "invoice_number": row["invoice_number"] or row["action_public_id"],
        "invoice_date": (row["invoice_date"] or "")[:10], "due_date": due, "days_past_due": max(days, 0),
        "bucket_key": bucket, "bucket": BUCKET_LABEL[bucket], CURRENCY: row["currency"] or "SEK",
        "invoiced": invoiced, "paid": by_day.paid, "credited": by_day.credited, "written_off": by_day.written_off,
        "fees": fees, "remaining": remaining,
        "estimated": int(by_day.estimated and _estimate_moves(row, day, pulled_on)),
        "undated_fees": int(fees_estimated and _estimate_moves(row, day, pulled_on)),
    }


def _estimate_moves(row: dict[str, Any], day: date, pulled_on: date) -> bool:
    """Whether an undated part (Settled.estimated) can change the figures at `day`: it is dated by the
    closing day, or the last pull for an open invoice, and counted in full when that is on or before
    `day`, as it truly was. Without the totals (a list row only) the split is unknown whatever the day."""
    if any(row.get(column) is None for column in movements.TOTAL_COLUMN.values()):
        return True
    closed = row["closed_date"]
    latest = date.fromisoformat(closed[:10]) if closed else pulled_on
    return day < latest


def _bucket(days_past_due: int) -> str:
    for key, _, upper in BUCKETS:
        if upper is None or days_past_due <= upper:
            return key
    return BUCKETS[-1][0]
