"""`billecta-bot run invoice debt-collection` from a shell: on the embedded sandbox (fields as words, bad
input, refusals, the case then addressed as a debtcollection), and as a real process against the sandbox
served over HTTP losing the reply of the write: one case only, reported done."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.sandbox import DEMO, Sandbox
from bot.sandbox.server import SandboxServer
from tests.served import bot_env, serving
from tests.shell import run


def test_sent_from_the_shell_with_fields_as_words(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "debt-collection", "1002", "delivery_method=post",
                           "reason=Unpaid consulting", "interest=ref+8", "--yes", "--json")
    assert status == 0, err
    result = json.loads(out)
    assert result["message"].startswith("Sent invoice 1002 to debt collection: debtcollection ")
    assert "by letter;" in result["message"] and result["details"]["fee_minor"] == 18_000
    case_id = result["details"]["case_id"]
    status, out, err = run(capsys, "run", "debtcollection", "events", "1002")
    assert status == 0 and f"debtcollection {case_id}" in out, err
    status, _, err = run(capsys, "run", "invoice", "debt-collection", "1002", "--yes")
    assert status == 6 and "it went there already" in err


def test_help_names_the_fields(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "invoice", "debt-collection", "--help")
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert status == 0 and set(lines) == {"delivery_method", "reference", "reason", "interest"}
    assert "one of Email, Mail, Kivra, EInvoice" in lines["delivery_method"]
    assert "ref+8" in lines["interest"] and "None" not in out


@pytest.mark.parametrize(("word", "says"), [
    ("delivery_method=fax", "delivery_method: 'fax' is not a way to send a collection notice"),
    ("reference=" + "r" * 51, "reference: Use at most 50 characters"),
    ("reason= ", "reason: Say what the claim is for"),
    ("interest=lots", "interest: 'lots' is not an interest rate"),
    ("colour=red", "has no field `colour`"),
])
def test_bad_input_is_named_by_field(workdir: Path, capsys: pytest.CaptureFixture[str], word: str, says: str) -> None:
    status, _, err = run(capsys, "run", "invoice", "debt-collection", "1002", word, "--yes")
    assert status == 2 and says in err, err


@pytest.mark.parametrize(("role", "says"), [
    ("open", "is not overdue"), ("paused", "Resume it first (`billecta-bot run invoice resume 1003`)"),
    ("disputed", "End the dispute first"), ("draft", "is a draft"),
])
def test_refused_states_exit_with_the_reason(workdir: Path, capsys: pytest.CaptureFixture[str], role: str,
                                             says: str) -> None:
    status, _, err = run(capsys, "run", "invoice", "debt-collection", DEMO[role], "--yes")
    assert status == 6 and says in err and "Traceback" not in err


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[Sandbox, SandboxServer]]:
    box = Sandbox(tmp_path / "sandbox.db", seed="demo")
    with serving(box) as server:
        yield box, server
    box.close()


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_a_lost_reply_opens_one_case_and_is_reported_done(tmp_path: Path, served: tuple[Sandbox, SandboxServer],
                                                          mode: str) -> None:
    box, server = served
    box.set_faults(lose_next=1, lose_reply_mode=mode)
    done = subprocess.run([sys.executable, "-m", "bot.cli", "run", "invoice", "debt-collection", "1002", "--yes"],
                          env=bot_env(tmp_path, box, server), cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert box.faults.lose_next == 0, "the write's reply was lost"
    assert done.stdout.startswith("Sent invoice 1002 to debt collection: debtcollection ")
    with BillectaClient(httpx.Client(base_url=server.url), token="sandbox", creditor_id=box.creditor_id) as client:
        invoice = client.find_invoice_by_number("1002")
        assert invoice is not None and invoice.debt_collection_action_public_id
        assert invoice.debt_collection_action_public_id in done.stdout
    assert len(box._store.find("debtcollection")) == 2  # the demo's 1007 and this one: once
