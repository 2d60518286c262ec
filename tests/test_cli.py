"""The CLI end to end on the embedded sandbox: files in a temp dir, the real store, exit statuses."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.demo import link_demo
from bot.runtime import build_runtime

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    for name in ("articles.csv", "debtors.csv", "debtors-bad.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_commands_lists_all_32_with_availability(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "commands", "--json")
    rows = json.loads(out)
    assert status == 0 and len(rows) == 32
    assert {row["command"] for row in rows if row["available"]} >= {"invoice pause", "debtor upsert"}


def test_import_then_upsert_debtors_to_billecta(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "import", "debtor", str(workdir / "debtors.csv"))
    assert status == 0, out
    status, out, err = run(capsys, "run", "debtor", "upsert", "1", "2", "5-9", "--yes")
    assert status == 0, out + err
    rt = build_runtime(load_settings())
    try:
        synced = rt.store.rows("debtor", "id IN (1, 2, 5, 6, 7, 8, 9)")
        assert all(row["sync_status"] == "synced" and row["billecta_id"] for row in synced)
        in_billecta = {d.debtor_external_id: d for d in rt.billecta.list_debtors()}
        assert {"1", "2", "5", "6", "7", "8", "9"} <= set(in_billecta)
        names = {str(row["id"]): row["name"] for row in synced}
        assert all(in_billecta[key].name == name for key, name in names.items())
        # Debtor 3 was imported but not named: untouched (the sandbox still has the demo's copy only).
        assert rt.store.get("debtor", 3)["sync_status"] == "changed"
    finally:
        rt.close()


def test_a_bad_import_file_imports_nothing(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "import", "debtor", str(workdir / "debtors-bad.csv"))
    assert status == 2
    assert "line" in out


def test_pause_and_resume_an_invoice(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "pause", "1001", "--yes")
    assert status == 0, err
    assert "invoice 1001 is paused" in out.lower()
    status, _, err = run(capsys, "run", "invoice", "pause", "1001", "--yes")
    assert status != 0 and "has been paused since" in err
    status, out, _ = run(capsys, "run", "resume-paused-invoice", "1001", "--yes", "--json")
    assert status == 0 and json.loads(out)["details"]["is_paused"] is False
    status, _, err = run(capsys, "run", "invoice", "resume", "1001", "--yes")
    assert status != 0 and "not paused" in err


def test_unknown_invoice_and_unknown_command(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "invoice", "pause", "999999", "--yes")
    assert status == 4 and "no invoice 999999" in err.lower()
    status, _, err = run(capsys, "run", "invoice", "paws", "1001", "--yes")
    assert status == 2 and "pause" in err


def test_upsert_of_unknown_ids_changes_nothing(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "debtor", "upsert", "1", "4242", "--yes")
    assert status == 4 and "4242" in err


def test_without_yes_and_no_terminal_nothing_happens(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "invoice", "pause", "1001")
    assert status == 2 and "--yes" in err
    status, out, _ = run(capsys, "run", "invoice", "pause", "1001", "--yes", "--json")
    assert status == 0 and json.loads(out)["ok"] is True


def test_an_invoice_the_store_does_not_know_is_looked_up_in_billecta(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rt = build_runtime(load_settings())
    link_demo(rt)  # what any command does first on the embedded sandbox
    rt.store.db.execute("DELETE FROM invoice")
    rt.close()
    status, out, err = run(capsys, "run", "invoice", "dispute", "1002", "--yes")
    assert status == 0, err
    rt = build_runtime(load_settings())
    try:
        row = rt.store.find_by("invoice", "invoice_number", "1002")
        assert row is not None and row["is_disputed"] == 1 and row["action_public_id"]
    finally:
        rt.close()


def test_every_shell_action_is_audited(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "run", "invoice", "pause", "1001", "--yes")
    run(capsys, "run", "invoice", "pause", "1001", "--yes")
    status, out, _ = run(capsys, "audit", "--json")
    rows = json.loads(out)
    assert status == 0
    assert [row["outcome"] for row in rows[:2]] == ["refused", "ok"]
    assert all(row["command"] == "invoice pause" and row["source"] == "cli" for row in rows[:2])


def test_endpoints_lists_unconfirmed_paths(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "endpoints", "--unconfirmed")
    assert status == 0 and "/v1/invoice/pause/{aid}" in out and "/v1/debtors/debtor " not in out


def test_a_reader_that_stops_early_ends_the_cli_quietly(workdir: Path) -> None:
    # `billecta-bot endpoints | head -1`: the reader is gone before anything is written.
    child = subprocess.Popen([sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())",
                              "endpoints"], cwd=workdir, env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_the_event_log_runs_from_the_shell(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "run", "invoice", "pause", "1001", "--yes")
    status, out, err = run(capsys, "run", "invoice", "events", "1001")
    assert status == 0, err
    assert out.startswith("Event log of invoice 1001") and "Invoice paused" in out
    status, out, _ = run(capsys, "run", "show-event-log", "debtor", "1", "--json")
    assert status == 0 and json.loads(out)["record"] == "debtor 1 (Anna Andersson)"
    status, _, err = run(capsys, "run", "invoice", "events")
    assert status == 2 and "`billecta-bot run invoice events <id>`" in err


def test_a_dialog_command_takes_its_fields_as_words(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "payment", "1002", "amount=100", "payment_means=BG", "--yes")
    assert status == 0, err
    assert "Registered 100,00\u00a0kr on invoice 1002" in out
    status, out, err = run(capsys, "run", "invoice", "payment", "1002", "payment_means=BG", "--yes", "--json")
    assert status == 2 and "needs amount=…" in json.loads(out)["error"]  # never a silent "all that remains"
    status, _, err = run(capsys, "run", "invoice", "payment", "1001", "amount=abc", "payment_means=BG", "--yes")
    assert status == 2 and "amount: 'abc' is not an amount" in err
    status, _, err = run(capsys, "run", "invoice", "payment", "1001", "colour=red", "--yes")
    assert status == 2 and "has no field `colour`. Its fields:\n  overpayment" in err
    status, _, err = run(capsys, "run", "invoice", "pause", "1001", "amount=1", "--yes")
    assert status == 2 and "takes no field=value options" in err


def test_unknown_ids_are_audited_as_refused_attempts(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run(capsys, "run", "invoice", "pause", "999999", "--yes")
    assert status == 4
    _, out, _ = run(capsys, "audit", "--json")
    assert json.loads(out)[0]["outcome"] == "refused" and "999999" in json.loads(out)[0]["detail"]


def test_pausing_a_paused_invoice_is_refused_before_confirming_with_the_command_that_applies(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "run", "invoice", "pause", "1001", "--yes")
    # no --yes and no terminal: reaching the confirmation would fail with "Add --yes"; the refusal comes first
    status, _, err = run(capsys, "run", "invoice", "pause", "1001")
    assert status == 6 and "Add --yes" not in err
    assert "Invoice 1001 has been paused since" in err and "billecta-bot run invoice resume 1001" in err


@pytest.mark.parametrize(("option", "message"), [
    (["--fail-rate", "2"], "--fail-rate"), (["--latency-ms", "-5"], "--latency-ms"),
    (["--rate-limit", "0"], "--rate-limit"), (["--port", "70000"], "--port 70000"),
    (["--lose-reply-rate", "1.5"], "--lose-reply-rate"),
])
def test_sandbox_options_are_checked_before_serving(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                    option: list[str], message: str) -> None:
    status, out, err = run(capsys, "sandbox", "--db", str(workdir / "sb.db"), *option)
    assert status == 2 and message in err and out == ""


def test_a_busy_port_is_one_line_not_a_traceback(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        status, out, err = run(capsys, "sandbox", "--db", str(workdir / "sb.db"), "--port", port)
    assert status == 2 and f"Cannot serve the sandbox on 127.0.0.1:{port}" in err and out == ""


def test_a_database_that_cannot_be_opened_is_one_line(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "junk.db").write_text("not a database")
    monkeypatch.setenv("BILLECTA_BOT_DB", str(workdir / "junk.db"))
    status, _, err = run(capsys, "audit")
    assert status == 78 and "BILLECTA_BOT_DB" in err and err.count("\n") == 1


def test_run_help_lists_the_form_fields(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "invoice", "payment", "--help")
    assert status == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert set(lines) == {"amount", "payment_date", "payment_means", "reference", "overpayment",
                          "confirm_overpayment"}
    assert "amount" in lines["amount"] and "required" in lines["amount"]
    assert "date" in lines["payment_date"] and "default today" in lines["payment_date"]
    assert "choice" in lines["payment_means"] and "one of BG, PG, BANK, CASH, SWISH, CARD" in lines["payment_means"]
    assert "default refuse" in lines["overpayment"] and "None" not in out
    status, out, _ = run(capsys, "run", "invoice", "pause", "-h")
    assert status == 0 and "usage: billecta-bot run invoice pause <id>" in out and "fields" not in out


def test_a_missing_field_or_unknown_choice_is_refused_before_anything_is_sent(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "invoice", "payment", "1002", "amount=100", "payment_means=XYZ", "--yes")
    assert status == 2 and "'XYZ' is not a payment means here" in err
    status, _, err = run(capsys, "run", "invoice", "payment", "1002", "amount=100", "--yes")
    assert status == 2 and "needs payment_means=…" in err and "payment_date" in err and "None" not in err
    status, out, err = run(capsys, "run", "invoice", "payment", "1002", "amount=1", "payment_means=BG", "--yes")
    assert status == 0 and "None" not in out + err


def test_an_amount_the_store_cannot_hold_is_refused_before_billecta_sees_it(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for amount in ("999999999999999999999", "9" * 29):
        status, _, err = run(capsys, "run", "invoice", "payment", "1003", f"amount={amount}", "payment_means=BG",
                             "overpayment=AsOverPayments", "--yes")
        limit = "1\u00a0000\u00a0000\u00a0000,00\u00a0kr"
        assert status == 2 and f"amount: The amount is too large: at most {limit}" in err, err
    status, out, _ = run(capsys, "run", "invoice", "events", "1003", "--json")
    assert "Paid" not in out
    status, _, err = run(capsys, "run", "invoice", "payment", "1003", "amount=100000", "payment_means=BG",
                         "overpayment=AsOverPayments", "--yes")
    assert status == 2 and "confirm_overpayment=100000.00" in err and "invoiced on invoice 1003" in err
    status, out, err = run(capsys, "run", "invoice", "payment", "1003", "amount=100000", "payment_means=BG",
                           "overpayment=AsOverPayments", "confirm_overpayment=100000", "--yes")
    assert status == 0 and "Registered 100\u00a0000,00\u00a0kr on invoice 1003" in out, err


def test_a_credit_job_states_the_amount_done(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "credit", "1001", "--yes")
    assert status == 0, err
    assert "amount" in out and "1\u00a0250,00\u00a0kr" in out
    assert "Credited 1\u00a0250,00\u00a0kr on 1 invoice" in out, out  # what was done, said as done


# -- issue 7: list, confirmations, syntax, times, tables, logging ----------------------------------------
def test_list_shows_what_the_store_knows_of_every_type(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "list", "invoice", "--json")
    assert status == 0, err
    invoices = {row["id"]: row for row in json.loads(out)}
    assert invoices["1003"]["billecta_id"] and "paused" in invoices["1003"]["status_text"]
    assert invoices["1001"]["line"].startswith("1001 · Nordic Café AB · ")  # the record line, as in Slack
    assert "InvoiceSent" not in json.dumps([row["status_text"] for row in invoices.values()])
    status, out, _ = run(capsys, "list", "payment")
    assert status == 0 and out.splitlines()[0].split() == ["ID", "RECORD", "BILLECTA", "ID", "STATUS"]
    assert "unhandled: Billecta could not match it to an invoice" in out
    _, out, _ = run(capsys, "list", "debtcollection", "--json")
    assert [row["status"] for row in json.loads(out)] == ["ReadyForBailiff"]
    run(capsys, "import", "debtor", str(workdir / "debtors.csv"))
    _, out, _ = run(capsys, "list", "debtors", "lund", "--json")
    assert [(row["id"], row["status"]) for row in json.loads(out)] == [("3", "changed")]
    _, out, _ = run(capsys, "list", "debtor", "Malmö")
    assert "not in Billecta" in out and "new" in out
    status, _, err = run(capsys, "list", "report")
    assert status == 2 and "article, debtor" in err


def test_the_palette_search_and_list_are_one_query(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.slack.search import search

    for record_type, text in (("invoice", "100"), ("payment", ""), ("debtor", "AB"), ("debtcollection", "1007")):
        _, out, _ = run(capsys, "list", record_type, text, "--json")
        rt = build_runtime(load_settings())
        try:
            assert [key for _, key in search(rt.store, record_type, text)] == [row["id"] for row in json.loads(out)]
        finally:
            rt.close()


def test_an_unavailable_command_says_so_before_asking(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # All 32 are built now: one is made unbuilt again (no spec), as each was before it landed.
    from bot import commands as registry
    command = registry.find("report", "create")
    spec = command.spec
    object.__setattr__(command, "spec", None)  # frozen: restored below
    try:
        status, _, err = run(capsys, "run", "report", "create")  # no --yes, no terminal
    finally:
        object.__setattr__(command, "spec", spec)
    assert status == 2 and "not available yet" in err and "--yes" not in err


def test_retry_of_a_dangerous_job_asks_like_its_first_run(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.billecta.client import BillectaClient
    from bot.errors import BillectaUnavailable

    def unavailable(self: BillectaClient, product_id: str) -> None:
        raise BillectaUnavailable("503")

    deleted = BillectaClient.delete_product
    monkeypatch.setattr(BillectaClient, "delete_product", unavailable)
    assert run(capsys, "run", "article", "delete", "4", "--yes")[0] == 1  # Billecta down: the item failed
    monkeypatch.setattr(BillectaClient, "delete_product", deleted)
    status, _, err = run(capsys, "jobs", "retry", "1")
    assert status == 2 and "Delete 1 article(s)" in err and "--yes" in err
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    answers = iter(["y", "1"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    status, out, err = run(capsys, "jobs", "retry", "1")  # 'y' is not the typed count
    assert status == 2 and "Cancelled" in err
    _, out, _ = run(capsys, "jobs", "--json")
    assert len(json.loads(out)) == 1  # nothing was queued
    status, out, err = run(capsys, "jobs", "retry", "1")
    assert "Records: article 4" in out and "Job 2 (article delete failed items of job 1)" in out, out + err
    assert status == 1  # asked, typed 1, ran: Billecta, up again, refuses (the demo uses every article)


def test_changed_with_nothing_changed_is_success(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "debtor", "upsert", "--changed", "--yes")
    assert status == 0 and "Nothing to sync" in out
    status, out, _ = run(capsys, "run", "order", "upsert", "--changed", "--yes", "--json")
    assert status == 0 and json.loads(out) == {"ok": True, "message": "Nothing to sync: no order changed since "
                                                                       "its last sync.", "total": 0}
    status, _, err = run(capsys, "run", "debtor", "upsert", "4242", "--changed", "--yes")
    assert status != 0  # ids with --changed are still refused


def test_errors_show_the_shells_syntax_not_slacks(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "debtor", "upsert", "--yes")
    assert status == 2 and "`billecta-bot run debtor upsert <ids> | --all | --changed`" in err
    run(capsys, "import", "debtor", str(workdir / "debtors.csv"))
    status, _, err = run(capsys, "run", "invoice", "events", "--json")
    assert "/billecta" not in err
    status, out, _ = run(capsys, "run", "debtor", "upsert", "--json")
    assert "/billecta" not in out and "billecta-bot run debtor upsert" in json.loads(out)["error"]


def test_times_are_in_the_configured_zone_with_the_offset(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, "run", "invoice", "pause", "1001", "--yes")
    _, out, _ = run(capsys, "audit")
    header, first = out.splitlines()[:2]
    assert header.split()[:3] == ["WHEN", "WHO", "WHERE"]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d \+0[12]:00 ", first)  # Stockholm: +01:00, +02:00 in summer
    monkeypatch.setenv("DISPLAY_TIMEZONE", "America/New_York")
    for argv in (("audit",), ("jobs",), ("schedules",), ("run", "invoice", "events", "1001")):
        run(capsys, "run", "debtor", "upsert", "1", "--yes")
        _, out, _ = run(capsys, *argv)
        assert re.search(r"\d\d:\d\d -0[45]:00", out), (argv, out)
        assert "+00:00" not in out and "T" not in out.split()[0]


def test_endpoints_explains_its_letters(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "endpoints")
    assert out.splitlines()[0].split() == ["SURE", "METHOD", "PATH", "NAME"]
    assert "C = path and method confirmed" in out and "P = " in out and "U = unconfirmed" in out


def test_every_table_has_a_header(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "run", "debtor", "upsert", "1", "--yes")
    for argv, first in ((("commands",), "#"), (("jobs",), "JOB"), (("schedules",), "SCHEDULE"),
                        (("list", "article"), "ID")):
        _, out, _ = run(capsys, *argv)
        assert out.split()[0] == first, (argv, out)
    _, out, _ = run(capsys, "jobs", "show", "1")
    assert any(line.split()[:3] == ["#", "STATUS", "RECORD"] for line in out.splitlines())


def test_verbose_shows_the_bots_debug_lines_not_the_http_librarys(workdir: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "-v", "run", "invoice", "pause", "1001", "--yes"],
                            capture_output=True, text=True, cwd=workdir, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    debug = [line for line in result.stderr.splitlines() if " DEBUG " in line]
    loggers = {line.split()[4].rstrip(":") for line in debug}
    assert loggers and all(name.startswith("bot.") for name in loggers), loggers
    # Stamped in the configured zone with its offset, like every other time the bot shows.
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+0[12]:00 DEBUG ", line) for line in debug), debug
    assert "httpcore" not in result.stderr and "httpx" not in result.stderr


def test_order_rows_are_listed_with_their_orders_sync(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Order rows are pushed with their order: a row is in Billecta when its order is, changed once edited."""
    _, out, _ = run(capsys, "list", "orderrow", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    _, out, _ = run(capsys, "list", "order", "1010", "--json")
    order = json.loads(out)[0]
    assert {row["status"] for row in rows.values()} == {"synced"}
    assert {row["billecta_id"] for row in rows.values()} == {order["billecta_id"]}
    rt = build_runtime(load_settings())  # the order was pushed a while ago (stamps have whole seconds)
    rt.store.update("order", 1010, {"last_synced_at": "2026-01-01T00:00:00+00:00"})
    rt.close()
    (workdir / "rows.csv").write_text("id,order_id,quantity\n101001,1010,7\n")
    assert run(capsys, "import", "orderrow", str(workdir / "rows.csv"))[0] == 0
    _, out, _ = run(capsys, "list", "orderrow", "101001")
    assert "changed, with order 1010" in out


def test_a_payment_the_bot_registered_is_listed_on_its_invoice(workdir: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # It used to read "unknown stage" and "not in Billecta", though Billecta had just booked it.
    status, _, err = run(capsys, "run", "invoice", "payment", "1002", "amount=100", "payment_means=BG", "--yes")
    assert status == 0, err
    _, out, _ = run(capsys, "list", "payment", "--json")
    registered = [row for row in json.loads(out) if row["status"] == "Registered"]
    assert len(registered) == 1
    assert registered[0]["status_text"] == "registered on invoice 1002"
    assert registered[0]["line"].endswith("· registered on invoice 1002")
    _, out, _ = run(capsys, "list", "invoice", "1002", "--json")
    assert registered[0]["billecta_id"] == json.loads(out)[0]["billecta_id"]
    _, out, _ = run(capsys, "list", "payment")
    assert "unknown stage" not in out and "not in Billecta" not in out


def test_a_dialog_confirmation_states_money_in_the_one_format(workdir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # It restated the form's raw '1000.50' beside '4 312,50 kr remains': two money formats in one line.
    status, _, err = run(capsys, "run", "invoice", "payment", "1002", "amount=1 000,5", "payment_means=BG")
    assert status == 2
    assert "amount 1\u00a0000,50\u00a0kr, payment_means BG; 4\u00a0312,50\u00a0kr remains" in err, err
    assert "1000.50" not in err


def test_a_bulk_refusal_without_a_terminal_names_the_records_and_total(workdir: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # Without a terminal the refusal said only "Credit the remaining amount of 2 invoice(s)": not which, nor how much.
    status, _, err = run(capsys, "run", "invoice", "credit", "1001", "1002")
    assert status == 2 and "--yes" in err
    assert "Records: invoice 1001 · Nordic Café AB" in err and "invoice 1002 · Anna Andersson" in err, err
    assert "total 5\u00a0562,50\u00a0kr" in err, err


def test_the_cli_event_log_names_who_asked_not_by_api(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Slack's event log said who asked; the CLI's still printed Billecta's "[by API]" for the bot's own work.
    assert run(capsys, "run", "invoice", "pause", "1001", "--yes")[0] == 0
    status, out, err = run(capsys, "run", "invoice", "events", "1001")
    assert status == 0, err
    paused = [line for line in out.splitlines() if "Invoice paused" in line]
    assert len(paused) == 1 and paused[0].endswith("via the CLI]"), out


def test_audit_lists_record_ids_as_a_list_and_says_when_it_cuts_them(workdir: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # --json gave '"[\"1\", \"2\"]"' (a string holding JSON); the table cut nine ids to five silently.
    run(capsys, "import", "debtor", str(workdir / "debtors.csv"))
    assert run(capsys, "run", "debtor", "upsert", "1-9", "--yes")[0] == 0
    _, out, _ = run(capsys, "audit", "--json")
    queued = [row for row in json.loads(out) if row["outcome"] == "queued"]
    assert queued[0]["record_ids"] == [str(i) for i in range(1, 10)]
    _, out, _ = run(capsys, "audit")
    assert "1, 2, 3, 4, 5 +4" in out


def test_a_field_given_twice_is_refused_before_anything_is_sent(workdir: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # amount=5 amount=6 registered 6,00 kr: the last one won silently.
    status, _, err = run(capsys, "run", "invoice", "payment", "1002", "amount=5", "AMOUNT=6", "payment_means=BG",
                         "--yes")
    assert status == 2 and "amount is given twice ('5' and '6')" in err, err
    _, out, _ = run(capsys, "list", "payment", "--json")
    assert not [row for row in json.loads(out) if row["status"] == "Registered"]


def test_an_unknown_overpayment_choice_names_the_choices(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "invoice", "payment", "1002", "amount=5", "payment_means=BG",
                         "overpayment=bogus", "--yes")
    assert status == 2 and "refuse, AsOverPayments, AsCurrencyDifference" in err, err


def test_every_type_lists_in_words_after_a_first_session(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After the README's session, no list shows Python's None, Billecta's enum names or 'unknown stage'."""
    from bot.billecta.enums import DebtCollectionStage, InvoiceStage, UnhandledPaymentState
    from bot.services.listing import LISTED_TYPES

    run(capsys, "import", "article", str(workdir / "articles.csv"))
    run(capsys, "import", "debtor", str(workdir / "debtors.csv"))
    for argv in (("run", "debtor", "upsert", "1", "2", "5-9", "--yes"),
                 ("run", "invoice", "payment", "1002", "amount=100", "payment_means=BG", "--yes"),
                 ("run", "order", "upsert-attest", "1010", "--yes")):
        assert run(capsys, *argv)[0] == 0, argv
    raw = {stage.value for enum in (InvoiceStage, DebtCollectionStage, UnhandledPaymentState) for stage in enum
           if stage.value[:1].isupper() and any(c.isupper() for c in stage.value[1:])}
    for record_type in LISTED_TYPES:
        status, out, err = run(capsys, "list", record_type)
        assert status == 0, err
        assert out.splitlines()[0].split()[:2] == ["ID", "RECORD"], out
        words = set(re.findall(r"[A-Za-z_]+", out))
        assert "None" not in words and "unknown stage" not in out, out
        assert not words & raw, (record_type, words & raw)


def test_an_empty_list_on_a_new_store_points_to_pull(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Against an existing account (a served sandbox) the store starts empty: "No invoices" alone left a
    # new user guessing. list reads the store only, so nothing listens at this address.
    monkeypatch.setenv("BILLECTA_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BILLECTA_SECURE_TOKEN", "sandbox")
    status, out, _ = run(capsys, "list", "invoice")
    assert status == 0 and out.strip() == "No invoices in the store. `billecta-bot pull` fetches them."
    _, out, _ = run(capsys, "list", "debtor")
    assert "`billecta-bot pull` links what Billecta has; `billecta-bot import debtor FILE` adds yours." in out
    _, out, _ = run(capsys, "list", "debtor", "lund")
    assert out.strip() == "No debtors matching 'lund' in the store."
