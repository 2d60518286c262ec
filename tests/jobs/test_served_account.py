"""A fresh store against a Billecta account that already holds records, the sandbox served over HTTP
(`--seed demo`) and the CLI run as a user would: upserts find what Billecta has by external id instead
of creating copies, `pull` links the account into the store, and a bulk upsert under lost replies
leaves each external id exactly once."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.cli import main
from bot.sandbox import DEMO, Sandbox
from bot.sandbox.server import SandboxServer
from bot.store import Store
from tests.served import serving

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


@pytest.fixture()
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Sandbox, SandboxServer]]:
    box = Sandbox(tmp_path / "sandbox.db", seed="demo")
    with serving(box) as server:
        # A new store pointed at the served account; the creditor is the only one the token sees.
        monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
        monkeypatch.setenv("BILLECTA_BASE_URL", server.url)
        monkeypatch.setenv("BILLECTA_SECURE_TOKEN", "sandbox")
        monkeypatch.delenv("BILLECTA_CREDITOR_ID", raising=False)
        monkeypatch.chdir(tmp_path)
        yield box, server
    box.close()


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert status == 0, out + err
    return out


def client(server: SandboxServer) -> BillectaClient:
    return BillectaClient(httpx.Client(base_url=server.url), token="sandbox")


def store_ids(tmp_path: Path, table: str) -> dict[str, str | None]:
    store = Store(tmp_path / "bot.db")
    try:
        return {str(row["id"]): row["billecta_id"] for row in store.rows(table)}
    finally:
        store.close()


def test_debtor_upsert_on_a_fresh_store_links_the_debtors_billecta_has(
        tmp_path: Path, served: tuple[Sandbox, SandboxServer], capsys: pytest.CaptureFixture[str]) -> None:
    _, server = served
    cli(capsys, "import", "debtor", str(EXAMPLES / "debtors.csv"))
    cli(capsys, "run", "debtor", "upsert", "--all", "--yes")
    with client(server) as billecta:
        debtors = billecta.list_debtors()
    counts = Counter(d.debtor_external_id for d in debtors)
    assert counts == Counter({str(i): 1 for i in range(1, 10)})  # 1-5 were the demo's; 6-9 created
    by_external_id = {d.debtor_external_id: d for d in debtors}
    linked = store_ids(tmp_path, "debtor")
    assert {ext: linked[ext] for ext in "12345"} == dict(DEMO.debtors)
    assert all(linked[ext] == by_external_id[ext].debtor_public_id for ext in linked)
    assert by_external_id["2"].name == "Nordic Café AB" and by_external_id["2"].org_no == "556701-2348"  # updated


def test_article_upsert_on_a_fresh_store_links_the_products_billecta_has(
        tmp_path: Path, served: tuple[Sandbox, SandboxServer], capsys: pytest.CaptureFixture[str]) -> None:
    _, server = served
    cli(capsys, "import", "article", str(EXAMPLES / "articles.csv"))
    cli(capsys, "run", "article", "upsert", "--all", "--yes")
    with client(server) as billecta:
        products = billecta.list_products()
    assert Counter(p.product_external_id for p in products) == Counter("1234")
    assert store_ids(tmp_path, "article") == dict(DEMO.products)


def test_order_upsert_on_a_fresh_store_updates_the_draft_billecta_has(
        tmp_path: Path, served: tuple[Sandbox, SandboxServer], capsys: pytest.CaptureFixture[str]) -> None:
    _, server = served
    with client(server) as billecta:
        draft = billecta.find_invoice_by_number(DEMO["draft"])
    assert draft is not None and draft.external_reference == "order:1010"
    cli(capsys, "import", "debtor", str(EXAMPLES / "debtors.csv"))
    cli(capsys, "run", "debtor", "upsert", "3", "--yes")
    (tmp_path / "order.json").write_text(json.dumps([{"id": 1010, "debtor_id": 3, "order_date": "2026-03-01"}]))
    (tmp_path / "rows.json").write_text(json.dumps([{"id": 1, "order_id": 1010, "quantity": "3",
                                                     "unit_price": "100.00", "description": "Cleaning"}]))
    cli(capsys, "import", "order", str(tmp_path / "order.json"))
    cli(capsys, "import", "orderrow", str(tmp_path / "rows.json"))
    cli(capsys, "run", "order", "upsert", "1010", "--yes")
    assert store_ids(tmp_path, "order")["1010"] == draft.action_public_id
    with client(server) as billecta:
        rows = billecta.open_invoices_by_debtor(DEMO.debtors["3"])
        drafts = [billecta.get_invoice(r.action_public_id) for r in rows if r.stage.value == "Created"]
    assert [d.action_public_id for d in drafts if d.external_reference == "order:1010"] == [draft.action_public_id]
    assert drafts[0].records[0].article_description == "Cleaning"


def test_pull_links_an_existing_account_into_a_fresh_store(
        tmp_path: Path, served: tuple[Sandbox, SandboxServer], capsys: pytest.CaptureFixture[str]) -> None:
    _, server = served
    cli(capsys, "import", "debtor", str(EXAMPLES / "debtors.csv"))  # 1-5 are the account's, without ids
    out = cli(capsys, "pull")
    assert out.splitlines()[0] == ("Linked 5 debtors, 4 products, the creditor and 1 order draft from Billecta. "
                                   "(4 products added to the store; 1 order draft added to the store.)")
    assert "Pulled " in out
    debtors = store_ids(tmp_path, "debtor")
    assert {ext: debtors[ext] for ext in "12345"} == dict(DEMO.debtors)
    assert all(debtors[ext] is None for ext in "6789")  # not in Billecta: left for debtor upsert
    assert store_ids(tmp_path, "article") == dict(DEMO.products)
    assert store_ids(tmp_path, "creditor") == {"1": DEMO.creditor_id}
    # Linking again changes nothing; the linked order can be attested as the draft it is.
    again = json.loads(cli(capsys, "pull", "--json"))["linked"]
    assert again["debtors"]["already"] == 5 and again["debtors"]["linked"] == again["debtors"]["added"] == 0
    assert again["orders"]["already"] == 1
    cli(capsys, "run", "order", "upsert-attest", "1010", "--yes")
    cli(capsys, "run", "debtor", "upsert", "--all", "--yes")
    with client(server) as billecta:
        assert Counter(d.debtor_external_id for d in billecta.list_debtors()) == Counter(
            str(i) for i in range(1, 10))
        attested = billecta.find_invoice_by_number(DEMO["draft"])
    assert attested is not None and attested.state.attested_date is not None


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_bulk_upsert_under_lost_replies_leaves_each_external_id_once(
        tmp_path: Path, served: tuple[Sandbox, SandboxServer], capsys: pytest.CaptureFixture[str], mode: str) -> None:
    box, server = served
    extra = tmp_path / "more.csv"
    shutil.copy(EXAMPLES / "debtors.csv", extra)
    with extra.open("a", encoding="utf-8") as out:
        out.writelines(f"{i},Lossy {i} AB,,Company,,,,,Lund,SE,\n" for i in range(10, 40))
    cli(capsys, "import", "debtor", str(extra))
    with httpx.Client(base_url=server.url, headers={"Authorization": "SecureToken c2FuZGJveA=="}) as control:
        settings = control.post("/_sandbox/faults", json={"LoseReplyRate": 0.3, "LoseReplyMode": mode}).json()
    assert settings["LoseReplyRate"] == 0.3 and settings["LoseReplyMode"] == mode
    cli(capsys, "run", "debtor", "upsert", "--all", "--yes")
    box.set_faults(lose_reply_rate=0)
    with client(server) as billecta:
        debtors = billecta.list_debtors()
    assert Counter(d.debtor_external_id for d in debtors) == Counter(str(i) for i in range(1, 40))
    by_external_id = {d.debtor_external_id: d.debtor_public_id for d in debtors}
    assert store_ids(tmp_path, "debtor") == by_external_id
