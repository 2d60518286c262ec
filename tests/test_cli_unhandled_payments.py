"""`run payment match` and `run payment delete` on the command line, on the embedded demo sandbox: the
payment is named by its local id or Billecta id, every field refuses bad input on stderr, a refused state
says why, and a run with --yes acts once and says what it did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.runtime import build_runtime
from bot.sandbox import DEMO
from bot.services.mirror import resolve
from tests.shell import run

UNMATCHED, BALANCE = DEMO.unhandled_payments["unmatched"], DEMO.unhandled_payments["balance"]


def mirrored(record_type: str, key: str) -> dict[str, object]:
    rt = build_runtime(load_settings())
    try:
        return resolve(rt, record_type, key)
    finally:
        rt.close()


def test_match_on_the_command_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "list", "payment")
    assert status == 0 and UNMATCHED in out and "from Nordic Cafe" in out  # the pull brought it in
    pid = str(mirrored("payment", UNMATCHED)["id"])
    for words, says in ((["amount=100", "invoice=1001"], "Billecta matches a payment in full (its match has no "
                                                         "amount): 1\u00a0250,00\u00a0kr here"),
                        (["invoice=1001", "amount=abc"], "amount: 'abc' is not an amount"),
                        ([], "invoice: Pick one of the suggested invoices, or search the invoice"),
                        (["invoice=1008"], "Invoice 1008 is completed; pick an open invoice."),
                        (["invoice=4711"], "There is no invoice 4711"),
                        (["colour=red"], "has no field `colour`")):
        status, _, err = run(capsys, "run", "payment", "match", pid, *words, "--yes")
        assert status != 0 and says in err, (words, err)
    status, _, err = run(capsys, "run", "payment", "match", BALANCE, "invoice=1002", "--yes")
    assert status != 0 and "Billecta refused to match payment 1 to invoice 1002: The balance belongs to another " \
                           "debtor." in err
    status, _, err = run(capsys, "run", "payment", "match", pid, "invoice=1001")  # no terminal, no --yes
    assert status == 2 and "--yes" in err and mirrored("payment", pid)["state"] == "Unhandled"

    status, out, err = run(capsys, "run", "payment", "match", pid, "invoice=1001", "--yes")
    assert status == 0, err
    assert out.strip() == (f"Matched payment {pid} (1\u00a0250,00\u00a0kr from Nordic Cafe) to invoice 1001: it is "
                           "now fully paid.")
    assert mirrored("invoice", "1001")["stage"] == "Completed"
    status, _, err = run(capsys, "run", "payment", "match", UNMATCHED, "invoice=1002", "--yes")
    assert status != 0 and f"payment {pid} was already used on invoice 1001; it cannot be matched" in err


def test_delete_on_the_command_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "list", "payment")
    pid = str(mirrored("payment", UNMATCHED)["id"])
    status, out, _ = run(capsys, "run", "payment", "delete", pid, "--yes", "--json")
    assert status == 2 and "needs amount=…" in json.loads(out)["error"]
    for typed, says in (("amount=1250.01", "That is not the payment's amount: it is 1\u00a0250,00\u00a0kr"),
                        ("amount=abc", "'abc' is not an amount")):
        status, _, err = run(capsys, "run", "payment", "delete", pid, typed, "--yes")
        assert status == 2 and says in err, (typed, err)
    status, out, err = run(capsys, "run", "payment", "delete", UNMATCHED, "amount=1250", "--yes")
    assert status == 0, err
    assert out.strip().startswith(f"Deleted payment {pid} (1\u00a0250,00\u00a0kr from Nordic Cafe, ref ")
    assert out.strip().endswith("in Billecta. The money will not be matched to any invoice.")
    assert mirrored("payment", pid)["state"] == "Deleted"
    status, _, err = run(capsys, "run", "payment", "delete", pid, "amount=1250", "--yes")
    assert status != 0 and "is already deleted in Billecta; it cannot be deleted" in err


def test_help_lists_the_fields(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "payment", "match", "--help")
    fields = {line.split()[0]: line for line in out.split("fields:\n", 1)[1].splitlines()}
    assert status == 0 and set(fields) == {"suggestion", "invoice", "amount"}
    assert "default the whole payment" in fields["amount"] and "no other amount" in fields["amount"]
    status, out, _ = run(capsys, "run", "payment", "delete", "--help")
    assert status == 0 and "amount" in out and "required" in out


def test_a_matched_payment_is_listed_with_its_invoice(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "list", "payment")
    pid = str(mirrored("payment", UNMATCHED)["id"])
    assert run(capsys, "run", "payment", "match", pid, "invoice=1001", "--yes")[0] == 0
    status, out, _ = run(capsys, "list", "payment", "--json")
    listed = next(row for row in json.loads(out) if str(row["id"]) == pid)
    assert status == 0 and listed["status_text"] == "used on invoice 1001"
    assert listed["line"].endswith("· used on invoice 1001")
