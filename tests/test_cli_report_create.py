"""`billecta-bot run report create` from the shell: --help lists the fields with their types, the sums on
stdout, the PDF and CSV written to --out, a report saved with --save and run again by name, bad filters
refused on stderr with exit code 2."""

from __future__ import annotations

import csv
import getpass
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from bot.reports.fields import FIELDS
from tests.pdf_check import read_pdf
from tests.shell import run


def test_help_lists_every_field_with_its_type_and_the_presets(workdir: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "report", "create", "--help")
    assert status == 0
    listed = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.startswith("  ")
              and len(line.split()) > 1 and line.split()[0] in {f.key for f in FIELDS}}
    assert listed == {f.key: f.kind.value for f in FIELDS}
    assert "Prepaid Payments (Förutbetalda avier)" in out and "Accounts Receivable (Kundreskontra)" in out


def test_out_writes_the_pdf_and_csv_with_the_sums(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "report", "create", "fields=invoice_number,debtor,remaining",
                           "filter=status=overdue;remaining>1000", "sum=remaining", "--json", "--out", "r")
    assert status == 0, err
    result = json.loads(out)
    folder = workdir / "r"
    written = sorted(folder.iterdir())
    assert [p.suffix for p in written] == [".csv", ".pdf"]
    assert set(err.splitlines()) == {str(p) for p in written}  # beside JSON, the paths go to stderr
    rows = list(csv.reader(io.StringIO(written[0].read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Invoice number", "Debtor", "Remaining", "Currency"] and len(rows) == result["count"] + 1
    total = sum((_decimal(row[2]) for row in rows[1:]), start=Decimal(0))
    assert str(total) == result["sums"]["SEK"]["remaining"]
    assert all(_decimal(row[2]) > 1000 for row in rows[1:])
    assert "Filter" in read_pdf(written[1].read_bytes()).text


def test_saved_with_save_and_run_again_by_name(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, first, err = run(capsys, "run", "report", "create", "name=overdue", "filter=status=overdue",
                             "sum=remaining", "--save", "--json")
    assert status == 0, err
    status, again, err = run(capsys, "run", "report", "create", "name=overdue", "--json")
    assert status == 0, err
    assert json.loads(again)["sums"] == json.loads(first)["sums"]
    assert json.loads(again)["parameters"]["Filter"] == "status=overdue"


@pytest.mark.parametrize(("words", "says"), [
    (["filter=remaining>lots"], "filter: remaining: 'lots' is not an amount"),
    (["filter=due_date>tomorrow"], "due_date: 'tomorrow' is not a date"),
    (["filter=status<open"], "status is a text field: use = != ~, not <."),
    (["fields=debtor,colour"], "fields: Not a field: 'colour'"),
    (["sum=debtor"], "sum: debtor is a text field"),
    (["name=never-saved"], "No report is saved as 'never-saved'"),
])
def test_bad_options_are_refused_on_stderr(workdir: Path, capsys: pytest.CaptureFixture[str],
                                           words: list[str], says: str) -> None:
    status, out, err = run(capsys, "run", "report", "create", *words, "--out", "r")
    assert status == 2 and says in err and not out
    assert not (workdir / "r").exists()


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_help_lists_the_date_parameters_and_says_the_csv_stays_exact(workdir: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "report", "create", "--help")
    assert status == 0
    assert "date=YYYY-MM-DD" in out and "period_on=invoice_date|due_date|closed_date" in out
    assert "numbers=exact|whole|thousands" in out and "the CSV always has the exact amounts" in out


def test_numbers_and_a_date_on_the_command_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "report", "create", "fields=invoice_number,remaining,days_past_due",
                           "filter=remaining>0", "sum=remaining", "numbers=thousands", "date=2026-11-15", "--json",
                           "--out", "r")
    assert status == 0, err
    result = json.loads(out)
    assert result["parameters"]["Date"] == "2026-11-15" and result["parameters"]["Numbers"] == "thousands (1,3 tkr)"
    csv_path, pdf_path = sorted((workdir / "r").iterdir())
    assert "2026-11-15" in csv_path.name
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    total = sum((_decimal(row[1]) for row in rows[1:]), start=Decimal(0))
    assert str(total) == result["sums"]["SEK"]["remaining"]  # exact in the CSV and the JSON
    text = read_pdf(pdf_path.read_bytes()).text
    assert "Amounts rounded to thousands with one decimal (tkr, half up); sums exact" in text
    assert "Date: 2026-11-15" in text
    cells = [line for line in text.splitlines() if re.fullmatch(r"-?[\d\u00a0]+,\d\u00a0tkr", line)]
    assert len(cells) >= len(rows) - 1  # each invoice's remaining amount (and the total) in tkr


def test_a_name_nothing_is_saved_under_lists_the_saved_reports(workdir: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "report", "create", "name=overdue", "filter=status=overdue", "--save")
    assert status == 0, err
    status, out, err = run(capsys, "run", "report", "create", "name=overdu")
    assert status == 2 and not out
    assert "No report is saved as 'overdu'. Saved: overdue (" in err and getpass.getuser() in err


@pytest.mark.parametrize(("words", "says"), [
    (["date=30/11/2026"], "date: '30/11/2026' is not a date"),
    (["from=2026-11-30", "to=2026-11-01"], "to: The period ends (2026-11-01) before it starts (2026-11-30)."),
    (["from=2026-11-01", "to=2026-11-30", "period_on=paid"], "period_on: 'paid' is not one of"),
    (["numbers=round"], "numbers: 'round' is not one of exact, whole, thousands."),
])
def test_bad_dates_and_formats_are_refused_on_stderr(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                     words: list[str], says: str) -> None:
    status, out, err = run(capsys, "run", "report", "create", *words, "--out", "r")
    assert status == 2 and says in err and not out
    assert not (workdir / "r").exists()
