"""What users read, in Slack and on the command line, speaks their language: one money format
(Swedish: '1 250,00 kr', through bot.money.format_amount), stages in words (never 'InvoiceSent'),
and no Python `None`.

Scans every golden snapshot of a Slack message or view (only the text a person sees, not action ids
or button values) and the output of a first week's CLI commands on the embedded sandbox.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.billecta import enums
from bot.cli import main
from bot.sandbox import DEMO

TESTS = Path(__file__).resolve().parent
GOLDEN = sorted([*TESTS.glob("slack/golden/*.json"), *TESTS.glob("blocks/golden/*.json")])
# What Slack renders; the rest (action_id, value, private_metadata, url…) is for machines.
_MACHINE_KEYS = {"action_id", "block_id", "callback_id", "value", "private_metadata", "url", "type", "external_id",
                 "initial_value", "initial_date", "initial_option", "style"}
# Enum values that are not plain words ('InvoiceSent', 'SentToDebtCollection').
RAW_STAGES = sorted({m.value for e in (enums.InvoiceStage, enums.DebtCollectionStage) for m in e
                     if re.search(r"[a-z][A-Z]", m.value)}, key=len, reverse=True)
_RAW_STAGE = re.compile(r"\b(" + "|".join(RAW_STAGES) + r")\b")
_NONE = re.compile(r"\bNone\b")
_OLD_MONEY = re.compile(r"\d(?:[\d ,.]*\d)?\s?(?:SEK|EUR|NOK|DKK)\b|\b(?:SEK|EUR|NOK|DKK)\s?\d")


def problems(text: str) -> list[str]:
    found = [f"raw stage {m.group(0)!r}" for m in _RAW_STAGE.finditer(text)]
    found += [f"Python None in {text[max(0, m.start() - 30):m.end() + 10]!r}" for m in _NONE.finditer(text)]
    found += [f"amount not in the one format: {m.group(0)!r}" for m in _OLD_MONEY.finditer(text)]
    return found


def shown_texts(node: Any) -> Iterator[str]:
    """The strings of a Slack payload a person reads."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _MACHINE_KEYS and isinstance(value, str):
                continue
            if isinstance(value, str):
                yield value
            else:
                yield from shown_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from shown_texts(value)


def test_the_scan_catches_what_it_is_for() -> None:
    assert problems("12 500.00 SEK is far more than the 1 250.00 SEK invoiced")
    assert problems("Stage: InvoiceSent") and problems("the reference is None") and problems("SEK 350")
    assert not problems("12\u00a0500,00\u00a0kr is far more than 1\u00a0250,00\u00a0kr; type 12500.00")
    assert not problems("invoice 1001 · sent · in debt collection · none")


@pytest.mark.parametrize("path", GOLDEN, ids=[p.name for p in GOLDEN])
def test_golden_snapshots_read_as_a_finance_tool(path: Path) -> None:
    found = [f"{p} in {text!r}" for text in shown_texts(json.loads(path.read_text())) for p in problems(text)]
    assert not found, found


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    return tmp_path


def test_cli_outputs_read_as_a_finance_tool(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = [
        ["pull"],
        ["run", "invoice", "pause", DEMO["paused"], "--yes"],  # refused, naming the command that applies
        ["run", "invoice", "payment", DEMO["open"], "amount=12500.00", "payment_means=BG",
         "overpayment=AsOverPayments", "--yes"],  # far more than invoiced: both figures stated
        ["run", "invoice", "payment", DEMO["completed"], "amount=10", "payment_means=BG", "--yes"],
        ["run", "invoice", "payment", DEMO["overdue"], "amount=100", "payment_means=BG", "--yes"],
        ["run", "invoice", "credit", DEMO["open"], DEMO["completed"], "--yes"],
        ["jobs", "show", "1"],
        ["run", "invoice", "events", DEMO["overpaid"]],
        ["run", "invoice", "events", DEMO["in_debt_collection"]],
        ["run", "payment", "events", "1"],
        ["jobs"],
        ["run", "invoice", "payment", "--help"],
    ]
    found = []
    for argv in runs:
        with contextlib.suppress(SystemExit):  # --help
            main(argv)
        out, err = capsys.readouterr()
        assert out + err, argv
        found += [f"`{' '.join(argv)}`: {p}" for line in (out + err).splitlines() for p in problems(line)]
    assert not found, found
