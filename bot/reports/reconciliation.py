"""The reconciliation report (command 30, `report reconciliation [from=] [to=]`): the bot's store
side by side with Billecta for a period, per order and invoice, with every discrepancy named and the
command that resolves it. Nothing is fixed here: the report only says what differs.

The store's side is what the bot holds as the source of each invoice (its order and order rows, at
their current values) and what it last mirrored (the invoice table and its dated movements as they
were before this report's pull, with the bot's own records of the payments and write-offs it made).
Billecta's side is Billecta now: the mirror freshly pulled (bot.reports.asof). An order's amount is
computed as Billecta computes a row (quantity x unit price, plus VAT, each rounded half-up to whole
öre), so an order edited after its invoice was attested shows the difference.

Balances per side and currency (bot.reports.recon_sides): the opening balance at `from` (what was open
at the start of that day of the invoices dated before the period: invoiced with the fees raised before
it, less what was settled before it), the movements (invoiced in the period, fees raised in it, settled
in it: paid, credited, written off, by the days of the movements) and the closing balance at `to`. A
settlement or fee no movement dates is dated by the invoice's closing day or the side's last pull, and
the notes count those.

A credit invoice is no line of its own: it shows as the credited amount of the invoice it credits,
on each side that knows it, so its order explains it as it explains that invoice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bot import timefmt
from bot.files import OutcomeFile
from bot.money import format_amount
from bot.reports import movements, pdf
from bot.reports.asof import as_of_line, bring_up_to_date
from bot.reports.batch import without_gc_pauses
from bot.reports.orders import order_totals as _order_totals  # moved: shared with the report creator
from bot.reports.params import Period, period
from bot.reports.recon_sides import FIGURES, Dating, Side, recorded, side_of, store_side, unseen
from bot.reports.table import CURRENCY, STYLE, Cell, Column, csv_export
from bot.services import mirror_changes
from bot.services.export import ExportFile, file_stem
from bot.services.pull import last_pull, unread_in_full, unread_note

if TYPE_CHECKING:
    from bot.runtime import Runtime

TITLE = "Reconciliation: the bot's store and Billecta"
OPTIONS = ("from", "to")
NEVER_SENT, AMOUNT_DIFFERS, NO_ORDER, STATUS_DIFFERS, PAYMENT_MISSING = (
    "never_sent", "amount_differs", "no_order", "status_differs", "payment_missing")
SHORT = {"never_sent": "never sent", "amount_differs": "amounts differ", "no_order": "no order",
         "status_differs": "status", "payment_missing": "settlement"}
KINDS = {NEVER_SENT: "Order never sent", AMOUNT_DIFFERS: "Order edited after attest (amounts differ)",
         NO_ORDER: "Invoice no order explains", STATUS_DIFFERS: "Status differs",
         PAYMENT_MISSING: "Payment, credit or write-off missing on one side"}
SIDES = ("store", "billecta")
DRAFT = "Created (draft)"
BALANCES = FIGURES
BALANCE_TITLES = {"opening": "Opening balance", "invoiced": "Invoiced in period", "fees": "Fees",
                  "settled": "Paid, credited, written off in period", "closing": "Closing balance"}
PDF_NOTE = ("Each discrepancy is named in the table with the command that resolves it; the CSV says each in "
            "full with its action. Difference: Billecta's remaining amount less the store's.")
DATED_NOTE = ("Opening balance: what was open at the start of the first day of the period; paid, credited and "
              "written off are counted on the days they happened; closing balance: at the end of the last day.")
ESTIMATED_NOTE = ("{who}: {count} of {total} invoices {have} a settlement no dated movement accounts for; it is "
                  "dated by the day the invoice closed, or while it is open by the last pull ({pulled}).")
WHO = {"store": "Store", "billecta": "Billecta"}

COLUMNS = (
    Column("order", "Order", width=12), Column("invoice_number", "Invoice", width=15),
    Column("debtor", "Debtor", width=30), Column("date", "Date", width=17), Column(CURRENCY, "Currency", width=0),
    Column("store_invoiced", "Store invoiced", Cell.AMOUNT, width=19),
    Column("store_paid", "Store paid", Cell.AMOUNT, width=17),
    Column("store_credited", "Store credited", Cell.AMOUNT, width=0),
    Column("store_written_off", "Store written off", Cell.AMOUNT, width=0),
    Column("store_remaining", "Store remaining", Cell.AMOUNT, width=19),
    Column("store_status", "Store status", width=0),
    Column("billecta_invoiced", "Billecta invoiced", Cell.AMOUNT, width=19),
    Column("billecta_paid", "Billecta paid", Cell.AMOUNT, width=17),
    Column("billecta_credited", "Billecta credited", Cell.AMOUNT, width=0),
    Column("billecta_written_off", "Billecta written off", Cell.AMOUNT, width=0),
    Column("billecta_remaining", "Billecta remaining", Cell.AMOUNT, width=19),
    Column("billecta_status", "Billecta status", width=0),
    # The line's part of each side's balances (bot.reports.recon_sides.Side.figures): summed, the summary's.
    *(Column(f"{side}_{key}", f"{who} {label}", Cell.AMOUNT, width=0) for side, who in (("store", "Store"),
      ("billecta", "Billecta")) for key, label in (("opening", "opening"), ("settled", "settled in period"),
                                                     ("closing", "closing"))),
    Column("difference", "Difference", Cell.AMOUNT, width=18),
    Column("matched", "Matched", width=0), Column("kinds", "Discrepancy", width=30, csv=False),
    Column("commands", "Resolve with", width=45, csv=False),
    Column("discrepancies", "Discrepancies", width=0), Column("actions", "Actions", width=0),
)
PDF_COLUMNS = tuple(c for c in COLUMNS if c.width)


@dataclass(frozen=True)
class Discrepancy:
    kind: str
    text: str
    action: str  # in words, with the command that resolves it
    command: str  # the command alone, for the PDF's table


@dataclass
class Line:
    order_id: int | None
    invoice_number: str | None
    action_public_id: str | None
    debtor: str
    day: str  # the invoice's date, else the order's
    currency: str
    store: Side
    billecta: Side
    discrepancies: list[Discrepancy] = field(default_factory=list)
    before_period: bool = False  # dated before the period's first day: it is in the opening balances

    @property
    def difference(self) -> int:
        """Billecta's remaining amount less the store's."""
        return self.billecta.remaining - self.store.remaining

    def figures(self, name: str) -> dict[str, int]:
        """Its part of one side's balances."""
        return _side(self, name).figures(self.before_period)

    def row(self) -> dict[str, Any]:
        matched = "draft" if self.billecta.status == DRAFT and not self.discrepancies else (
            "no" if self.discrepancies else "yes")
        return {"order": str(self.order_id) if self.order_id is not None else "", "invoice_number":
                self.invoice_number or "", "debtor": self.debtor, "date": self.day, CURRENCY: self.currency,
                **{f"{name}_{key}": getattr(getattr(self, name), key) for name in SIDES
                   for key in ("invoiced", "paid", "credited", "written_off", "remaining", "status")},
                **{f"{name}_{key}": value for name in SIDES for key, value in self.figures(name).items()
                   if key in ("opening", "settled", "closing")},
                "difference": self.difference, "matched": matched,
                "kinds": ", ".join(SHORT[d.kind] for d in self.discrepancies),
                "commands": ", ".join(dict.fromkeys(d.command for d in self.discrepancies)),
                "discrepancies": "; ".join(d.text for d in self.discrepancies),
                "actions": "; ".join(d.action for d in self.discrepancies)}


@dataclass
class ReconciliationReport:
    period: Period
    as_of: datetime | None
    lines: list[Line]
    balances: dict[tuple[str, str], dict[str, int]]  # (side, currency) → opening, movements, closing
    pulled: dict[str, date] = field(default_factory=dict)  # each side's last pull day (today if never)
    unread: int = 0  # invoices the mirror knows only by their list row (bot.services.pull.unread_in_full)

    @property
    def notes(self) -> list[str]:
        """How the balances are dated, and on each side how many invoices' settlements are estimated."""
        said = [DATED_NOTE]
        for name in SIDES:
            invoices = [line for line in self.lines if _side(line, name).invoice]
            count = sum(1 for line in invoices if _side(line, name).estimated)
            if count:
                said.append(ESTIMATED_NOTE.format(who=WHO[name], count=count, total=len(invoices),
                                                  have="has" if count == 1 else "have",
                                                  pulled=timefmt.format_day(self.pulled.get(name))))
        return [*said, f"Billecta: {unread_note(self.unread)}"] if self.unread else said

    @cached_property
    def files(self) -> list[OutcomeFile]:
        with without_gc_pauses():
            exported = self.csv()
            return [OutcomeFile(f"{self.stem}.pdf", "application/pdf", f"{TITLE}, {self.period.describe()}",
                                content=self.pdf()),
                    OutcomeFile(exported.filename, "text/csv", f"{TITLE}, {self.period.describe()} (CSV)",
                                content=exported.content)]

    @cached_property
    def counts(self) -> Counter[str]:
        return Counter(d.kind for line in self.lines for d in line.discrepancies)

    @property
    def discrepancies(self) -> list[Discrepancy]:
        return [d for line in self.lines for d in line.discrepancies]

    @property
    def matched(self) -> int:
        return sum(1 for line in self.lines if not line.discrepancies)

    @property
    def as_of_line(self) -> str:
        return as_of_line(self.as_of)

    @property
    def parameters(self) -> list[tuple[str, str]]:
        return [("Period", self.period.describe())]

    @property
    def stem(self) -> str:
        return file_stem("reconciliation", self.period.describe().replace(" ", "-"))

    @property
    def files_comment(self) -> str:
        found = ", ".join(f"{n} {KINDS[k].lower()}" for k, n in sorted(self.counts.items())) or "no discrepancies"
        return (f"{TITLE}, {self.period.said()}: {self.matched} of {len(self.lines)} matched; {found}. "
                f"{self.as_of_line}.")

    def summary(self) -> list[tuple[str, str]]:
        """Matched, each discrepancy kind's count, then each side's balances per currency."""
        lines = [("Matched", f"{self.matched} of {len(self.lines)}")]
        lines += [(KINDS[kind], str(self.counts.get(kind, 0))) for kind in KINDS]
        for (side, currency), figures in sorted(self.balances.items(), key=lambda i: (i[0][1], SIDES.index(i[0][0]))):
            lines += [(f"{WHO[side]}: {BALANCE_TITLES[key]} ({currency})", format_amount(figures[key], currency))
                      for key in BALANCES]
        return lines

    def text(self) -> str:
        head = [TITLE, *(f"{label}: {value}" for label, value in self.parameters), self.as_of_line]
        pairs = self.summary()
        width = max(len(label) for label, _ in pairs)
        found = [f"  - {line_label(line)}: {d.text} → {d.action}" for line in self.lines for d in line.discrepancies]
        return "\n".join([*head, *(f"  {label.ljust(width)}  {value}" for label, value in pairs),
                          *(["Discrepancies:", *found] if found else []), *self.notes])

    def as_json(self) -> dict[str, Any]:
        return {"report": "reconciliation", "parameters": dict(self.parameters),
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "matched": self.matched, "lines": len(self.lines), "discrepancies": dict(self.counts),
                "notes": self.notes, "balances": {f"{side}:{cur}": {k: str(_major(v, cur)) for k, v in figures.items()}
                             for (side, cur), figures in self.balances.items()},
                "found": [{"order": line.order_id, "invoice_number": line.invoice_number, "kind": d.kind,
                           "text": d.text, "action": d.action} for line in self.lines for d in line.discrepancies],
                "files": [f.name for f in self.files]}

    def csv(self) -> ExportFile:
        return csv_export(self.stem, COLUMNS, (line.row() for line in self.lines), {"period": self.period.describe()})

    def pdf(self) -> bytes:
        return pdf.draw(pdf.ReportDocument(
            title=TITLE, parameters=self.parameters, as_of=self.as_of_line, columns=PDF_COLUMNS,
            rows=self._pdf_rows(), created=self.as_of or datetime.combine(self.period.at, datetime.min.time()),
            summary=self.summary(), notes=[*self.notes, PDF_NOTE]))

    def _pdf_rows(self) -> Any:
        for line in self.lines:
            yield line.row()
        for (side, currency), figures in sorted(self.balances.items()):
            yield {"debtor": f"TOTAL {side} {currency}", CURRENCY: currency, STYLE: "total",
                   f"{side}_invoiced": figures["invoiced"], f"{side}_remaining": figures["closing"]}


def _side(line: Line, name: str) -> Side:
    return line.store if name == "store" else line.billecta


def line_label(line: Line) -> str:
    parts = [f"order {line.order_id}" if line.order_id is not None else None,
             f"invoice {line.invoice_number}" if line.invoice_number else None]
    return ", ".join(p for p in parts if p) or "(no reference)"


def _major(minor: int, currency: str) -> Decimal:
    from bot.money import from_minor
    return from_minor(minor, currency)


# -- the service ----------------------------------------------------------------------------------

def reconciliation_report(rt: Runtime, record: dict[str, Any] | None, options: dict[str, Any], /,
                          ) -> ReconciliationReport:
    """The view service: the period checked first (refused under its fields), then what the store
    knew kept, then the mirror pulled (unless `refresh` is False), then both sides compared."""
    if options.get("date"):
        from bot.errors import InvalidInput
        raise InvalidInput("date: the reconciliation is over a period: give from and to.",
                           {"from": "The reconciliation is over a period: give from (and to)."})
    chosen = period(options, default_period=True)
    as_of = bring_up_to_date(rt, refresh=bool(options.get("refresh", True)))
    # The store's side is the mirror as the last pull found it, pulled just now or not (a Slack modal's
    # date change re-runs without one): the same report over the same data names the same discrepancies.
    return build(rt, chosen, as_of, last_mirrored(rt))


@dataclass(frozen=True)
class Known:
    """What the store held at one moment: its mirror's invoices, their dated movements, its last pull's day."""

    rows: dict[str, dict[str, Any]]
    moves: dict[str, list[movements.Movement]]
    pulled_on: date | None


def known(rt: Runtime) -> Known:
    """Read in one go, without the collector's pauses (bot.reports.batch): tens of thousands of rows and
    movements, made while the collector walks the heap, cost more than their count (20,000 invoices
    took 2.6x the time of 10,000 with it on)."""
    pulled = last_pull(rt)
    # A pull stamped after the bot's today (a clock pinned in tests) counts as made today.
    day = min(timefmt.local(pulled).date(), timefmt.today()) if pulled else None
    with without_gc_pauses():
        return Known(mirrored(rt), movements.load(rt), day)


def last_mirrored(rt: Runtime) -> Known:
    """What the bot last mirrored: the mirror with the last pull's before-values laid back over the rows
    it changed (bot.services.mirror_changes), the movements recorded before it began, and the day of the
    pull before it. A store never pulled is its mirror as it is."""
    started, changes = mirror_changes.last_changes(rt)
    if started is None:
        return known(rt)
    pulls = rt.store.rows("mirror_pull", order_by="id desc", limit=2)
    earlier = datetime.fromisoformat(pulls[1]["started_at"]) if len(pulls) > 1 else None
    with without_gc_pauses():
        rows = mirrored(rt)
        for aid, before in changes.items():
            if before is None or before.get("sync_status") == "deleted" or \
                    before.get("action_type") == "CreditInvoiceAction":
                rows.pop(aid, None)
            else:
                rows[aid] = {k: v for k, v in before.items() if k not in ("sync_status", "action_type")}
        with rt.store.lock:
            found = rt.store.db.execute(
                "SELECT action_public_id, kind, amount, moved_on FROM invoice_movement "
                "WHERE COALESCE(recorded_at, '') < ? ORDER BY moved_on, id", [started]).fetchall()
    moves: dict[str, list[movements.Movement]] = {}
    for aid, kind, amount, moved_on in found:
        moves.setdefault(aid, []).append(movements.Movement(kind, amount, date.fromisoformat(moved_on)))
    day = min(timefmt.local(earlier).date(), timefmt.today()) if earlier else None
    return Known(rows, moves, day)


def build(rt: Runtime, chosen: Period, as_of: datetime | None, last: Known | None = None) -> ReconciliationReport:
    """Both sides from the store alone (no Billecta call): what the bench measures. Without `last` the
    store's mirror is both what it last mirrored and Billecta now."""
    with without_gc_pauses():
        now = known(rt)
        before = now if last is None else last
        start, today = chosen.start or chosen.at, timefmt.today()
        store = Dating(start, chosen.at, before.moves, before.pulled_on or today)
        billecta = Dating(start, chosen.at, now.moves, now.pulled_on or today)
        lines = _lines(rt, now.rows, before.rows, chosen, (store, billecta), recorded(rt))
        return ReconciliationReport(chosen, as_of, lines, _balances(lines),
                                    {"store": store.pulled_on, "billecta": billecta.pulled_on}, unread_in_full(rt))


# Credit notes are left out: each shows as its invoice's credited amount, on both sides.
_INVOICES = """
SELECT action_public_id, invoice_number, debtor_name, debtor_public_id, order_id, stage, currency,
       invoiced_amount, current_amount, paid_amount, credited_amount, write_off_amount, invoice_date, closed_date
FROM invoice WHERE COALESCE(sync_status, '') != 'deleted' AND action_type IS NOT 'CreditInvoiceAction'
"""
_ORDERS = """
SELECT o.id, o.order_date, o.currency, o.billecta_id, o.sync_status, d.name AS debtor_name FROM [order] AS o
LEFT JOIN debtor AS d ON d.id = o.debtor_id WHERE COALESCE(o.sync_status, '') != 'deleted'
"""


def _query(rt: Runtime, sql: str) -> list[dict[str, Any]]:
    with rt.store.lock:
        cursor = rt.store.db.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def mirrored(rt: Runtime) -> dict[str, dict[str, Any]]:
    """The mirror's invoices by action public id."""
    return {row["action_public_id"]: row for row in _query(rt, _INVOICES)}


Datings = tuple[Dating, Dating]  # the store's side, Billecta's


def _lines(rt: Runtime, now: dict[str, dict[str, Any]], before: dict[str, dict[str, Any]], chosen: Period,
           datings: Datings, records: dict[str, list[movements.Movement]]) -> list[Line]:
    """Each order (with its invoice, if any) and each invoice no order explains, dated within the period
    or before it and still open at its start (closed on or after it: what the opening balance holds)."""
    orders = _query(rt, _ORDERS)
    totals = _order_totals(rt, {o["id"]: o["currency"] or "SEK" for o in orders})
    by_order = {row["order_id"]: aid for aid, row in now.items() if row["order_id"] is not None}
    start, end = (chosen.start or chosen.at).isoformat(), chosen.at.isoformat()

    def wanted(day: str, row: dict[str, Any] | None) -> bool:
        closed = (row or {}).get("closed_date")
        return day <= end and (day >= start or not closed or closed[:10] >= start)

    lines: list[Line] = []
    explained: set[str] = set()
    for order in orders:
        aid = by_order.get(order["id"]) or order["billecta_id"]
        if aid:
            explained.add(aid)
        row = now.get(aid or "")
        if wanted(((row or {}).get("invoice_date") or order["order_date"] or "")[:10], row):
            lines.append(_order_line(order, totals.get(order["id"], 0), aid, row, before.get(aid or ""), datings,
                                     records.get(aid or "", [])))
    for aid, row in now.items():
        if aid not in explained and wanted((row["invoice_date"] or "")[:10], row):
            lines.append(_invoice_line(row, before.get(aid), datings, records.get(aid, [])))
    for line in lines:
        line.before_period = line.day < start
    lines.sort(key=lambda line: (line.day, line.invoice_number or "", line.order_id or 0))
    return lines


def _order_line(order: dict[str, Any], total: int | None, aid: str | None, now: dict[str, Any] | None,
                before: dict[str, Any] | None, datings: Datings, records: list[movements.Movement]) -> Line:
    billecta, last = side_of(now, datings[1]), store_side(before, datings[0], records)
    store = Side(total or 0, last.paid, last.credited, last.written_off, 0,
                 last.status or ("sent as a draft" if aid else "not sent"), last.settled_before,
                 last.settled_within, last.estimated, last.moves, last.invoice, last.fees_before, last.fees_within)
    store.remaining = store.invoiced + last.fees - store.settled if before else store.invoiced
    currency = (now or {}).get("currency") or order["currency"] or "SEK"
    number = (now or {}).get("invoice_number")
    line = Line(order["id"], number, aid, (now or {}).get("debtor_name") or order["debtor_name"] or "(no debtor)",
                ((now or {}).get("invoice_date") or order["order_date"] or "")[:10], currency, store, billecta)
    if now is None and aid:  # a draft: the mirror holds no drafts (they are no receivables)
        line.billecta.status = DRAFT
        if order["sync_status"] == "changed":
            line.discrepancies.append(Discrepancy(
                AMOUNT_DIFFERS, f"Order {order['id']} was edited after its draft was sent.",
                f"send the order again: `order upsert {order['id']}`", f"order upsert {order['id']}"))
        return line
    if now is None:
        line.discrepancies.append(Discrepancy(
            NEVER_SENT, f"Order {order['id']} was never sent to Billecta.",
            f"send it: `order upsert {order['id']}` (then `order attest {order['id']}`)",
            f"order upsert {order['id']}"))
        return line
    if total is not None and total != billecta.invoiced and billecta.status != "Created":
        line.discrepancies.append(Discrepancy(
            AMOUNT_DIFFERS, f"Order {order['id']} was edited after invoice {number} was attested: the order is "
            f"{format_amount(total, currency)}, the invoice {format_amount(billecta.invoiced, currency)}.",
            f"see what was booked: `invoice events {number}`; an attested invoice cannot change: credit it or "
            f"invoice the difference", f"invoice events {number}"))
    elif total is not None and total != billecta.invoiced:
        line.discrepancies.append(Discrepancy(
            AMOUNT_DIFFERS, f"Order {order['id']} was edited after its draft was sent: the order is "
            f"{format_amount(total, currency)}, the draft {format_amount(billecta.invoiced, currency)}.",
            f"send the order again: `order upsert {order['id']}`", f"order upsert {order['id']}"))
    _compare(line, before, records)
    return line


def _invoice_line(now: dict[str, Any], before: dict[str, Any] | None, datings: Datings,
                  records: list[movements.Movement]) -> Line:
    number = now["invoice_number"] or now["action_public_id"]
    line = Line(None, now["invoice_number"], now["action_public_id"], now["debtor_name"] or "(no debtor)",
                (now["invoice_date"] or "")[:10], now["currency"] or "SEK", store_side(before, datings[0], records),
                side_of(now, datings[1]))
    line.discrepancies.append(Discrepancy(
        NO_ORDER, f"Invoice {number} is in Billecta but no order in the store explains it.",
        f"open its event log: `invoice events {number}`; import or link its order if it should have one",
        f"invoice events {number}"))
    _compare(line, before, records)
    return line


# Each kind of settlement: its noun, its past participle, the Side's attribute, the command that makes one.
_SETTLEMENTS = ((movements.PAYMENT, "payment", "paid", "paid", "invoice payment"),
                (movements.CREDIT, "credit", "credited", "credited", "invoice credit"),
                (movements.WRITEOFF, "write-off", "written off", "written_off", "invoice writeoff"))


def _compare(line: Line, before: dict[str, Any] | None, records: list[movements.Movement]) -> None:
    """The store's side (its last mirror and its own records) against Billecta now: the status, then
    what was paid, credited and written off, each named with its days where movements date it."""
    if before is None:
        return
    number = line.invoice_number or line.action_public_id
    store, billecta = line.store, line.billecta
    if before["stage"] != billecta.status:
        line.discrepancies.append(Discrepancy(
            STATUS_DIFFERS, f"Invoice {number} is {billecta.status} in Billecta; the store had it {before['stage']}.",
            f"see what happened: `invoice events {number}`; this report's pull has brought the store up to date",
            f"invoice events {number}"))
    for kind, noun, done, attr, command in _SETTLEMENTS:
        ours, theirs = getattr(store, attr), getattr(billecta, attr)
        if ours == theirs:
            continue
        missing = format_amount(abs(theirs - ours), line.currency)
        if theirs > ours:
            text = (f"A {noun} of {missing} on invoice {number} is in Billecta only"
                    f"{_days(unseen(billecta.moves, store.moves, kind), done)}; the store's last mirror had "
                    f"{format_amount(ours, line.currency)} {done}.")
            action = (f"see it in the event log: `invoice events {number}`; this report's pull has brought it into "
                      f"the store")
            resolve = f"invoice events {number}"
        else:
            own = " (the bot's own record)" if sum(m.amount for m in records if m.kind == kind) > theirs else ""
            text = (f"A {noun} of {missing} on invoice {number} is in the store only{own}"
                    f"{_days(unseen(store.moves, billecta.moves, kind), done)}; Billecta shows "
                    f"{format_amount(theirs, line.currency)} {done}.")
            action = (f"check the invoice in Billecta: `invoice events {number}`; if it was lost there, make it "
                      f"again: `{command} {number}`")
            resolve = f"{command} {number}"
        line.discrepancies.append(Discrepancy(PAYMENT_MISSING, text, action, resolve))


def _days(moves: list[movements.Movement], done: str) -> str:
    """', paid on 1 Dec' for the movements that date what one side has and the other has not."""
    days = sorted({m.day for m in moves})
    return f", {done} on {', '.join(timefmt.format_day(d) for d in days)}" if days else ""


def _balances(lines: list[Line]) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = {}
    for line in lines:
        for name in SIDES:
            figures = out.setdefault((name, line.currency), dict.fromkeys(BALANCES, 0))
            for key, value in line.figures(name).items():
                figures[key] += value
    return out
