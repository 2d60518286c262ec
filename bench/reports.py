"""Reports over a large mirror: 10,000 invoices over 2,000 debtors generated into the store directly,
then each report (its files: PDF, CSV, chart) timed in a fresh process, three runs each, medians.

Targets (issue 10): each report under 5 s and peak memory under 300 MB with 10,000 invoices, and
linear growth: 20,000 invoices in under 2.5x the time of 10,000.

    .venv/bin/python bench/reports.py [--invoices 10000] [--debtors 2000] [--runs 3] [--only receivables]

Each run is a child process on a store file made once per size: it imports the bot (as a running bot
has, so matplotlib's first import is not counted), then times the report from the mirror to its files
in memory, and reports its time and its peak RSS (ru_maxrss: the whole process, interpreter included).
The mirror is not pulled: the pull's cost is Billecta's (one list call, one read per changed invoice),
not the report's.

To add a report, put a function `(store) -> list of (name, bytes)` in REPORTS below. The store side
(orders and their rows) is generated too, for the reconciliation report.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.reports import movements  # noqa: E402
from bot.store import Store  # noqa: E402

DAY = date(2026, 11, 30)
# The mirror's "as of": the receivables report dates an open invoice's undated part by the last pull's day.
PULLED = datetime.combine(DAY, clock(18), ZoneInfo("Europe/Stockholm"))
STAGES = ("InvoiceSent", "ReminderInvoiceSent", "Attested", "SentToDebtCollection")


def generate(path: Path, invoices: int, debtors: int, seed: int = 7) -> None:
    """Invoices with varied amounts, dates, payments, credits, write-offs and fees; a fifth closed."""
    rng = random.Random(seed)
    store = Store(path)
    rows: list[dict[str, Any]] = []
    for number in range(invoices):
        debtor = number % debtors
        invoiced = rng.randrange(10_000, 5_000_000)  # 100,00 to 50 000,00 kr in öre
        paid = rng.choice((0, 0, invoiced // 3, invoiced // 2))
        credited = rng.choice((0, 0, 0, invoiced // 10))
        written_off = rng.choice((0, 0, 0, 0, 5_000))
        fees = rng.choice((0, 0, 6_000))
        issued = DAY - timedelta(days=rng.randrange(0, 200))
        due = issued + timedelta(days=30)
        closed = rng.random() < 0.2
        current = 0 if closed else max(invoiced + fees - paid - credited - written_off, 0)
        rows.append({
            "action_public_id": f"bench-{number}", "invoice_number": str(100_000 + number),
            "action_type": "InvoiceAction", "debtor_public_id": f"debtor-{debtor}",
            "debtor_name": f"Bench Kund {debtor:04d} AB", "stage": "Completed" if closed else rng.choice(STAGES),
            "is_paused": 0, "is_disputed": 0, "currency": "SEK", "invoiced_amount": invoiced,
            "current_amount": current, "paid_amount": paid if not closed else invoiced + fees - credited - written_off,
            "credited_amount": credited, "write_off_amount": written_off,
            "invoice_date": f"{issued}T00:00:00+01:00", "due_date": f"{due}T00:00:00+01:00",
            "closed_date": f"{due - timedelta(days=2)}T00:00:00+01:00" if closed else None,
            "sync_status": "synced",
        })
    orders, order_rows = _orders(rng, rows, debtors)
    moves, recorded = _movements(rng, rows)
    with store.transaction():
        store.db["invoice"].insert_all(rows, batch_size=2000)  # type: ignore[union-attr]
        store.db["invoice_movement"].insert_all(moves, batch_size=2000)  # type: ignore[union-attr]
        store.db["payment"].insert_all(recorded, batch_size=2000)  # type: ignore[union-attr]
        store.db["debtor"].insert_all([{"id": d + 1, "name": f"Bench Kund {d:04d} AB"}  # type: ignore[union-attr]
                                       for d in range(debtors)], batch_size=2000)
        store.db["order"].insert_all(orders, batch_size=2000)  # type: ignore[union-attr]
        store.db["orderrow"].insert_all(order_rows, batch_size=2000)  # type: ignore[union-attr]
    store.close()


def _orders(rng: random.Random, invoices: list[dict[str, Any]], debtors: int) -> tuple[list[Any], list[Any]]:
    """The store side of the reconciliation: an order (two rows, no VAT, so its amount is the invoice's)
    behind nine invoices in ten, one in fifty of them edited since; 2 % more orders never sent."""
    orders, rows = [], []
    for number, invoice in enumerate(invoices):
        if rng.random() < 0.1:
            continue
        order_id = number + 1
        invoice["order_id"] = order_id
        edited = 100 if rng.random() < 0.02 else 0
        orders.append({"id": order_id, "debtor_id": number % debtors + 1, "order_date": invoice["invoice_date"][:10],
                       "currency": "SEK", "billecta_id": invoice["action_public_id"], "sync_status": "synced"})
        first = invoice["invoiced_amount"] // 2
        rows += [{"id": 2 * order_id, "order_id": order_id, "quantity": "1", "unit_price": _kr(first), "vat_rate": "0",
                  "position": 1},
                 {"id": 2 * order_id + 1, "order_id": order_id, "quantity": "1", "vat_rate": "0", "position": 2,
                  "unit_price": _kr(invoice["invoiced_amount"] - first + edited)}]
    for extra in range(len(invoices) // 50):
        order_id = len(invoices) + extra + 1
        orders.append({"id": order_id, "debtor_id": extra % debtors + 1, "order_date": str(DAY), "currency": "SEK"})
        rows.append({"id": 2 * order_id, "order_id": order_id, "quantity": "2", "unit_price": "125.00",
                     "vat_rate": "25", "position": 1})
    return orders, rows


def _movements(rng: random.Random, invoices: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """The dated movements the pull records (bot.reports.movements): each payment in one or two parts,
    each credit, write-off and fee (nine fees in ten: the reminder that raised it), on days between the
    invoice's date and its closing (or DAY); one paid invoice in ten has a part no movement dates (paid
    before the pull looked back). And the bot's own record (the payment table) of one payment in fifty,
    as `invoice payment` keeps it."""
    moves: list[dict[str, Any]] = []
    recorded: list[dict[str, Any]] = []

    def move(invoice: dict[str, Any], kind: str, amount: int) -> date:
        issued = date.fromisoformat(invoice["invoice_date"][:10])
        last = date.fromisoformat(invoice["closed_date"][:10]) if invoice["closed_date"] else DAY
        day = issued + timedelta(days=rng.randrange(0, max((last - issued).days, 0) + 1))
        moves.append({"action_public_id": invoice["action_public_id"], "kind": kind, "amount": amount,
                      "currency": "SEK", "moved_on": str(day), "reference": f"ref-{len(moves)}",
                      "source": "bench", "recorded_at": f"{DAY}T06:00:00+00:00"})
        return day

    for invoice in invoices:
        paid = invoice["paid_amount"]
        if paid:
            dated = paid if rng.random() < 0.9 else paid // 2
            parts = [dated // 2, dated - dated // 2] if rng.random() < 0.5 else [dated]
            for part in parts:
                day = move(invoice, "payment", part)
            if rng.random() < 0.02:
                recorded.append({"kind": "manual", "payment_type": "ManualPayment", "state": "Registered",
                                 "amount": parts[-1], "currency": "SEK", "payment_date": str(day),
                                 "action_public_id": invoice["action_public_id"]})
        if invoice["credited_amount"]:
            move(invoice, "credit", invoice["credited_amount"])
        if invoice["write_off_amount"]:
            move(invoice, "writeoff", invoice["write_off_amount"])
        fees = movements.fee_total(invoice) or 0
        if fees > 0 and rng.random() < 0.9:  # the reminder that raised it; the rest undated
            move(invoice, "fee", fees)
    return moves, recorded


def _kr(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


# -- the reports ------------------------------------------------------------------------------------

def receivables(store: Store) -> list[tuple[str, bytes]]:
    from bot.reports.params import Period
    from bot.reports.receivables import build

    report = build(SimpleNamespace(store=store), Period(DAY), False, PULLED)  # type: ignore[arg-type]
    return [(f.name, f.data) for f in report.files]


def reconciliation(store: Store) -> list[tuple[str, bytes]]:
    """Over the whole generated period (every invoice a line: the most work); what the store last
    mirrored differs from the mirror now in one invoice in a hundred (its status, its payment and that
    payment's movements), as a pull since would leave it."""
    from bot.reports.params import Period
    from bot.reports.reconciliation import Known, build, known

    rt: Any = SimpleNamespace(store=store)
    now = known(rt)
    rows, moves = dict(now.rows), dict(now.moves)
    for key in list(rows)[::100]:
        rows[key] = {**rows[key], "stage": "Attested", "paid_amount": 0}
        moves[key] = [m for m in moves.get(key, []) if m.kind != "payment"]
    report = build(rt, Period(DAY, DAY - timedelta(days=200)), None, Known(rows, moves, now.pulled_on))
    return [(f.name, f.data) for f in report.files]



def creator(store: Store) -> list[tuple[str, bytes]]:
    """The report creator's receivables preset (command 31) with a filter and sums: every invoice's
    fields built and filtered, then its PDF and CSV."""
    from bot.reports.creator import build
    from bot.reports.definition import definition

    spec = definition({"preset": "receivables", "filter": "remaining>0", "date": str(DAY)})
    report = build(SimpleNamespace(store=store), spec, None)  # type: ignore[arg-type]
    return [(f.name, f.data) for f in report.files]



REPORTS = {"receivables": receivables, "reconciliation": reconciliation, "creator": creator}


def child(name: str, path: str) -> None:
    """One timed run, in its own process; prints its figures as JSON."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401

    import bot.reports.chart  # noqa: F401  (what a running bot has imported already)

    store = Store(path)
    started = time.perf_counter()
    files = REPORTS[name](store)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "files": {n: len(d) for n, d in files}}))


def measure(name: str, path: Path, runs: int) -> dict[str, Any]:
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__, "--child", name, str(path)], check=True,
                             capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return {"seconds": statistics.median(r["seconds"] for r in results),
            "peak_mb": statistics.median(r["peak_mb"] for r in results), "files": results[-1]["files"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--debtors", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=sorted(REPORTS))
    parser.add_argument("--child", nargs=2, metavar=("REPORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for size in (args.invoices, args.invoices * 2):
            paths[size] = Path(folder) / f"mirror-{size}.db"
            generate(paths[size], size, args.debtors * size // args.invoices)
        for name in [args.only] if args.only else list(REPORTS):
            base, double = (measure(name, paths[size], args.runs) for size in (args.invoices, args.invoices * 2))
            ratio = double["seconds"] / base["seconds"]
            checks = {"under 5 s": base["seconds"] < 5, "under 300 MB": base["peak_mb"] < 300,
                      "2x invoices under 2.5x the time": ratio < 2.5}
            ok = ok and all(checks.values())
            print(f"{name}: {args.invoices} invoices {base['seconds']:.2f} s, peak {base['peak_mb']:.0f} MB; "
                  f"{args.invoices * 2} invoices {double['seconds']:.2f} s, peak {double['peak_mb']:.0f} MB; "
                  f"ratio {ratio:.2f} (medians of {args.runs})")
            print("  files:", ", ".join(f"{n} {size / 1e6:.1f} MB" for n, size in base["files"].items()))
            print("  " + ", ".join(f"{label}: {'ok' if passed else 'FAILED'}" for label, passed in checks.items()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
