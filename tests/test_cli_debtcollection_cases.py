"""The four debt-collection case commands from a shell: on the embedded sandbox (addressed by the
invoice number, bad input for every field, every refused stage, the typed invoice number of cancel),
and as real processes against the sandbox served over HTTP losing the reply of each write: written
once, reported done."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.demo import link_demo
from bot.runtime import build_runtime
from bot.sandbox import Sandbox, journal
from bot.sandbox.server import SandboxServer
from bot.services.mirror import resolve
from tests.served import bot_env, serving
from tests.shell import run


def _stage(stage: str) -> str:
    """Put the demo's case (invoice 1007) of the embedded sandbox in `stage`; its Billecta id."""
    rt = build_runtime(Settings())
    try:
        link_demo(rt)
        case_id = str(resolve(rt, "debtcollection", "1007")["action_public_id"])
        assert rt.sandbox is not None
        rt.sandbox.set_debtcollection_stage(case_id, stage)
        return case_id
    finally:
        rt.close()


def test_bailiff_by_the_invoice_number(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "debtcollection", "bailiff", "1007", "option=bailiff", "--yes", "--json")
    assert status == 0, err
    result = json.loads(out)
    assert "sent to the bailiff (Kronofogden)" in result["message"] and "(invoice 1007)" in result["message"]
    assert result["details"]["stage"] == "SentToBailiff" and result["details"]["option"] == "bailiff"
    status, _, err = run(capsys, "run", "debtcollection", "bailiff", "1007", "option=eviction", "--yes")
    assert status == 6 and "readied for the bailiff" in err and "Traceback" not in err


def test_help_names_the_fields(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "debtcollection", "bailiff", "--help")
    assert status == 0 and "option" in out and "bailiff, eviction" in out
    status, out, _ = run(capsys, "run", "debtcollection", "postpone", "--help")
    assert status == 0 and "days" in out and "1-365" in out


@pytest.mark.parametrize(("argv", "says"), [
    (("bailiff", "1007", "option=court"), "option: One of bailiff, eviction, not 'court'"),
    (("bailiff", "1007"), "needs option=…"),
    (("bailiff", "1007", "option=bailiff", "colour=red"), "has no field `colour`"),
    (("postpone", "1007", "days=0"), "days: Give between 1 and 365 days"),
    (("postpone", "1007", "days=366"), "days: Give between 1 and 365 days"),
    (("postpone", "1007", "days=soon"), "days: 'soon' is not a whole number of days"),
    (("postpone", "1007"), "needs days=…"),
])
def test_bad_input_is_named_by_field(workdir: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                                     says: str) -> None:
    if argv[0] == "postpone":
        _stage("DebtCollectionClaimDue")
    status, _, err = run(capsys, "run", "debtcollection", *argv, "--yes")
    assert status == 2 and says in err, err


@pytest.mark.parametrize(("verb", "stage", "says"), [
    ("postpone", "ReadyForBailiff", "no next event scheduled, so there is nothing to postpone"),
    ("postpone", "LongTermSurveilance", "no next event scheduled"),
    ("postpone", "Completed", "nothing more can be done on a closed case"),
    ("bailiff", "DebtCollectionInvoiceSent", "only a case Billecta has readied for the bailiff"),
    ("bailiff", "SentToBailiff", "only a case Billecta has readied for the bailiff"),
    ("surveillance", "DebtCollectionInvoiceSent", "only once the claim has fallen due unpaid"),
    ("surveillance", "LongTermSurveilance", "already in long-term surveillance"),
    ("cancel", "Cancelled", "nothing more can be done on a closed case"),
])
def test_refused_stages_exit_with_the_reason_and_what_applies(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                              verb: str, stage: str, says: str) -> None:
    _stage(stage)
    extra = {"postpone": ["days=5"], "bailiff": ["option=bailiff"]}.get(verb, [])
    status, _, err = run(capsys, "run", "debtcollection", verb, "1007", *extra, "--yes")
    assert status == 6 and says in err and "Traceback" not in err, err
    if stage == "ReadyForBailiff":
        assert "billecta-bot run debtcollection bailiff 1007" in err


def test_postpone_moves_the_next_event(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _stage("DebtCollectionClaimDue")
    status, out, err = run(capsys, "run", "debtcollection", "postpone", "1007", "days=30", "--yes", "--json")
    assert status == 0, err
    details = json.loads(out)["details"]
    assert details["days"] == 30 and details["next_event_date"] == details["new_date"]
    assert dt.date.fromisoformat(details["new_date"]) - dt.date.fromisoformat(details["from_date"]) == \
        dt.timedelta(days=30)


def test_cancel_asks_for_the_invoice_number(workdir: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    status, _, err = run(capsys, "run", "debtcollection", "cancel", "1007")
    assert status == 2 and "Collection stops for good" in err and "--yes" in err
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    asked: list[str] = []
    answers = iter(["1008", "1007"])
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(prompt) or next(answers))
    status, _, err = run(capsys, "run", "debtcollection", "cancel", "1007")
    assert status == 2 and "nothing was changed" in err
    assert asked == ["Type 1007 (the invoice number) to confirm: "]
    status, out, err = run(capsys, "run", "debtcollection", "cancel", "1007")
    assert status == 0 and "collection has stopped for good" in out, err


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[Sandbox, SandboxServer]]:
    box = Sandbox(tmp_path / "sandbox.db", seed="demo")
    with serving(box) as server:
        yield box, server
    box.close()


def _case_id(box: Sandbox) -> str:
    return next(str(c["ActionPublicId"]) for c in box._store.find("debtcollection")
                if c["original"]["InvoiceNumber"] == "1007")


@pytest.mark.parametrize(("argv", "stage", "done", "event"), [
    (("cancel", "1007"), None, "collection has stopped for good", "Cancelled"),
    (("surveillance", "1007"), None, "long-term surveillance", "LongTermSurveilance"),
    (("bailiff", "1007", "option=eviction"), None, "eviction and the bailiff", "SentToBailiff"),
    (("postpone", "1007", "days=9"), "DebtCollectionClaimDue", "by 9 days", "Updated"),
])
def test_a_lost_reply_is_written_once_and_reported_done(tmp_path: Path, served: tuple[Sandbox, SandboxServer],
                                                        argv: tuple[str, ...], stage: str | None, done: str,
                                                        event: str) -> None:
    box, server = served
    case_id = _case_id(box)
    if stage:
        box.set_debtcollection_stage(case_id, stage)
    before = len([e for e in journal.action_events(box._store, case_id) if e.get("EventType") == event])
    box.set_faults(lose_next=1, lose_reply_mode="drop")
    finished = subprocess.run([sys.executable, "-m", "bot.cli", "run", "debtcollection", *argv, "--yes"],
                              env=bot_env(tmp_path, box, server), cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert box.faults.lose_next == 0, "the write's reply was lost"
    assert done in finished.stdout
    after = len([e for e in journal.action_events(box._store, case_id) if e.get("EventType") == event])
    assert after == before + 1, "written once"
