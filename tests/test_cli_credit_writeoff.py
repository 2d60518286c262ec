"""`run invoice writeoff` and `run invoice use-credit` on the command line, on the embedded demo sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.runtime import build_runtime
from bot.services.mirror import resolve
from tests.shell import run


def mirrored(number: str) -> dict[str, object]:
    rt = build_runtime(load_settings())
    try:
        return resolve(rt, "invoice", number)
    finally:
        rt.close()


def test_write_off_on_the_command_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "writeoff", "1002", "amount=312,50", "reason=Rounding", "--yes")
    assert status == 0, err
    assert out.strip() == ("Wrote off 312,50\u00a0kr on invoice 1002: it will not be collected; "
                           "4\u00a0000,00\u00a0kr remains to collect.")
    assert mirrored("1002")["write_off_amount"] == 31250
    status, out, _ = run(capsys, "run", "invoice", "writeoff", "1002", "reason=x", "--yes", "--json")
    assert status == 2 and "needs amount=…" in json.loads(out)["error"]  # never a silent "all that remains"
    for word, says in (("amount=5000", "Only 4\u00a0000,00\u00a0kr remains on invoice 1002"),
                       ("amount=abc", "amount: 'abc' is not an amount"),
                       ("date=2999-01-01", "date: The write-off date cannot be in the future"),
                       ("date=1/2/2026", "'1/2/2026' is not a date; use YYYY-MM-DD"),
                       ("reason=" + "x" * 201, "at most 200 characters")):
        extra = [word] if word.startswith("amount") else ["amount=1", word]
        status, _, err = run(capsys, "run", "invoice", "writeoff", "1002", *extra, "--yes")
        assert status == 2 and says in err, (word, err)


def test_write_off_asks_before_acting_and_refuses_a_closed_invoice(workdir: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "invoice", "writeoff", "1002", "amount=100")  # no terminal, no --yes
    assert status == 2 and "amount 100,00\u00a0kr; 4\u00a0312,50\u00a0kr remains" in err, err
    assert mirrored("1002")["write_off_amount"] == 0
    status, _, err = run(capsys, "run", "invoice", "writeoff", "1008", "amount=1", "--yes")
    assert status != 0 and "invoice 1008 is completed" in err and "nothing is left to write off" in err


def test_write_off_help_lists_its_fields(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "invoice", "writeoff", "--help")
    fields = {line.split()[0]: line for line in out.split("fields:\n", 1)[1].splitlines()}
    assert status == 0 and set(fields) == {"amount", "date", "reason"}
    assert "required" in fields["amount"] and "default today" in fields["date"] and "200" in fields["reason"]


def test_use_credit_on_the_command_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "invoice", "use-credit", "1006", "target=1002", "--yes")
    assert status == 2 and "Invoice 1002 is not one of Nordic Café AB's open invoices; choose one of: 1001" in err
    status, _, err = run(capsys, "run", "invoice", "use-credit", "1006", "target=1001", "amount=100", "--yes")
    assert status == 2 and "Billecta uses a credit in full" in err
    status, _, err = run(capsys, "run", "invoice", "use-credit", "1006", "--yes")
    assert status == 2 and "needs target=…" in err
    status, out, err = run(capsys, "run", "invoice", "use-credit", "1006", "target=1001", "--yes")
    assert status == 0, err
    assert out.strip() == ("Used 500,00\u00a0kr of the credit of invoice 1006 on invoice 1001: 750,00\u00a0kr "
                           "remains to pay on invoice 1001; no credit is left.")
    assert mirrored("1001")["current_amount"] == 75000
    status, _, err = run(capsys, "run", "invoice", "use-credit", "1006", "target=1001", "--yes")
    assert status != 0 and "Credit invoice 1006 has no credit left to use" in err
