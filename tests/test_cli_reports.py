"""`billecta-bot run report receivables` from the shell: the totals on stdout, the PDF, CSV and chart
written to --out with their paths printed, bad dates refused on stderr with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pdf_check import read_pdf
from tests.shell import run


def test_out_writes_the_pdf_csv_and_chart_and_prints_their_paths(workdir: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "report", "receivables", "date=2026-11-30", "--out", "reports")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "Accounts receivable (kundreskontra)" and "Date: 2026-11-30" in lines
    assert any(line.startswith("Billecta data as of ") for line in lines)
    assert any(line.strip().startswith("Remaining ") and line.endswith(" 13\u00a0472,50\u00a0kr") for line in lines)
    folder = workdir / "reports"
    written = [folder / "receivables-2026-11-30.pdf", folder / "receivables-2026-11-30-5-rows.csv",
               folder / "receivables-2026-11-30-aging.png"]
    assert lines[-3:] == [str(path) for path in written]
    assert "13\u00a0472,50" in read_pdf(written[0].read_bytes()).text
    assert written[1].read_bytes().decode("utf-8-sig").count("\r\n") == 6  # header and five invoices
    assert written[2].read_bytes().startswith(b"\x89PNG")


def test_json_gives_the_totals_as_exact_decimals(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "report", "receivables", "date=2026-11-30", "--json", "--out", "r")
    assert status == 0, err
    totals = json.loads(out)["totals"]["SEK"]
    assert (totals["count"], totals["remaining"], totals["aging"]["31_60"]) == (5, "13472.50", "3550.00")


def test_a_past_snapshot_leaves_out_a_reminder_fee_raised_after_its_day(workdir: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "invoice", "reminder", "1002", "fee=60", "--yes")
    assert status == 0, err
    # The sandbox sends the reminder at its own (real) time, after 30 Nov: the pull dates the fee by it.
    status, out, err = run(capsys, "run", "report", "receivables", "date=2026-11-30", "--out", "reports")
    assert status == 0, err
    lines = out.splitlines()
    assert any(line.strip().startswith("Fees ") and line.endswith(" 0,00\u00a0kr") for line in lines)
    assert any(line.strip().startswith("Remaining ") and line.endswith(" 13\u00a0472,50\u00a0kr") for line in lines)
    assert not [line for line in lines if "reminder fees or interest" in line]


@pytest.mark.parametrize(("words", "says"), [
    (["date=2026-02-30"], "date: '2026-02-30' is not a date"),
    (["from=2026-11-30", "to=2026-11-01"], "to: The period ends (2026-11-01) before it starts (2026-11-30)."),
    (["date=2026-11-30", "from=2026-11-01", "to=2026-11-30"], "date: Give a date, or a period"),
    (["exclude_outside_period=maybe"], "true or false"),
    (["when=2026-11-30"], "has no option `when`"),
])
def test_bad_parameters_are_refused_on_stderr(workdir: Path, capsys: pytest.CaptureFixture[str],
                                              words: list[str], says: str) -> None:
    status, out, err = run(capsys, "run", "report", "receivables", *words, "--out", "r")
    assert status == 2 and says in err and not out
    assert not (workdir / "r").exists()


def test_reconciliation_writes_its_pdf_and_csv_and_names_each_discrepancy(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "report", "reconciliation", "from=2026-11-01", "to=2026-11-30",
                           "--out", "reports")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "Reconciliation: the bot's store and Billecta"
    assert "Period: 2026-11-01 to 2026-11-30" in lines
    assert any(line.startswith("Billecta data as of ") for line in lines)
    # The demo's invoices have no order in the store: each is named with its event log to open.
    assert any("Invoice 1001 is in Billecta but no order in the store explains it." in line
               and "`invoice events 1001`" in line for line in lines)
    folder = workdir / "reports"
    pdf_path, csv_path = (Path(name) for name in lines[-2:])
    assert [pdf_path.parent, csv_path.parent] == [folder, folder]
    assert pdf_path.name == "reconciliation-2026-11-01-to-2026-11-30.pdf" and csv_path.suffix == ".csv"
    assert "Invoice no order explains" in read_pdf(pdf_path.read_bytes()).text
    header = csv_path.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert '"Store remaining";"Store status";"Billecta invoiced"' in header and '"Difference"' in header


def test_reconciliation_json_counts_each_kind(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "report", "reconciliation", "from=2026-11-01", "to=2026-11-30",
                           "--json", "--out", "r")
    assert status == 0, err
    said = json.loads(out)
    assert said["report"] == "reconciliation" and said["discrepancies"]["no_order"] == said["lines"] - said["matched"]
    assert said["balances"]["store:SEK"]["closing"] == said["balances"]["billecta:SEK"]["closing"]
    assert said["notes"][0].startswith("Opening balance: what was open at the start of the first day of the period")


@pytest.mark.parametrize(("words", "says"), [
    (["from=2026-11-30", "to=2026-11-01"], "to: The period ends (2026-11-01) before it starts (2026-11-30)."),
    (["from=30 Nov"], "from: '30 Nov' is not a date"),
    (["to=2026-11-30"], "from: A period needs its first day"),
    (["date=2026-11-30"], "has no option `date`. Its options: `from`, `to`."),
])
def test_reconciliation_refuses_a_bad_period_on_stderr(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                       words: list[str], says: str) -> None:
    status, out, err = run(capsys, "run", "report", "reconciliation", *words, "--out", "r")
    assert status == 2 and says in err and not out
    assert not (workdir / "r").exists()
