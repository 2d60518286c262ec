"""`billecta-bot run invoice reminder|postpone` on the embedded sandbox: fields as words, defaults that are
stated before anyone confirms, bad input on stderr, refusals with what applies, exit statuses."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from bot.billecta.dates import STOCKHOLM
from bot.config import load_settings
from bot.runtime import build_runtime
from bot.timefmt import format_day
from tests.shell import run


def mirrored(number: str) -> dict[str, object]:
    rt = build_runtime(load_settings())
    try:
        row = rt.store.find_by("invoice", "invoice_number", number)
        assert row is not None
        return row
    finally:
        rt.close()


def test_reminder_with_fields_as_words(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "reminder", "1002", "fee=75,50", "payment_terms_days=14",
                           "delivery_method=post", "--yes", "--json")
    assert status == 0, err
    done = json.loads(out)
    due = dt.datetime.now(STOCKHOLM).date() + dt.timedelta(days=14)
    assert done["message"].startswith(f"Reminder 1002-P1 for invoice 1002 sent by letter: fee 75,50\u00a0kr, due "
                                      f"{format_day(due)}")
    assert done["details"]["fee_minor"] == 7550 and done["details"]["reminder_number"] == "1002-P1"
    assert mirrored("1002")["stage"] == "ReminderInvoiceSent"
    status, _, err = run(capsys, "run", "invoice", "reminder", "1002", "--yes")
    assert status == 6 and "the reminder already sent is due" in err


def test_reminder_defaults_are_stated_before_confirming(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    status, out, err = run(capsys, "run", "invoice", "reminder", "1002")
    assert status == 2 and "Cancelled; nothing was changed." in err
    assert "(fee 60,00\u00a0kr, 10 days to pay, by e-mail; 4\u00a0312,50\u00a0kr remains)" in out
    status, out, err = run(capsys, "run", "invoice", "reminder", "1002", "fee=0", "--yes")
    assert status == 0 and "fee 0,00\u00a0kr" in out and "4\u00a0312,50\u00a0kr is now to pay" in out


@pytest.mark.parametrize(("words", "says"), [
    (("fee=-1",), "fee: The fee cannot be negative"),
    (("fee=abc",), "fee: 'abc' is not an amount"),
    (("payment_terms_days=0",), "payment_terms_days: Give between 1 and 365 days"),
    (("delivery_method=pigeon",), "delivery_method: 'pigeon' is not a delivery method"),
    (("colour=red",), "has no field `colour`"),
])
def test_reminder_bad_input_goes_to_stderr(workdir: Path, capsys: pytest.CaptureFixture[str], words: tuple[str, ...],
                                           says: str) -> None:
    status, _, err = run(capsys, "run", "invoice", "reminder", "1002", *words, "--yes")
    assert status == 2 and says in err and "Traceback" not in err


@pytest.mark.parametrize(("number", "says"), [
    ("1001", "is not past its due date"), ("1003", "Resume it first (`billecta-bot run invoice resume 1003`)"),
    ("1004", "End the dispute first (`billecta-bot run invoice undispute 1004`)"), ("1007", "is in debt collection"),
    ("1008", "is completed"),
])
def test_reminder_refusals_say_what_applies(workdir: Path, capsys: pytest.CaptureFixture[str], number: str,
                                            says: str) -> None:
    status, _, err = run(capsys, "run", "invoice", "reminder", number, "--yes")
    assert status == 6 and says in err


def test_postpone_by_days(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = dt.date.fromisoformat(str(mirrored_after_pull(capsys)["next_event_date"])[:10])
    status, out, err = run(capsys, "run", "invoice", "postpone", "1001", "days=30", "--yes")
    assert status == 0, err
    moved = before + dt.timedelta(days=30)
    assert out.strip() == (f"Postponed the next event of invoice 1001 by 30 days: the invoice falls due on "
                           f"{format_day(moved)} instead of {format_day(before)}; 1\u00a0250,00\u00a0kr remains "
                           "to pay.")
    assert str(mirrored("1001")["next_event_date"]).startswith(moved.isoformat())


def mirrored_after_pull(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    status, _, err = run(capsys, "list", "invoices")
    assert status == 0, err
    return mirrored("1001")


@pytest.mark.parametrize(("words", "status", "says"), [
    ((), 2, "needs days=…"), (("days=0",), 2, "days: Give between 1 and 365 days"),
    (("days=x",), 2, "days: 'x' is not a whole number of days"),
])
def test_postpone_bad_days(workdir: Path, capsys: pytest.CaptureFixture[str], words: tuple[str, ...], status: int,
                           says: str) -> None:
    got, _, err = run(capsys, "run", "invoice", "postpone", "1001", *words, "--yes")
    assert got == status and says in err


@pytest.mark.parametrize(("number", "says"), [
    ("1002", "no next event scheduled"), ("1003", "Resume it first"), ("1004", "End the dispute first"),
    ("1007", "debtcollection postpone"), ("1008", "is completed"),
])
def test_postpone_refusals(workdir: Path, capsys: pytest.CaptureFixture[str], number: str, says: str) -> None:
    status, _, err = run(capsys, "run", "invoice", "postpone", number, "days=5", "--yes")
    assert status == 6 and says in err


def test_help_lists_the_fields(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "invoice", "reminder", "--help")
    assert status == 0
    assert "fee" in out and "default the creditor's reminder fee" in out
    assert "one of Email, Mail, SMS, EInvoice, Kivra, Avy, Manually" in out and "None" not in out
    status, out, _ = run(capsys, "run", "invoice", "postpone", "--help")
    assert status == 0 and "days" in out and "required" in out
