"""The sandbox's state: one SQLite file (or ':memory:') shared by every request thread.

Records are JSON documents per kind (creditor, config, debtor, product, invoice, debtcollection,
unhandled, swish) with a few indexed lookup columns; events, files, product usage and
settings (the clock offset, id counters) have their own tables. One connection guarded by one
re-entrant lock: callers hold `lock` (through `transaction()`) for a whole request.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.billecta.dates import STOCKHOLM

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL, id TEXT NOT NULL, creditor TEXT, parent TEXT, key1 TEXT, key2 TEXT,
    status TEXT, data TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE INDEX IF NOT EXISTS docs_creditor ON docs (kind, creditor, status);
CREATE INDEX IF NOT EXISTS docs_parent ON docs (kind, parent);
CREATE INDEX IF NOT EXISTS docs_key1 ON docs (kind, key1);
CREATE INDEX IF NOT EXISTS docs_key2 ON docs (kind, key2);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, creditor TEXT, action TEXT, action_type TEXT,
    debtor TEXT, at TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_action ON events (action);
CREATE INDEX IF NOT EXISTS events_debtor ON events (debtor);
CREATE INDEX IF NOT EXISTS events_creditor ON events (creditor, at);
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY, name TEXT, content_type TEXT, owner TEXT, data BLOB);
CREATE TABLE IF NOT EXISTS product_use (product TEXT NOT NULL, action TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS product_use_product ON product_use (product);
CREATE INDEX IF NOT EXISTS product_use_action ON product_use (action);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# Ids of actions (invoices, debt collections, reminders) are 10-digit numbers counted from here.
FIRST_ACTION_ID = 7_540_000_001


class Store:
    def __init__(self, db_path: str | Path) -> None:
        self.lock = threading.RLock()
        if str(db_path) != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(db_path), check_same_thread=False, isolation_level=None)
        if str(db_path) != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        self._offset_days = int(self.meta("clock_offset_days") or 0)
        self._preset: dict[str, list[str]] = {}

    def close(self) -> None:
        with self.lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock and make the block one transaction (nested blocks join the outer one)."""
        with self.lock:
            if self._db.in_transaction:
                yield
                return
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                self._offset_days = int(self.meta("clock_offset_days") or 0)
                raise
            self._db.execute("COMMIT")

    # --- clock ---------------------------------------------------------------------------------

    def now(self) -> datetime:
        """Real time plus the persisted offset, in Stockholm time, to the second."""
        real = datetime.now(STOCKHOLM).replace(microsecond=0)
        return real + timedelta(days=self._offset_days)

    @property
    def offset_days(self) -> int:
        return self._offset_days

    def set_offset_days(self, days: int) -> None:
        with self.transaction():
            self._offset_days = days
            self.set_meta("clock_offset_days", str(days))

    # --- documents -----------------------------------------------------------------------------

    def get(self, kind: str, id_: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT data FROM docs WHERE kind=? AND id=?", (kind, id_)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, kind: str, id_: str, doc: dict[str, Any], *, creditor: str | None = None,
            parent: str | None = None, key1: str | None = None, key2: str | None = None,
            status: str | None = None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO docs (kind, id, creditor, parent, key1, key2, status, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, id_, creditor, parent, key1, key2, status, json.dumps(doc, separators=(",", ":"))),
        )

    def delete(self, kind: str, id_: str) -> None:
        self._db.execute("DELETE FROM docs WHERE kind=? AND id=?", (kind, id_))

    def find(self, kind: str, **where: str | None) -> list[dict[str, Any]]:
        """Documents of `kind` whose indexed columns (creditor, parent, key1, key2, status) match."""
        sql, args = "SELECT data FROM docs WHERE kind=?", [kind]
        for column, value in where.items():
            if column not in ("creditor", "parent", "key1", "key2", "status"):
                raise ValueError(f"not an indexed column: {column}")
            if value is None:
                sql += f" AND {column} IS NULL"
            else:
                sql += f" AND {column}=?"
                args.append(value)
        return [json.loads(row[0]) for row in self._db.execute(sql + " ORDER BY rowid", args)]

    # --- events --------------------------------------------------------------------------------

    def add_event(self, event: dict[str, Any], *, creditor: str | None, action: str | None,
                  action_type: str | None, debtor: str | None, at: datetime) -> None:
        self._db.execute(
            "INSERT INTO events (creditor, action, action_type, debtor, at, data) VALUES (?, ?, ?, ?, ?, ?)",
            (creditor, action, action_type, debtor, _utc(at), json.dumps(event, separators=(",", ":"))),
        )

    def events(self, *, action: str | None = None, debtor: str | None = None,
               creditor: str | None = None, since: datetime | None = None,
               until: datetime | None = None) -> list[tuple[dict[str, Any], str | None, str | None]]:
        """(event, action id, action type) in time order, filtered by owner and time window."""
        sql, args = "SELECT data, action, action_type FROM events WHERE 1=1", list[str]()
        for column, value in (("action", action), ("debtor", debtor), ("creditor", creditor)):
            if value is not None:
                sql += f" AND {column}=?"
                args.append(value)
        if creditor is not None:
            sql += " AND action IS NOT NULL"
        if since is not None:
            sql += " AND at>=?"
            args.append(_utc(since))
        if until is not None:
            sql += " AND at<?"
            args.append(_utc(until))
        rows = self._db.execute(sql + " ORDER BY at, seq", args).fetchall()
        return [(json.loads(data), aid, atype) for data, aid, atype in rows]

    def delete_events(self, action: str) -> None:
        self._db.execute("DELETE FROM events WHERE action=?", (action,))

    # --- files ---------------------------------------------------------------------------------

    def put_file(self, id_: str, name: str, content_type: str, owner: str, data: bytes | None) -> None:
        self._db.execute("INSERT OR REPLACE INTO files (id, name, content_type, owner, data) VALUES (?, ?, ?, ?, ?)",
                         (id_, name, content_type, owner, data))

    def get_file(self, id_: str) -> tuple[str, str, str, bytes | None] | None:
        row = self._db.execute("SELECT name, content_type, owner, data FROM files WHERE id=?", (id_,)).fetchone()
        return (row[0], row[1], row[2], row[3]) if row else None

    # --- product usage -------------------------------------------------------------------------

    def set_product_use(self, action: str, products: set[str]) -> None:
        self._db.execute("DELETE FROM product_use WHERE action=?", (action,))
        self._db.executemany("INSERT INTO product_use (product, action) VALUES (?, ?)",
                             [(p, action) for p in sorted(products)])

    def product_in_use(self, product: str) -> bool:
        return self._db.execute("SELECT 1 FROM product_use WHERE product=? LIMIT 1", (product,)).fetchone() is not None

    # --- settings and ids ----------------------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def new_action_id(self) -> str:
        """The next ActionPublicId: a 10-digit number, as Billecta's look."""
        with self.transaction():
            value = int(self.meta("next_action_id") or FIRST_ACTION_ID)
            self.set_meta("next_action_id", str(value + 1))
        return str(value)

    def new_guid(self, kind: str = "") -> str:
        """A new GUID, or the next one `preset_guid` queued for `kind` (the demo seed's fixed ids)."""
        queued = self._preset.get(kind)
        return queued.pop(0) if queued else str(uuid.uuid4())

    def preset_guid(self, kind: str, value: str) -> None:
        self._preset.setdefault(kind, []).append(value)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
