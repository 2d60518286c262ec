"""bot.records: one row per record type, read everywhere instead of comparing type names.

Each type resolves a target by every id form its row lists, against the real store the demo fills;
the table's columns exist in the store; the modules keyed by type cover every type the table says;
and no code outside the table branches on a record type's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import records
from bot.config import load_settings
from bot.demo import link_demo
from bot.errors import NotFound
from bot.records import By, RecordType, Side, Targets
from bot.runtime import Runtime, build_runtime
from bot.services import labels
from bot.services.mirror import FROM_BILLECTA, resolve
from bot.store import Store

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    runtime = build_runtime(load_settings(billecta_bot_db=tmp_path_factory.mktemp("records") / "bot.db"))
    link_demo(runtime)
    yield runtime
    runtime.close()


FORMS = [(kind, by) for kind in records.TYPES for by in kind.by]


@pytest.mark.parametrize(("kind", "by"), FORMS, ids=[f"{kind.name}-by-{by.name.lower()}" for kind, by in FORMS])
def test_each_type_resolves_a_target_by_each_of_its_id_forms(rt: Runtime, kind: RecordType, by: By) -> None:
    column = kind.column(by)
    found = rt.store.rows(kind.name, f"[{column}] IS NOT NULL", order_by="id", limit=1)
    assert found, f"the demo has no {kind.name} with a {column}"
    row = found[0]
    assert resolve(rt, kind.name, str(row[column]))["id"] == row["id"]
    assert resolve(rt, kind.name, f" {row[column]} ")["id"] == row["id"]  # as pasted, with its spaces


def test_a_debt_collection_case_is_named_by_its_id_its_billecta_id_or_its_invoices_number(rt: Runtime) -> None:
    case = rt.store.rows("debtcollection", limit=1)[0]
    for key in (str(case["id"]), case["action_public_id"], case["invoice_number"]):
        assert resolve(rt, "debtcollection", key)["id"] == case["id"]


@pytest.mark.parametrize("kind", [k for k in records.TYPES if k.table], ids=lambda k: k.name)
def test_an_unknown_target_is_named_in_the_tables_words(rt: Runtime, kind: RecordType) -> None:
    for key in ("424242", "no-such-thing"):
        with pytest.raises(NotFound) as raised:
            resolve(rt, kind.name, key)
        assert raised.value.user_message == kind.unresolved(key)
    if kind.side is Side.MIRROR:
        noun = kind.noun or kind.name
        assert kind.unresolved("4242") == f"There is no {noun} 4242: not in the bot's store and not in Billecta."


@pytest.mark.parametrize("kind", [k for k in records.TYPES if k.table], ids=lambda k: k.name)
def test_every_column_the_table_names_is_in_the_store(kind: RecordType) -> None:
    store = Store(":memory:")
    try:
        columns = set(store.db[kind.name].columns_dict)  # type: ignore[union-attr]
    finally:
        store.close()
    named = {kind.key_column, kind.status_column, *kind.search_columns, *kind.aside,
             *(kind.column(by) for by in kind.by), *(column for column, _ in kind.needs_action)}
    if kind.billecta_id_column:
        named.add(kind.billecta_id_column)
    if kind.has_event_log:
        named.add(kind.event_key_column)
    assert named <= columns, named - columns
    if kind.invoice_link:
        assert kind.invoice_link in {"order_id"}  # the invoice's column naming the record it was made from
    if kind.rows:
        assert records.get(kind.rows).table


def test_the_table_agrees_with_the_store_and_the_modules_keyed_by_type() -> None:
    store = Store(":memory:")
    try:  # every type the table keeps in the store has its table there, created by the migrations
        assert set(records.IN_STORE) <= set(store.db.table_names())
    finally:
        store.close()
    assert set(FROM_BILLECTA) == set(records.MIRROR)  # every mirror type can be found in Billecta
    assert set(labels._LINES) == set(records.IN_STORE)  # every record has its line
    assert records.EVENT_LOG[0] == "invoice" and set(records.EVENT_LOG) == {
        k.name for k in records.TYPES if k.has_event_log}


def test_commands_and_their_hints_come_from_the_table() -> None:
    from bot import commands as registry

    assert registry.RECORD_TYPES == records.NAMES and registry.EVENT_LOG_TYPES == records.EVENT_LOG
    for command in registry.COMMANDS:
        assert command.record_type == records.ANY or command.record_type in records.BY_NAME
        if command.record_type != records.ANY and records.get(command.record_type).targets is Targets.NONE:
            assert command.targets_hint == ""
    assert registry.find("creditor", "update").targets_hint == "[id]"


# A comparison of a record type with a type's name, or membership in a literal list of them.
_BRANCH = re.compile(r"record_type\s*(==|!=)\s*[\"']|record_type\s+(not\s+)?in\s+\(\s*[\"']")
# The lead's dialog/view flows (handlers/flows) move to the typed command specs in the same change;
# these two lines go then (`records.takes_target`, `Targets.DEFAULT_ONE`). Nothing may be added.
ALLOWED: dict[str, int] = {}


def test_no_code_outside_the_table_branches_on_a_record_types_name() -> None:
    found: dict[str, list[str]] = {}
    for folder in ("bot", "handlers", "blocks"):
        for path in sorted((REPO / folder).rglob("*.py")):
            name = path.relative_to(REPO).as_posix()
            if name == "bot/records.py" or name.startswith("bot/sandbox/"):  # the sandbox is Billecta's side
                continue
            hits = [f"{number}: {text.strip()}" for number, text in enumerate(path.read_text().splitlines(), 1)
                    if _BRANCH.search(text)]
            if len(hits) > ALLOWED.get(name, 0):
                found[name] = hits
    assert not found, f"branch on the table instead (bot/records.py): {found}"
