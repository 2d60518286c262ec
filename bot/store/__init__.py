"""The bot's SQLite store (sqlite-utils): source records, Billecta's mirrored side, and operations.

Source records (article, debtor, creditor, order, orderrow) are what the bot pushes to Billecta;
each keeps its Billecta id, sync status, last sync time and last error. The mirror (invoice, payment,
debtcollection, event) is Billecta's side, refreshed by pulls and lookups so Slack never waits on
Billecta to search or report. Operations: jobs, job items, audit log, idempotency keys, posted Slack
messages and the Slack outbox (posts and edits not yet accepted by Slack, `bot.slack.outbox`).
Schema changes go through MIGRATIONS (bot.store.schema); `_migrations` records what ran.

One connection is shared by the CLI, the Slack handlers and the job threads, guarded by a lock;
every write commits on its own so a killed process loses nothing that was reported done.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.errors import InvalidInput, NotFound, StoreUnavailable
from bot.process import this_process
from bot.store.schema import MIGRATIONS, MIRROR_TYPES, SOURCE_TYPES

__all__ = ["MIGRATIONS", "MIRROR_TYPES", "SOURCE_TYPES", "Store", "StoreUnavailable", "SyncStatus", "UpsertResult",
           "utcnow", "would_change"]


class SyncStatus:
    NEW = "new"  # never pushed to Billecta
    CHANGED = "changed"  # edited since the last successful sync
    SYNCED = "synced"
    FAILED = "failed"  # the last push failed; last_error says why
    DELETED = "deleted"  # removed from Billecta; the local record keeps its history
    ANONYMIZED = "anonymized"


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class UpsertResult:
    created: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)


class Store:
    """The bot's database. Pass ':memory:' in tests; a file path in real use."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        try:
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            if self.path != ":memory:":
                conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"Cannot open the bot's database {self.path!r} ({exc}); check BILLECTA_BOT_DB.") \
                from None
        conn.row_factory = sqlite3.Row
        if self.path != ":memory:":
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        self.db = sqlite_utils.Database(conn)
        self.lock = threading.RLock()
        self._depth = 0  # open transaction depth; only touched while holding self.lock
        self.migrate()

    def close(self) -> None:
        self.db.conn.close()

    # -- schema -----------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply migrations not yet recorded; returns the names applied now."""
        with self.lock:
            self.db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
            done = {row[0] for row in self.db.execute("SELECT name FROM _migrations").fetchall()}
            applied = []
            for name, migration in MIGRATIONS:
                if name in done:
                    continue
                with self.transaction():
                    migration(self.db)
                    self.db.execute("INSERT INTO _migrations VALUES (?, ?)", [name, utcnow()])
                applied.append(name)
            return applied

    def applied_migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM _migrations ORDER BY name").fetchall()]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing writes (an import, a job's bookkeeping). Nests: inner blocks are savepoints."""
        with self.lock:
            self._depth += 1
            savepoint = f"sp{self._depth}"
            self.db.execute("BEGIN IMMEDIATE" if self._depth == 1 else f"SAVEPOINT {savepoint}")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK" if self._depth == 1 else f"ROLLBACK TO {savepoint}")
                if self._depth > 1:
                    self.db.execute(f"RELEASE {savepoint}")
                raise
            else:
                self.db.execute("COMMIT" if self._depth == 1 else f"RELEASE {savepoint}")
            finally:
                self._depth -= 1

    # -- generic reads ----------------------------------------------------------------------
    def get(self, table: str, record_id: int | str) -> dict[str, Any] | None:
        # Plain SQL: sqlite-utils re-reads the table layout on every call, which costs more than the query.
        with self.lock:
            row = self.db.conn.execute(f"SELECT * FROM [{table}] WHERE id = ?", [record_id]).fetchone()
        return dict(row) if row is not None else None

    def require(self, table: str, record_id: int | str) -> dict[str, Any]:
        row = self.get(table, record_id)
        if row is None:
            raise NotFound(f"There is no {table} {record_id} in the bot's store.")
        return row

    def rows(self, table: str, where: str | None = None, params: list[Any] | None = None,
             order_by: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.db[table].rows_where(where, params or [], order_by=order_by, limit=limit))

    def ids(self, table: str, *, changed_only: bool = False) -> list[int]:
        """All ids of a source table, or those changed since their last successful sync."""
        where = " WHERE sync_status IN ('new', 'changed', 'failed')" if changed_only else ""
        with self.lock:
            return [row[0] for row in self.db.conn.execute(f"SELECT id FROM [{table}]{where} ORDER BY id")]

    def count(self, table: str, where: str | None = None, params: list[Any] | None = None) -> int:
        sql = f"SELECT COUNT(*) FROM [{table}]" + (f" WHERE {where}" if where else "")
        with self.lock:
            return int(self.db.execute(sql, params or []).fetchone()[0])

    # -- source records ---------------------------------------------------------------------
    def upsert_records(self, table: str, records: list[dict[str, Any]]) -> UpsertResult:
        """Insert or update by id in one transaction; an edited synced record becomes 'changed'."""
        result = UpsertResult()
        with self.transaction():
            for record in records:
                self._upsert_one(table, record, result)
        return result

    def _upsert_one(self, table: str, record: dict[str, Any], result: UpsertResult) -> None:
        existing = self.get(table, record["id"])
        now = utcnow()
        if existing is None:
            self.db[table].insert({**record, "sync_status": SyncStatus.NEW, "updated_at": now})  # type: ignore[union-attr]
            result.created.append(record["id"])
            return
        if not would_change(existing, record):
            result.unchanged.append(record["id"])
            return
        status = existing["sync_status"]
        if status == SyncStatus.ANONYMIZED:
            # Re-importing personal data over an anonymized debtor would undo a GDPR erasure.
            raise InvalidInput(f"{table} {record['id']} was anonymized; its data cannot be imported again.")
        if status in (SyncStatus.SYNCED, SyncStatus.FAILED, SyncStatus.DELETED) and existing.get("billecta_id"):
            status = SyncStatus.CHANGED
        self.db[table].update(record["id"], {**record, "sync_status": status, "updated_at": now})  # type: ignore[union-attr]
        result.changed.append(record["id"])

    def mark_synced(self, table: str, record_id: int, billecta_id: str | None,
                    status: str = SyncStatus.SYNCED, pushed_version: str | None = None) -> None:
        """Record a successful push. `pushed_version` is the record's `updated_at` when it was read:
        if it was edited while the push ran, it stays 'changed' so the edit is not lost."""
        edited_status = SyncStatus.CHANGED if pushed_version is not None else status
        with self.lock:
            self.db.conn.execute(
                f"UPDATE [{table}] SET billecta_id = ?, last_synced_at = ?, last_error = NULL, "
                "sync_status = CASE WHEN ? IS NOT NULL AND updated_at IS NOT ? THEN ? ELSE ? END WHERE id = ?",
                [billecta_id, utcnow(), pushed_version, pushed_version, edited_status, status, record_id])

    def mark_failed(self, table: str, record_id: int, error: str) -> None:
        self.update(table, record_id, {"sync_status": SyncStatus.FAILED, "last_error": error})

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """A new row (mirror and operations tables); returns its id."""
        with self.lock:
            return int(self.db[table].insert(values).last_pk)  # type: ignore[union-attr,arg-type]

    def update(self, table: str, record_id: int, values: dict[str, Any]) -> None:
        assignments = ", ".join(f"[{column}] = ?" for column in values)
        with self.lock:
            self.db.conn.execute(f"UPDATE [{table}] SET {assignments} WHERE id = ?", [*values.values(), record_id])

    # -- mirror of Billecta's side ----------------------------------------------------------
    def mirror(self, table: str, key_column: str, values: dict[str, Any]) -> dict[str, Any]:
        """Insert or refresh a mirrored record identified by its Billecta id column."""
        if not values.get(key_column):
            raise ValueError(f"cannot mirror a {table} without its {key_column}")
        values = {**values, "last_synced_at": utcnow(), "sync_status": SyncStatus.SYNCED, "last_error": None}
        if isinstance(values.get("raw"), (dict, list)):
            values["raw"] = json.dumps(values["raw"])
        with self.transaction():
            found = list(self.db[table].rows_where(f"{key_column} = ?", [values[key_column]], limit=1))
            if found:
                self.db[table].update(found[0]["id"], values)  # type: ignore[union-attr]
                record_id = found[0]["id"]
            else:
                record_id = self.db[table].insert(values).last_pk  # type: ignore[union-attr]
        return self.require(table, record_id)

    def mirror_setting(self, name: str, value: Any) -> None:
        """Billecta's setting `name` (JSON-able) as just read from or pushed to it."""
        with self.lock:
            self.db["billecta_setting"].upsert(  # type: ignore[union-attr]
                {"name": name, "value": json.dumps(value), "synced_at": utcnow()}, pk="name")

    def setting(self, name: str) -> tuple[Any, str] | None:
        """(value, when it was synced) of a mirrored Billecta setting, or None when never read."""
        found = self.rows("billecta_setting", "name = ?", [name], limit=1)
        return (json.loads(found[0]["value"]), found[0]["synced_at"]) if found else None

    def find_by(self, table: str, column: str, value: Any) -> dict[str, Any] | None:
        found = self.rows(table, f"{column} = ?", [value], limit=1)
        return found[0] if found else None

    def replace_events(self, object_type: str, object_key: str, events: list[dict[str, Any]]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM event WHERE object_type = ? AND object_key = ?", [object_type, object_key])
            now = utcnow()
            rows = [{**event, "object_type": object_type, "object_key": object_key, "fetched_at": now}
                    for event in events]
            if rows:
                self.db["event"].insert_all(rows)  # type: ignore[union-attr]

    # -- operations -------------------------------------------------------------------------
    def audit(self, *, actor: str, source: str, command: str, record_type: str | None,
              record_ids: list[str], outcome: str, detail: str = "", channel: str | None = None,
              job_id: int | None = None) -> int:
        row = {"at": utcnow(), "actor": actor, "source": source, "channel": channel, "command": command,
               "record_type": record_type, "record_ids": json.dumps(record_ids), "outcome": outcome,
               "detail": detail, "job_id": job_id}
        with self.lock:
            cursor = self.db.execute(
                f"INSERT INTO audit ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
            return int(cursor.lastrowid or 0)

    # -- run once (bot.once drives these) ---------------------------------------------------
    def claim(self, key: str, owner: str | None = None) -> bool:
        """Claim a run-once key: True the first time, False for every repeat. The claim records its
        owner (this process, see bot.once.this_process) so one left by a dead process can be told apart."""
        now = utcnow()
        with self.lock:
            try:
                self.db.execute("INSERT INTO idempotency (key, created_at, updated_at, status, owner) "
                                "VALUES (?, ?, ?, 'claimed', ?)", [key, now, now, owner or this_process()])
            except sqlite3.IntegrityError:
                return False
            return True

    def claim_row(self, key: str) -> dict[str, Any] | None:
        row = self.find_by("idempotency", "key", key)
        if row is not None:
            row["result"] = json.loads(row["result"]) if row.get("result") else None
        return row

    def mark_claim(self, key: str, status: str, result: dict[str, Any] | None = None) -> None:
        """Move a claim on: 'applied' (the remote write said yes), 'done' or 'unknown', with its result."""
        with self.lock:
            self.db.execute("UPDATE idempotency SET status = ?, result = ?, updated_at = ? WHERE key = ?",
                            [status, json.dumps(result) if result is not None else None, utcnow(), key])

    def take_over(self, key: str, previous_owner: str | None, owner: str | None = None) -> bool:
        """Become the owner of a claim whose owner died; False when another process got there first."""
        with self.lock:
            cursor = self.db.execute("UPDATE idempotency SET owner = ?, updated_at = ? WHERE key = ? AND owner IS ?",
                                     [owner or this_process(), utcnow(), key, previous_owner])
            return cursor.rowcount == 1

    def release(self, key: str) -> None:
        """Give a key back: the claimed work certainly changed nothing (it may be tried again)."""
        with self.lock:
            self.db.execute("DELETE FROM idempotency WHERE key = ? AND status IN ('claimed', 'sending', 'unknown')",
                            [key])

    def settle(self, key: str, result: dict[str, Any]) -> None:
        self.mark_claim(key, "done", result)

    def claimed_result(self, key: str) -> dict[str, Any] | None:
        row = self.claim_row(key)
        return row["result"] if row else None

    def open_claims(self, prefix: str = "") -> list[dict[str, Any]]:
        """Claims not settled (claimed, applied or unknown), oldest first: what a restart must resolve."""
        rows = self.rows("idempotency", "status != 'done' AND key LIKE ?", [prefix + "%"], order_by="created_at")
        for row in rows:
            row["result"] = json.loads(row["result"]) if row.get("result") else None
        return rows


def would_change(existing: dict[str, Any], record: dict[str, Any]) -> bool:
    """Whether upserting `record` over the stored row `existing` changes any value."""
    return not all(_same(existing.get(key), value) for key, value in record.items())


def _same(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is None and new is None
    if isinstance(new, bool):
        new = int(new)
    return str(old) == str(new)
