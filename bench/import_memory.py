"""Peak memory of a large import: a generated debtor CSV (50 MB by default) imported into a fresh store.

The import runs in a child process of its own, so its peak resident memory (getrusage's ru_maxrss)
is the import's and not this script's. Reported: the file size, the child's RSS after its imports
(the interpreter and the bot's modules), its peak RSS, and the peak as a ratio of the file size
(target: under 3x), gross and net of that baseline.

    .venv/bin/python bench/import_memory.py [--mb 50] [--keep FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stdnum import luhn

ROOT = Path(__file__).resolve().parents[1]
HEADER = "id,name,org_no,debtor_type,email,phone,address,zip_code,city,country_code,contact_name\n"
CITIES = ("Stockholm", "Göteborg", "Malmö", "Uppsala", "Lund", "Umeå", "Örebro", "Västerås")

CHILD = """
import json, resource, sys, time
from pathlib import Path
from bot.importer import import_file
from bot.store import Store

def rss_mb():
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

store = Store(sys.argv[2])
baseline = rss_mb()
began = time.monotonic()
report = import_file(store, 'debtor', Path(sys.argv[1]))
elapsed = time.monotonic() - began
print(json.dumps({'ok': report.ok, 'created': len(report.created), 'errors': len(report.errors),
                  'baseline_mb': baseline, 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  'seconds': elapsed}))
"""


def org_no(n: int) -> str:
    nine = f"55{n % 10_000_000:07d}"
    return f"{nine[:6]}-{nine[6:]}{luhn.calc_check_digit(nine)}"


def row(n: int) -> str:
    city = CITIES[n % len(CITIES)]
    return (f"{n},Företag {n} AB,{org_no(n)},Company,faktura{n}@example.se,070-{n % 1000:03d} {n % 100:02d} "
            f"{(n // 100) % 100:02d},Storgatan {n % 200 + 1},{11122 + n % 80000},{city},SE,Kontakt {n}\n")


def generate(path: Path, megabytes: float) -> int:
    """Rows until the file reaches the size; returns how many."""
    target, n = int(megabytes * 1024 * 1024), 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        size = len(HEADER)
        while size < target:
            n += 1
            line = row(n)
            out.write(line)
            size += len(line.encode("utf-8"))
    return n


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the generated CSV in MB")
    parser.add_argument("--keep", type=Path, default=None, help="write the CSV here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "debtors.csv"
        rows = generate(path, args.mb)
        size_mb = path.stat().st_size / 1024 / 1024
        began = time.monotonic()
        child = subprocess.run([sys.executable, "-c", CHILD, str(path), str(Path(tmp) / "bot.db")],
                               capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return 1
        result = json.loads(child.stdout)
    peak, base = result["peak_mb"], result["baseline_mb"]
    print(f"{size_mb:.1f} MB CSV, {rows} debtors: imported {result['created']} (errors {result['errors']}) "
          f"in {result['seconds']:.1f} s ({time.monotonic() - began:.1f} s with start-up)")
    print(f"peak RSS {peak:.0f} MB (baseline after imports {base:.0f} MB): {peak / size_mb:.2f}x the file size, "
          f"{(peak - base) / size_mb:.2f}x net of the baseline")
    ok = result["ok"] and peak < 3 * size_mb
    print("target met (peak < 3x the file size)" if ok else "TARGET MISSED (peak >= 3x the file size)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
