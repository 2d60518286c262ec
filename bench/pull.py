"""The first pull of a large ledger: 10,000 invoices over 2,000 debtors in the in-process sandbox, pulled
into an empty store; the Billecta requests it makes (by endpoint) and its wall time, medians of three runs.

    .venv/bin/python bench/pull.py [--invoices 10000] [--debtors 2000] [--runs 3] [--code DIR ...]

`--code` runs the same measurement on another copy of the bot (e.g. `git archive main bot | tar -x -C
/tmp/before`, then `--code /tmp/before --code .`), so a change is measured before and after.
The sandbox state is made once per code copy through its own API (a sandbox of that code), in a
temporary file each run copies: a fifth of the invoices paid in full (registered with a payment date
up to 60 days back, so closed), a third of the rest paid in part, a tenth credited in part, one in
twenty written off in part. Each run is a child process: a fresh store, one `pull`, its requests
counted at the transport. It also counts the pulls the schedule needs until no invoice is left unread
(where the code has `unread_in_full`), each of them timed.
Billecta allows 600 GET /v1/invoice/action a minute: the first pull's share of that is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GETS_PER_MINUTE = 600  # Billecta's limit for GET /v1/invoice/action


def build(path: Path, invoices: int, debtors: int, seed: int = 11) -> None:
    """The ledger, made through the sandbox's API (in process, by the code on sys.path)."""
    from bot.sandbox import Sandbox
    from tests.sandbox.helpers import client_for

    rng = random.Random(seed)
    with Sandbox(path, seed="empty") as box, client_for(box) as http:
        cid, today = box.creditor_id, box.now().date()
        debtor_ids = [http.post("/v1/debtors/debtor", json={"CreditorPublicId": cid, "Name": f"Kund {n} AB",
                                                            "Email": f"ap{n}@kund.example"}).json()["PublicId"]
                      for n in range(debtors)]
        for n in range(invoices):
            issued = today - timedelta(days=rng.randrange(0, 200))
            aid = http.post("/v1/invoice/action", json={
                "CreditorPublicId": cid, "DebtorPublicId": debtor_ids[n % debtors], "InvoiceDate": f"{issued}",
                "DueDate": f"{issued + timedelta(days=30)}",
                "Records": [{"ArticleDescription": "Service", "Quantity": 1.0, "VAT": 25.0,
                             "UnitPrice": {"CurrencyCode": "SEK", "Value": rng.randrange(100, 20_000) * 100}}],
            }).json()["PublicId"]
            _check(http.put(f"/v1/invoice/attest/{aid}"))
            _move(http, rng, aid, issued, today)


def _move(http: Any, rng: random.Random, aid: str, issued: date, today: date) -> None:
    total = http.get(f"/v1/invoice/action/{aid}").json()["CurrentAmount"]["Value"]
    paid_on = min(today, issued + timedelta(days=rng.randrange(0, 60)))
    roll = rng.random()
    if roll < 0.2:
        amount = total
    elif roll < 0.47:
        amount = total // 3
    else:
        amount = 0
    if amount:
        _check(http.post("/v1/invoice/payment", json={"ActionPublicId": aid, "Date": f"{paid_on}",
                                                      "Amount": {"CurrencyCode": "SEK", "Value": amount}}))
    if amount < total and rng.random() < 0.1:
        _check(http.put("/v1/invoice/credit", json={"ActionPublicId": aid,
                                                    "Value": {"CurrencyCode": "SEK", "Value": total // 10}}))
    if amount < total and rng.random() < 0.05:
        _check(http.post("/v1/invoice/payment", json={"ActionPublicId": aid, "Amount": {"CurrencyCode": "SEK",
                                                                                         "Value": 0},
                                                      "WriteOff": {"CurrencyCode": "SEK", "Value": 5_000}}))


def _check(response: Any) -> None:
    if response.status_code >= 300:
        raise SystemExit(f"building the ledger failed: {response.status_code} {response.text}")


def child(template: Path) -> dict[str, Any]:
    """One measured first pull (and the pulls after it until nothing is left unread)."""
    import httpx

    from bot.billecta.endpoints import ENDPOINTS, path_pattern
    from bot.config import Settings
    from bot.runtime import build_runtime
    from bot.sandbox import Sandbox
    from bot.services import pull as pulling
    from bot.store import Store

    routes = [(e.method, path_pattern(e.path), e.name) for e in ENDPOINTS.values()]
    asked: Counter[str] = Counter()

    class Counting(httpx.BaseTransport):
        def __init__(self, inner: httpx.BaseTransport) -> None:
            self.inner = inner

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            name = next((n for m, p, n in routes if m == request.method and p.match(request.url.path)), "other")
            asked[name] += 1
            return self.inner.handle_request(request)

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "sandbox.db"
        shutil.copyfile(template, copy)
        box = Sandbox(copy)
        rt = build_runtime(Settings(_env_file=None), store=Store(Path(tmp) / "bot.db"),  # type: ignore[call-arg]
                           transport=Counting(box.transport()))
        started = time.perf_counter()
        pulling.pull(rt)
        first = {"seconds": time.perf_counter() - started, "requests": sum(asked.values()), "by_endpoint": dict(asked),
                 "invoices": rt.store.count("invoice")}
        later: list[float] = []
        unread = getattr(pulling, "unread_in_full", None)
        first["unread"] = unread(rt) if unread else 0
        while unread and unread(rt) and len(later) < 100:
            started = time.perf_counter()
            pulling.pull(rt)
            later.append(time.perf_counter() - started)
        first["later_pulls"] = later
        first["movements"] = rt.store.count("invoice_movement") if "invoice_movement" in rt.store.db.table_names() \
            else 0
        rt.close()
        box.close()
    return first


def measure(code: Path, invoices: int, debtors: int, runs: int, workdir: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": f"{code}{os.pathsep}{ROOT}"}
    template = workdir / f"ledger-{abs(hash(str(code)))}.db"
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--build", str(template), "--invoices", str(invoices),
                    "--debtors", str(debtors)], env=env, check=True, cwd=workdir)
    built = time.perf_counter() - started
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__, "--child", str(template)], env=env, check=True,
                             capture_output=True, text=True, cwd=workdir).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return {"code": str(code), "built_seconds": built, "runs": results}


def summary(measured: dict[str, Any]) -> str:
    runs = measured["runs"]
    seconds = statistics.median(r["seconds"] for r in runs)
    requests = statistics.median(r["requests"] for r in runs)
    reads = statistics.median(r["by_endpoint"].get("invoice_get", 0) for r in runs)
    later = runs[0]["later_pulls"]
    lines = [f"{measured['code']}: first pull {seconds:.1f} s, {requests:.0f} requests "
             f"({reads:.0f} GET invoice/action = {reads / GETS_PER_MINUTE:.1f} min of Billecta's limit); "
             f"{runs[0]['invoices']} invoices mirrored, {runs[0]['unread']} left unread, "
             f"{runs[0]['movements']} movements kept"]
    others = {k: v for k, v in runs[0]["by_endpoint"].items() if k != "invoice_get"}
    lines.append(f"    other requests: {others}")
    if later:
        lines.append(f"    then {len(later)} more pulls until none is unread (median {statistics.median(later):.1f} s)")
    each = ", ".join(f"{r['seconds']:.1f} s" for r in runs)
    lines.append(f"    runs: {each} (ledger built in {measured['built_seconds']:.0f} s)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--debtors", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, action="append", help="a copy of the bot to measure (default: this one)")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, args.invoices, args.debtors)
        return
    if args.child:
        print(json.dumps(child(args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for code in args.code or [ROOT]:
            print(summary(measure(code.resolve(), args.invoices, args.debtors, args.runs, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
