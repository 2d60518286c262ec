"""The job queue's rows in the store: jobs, their items, and who is running what.

Every state change is one short transaction (WAL is on), so a killed process loses nothing it had
recorded and a busy job costs two small writes per item. Items are read in chunks by sequence
number, never all at once, so memory stays flat however many records a job has.
A running job is leased by its process (`owner` = host:pid:token) and kept alive by `heartbeat_at`;
a job whose process died is an orphan, and any queue may resume it.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from bot.errors import UsageError
from bot.jobs.model import ItemStatus, Job, JobItem, JobStatus
from bot.store import Store, utcnow

CHUNK = 500
# A running job whose heartbeat is older than this is taken over, wherever its process was.
LEASE_SECONDS = 60.0
_UNFINISHED = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
# A refusal may follow an earlier step's write (upsert-attest: upserted, then the attest refused): look first.
_UNSETTLED_ATTEMPT = (ItemStatus.FAILED.value, ItemStatus.SKIPPED.value, ItemStatus.REFUSED.value)
_COUNTERS = {ItemStatus.SUCCEEDED: "succeeded", ItemStatus.FAILED: "failed", ItemStatus.SKIPPED: "skipped",
             ItemStatus.REFUSED: "refused"}
_UNSUCCESSFUL = (ItemStatus.FAILED.value, ItemStatus.REFUSED.value)
_JOB_COLUMNS = ("command", "record_type", "verb", "targets", "options", "requested_by", "source", "channel",
                "parent_job_id", "schedule", "thread_ts")


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_is_dead(owner: str | None) -> bool:
    """True when `owner` was a process on this host that no longer exists."""
    if not owner:
        return True
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_orphan(row: dict[str, Any], me: str, now: float) -> bool:
    """An unfinished job whose holder died or stopped beating; a queued job nobody holds is not one."""
    owner = row.get("owner")
    if row["status"] not in _UNFINISHED or owner == me:
        return False
    if row["status"] == JobStatus.QUEUED.value and owner is None:
        return False
    return (row.get("heartbeat_at") or 0) < now - LEASE_SECONDS or owner_is_dead(owner)


class JobTable:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reads ------------------------------------------------------------------------------
    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self.store.lock:
            cursor = self.store.db.execute(sql, list(params))
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def row(self, job_id: int) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM job WHERE id = ?", [job_id])
        return rows[0] if rows else None

    def jobs(self, limit: int) -> list[Job]:
        return [Job.from_row(r) for r in self._rows("SELECT * FROM job ORDER BY id DESC LIMIT ?", [limit])]

    def unfinished(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM job WHERE status IN (?, ?) ORDER BY id", _UNFINISHED)

    def items(self, job_id: int, status: str | None = None, limit: int = -1, offset: int = 0) -> list[JobItem]:
        where = "job_id = ?"
        params: list[Any] = [job_id]
        if status:
            where += " AND status = ?"
            params.append(status)
        sql = f"SELECT * FROM job_item WHERE {where} ORDER BY seq LIMIT ? OFFSET ?"
        return [JobItem.from_row(r) for r in self._rows(sql, [*params, limit, offset])]

    def problems(self, job_id: int, limit: int) -> list[JobItem]:
        """The first failed and refused items, in order: what a job's result lists."""
        sql = "SELECT * FROM job_item WHERE job_id = ? AND status IN (?, ?) ORDER BY seq LIMIT ?"
        return [JobItem.from_row(r) for r in self._rows(sql, [job_id, *_UNSUCCESSFUL, limit])]

    def pending(self, job_id: int) -> Iterator[JobItem]:
        """The items still to run (queued, or running when a process died), chunk by chunk."""
        last = 0
        while True:
            chunk = self._rows(
                "SELECT * FROM job_item WHERE job_id = ? AND seq > ? AND status IN (?, ?) ORDER BY seq LIMIT ?",
                [job_id, last, ItemStatus.QUEUED.value, ItemStatus.RUNNING.value, CHUNK])
            if not chunk:
                return
            last = chunk[-1]["seq"]
            yield from (JobItem.from_row(row) for row in chunk)

    def tried_before(self, item: JobItem) -> bool:
        """Whether the record's latest item in an earlier job was attempted and did not succeed (failed, or
        skipped by a cancel after its process died mid-call): that attempt may have reached Billecta."""
        rows = self._rows(
            "SELECT status, attempts FROM job_item WHERE record_type = ? AND record_id = ? AND job_id < ? "
            "ORDER BY job_id DESC LIMIT 1", [item.record_type, item.record_id, item.job_id])
        return bool(rows) and rows[0]["attempts"] > 0 and rows[0]["status"] in _UNSETTLED_ATTEMPT

    def unlinked_untried(self, job_id: int, table: str) -> int:
        """How many items still to run have never been attempted and name a record without a Billecta id."""
        rows = self._rows(
            f"SELECT COUNT(*) AS n FROM job_item JOIN [{table}] AS record "
            "ON record.id = CAST(job_item.record_id AS INTEGER) "
            "WHERE job_item.job_id = ? AND job_item.status IN (?, ?) AND job_item.attempts = 0 "
            "AND record.billecta_id IS NULL", [job_id, ItemStatus.QUEUED.value, ItemStatus.RUNNING.value])
        return int(rows[0]["n"])

    def counts(self, job_id: int) -> dict[str, int]:
        rows = self._rows("SELECT status, COUNT(*) AS n FROM job_item WHERE job_id = ? GROUP BY status", [job_id])
        return {row["status"]: row["n"] for row in rows}

    def cancel_requested(self, job_id: int) -> bool:
        rows = self._rows("SELECT cancel_requested FROM job WHERE id = ?", [job_id])
        return bool(rows and rows[0]["cancel_requested"])

    # -- creating jobs ----------------------------------------------------------------------
    def create(self, values: dict[str, Any], items: Iterable[tuple[str, str]], owner: str | None) -> int:
        """A queued job and its items, in one transaction; `items` is (record id, label) pairs."""
        with self.store.transaction():
            job_id = self._insert_job(values, owner)
            rows = ((job_id, seq, values["record_type"], record_id, label, ItemStatus.QUEUED.value)
                    for seq, (record_id, label) in enumerate(items, start=1))
            self.store.db.conn.executemany(
                "INSERT INTO job_item (job_id, seq, record_type, record_id, label, status, attempts) "
                "VALUES (?, ?, ?, ?, ?, ?, 0)", rows)
            self._set_total(job_id)
        return job_id

    def copy_failed(self, values: dict[str, Any], from_job: int, owner: str | None) -> int:
        """A queued job over the failed items of `from_job`, copied in SQL; at most one per job."""
        with self.store.transaction():
            earlier = self.store.db.execute("SELECT id FROM job WHERE parent_job_id = ? LIMIT 1", [from_job]).fetchone()
            if earlier is not None:
                # One retry per failed job wherever it is asked for; a retry that fails again is retried in turn.
                raise UsageError(f"The failed records of job {from_job} are already being retried as job {earlier[0]}.")
            job_id = self._insert_job(values, owner)
            self.store.db.execute(
                "INSERT INTO job_item (job_id, seq, record_type, record_id, label, status, attempts) "
                "SELECT ?, ROW_NUMBER() OVER (ORDER BY seq), record_type, record_id, label, ?, 0 "
                "FROM job_item WHERE job_id = ? AND status = ?",
                [job_id, ItemStatus.QUEUED.value, from_job, ItemStatus.FAILED.value])
            self._set_total(job_id)
        return job_id

    def _insert_job(self, values: dict[str, Any], owner: str | None) -> int:
        columns = [c for c in _JOB_COLUMNS if c in values]
        sql = (f"INSERT INTO job ({', '.join(columns)}, status, total, succeeded, failed, skipped, created_at, "
               f"cancel_requested, owner, heartbeat_at) VALUES ({', '.join('?' for _ in columns)}, ?, 0, 0, 0, 0, "
               "?, 0, ?, ?)")
        params = [values[c] for c in columns] + [JobStatus.QUEUED.value, utcnow(), owner, time.time()]
        return int(self.store.db.execute(sql, params).lastrowid or 0)

    def _set_total(self, job_id: int) -> None:
        self.store.db.execute(
            "UPDATE job SET total = (SELECT COUNT(*) FROM job_item WHERE job_id = ?) WHERE id = ?", [job_id, job_id])

    # -- leases -----------------------------------------------------------------------------
    def claim(self, job_id: int, owner: str, previous_owner: str | None = None) -> bool:
        """Take a queued job that nobody holds (or `owner` holds), or an orphan held by `previous_owner`."""
        now, stamp = time.time(), utcnow()
        with self.store.lock:
            if previous_owner is None:
                cursor = self.store.db.execute(
                    "UPDATE job SET status = ?, owner = ?, heartbeat_at = ?, started_at = COALESCE(started_at, ?) "
                    "WHERE id = ? AND status = ? AND (owner IS NULL OR owner = ?)",
                    [JobStatus.RUNNING.value, owner, now, stamp, job_id, JobStatus.QUEUED.value, owner])
            else:
                cursor = self.store.db.execute(
                    "UPDATE job SET status = ?, owner = ?, heartbeat_at = ?, started_at = COALESCE(started_at, ?) "
                    "WHERE id = ? AND status IN (?, ?) AND COALESCE(owner, '') = ?",
                    [JobStatus.RUNNING.value, owner, now, stamp, job_id, *_UNFINISHED, previous_owner])
            return cursor.rowcount == 1

    def orphans(self, me: str) -> list[dict[str, Any]]:
        """Unfinished jobs held by a process that died (or stopped beating), not by `me`."""
        now = time.time()
        return [row for row in self.unfinished() if is_orphan(row, me, now)]

    def queued(self) -> list[int]:
        rows = self._rows("SELECT id FROM job WHERE status = ? AND owner IS NULL ORDER BY id",
                          [JobStatus.QUEUED.value])
        return [row["id"] for row in rows]

    def release(self, job_id: int, owner: str) -> None:
        """Hand an unfinished job back to the queue (its process is stopping) for any queue to resume."""
        with self.store.lock:
            self.store.db.execute("UPDATE job SET status = ?, owner = NULL WHERE id = ? AND owner = ?",
                                  [JobStatus.QUEUED.value, job_id, owner])

    def heartbeat(self, job_id: int, owner: str) -> None:
        with self.store.lock:
            self.store.db.execute("UPDATE job SET heartbeat_at = ? WHERE id = ? AND owner = ?",
                                  [time.time(), job_id, owner])

    # -- items ------------------------------------------------------------------------------
    def mark_running(self, item_id: int) -> None:
        """Committed before the item's Billecta call: after a crash, 'running' means 'may have happened'."""
        with self.store.lock:
            self.store.db.execute(
                "UPDATE job_item SET status = ?, attempts = attempts + 1, started_at = ? WHERE id = ?",
                [ItemStatus.RUNNING.value, utcnow(), item_id])

    def finish_item(self, job_id: int, item_id: int, status: ItemStatus, *, billecta_id: str | None = None,
                    error: str | None = None, message: str | None = None, amount_minor: int | None = None,
                    currency: str | None = None, error_kind: str | None = None,
                    error_class: str | None = None) -> None:
        counter = _COUNTERS[status]
        with self.store.transaction():
            self.store.db.execute(
                "UPDATE job_item SET status = ?, billecta_id = COALESCE(?, billecta_id), error = ?, message = ?, "
                "amount_minor = ?, currency = ?, error_kind = ?, error_class = ?, finished_at = ? WHERE id = ?",
                [status.value, billecta_id, error, message, amount_minor, currency, error_kind, error_class,
                 utcnow(), item_id])
            self.store.db.execute(f"UPDATE job SET {counter} = {counter} + 1 WHERE id = ?", [job_id])

    def skip_pending(self, job_id: int) -> None:
        """Cancelled: items not yet run are skipped (a 'running' one here was left by a dead process)."""
        with self.store.lock:
            self.store.db.execute(
                "UPDATE job_item SET status = ?, finished_at = ?, error = CASE WHEN status = ? THEN "
                "'Skipped by cancel; an earlier attempt was interrupted and may have reached Billecta.' END "
                "WHERE job_id = ? AND status IN (?, ?)",
                [ItemStatus.SKIPPED.value, utcnow(), ItemStatus.RUNNING.value, job_id,
                 ItemStatus.QUEUED.value, ItemStatus.RUNNING.value])

    # -- finishing --------------------------------------------------------------------------
    def request_cancel(self, job_id: int) -> None:
        with self.store.lock:
            self.store.db.execute("UPDATE job SET cancel_requested = 1 WHERE id = ?", [job_id])

    def finish(self, job_id: int, status: JobStatus | None = None, error: str | None = None) -> Job:
        """Recount the items, settle the job's status (derived from the counts unless given), release it."""
        with self.store.transaction():
            counts = self.counts(job_id)
            succeeded, failed = counts.get("succeeded", 0), counts.get("failed", 0)
            skipped, refused = counts.get("skipped", 0), counts.get("refused", 0)
            if status is None:
                status = final_status(succeeded, failed, skipped, self.cancel_requested(job_id), refused)
            self.store.db.execute(
                "UPDATE job SET status = ?, succeeded = ?, failed = ?, skipped = ?, refused = ?, "
                "error = COALESCE(?, error), finished_at = ?, owner = NULL WHERE id = ?",
                [status.value, succeeded, failed, skipped, refused, error, utcnow(), job_id])
            row = self.row(job_id)
        assert row is not None
        return dataclasses.replace(Job.from_row(row), moved=self.moved(job_id))

    def moved(self, job_id: int) -> dict[str, int]:
        """The money the job's succeeded items moved, per currency (minor units)."""
        rows = self._rows("SELECT currency, SUM(amount_minor) AS total FROM job_item WHERE job_id = ? AND "
                          "status = 'succeeded' AND amount_minor IS NOT NULL GROUP BY currency", [job_id])
        return {str(row["currency"] or "SEK"): int(row["total"]) for row in rows}


def final_status(succeeded: int, failed: int, skipped: int, cancelled: bool, refused: int = 0) -> JobStatus:
    """Failed items (a retry may fix them) decide first; refused ones only say not everything was done."""
    if cancelled and skipped:
        return JobStatus.CANCELLED
    if failed:
        return JobStatus.FAILED if not (succeeded or refused) else JobStatus.PARTLY_FAILED
    if refused:
        return JobStatus.REFUSED if not succeeded else JobStatus.PARTLY_REFUSED
    return JobStatus.SUCCEEDED
