"""`billecta-bot run invoice swish <id> phone= [message=]`: the outcome, then the request followed to
its end in the foreground (or, with --detach, how it will be followed); bad fields refused before
anything is sent; and a request under lost replies made exactly once against the served sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.sandbox import DEMO, Sandbox
from bot.sandbox.server import SandboxServer
from bot.store import Store
from tests.served import serving


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("SWISH_POLL_SECONDS", "0.05")
    return tmp_path


def test_the_cli_sends_one_request_and_follows_it_until_paid(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "swish", "1002", "phone=070-123 45 67", "--yes")
    assert status == 0, err
    first, last = out.strip().splitlines()[0], out.strip().splitlines()[-1]
    assert "Swish request for 4\u00a0312,50\u00a0kr sent to +46 70 123 45 67 for invoice 1002" in first
    assert last.endswith("on invoice 1002: paid; Billecta registered the payment on the invoice.")
    store = Store(workdir / "bot.db")
    try:
        assert store.find_by("invoice", "invoice_number", "1002")["stage"] == "Completed"
        assert [row["outcome"] for row in store.rows("audit", "command = 'invoice swish'")] == ["ok", "ok"]
    finally:
        store.close()


def test_detach_says_how_it_is_followed_then_list_and_cancel(workdir: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "invoice", "swish", "1002", "phone=0701234567", "message=Thanks",
                         "--yes", "--detach")
    assert status == 0 and "billecta-bot worker" in out and "`billecta-bot swish follow 1`" in out
    status, out, _ = run(capsys, "swish")
    assert status == 0 and "invoice 1002" in out and "waiting for the payer" in out
    status, _, err = run(capsys, "swish", "cancel", "1")
    assert status == 2 and "Add --yes" in err
    status, out, _ = run(capsys, "swish", "cancel", "1", "--yes")
    assert status == 0 and "cancelled by" in out and "nothing was paid" in out
    status, _, err = run(capsys, "swish", "cancel", "1", "--yes")
    assert status == 2 and "nothing to cancel" in err
    status, out, _ = run(capsys, "swish", "follow", "1", "--json")
    assert status == 1 and json.loads(out)["status"] == "Cancelled"


def test_bad_fields_and_closed_invoices_are_refused_before_sending(workdir: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "invoice", "swish", "1002", "phone=08-123 45 67", "--yes")
    assert status == 2 and "phone: 08-123 45 67" in err.replace("'", "") and "Swedish mobile" in err
    status, _, err = run(capsys, "run", "invoice", "swish", "1002", "phone=0701234567", f"message={'x' * 51}",
                         "--yes")
    assert status == 2 and "message: At most 50 characters" in err
    status, _, err = run(capsys, "run", "invoice", "swish", "1002", "--yes")
    assert status == 2 and "needs phone=…" in err
    status, _, err = run(capsys, "run", "invoice", "swish", "1008", "phone=0701234567", "--yes")
    assert status == 6 and "nothing left to pay" in err
    status, out, _ = run(capsys, "run", "invoice", "swish", "--help")
    assert "phone" in out and "message" in out and "at most 50 characters" in out


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Sandbox, SandboxServer]]:
    box = Sandbox(tmp_path / "sandbox.db", seed="demo")
    with serving(box) as server:
        monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
        monkeypatch.setenv("BILLECTA_BASE_URL", server.url)
        monkeypatch.setenv("BILLECTA_SECURE_TOKEN", "sandbox")
        monkeypatch.setenv("SWISH_POLL_SECONDS", "0.05")
        yield box, server
    box.close()


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_a_lost_reply_on_the_served_sandbox_makes_one_request(served: tuple[Sandbox, SandboxServer], mode: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    box, _ = served
    assert run(capsys, "pull")[0] == 0
    box.set_faults(lose_next=1, lose_reply_mode=mode)  # the create is applied, its reply lost
    status, out, err = run(capsys, "run", "invoice", "swish", DEMO["overdue"], "phone=0701234567", "--yes", "--json")
    assert status == 0, err
    assert json.loads(out.strip().splitlines()[-1])["status"] == "Paid"
    requests = [row for row in box._store.find("swish") if row["ActionPublicId"]]
    assert len(requests) == 1  # one request popped up on the payer's phone, not two


def test_no_answer_in_time_is_reported_as_timed_out(served: tuple[Sandbox, SandboxServer],
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    box, _ = served
    box.set_swish_payer(None)  # the payer never answers
    monkeypatch.setenv("SWISH_TIMEOUT_MINUTES", "0.005")  # 0.3 s instead of minutes
    assert run(capsys, "pull")[0] == 0
    status, out, _ = run(capsys, "run", "invoice", "swish", DEMO["overdue"], "phone=0701234567", "--yes")
    assert status == 1 and "no answer from the payer in time" in out.strip().splitlines()[-1]
