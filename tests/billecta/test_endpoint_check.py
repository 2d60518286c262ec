"""`billecta-bot endpoints --check` and BILLECTA_ENDPOINTS: each path probed against the sandbox (in
process and served over HTTP) with requests that change nothing; a corrected path is used by the client,
a wrong one is reported, a malformed correction stops the start with the line to fix."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.billecta.endpoints import ENDPOINTS
from bot.cli import main
from bot.config import load_settings
from bot.errors import ConfigError
from bot.sandbox import Sandbox
from tests.served import serving

TOKEN = "s3cret-Token-4711"


def _rows(out: str) -> dict[str, list[str]]:
    """The check's table by endpoint name: [result, sure, method, path, name, answer...]."""
    rows = {}
    for line in out.splitlines():
        cells = line.split()
        if len(cells) >= 6 and cells[0] in ("ok", "WRONG", "unsure") and cells[4] in ENDPOINTS:
            rows[cells[4]] = cells
    return rows


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.fixture(params=["embedded", "served"])
def billecta(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A configured Billecta (the embedded sandbox, or one served over HTTP); yields its state file."""
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    if request.param == "embedded":
        monkeypatch.setenv("BILLECTA_SECURE_TOKEN", TOKEN)
        with Sandbox(tmp_path / "bot.sandbox.db", token=TOKEN, seed="demo"):
            pass  # seeded now, so the dump before the check already holds the demo account
        yield tmp_path / "bot.sandbox.db"
        return
    with Sandbox(tmp_path / "served.db", token=TOKEN, seed="demo") as box, serving(box) as server:
        monkeypatch.setenv("BILLECTA_BASE_URL", server.url)
        monkeypatch.setenv("BILLECTA_SECURE_TOKEN", TOKEN)
        monkeypatch.setenv("BILLECTA_CREDITOR_ID", box.creditor_id)
        yield tmp_path / "served.db"


def test_every_path_answers_as_routed_and_nothing_changes(billecta: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _dump(billecta)
    status = main(["endpoints", "--check"])
    out, err = capsys.readouterr()
    rows = _rows(out)
    assert status == 0, out + err
    assert set(rows) == set(ENDPOINTS) and all(cells[0] == "ok" for cells in rows.values())
    assert " ".join(rows["invoice_pause"][5:]) == "404 no such record"
    assert " ".join(rows["authenticate"][5:]).startswith("401 refused made-up credentials")
    assert f"{len(ENDPOINTS)} of {len(ENDPOINTS)} paths answered as expected." in out
    assert _dump(billecta) == before  # no write was applied
    assert TOKEN not in out + err


def test_a_corrected_path_billecta_does_not_route_is_reported(billecta: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    fixes = tmp_path / "endpoints.toml"
    fixes.write_text('# corrections\ninvoice_pause = "/v1/invoice/pauseaction/{aid}"\n'
                     'invoice_resume = "GET /v1/invoice/resume/{aid}"\n'
                     'invoice_undispute = "/v1/invoice/canceldispute/{aid}"\n', encoding="utf-8")
    monkeypatch.setenv("BILLECTA_ENDPOINTS", str(fixes))
    status = main(["endpoints", "--check"])
    out, err = capsys.readouterr()
    rows = _rows(out)
    assert status == 1
    assert rows["invoice_pause"][:4] == ["WRONG", "P*", "PUT", "/v1/invoice/pauseaction/{aid}"]
    assert " ".join(rows["invoice_pause"][5:]) == "404 no such route"
    assert rows["invoice_resume"][0] == "WRONG" and rows["invoice_resume"][5] == "405"
    # Billecta's other spelling of the path (an alias the sandbox routes too) is right.
    assert rows["invoice_undispute"][:2] == ["ok", "P*"]
    assert sum(cells[0] == "ok" for cells in rows.values()) == len(ENDPOINTS) - 2
    assert f"{len(ENDPOINTS) - 2} of {len(ENDPOINTS)} paths answered as expected." in out
    assert f"Its path comes from {fixes}: correct or remove its line." in out
    assert TOKEN not in out + err


def test_the_client_sends_to_the_corrected_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fixes = tmp_path / "endpoints.toml"
    fixes.write_text('invoice_undispute = "PUT /v1/invoice/canceldispute/{aid}"\n', encoding="utf-8")
    monkeypatch.setenv("BILLECTA_ENDPOINTS", str(fixes))
    sent: list[str] = []
    with Sandbox(":memory:", seed="demo") as box:
        inner = box.transport()

        class Recording(httpx.BaseTransport):
            def handle_request(self, request: httpx.Request) -> httpx.Response:
                sent.append(f"{request.method} {request.url.path}")
                return inner.handle_request(request)

        client = BillectaClient.from_settings(load_settings(), transport=Recording())
        action = client.open_invoices()[0].action_public_id
        client.dispute_invoice(action)
        client.undispute_invoice(action)
        assert not client.get_invoice(action).is_disputed
    assert f"PUT /v1/invoice/canceldispute/{action}" in sent
    assert not any(line.startswith("PUT /v1/invoice/undispute/") for line in sent)


@pytest.mark.parametrize(("text", "expected"), [
    ('\n\ninvoice_pase = "/v1/invoice/pause/{aid}"\n',
     "endpoints.toml line 3: 'invoice_pase' is not an endpoint the bot uses (did you mean invoice_pause?)"),
    ('invoice_pause = "/v1/invoice/pause"\n',
     "endpoints.toml line 1: it lacks {aid} (the invoice's or case's id); the path of invoice_pause takes {aid}"),
    ('# x\ninvoice_payment = "/v1/invoice/payment/{aid}"\n',
     "endpoints.toml line 2: the bot has no value for {aid}; the path of invoice_payment takes no placeholder"),
    ('invoice_pause = "/v1/invoice/pause/{aid"\n',
     "endpoints.toml line 1: write placeholders as {aid}, {cid} … with nothing else in the braces"),
    ('invoice_pause = "FETCH /v1/invoice/pause/{aid}"\n',
     "endpoints.toml line 1: 'FETCH' is not an HTTP method; use one of GET, POST, PUT, DELETE, PATCH"),
    ('invoice_postpone = "/v1/invoice/postpone/{aid}?date="\n',
     "endpoints.toml line 1: give the path without its query string"),
    ('[invoice_pause]\npath = "/v1/invoice/pause/{aid}"\n',
     'endpoints.toml line 1: give invoice_pause a string with its path, optionally after its method: '
     'invoice_pause = "PUT /v1/invoice/pause/{aid}"'),
    ('invoice_pause = /v1/invoice/pause/{aid}\n', "endpoints.toml is not valid TOML: "),
])
def test_a_malformed_correction_stops_the_start_naming_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                text: str, expected: str) -> None:
    fixes = tmp_path / "endpoints.toml"
    fixes.write_text(text, encoding="utf-8")
    monkeypatch.setenv("BILLECTA_ENDPOINTS", str(fixes))
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert raised.value.user_message.startswith(f"BILLECTA_ENDPOINTS: {expected}")


def test_a_bad_endpoints_file_is_one_line_on_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("BILLECTA_ENDPOINTS", str(tmp_path / "missing.toml"))
    status = main(["endpoints", "--check"])
    out, err = capsys.readouterr()
    assert status == ConfigError.exit_code and out == ""
    assert err == f"error: BILLECTA_ENDPOINTS: the file {str(tmp_path / 'missing.toml')!r} does not exist " \
                  f"(got {str(tmp_path / 'missing.toml')!r})\n"


def test_a_refused_token_stops_the_check_without_showing_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    with Sandbox(tmp_path / "served.db", token=TOKEN, seed="demo") as box, serving(box) as server:
        monkeypatch.setenv("BILLECTA_BASE_URL", server.url)
        monkeypatch.setenv("BILLECTA_SECURE_TOKEN", TOKEN + "-old")
        status = main(["endpoints", "--check"])
    out, err = capsys.readouterr()
    assert status != 0 and "ok " not in out
    assert err.startswith("error: ") and "token" in err.lower()
    assert TOKEN not in out + err


def test_only_the_unconfirmed_paths_are_probed_and_a_refused_token_still_stops_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    with Sandbox(tmp_path / "served.db", token=TOKEN, seed="demo") as box, serving(box) as server:
        monkeypatch.setenv("BILLECTA_BASE_URL", server.url)
        monkeypatch.setenv("BILLECTA_SECURE_TOKEN", TOKEN)
        assert main(["endpoints", "--check", "--unconfirmed"]) == 0
        rows = _rows(capsys.readouterr().out)
        assert set(rows) == {e.name for e in ENDPOINTS.values() if e.confidence.value != "C"}
        monkeypatch.setenv("BILLECTA_SECURE_TOKEN", TOKEN + "-old")
        status = main(["endpoints", "--check", "--unconfirmed"])
    out, err = capsys.readouterr()
    assert status != 0 and not _rows(out) and "token" in err.lower()


def test_a_billecta_that_does_not_answer_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("BILLECTA_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("BILLECTA_SECURE_TOKEN", TOKEN)
    status = main(["endpoints", "--check"])
    out, err = capsys.readouterr()
    assert status != 0 and "ok " not in out and "WRONG" not in out
    assert err == "error: Billecta is not answering right now (could not connect); try again shortly.\n"


def test_the_listing_marks_corrected_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    fixes = tmp_path / "endpoints.toml"
    fixes.write_text('invoice_events = "/v1/events/invoiceevents/{cid}"\n', encoding="utf-8")
    monkeypatch.setenv("BILLECTA_ENDPOINTS", str(fixes))
    assert main(["endpoints", "--unconfirmed"]) == 0
    out = capsys.readouterr().out
    assert "U*    GET     /v1/events/invoiceevents/{cid}" in out and "/v1/invoice/events/" not in out
