"""THE table of record types: what the bot decides by a record's type, read from one row per type.

A row says where the type lives (its store table, source or mirror), the id users know a record by,
the column holding its Billecta id, how a target a user typed resolves to a record (the forms tried
in order, store first), whether it has an event log and on which Billecta object, and how it is
listed. Code asks the table (`get("invoice").key(row)`, `.has_event_log`) instead of comparing type
names; a new type is a new row. Pure data: no I/O, and imports nothing of the bot but its errors.

How a record is *shown* (its line) is `bot.services.labels`, how it is *fetched from Billecta* when
the store does not know it is `bot.services.mirror`; both are keyed by these names, and a test
checks that each covers every type the table says it should.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.errors import UsageError

# Commands that apply to every type with an event log (`show-event-log`) name this as their type.
ANY = "*"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class Side(StrEnum):
    SOURCE = "source"  # the bot's own records, pushed to Billecta (sync status, last error)
    MIRROR = "mirror"  # Billecta's records, mirrored into the store and looked up there when unknown
    NONE = "none"  # not a record (reports)


class By(StrEnum):
    """A form a target can take. `INVOICE_NUMBER` is the record's `invoice_number` column: an invoice's
    own number, the number of the invoice a debt-collection case came from, a payment's invoice."""

    LOCAL_ID = "id"  # the store's row id (digits)
    BILLECTA_ID = "billecta id"  # the type's Billecta id column (a GUID, or Billecta's number)
    INVOICE_NUMBER = "invoice number"


class Targets(StrEnum):
    ONE = "one"  # actions, dialogs and views act on the one record named
    DEFAULT_ONE = "default one"  # none named: the store's one record (the creditor)
    NONE = "none"  # takes no target (reports)


@dataclass(frozen=True)
class RecordType:
    name: str
    side: Side
    by: tuple[By, ...]  # how a target resolves, tried in this order
    key_column: str = "id"  # the id users know a record by: lists show it, commands take it
    billecta_id_column: str | None = "billecta_id"
    targets: Targets = Targets.ONE
    # The Billecta object whose events are the record's log (invoice, debtcollection, debtor, creditor),
    # and the column of the record naming it. None: the type has no event log.
    event_object: str | None = None
    event_key_column: str = "billecta_id"
    # The column of an invoice row that names a record of this type (an order's invoice: order_id):
    # its log is that invoice's when the record has no Billecta id of its own.
    invoice_link: str | None = None
    # Without a link to its log's object, its log is the bot's own history of it (an unmatched payment).
    bot_history: bool = False
    # Listed and confirmed by its record line (labels.line); False: by its short label.
    lined: bool = True
    # The short label's aside after the key: ('invoice {}', 'invoice_number') → 'debtcollection X (invoice 1001)'.
    aside: tuple[str, ...] = ()
    aside_format: str = "{}"
    search_columns: tuple[str, ...] = ()  # what a text search in the store matches
    status_column: str = "sync_status"
    # Column values marking a record someone must act on (an unhandled payment).
    needs_action: tuple[tuple[str, str], ...] = ()
    # A type whose records are pushed with this one's (an order's rows): a change to them changes it.
    rows: str | None = None
    sync_hint: str = "Run `billecta-bot pull` to refresh the store from Billecta."
    noun: str = ""  # how a sentence names one ('debt-collection case'); the type's name when empty
    empty_hint: str = " `billecta-bot pull` fetches them."

    @property
    def table(self) -> str | None:
        return None if self.side is Side.NONE else self.name

    @property
    def has_event_log(self) -> bool:
        return self.event_object is not None

    @property
    def pushed(self) -> bool:
        """The bot's own records, selected by `--all` and `--changed`."""
        return self.side is Side.SOURCE

    def key(self, row: dict[str, Any]) -> str:
        """The id users know `row` by: an invoice's number (its Billecta id before it has one), a case's
        Billecta id, else the local id."""
        value = row.get(self.key_column) or (row.get(self.billecta_id_column) if self.billecta_id_column else None)
        return str(value or row.get("id"))

    def billecta_id(self, row: dict[str, Any]) -> str | None:
        return (row.get(self.billecta_id_column) or None) if self.billecta_id_column else None

    def column(self, by: By) -> str:
        if by is By.LOCAL_ID:
            return "id"
        if by is By.INVOICE_NUMBER:
            return "invoice_number"
        assert self.billecta_id_column is not None, f"{self.name} has no Billecta id"
        return self.billecta_id_column

    def unresolved(self, key: str) -> str:
        """What a user is told when `key` names no record of this type, on every surface."""
        if self.side is Side.MIRROR:
            return f"There is no {self.noun or self.name} {key}: not in the bot's store and not in Billecta."
        if key.isdigit():
            return f"There is no {self.name} {key} in the bot's store."
        return f"{self.name} ids are numbers; {key!r} is not one."

    def sync_text(self, row: dict[str, Any]) -> str:
        return self.sync_hint.format(**row)


def _source(name: str, *, search: tuple[str, ...], aside: str | None = "name",
            by: tuple[By, ...] = (By.LOCAL_ID, By.BILLECTA_ID), **more: Any) -> RecordType:
    """The bot's own records: by local id or Billecta id; pushed with `<type> upsert`, added by import."""
    more.setdefault("sync_hint", f"Run `{name} upsert {{id}}` first.")
    more.setdefault("empty_hint", f" `billecta-bot pull` links what Billecta has; `billecta-bot import {name} FILE` "
                                  "adds yours.")
    return RecordType(name, Side.SOURCE, by, search_columns=search, aside=(aside,) if aside else (),
                      aside_format=" ({})", **more)


TYPES: tuple[RecordType, ...] = (
    _source("article", search=("name", "article_number")),
    _source("debtor", search=("name", "org_no", "email"), event_object="debtor"),
    _source("creditor", search=("name", "org_no"), targets=Targets.DEFAULT_ONE, event_object="creditor",
            lined=False, sync_hint="Run `creditor update` first."),
    RecordType("invoice", Side.MIRROR, (By.INVOICE_NUMBER, By.BILLECTA_ID), key_column="invoice_number",
               billecta_id_column="action_public_id", event_object="invoice", event_key_column="action_public_id",
               search_columns=("invoice_number", "debtor_name", "action_public_id", "ocr"), status_column="stage"),
    # A case is named by Billecta's id, the number of the invoice it came from, or the store's id.
    RecordType("debtcollection", Side.MIRROR, (By.BILLECTA_ID, By.INVOICE_NUMBER, By.LOCAL_ID),
               key_column="action_public_id", billecta_id_column="action_public_id", event_object="debtcollection",
               event_key_column="action_public_id", aside=("invoice_number",), aside_format=" (invoice {})",
               search_columns=("invoice_number", "debtor_name", "action_public_id"), status_column="stage",
               noun="debt-collection case"),
    # Unhandled payments (Billecta's) and the ones the bot registered on an invoice (its log is the invoice's).
    RecordType("payment", Side.MIRROR, (By.LOCAL_ID, By.BILLECTA_ID), event_object="invoice",
               event_key_column="action_public_id", search_columns=("reference", "sender_name", "billecta_id"),
               status_column="state", bot_history=True, needs_action=(("kind", "unhandled"), ("state", "Unhandled")),
               # Only Billecta's unhandled payments have an id there; one the bot registered lives on its invoice.
               sync_hint="It is a payment the bot registered on an invoice, not one of Billecta's unhandled payments "
                         "(which have a Billecta id); only those can be matched or deleted. `billecta-bot list "
                         "payment` lists them."),
    _source("order", search=("your_reference", "our_reference"), aside=None, event_object="invoice",
            invoice_link="order_id", rows="orderrow"),
    # Order rows are pushed with their order: no Billecta id or sync of their own.
    _source("orderrow", search=("description",), aside="description", by=(By.LOCAL_ID,), lined=False,
            sync_hint="Run `order upsert {order_id}` first.", empty_hint=""),
    RecordType("report", Side.NONE, (), billecta_id_column=None, targets=Targets.NONE, lined=False, empty_hint=""),
)
BY_NAME = {record_type.name: record_type for record_type in TYPES}
NAMES = tuple(BY_NAME)
IN_STORE = tuple(t.name for t in TYPES if t.table)
SOURCE = tuple(t.name for t in TYPES if t.side is Side.SOURCE)
MIRROR = tuple(t.name for t in TYPES if t.side is Side.MIRROR)
# In the order `show-event-log` lists them (invoice first: the one most asked about).
EVENT_LOG = tuple(sorted((t.name for t in TYPES if t.has_event_log),
                         key=("invoice", "order", "debtor", "creditor", "debtcollection", "payment").index))


def get(name: str) -> RecordType:
    try:
        return BY_NAME[name]
    except KeyError:
        raise UsageError(f"Unknown record type {name!r}. Types: {', '.join(NAMES)}.") from None


def takes_target(name: str) -> bool:
    """A command on this type names a record (everything but reports; `*`: some record with a log)."""
    found = BY_NAME.get(name)
    return found is None or found.targets is not Targets.NONE


def has_event_log(name: str) -> bool:
    found = BY_NAME.get(name)
    return found is not None and found.has_event_log
