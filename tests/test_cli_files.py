"""Files from the shell: `run invoice pdf` writes the PDF to --out (default ./invoice-<number>.pdf),
prints the path, audits the delivery; several files go into a directory."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from bot.billecta.models import AmountView, SendReminderInvoiceView
from bot.config import load_settings
from bot.demo import link_demo
from bot.files import OutcomeFile, save_files
from bot.runtime import build_runtime
from bot.sandbox import Sandbox
from bot.store import Store
from tests.pdf_check import read_pdf
from tests.served import bot_env, serving
from tests.shell import run

REPO = Path(__file__).resolve().parents[1]


def deliveries(workdir: Path) -> list[dict]:
    store = Store(workdir / "bot.db")
    try:
        return store.rows("audit", "outcome = 'delivered'", order_by="id")
    finally:
        store.close()


def test_the_pdf_goes_to_the_default_name_and_its_path_is_printed(workdir: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "pdf", "1001", "--yes")
    assert status == 0, err
    message, path = out.strip().splitlines()
    assert message.startswith("Fetched the PDF of invoice 1001 from Billecta: invoice-1001.pdf (")
    written = workdir / "invoice-1001.pdf"
    assert path == str(written) and read_pdf(written.read_bytes()).title == "Invoice 1001"
    (audited,) = deliveries(workdir)
    digest = hashlib.sha256(written.read_bytes()).hexdigest()
    assert audited["detail"] == f"invoice-1001.pdf · {written.stat().st_size} bytes · sha256 {digest} · to {written}"
    assert (audited["command"], audited["source"]) == ("invoice pdf", "cli")
    assert json.loads(audited["record_ids"]) == ["1001"]
    kept = list((workdir / "files" / "invoice").glob("*/invoice-1001.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes() == written.read_bytes()  # the store's own copy, beside the db


def test_out_names_the_file_or_the_folder_it_goes_in(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "pdfs").mkdir()
    status, out, err = run(capsys, "run", "invoice", "pdf", "1006", "--yes", "--out", "credit-note.pdf")
    assert status == 0, err
    assert out.strip().endswith(str(workdir / "credit-note.pdf"))
    assert "CREDIT INVOICE" in read_pdf((workdir / "credit-note.pdf").read_bytes()).text
    status, out, err = run(capsys, "run", "invoice", "pdf", "1001", "--yes", "--out", "pdfs")
    assert status == 0, err
    assert out.strip().splitlines()[-1] == str(workdir / "pdfs" / "invoice-1001.pdf")
    status, _, err = run(capsys, "run", "invoice", "pdf", "1001", "--yes", "--out", "no-such-dir/x.pdf")
    assert status == 2 and f"the folder {workdir / 'no-such-dir'} does not exist" in err
    assert [row["detail"].rsplit(" · to ", 1)[1] for row in deliveries(workdir)] == [
        str(workdir / "credit-note.pdf"), str(workdir / "pdfs" / "invoice-1001.pdf")]


def test_an_invoice_with_a_reminder_gives_two_files_in_a_directory(workdir: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rt = build_runtime(load_settings(billecta_bot_db=workdir / "bot.db"))
    link_demo(rt)
    try:
        aid = rt.store.find_by("invoice", "invoice_number", "1002")["action_public_id"]
        rt.billecta.send_reminder(SendReminderInvoiceView(invoice_action_public_id=aid,
                                                          reminder_fee=AmountView.of(Decimal(60))))
    finally:
        rt.close()
    status, _, err = run(capsys, "run", "invoice", "pdf", "1002", "--yes", "--out", "one.pdf")
    assert status == 2 and "There are 2 files (invoice-1002.pdf, invoice-1002-reminder.pdf): give --out a " \
                           "directory, not one.pdf." in err
    assert not (workdir / "one.pdf").exists()
    status, out, err = run(capsys, "run", "invoice", "pdf", "1002", "--yes", "--out", "letters", "--json")
    assert status == 0, err
    shown = json.loads(out)
    assert shown["written"] == [str(workdir / "letters" / "invoice-1002.pdf"),
                                str(workdir / "letters" / "invoice-1002-reminder.pdf")]
    assert "PAYMENT REMINDER" in read_pdf(Path(shown["written"][1]).read_bytes()).text
    assert [f["name"] for f in shown["details"]["files"]] == ["invoice-1002.pdf", "invoice-1002-reminder.pdf"]


def test_refused_before_anything_a_draft_and_an_invoice_not_in_billecta(workdir: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "pdf", "1010")  # no --yes: refused before asking
    assert status == 6 and out == ""
    assert "Invoice 1010 is a draft that has not been attested yet" in err
    assert "Attest it first: `billecta-bot run order attest 1010`" in err
    assert "--yes" not in err
    store = Store(workdir / "bot.db")
    store.insert("invoice", {"invoice_number": "1999", "debtor_name": "Nordic Café AB"})
    store.close()
    status, _, err = run(capsys, "run", "invoice", "pdf", "1999", "--yes")
    assert status == 4 and "invoice 1999 is not in Billecta yet" in err
    assert not list(workdir.glob("*.pdf")) and not deliveries(workdir)


def test_out_on_a_command_that_makes_no_file_says_so(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "pause", "1001", "--yes", "--out", "x.pdf")
    assert status == 0 and "is paused" in out
    assert "--out x.pdf: `invoice pause` made no file, so nothing was written." in err
    assert not (workdir / "x.pdf").exists()


def test_save_files_writes_whole_files_and_refuses_a_file_for_a_folder(tmp_path: Path) -> None:
    one = OutcomeFile("a.pdf", "application/pdf", "A", content=b"%PDF-1 a")
    two = OutcomeFile("b.pdf", "application/pdf", "B", content=b"%PDF-1 bb")
    (tmp_path / "taken").write_text("x")
    assert save_files([one], None, cwd=tmp_path) == [tmp_path / "a.pdf"]
    assert save_files([one, two], "out/", cwd=tmp_path) == [tmp_path / "out" / "a.pdf", tmp_path / "out" / "b.pdf"]
    with pytest.raises(Exception, match="is a file, but there are 2 files"):
        save_files([one, two], "taken", cwd=tmp_path)
    assert save_files([two], "a.pdf", cwd=tmp_path) == [tmp_path / "a.pdf"]  # replaced, whole
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-1 bb"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "out", "taken"]  # no temporary left
    with pytest.raises(ValueError):
        OutcomeFile("../etc/passwd", "text/plain", "x", content=b"x")


def test_a_bot_process_against_the_served_sandbox_writes_the_pdf(tmp_path: Path) -> None:
    box = Sandbox(":memory:", seed="demo")
    try:
        with serving(box) as server:
            done = subprocess.run([sys.executable, "-m", "bot.cli", "run", "invoice", "pdf", "1001", "--yes",
                                   "--out", str(tmp_path / "from-http.pdf")], cwd=REPO, capture_output=True,
                                  text=True, timeout=120, env={**bot_env(tmp_path, box, server),
                                                               "PYTHONPATH": str(REPO)})
    finally:
        box.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(tmp_path / "from-http.pdf")
    assert read_pdf((tmp_path / "from-http.pdf").read_bytes()).title == "Invoice 1001"
    assert os.path.getsize(tmp_path / "from-http.pdf") > 2000


def test_files_written_at_once_by_many_threads_are_each_whole(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from bot.files import write_atomic

    versions = [bytes([n]) * 200_000 for n in range(16)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda data: write_atomic(tmp_path / "same.pdf", data), versions))
    assert (tmp_path / "same.pdf").read_bytes() in versions
    assert [p.name for p in tmp_path.iterdir()] == ["same.pdf"]


def test_a_views_out_writes_the_files_its_export_buttons_send(workdir: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "invoice", "events", "1001", "--out", "log")
    assert status == 0, err
    written = [Path(line) for line in out.strip().splitlines()[-2:]]
    assert [p.parent for p in written] == [workdir / "log"] * 2
    assert sorted(p.suffix for p in written) == [".csv", ".json"]
    csv_file = next(p for p in written if p.suffix == ".csv")
    assert csv_file.name.startswith("events-invoice-1001-") and csv_file.read_bytes().count(b"\r\n") > 1
    assert json.loads(next(p for p in written if p.suffix == ".json").read_text())
    assert sorted(r["detail"].rsplit(" · to ", 1)[1] for r in deliveries(workdir)) == sorted(map(str, written))
    assert {r["command"] for r in deliveries(workdir)} == {"invoice events"}
