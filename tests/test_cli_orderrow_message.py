"""`billecta-bot run orderrow message <id> message= [kind=]` on the embedded demo: the row added after the
given one, then carried to Billecta by `run order upsert`; bad fields, an unknown row and an attested
invoice refused on stderr with what applies (`kind=comment`), which then comments on the invoice."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.sandbox import Sandbox
from bot.services.orderrow_message_form import MESSAGE_MAX
from bot.store import Store
from tests.sandbox.helpers import client_for
from tests.shell import run
from tests.wire_schemas import assert_valid


def _rows(workdir: Path) -> list[tuple[str | None, str]]:
    store = Store(workdir / "bot.db")
    try:
        return [(row["description"], row["record_type"]) for row in
                store.rows("orderrow", "order_id = 1010", order_by="position, id")]
    finally:
        store.close()


def test_the_row_is_added_then_the_upsert_carries_it_to_billecta(workdir: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "run", "orderrow", "message", "101001", "message=Delivered to the back entrance",
                           "--yes")
    assert status == 0, err
    assert "Added the message row “Delivered to the back entrance” to order 1010 after row 1" in out
    assert "`order upsert 1010`" in out
    assert [kind for _, kind in _rows(workdir)] == ["Standard", "Message", "Standard"]

    status, _, err = run(capsys, "run", "order", "upsert", "1010", "--yes")
    assert status == 0, err
    store = Store(workdir / "bot.db")
    try:
        order = store.require("order", 1010)
    finally:
        store.close()
    assert order["sync_status"] == "synced"
    with Sandbox(workdir / "bot.sandbox.db") as sandbox, client_for(sandbox) as client:
        raw = client.get(f"/v1/invoice/action/{order['billecta_id']}").json()
    assert_valid("InvoiceActionView", raw)
    assert [(r["SequenceNo"], r["ArticleDescription"]) for r in raw["Records"]][1] == \
        (2, "Delivered to the back entrance")


@pytest.mark.parametrize(("args", "says"), [
    (("message=",), "message: Write the message"),
    (("message=   ",), "only spaces"),
    ((f"message={'x' * (MESSAGE_MAX + 1)}",), f"At most {MESSAGE_MAX} characters; this is {MESSAGE_MAX + 1}"),
    (("message=Hi", "kind=memo"), "One of row, comment, not 'memo'"),
    (("kind=row",), "needs message=…"),
])
def test_bad_fields_are_refused_on_stderr(workdir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                                          says: str) -> None:
    status, out, err = run(capsys, "run", "orderrow", "message", "101001", *args, "--yes")
    assert status == 2 and says in err and not out
    assert len(_rows(workdir)) == 2


def test_an_unknown_row_is_refused(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "orderrow", "message", "999", "message=Hi", "--yes")
    assert status != 0 and "There is no orderrow 999 in the bot's store." in err


def test_an_attested_invoice_takes_a_comment_instead(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "run", "order", "attest", "1010", "--yes")[0] == 0
    status, _, err = run(capsys, "run", "orderrow", "message", "101001", "message=Delivered late", "--yes")
    assert status == 2 and "attested: its rows cannot change" in err and "kind=comment" in err
    status, out, err = run(capsys, "run", "orderrow", "message", "101001", "message=Delivered late", "kind=comment",
                           "--yes")
    assert status == 0, err
    assert "Commented on invoice 1010 (order 1010): “Delivered late”" in out
    assert len(_rows(workdir)) == 2
