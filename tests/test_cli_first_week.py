"""The shell side of a finance team's first week with the issue 8/9 commands: what `--help` teaches,
what a mistyped value says, and what `list` shows once the week's work is done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands import COMMANDS, DialogSpec

DIALOGS = [c for c in COMMANDS if c.available and isinstance(c.spec, DialogSpec)]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse's own --help
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("SWISH_POLL_SECONDS", "0.05")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", DIALOGS, ids=[c.name for c in DIALOGS])
def test_each_dialogs_help_gives_every_field_an_example(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                        command: object) -> None:
    name = command.name.split()  # type: ignore[attr-defined]
    status, out, err = run(capsys, "run", *name, "--help")
    fields = (out + err).split("fields:\n", 1)[1].splitlines()
    assert status == 0 and fields, out + err
    bare = [line for line in fields if line.startswith("  ") and "e.g." not in line and "one of" not in line]
    assert not bare, f"fields without an example in `run {' '.join(name)} --help`: {bare}"
    assert "None" not in out + err


def test_an_unquoted_amount_with_a_space_says_how_to_type_it(workdir: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`amount=1 250,00` as --help's own examples of amounts read: the shell makes `250,00` a second record."""
    status, _, err = run(capsys, "run", "invoice", "writeoff", "1002", "amount=1", "250,00", "--yes")
    assert status == 2 and 'goes in quotes: amount="1 250,00"' in err, err
    status, out, err = run(capsys, "run", "invoice", "writeoff", "1002", "amount=1 250,00", "--yes")
    assert status == 0 and "Wrote off 1\u00a0250,00\u00a0kr on invoice 1002" in out, err


def test_a_paid_swish_request_is_listed_as_paid_by_swish_on_its_invoice(workdir: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "swish", "1002", "phone=070-123 45 67", "--yes")
    assert status == 0 and out.strip().endswith("Billecta registered the payment on the invoice."), err
    status, out, _ = run(capsys, "list", "payment", "swish")
    assert status == 0 and "paid by Swish on invoice 1002" in out and "unknown" not in out, out
    status, out, _ = run(capsys, "list", "payment", "--json")
    (swish,) = [row for row in json.loads(out) if "Swish" in row["line"]]
    assert swish["line"].endswith("· paid by Swish on invoice 1002"), swish
    assert swish["status_text"] == "paid by Swish on invoice 1002", swish
