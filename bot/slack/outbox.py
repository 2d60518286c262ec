"""Durable Slack posts and edits: written to the store's `slack_outbox`, delivered by one thread.

Why: Slack answers 429 (with Retry-After) when the bot posts faster than ~1 message/s/channel or
edits faster than Tier 3 allows, and goes down now and then. Sending from a job's thread would
either block the job or, after the client's few retries, drop the notification. Here a job's thread
only writes a row and returns; the delivery thread sends rows in order per lane (the channel, or a
user's DMs), waits out Retry-After or a backoff on that lane alone, and leaves what it has not sent
in the store, so a new process delivers the rest.

- A post may carry a `ref` (`job:7`): once sent, its (channel, ts) is kept in `slack_message` under
  that ref, and edits name the ref, not a ts. An edit queued before its post went out waits behind it
  (same lane). Pending edits of one ref are coalesced: only the latest content is sent.
- A post refused by its channel (`not_in_channel`, `channel_not_found`, …) goes to `dm_user`'s DMs.
- Slack refusing the payload itself (`invalid_blocks`, `msg_too_long`, `message_not_found`) is final:
  the row is marked failed and logged; a post that failed takes its pending edits with it.
- Delivery is at least once: a process killed after Slack accepted a row but before it was marked
  sent posts that row again on restart.

Ephemeral replies, response_url answers, modals and the App Home do not come here: they answer a
user who is looking right now, and are worthless minutes later.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError

from blocks.limits import SlackLimitError
from bot.slack.ui import Msg, Ui
from bot.store import Store, utcnow

log = logging.getLogger(__name__)
TABLE = "slack_outbox"
MAX_BACKOFF_SECONDS = 60.0
KEEP_DAYS = 7  # sent and refused rows kept this long (an alert's content, for editing it after a retry)
IDLE_SECONDS = 30.0  # the thread looks at the store this often even unwoken (rows queued by another process)
# A channel that refuses the bot: its posts go to the requester's DMs instead.
CHANNEL_REFUSALS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action",
                    "cannot_reply_to_message"}


@dataclass(frozen=True)
class Row:
    id: int
    lane: str
    kind: str  # 'post' or 'edit'
    ref: str | None
    channel: str
    dm_user: str | None
    thread_ts: str | None
    payload: str
    attempts: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Row:
        return cls(row["id"], row["lane"], row["kind"], row["ref"], row["channel"], row["dm_user"],
                   row["thread_ts"], row["payload"], int(row["attempts"] or 0))


class Retry(Exception):
    """Slack did not take the row now (429, 5xx, no connection): try again after `wait` seconds."""

    def __init__(self, wait: float | None, reason: str) -> None:
        super().__init__(reason)
        self.wait, self.reason = wait, reason  # wait None: back off by the row's attempts


class Outbox:
    def __init__(self, store: Store, ui: Ui, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.ui, self.clock = store, ui, clock
        self._wake = threading.Condition()
        self._not_before: dict[str, float] = {}  # lane → when it may send again (Retry-After, backoff)
        self._thread: threading.Thread | None = None
        self._stopping = False

    # -- queueing (any thread) -----------------------------------------------------------------
    def post(self, channel: str | None, msg: Msg, *, ref: str | None = None, dm_user: str | None = None,
             thread_ts: str | None = None) -> None:
        """Post `msg` in `channel` (in the thread of `thread_ts`), or in `dm_user`'s DMs when there is no
        channel or it refuses the bot."""
        if not channel and not dm_user:
            return
        lane = channel or f"@{dm_user}"
        self._insert({"lane": lane, "kind": "post", "ref": ref, "channel": channel or "", "dm_user": dm_user,
                      "thread_ts": thread_ts, "payload": json.dumps(msg)})

    def edit(self, ref: str, msg: Msg) -> bool:
        """Replace the message posted under `ref`; False when no such message was ever queued."""
        lane = self._lane_of(ref)
        if lane is None:
            log.warning("no Slack message %s to edit", ref)
            return False
        self._insert({"lane": lane, "kind": "edit", "ref": ref, "channel": "", "dm_user": None,
                      "thread_ts": None, "payload": json.dumps(msg)})
        return True

    def knows(self, ref: str) -> bool:
        """Whether a message under `ref` was posted or is queued to be."""
        return self._lane_of(ref) is not None

    def posted(self, ref: str) -> dict[str, Any] | None:
        """Where the message under `ref` is in Slack (channel, ts), once it was posted."""
        return self.store.find_by("slack_message", "ref", ref)

    def ref_at(self, channel: str, ts: str) -> str | None:
        """The ref of the message Slack shows at (channel, ts), if the bot posted it through here."""
        found = self.store.rows("slack_message", "channel = ? AND ts = ?", [channel, ts], limit=1)
        return found[0]["ref"] if found else None

    def content(self, ref: str) -> Msg | None:
        """The latest content queued or sent under `ref` (what Slack shows, or soon will)."""
        rows = self.store.rows(TABLE, "ref = ? AND status != 'failed'", [ref], order_by="id desc", limit=1)
        return json.loads(rows[0]["payload"]) if rows else None

    def pending(self) -> int:
        return self.store.count(TABLE, "status = 'pending'")

    def _lane_of(self, ref: str) -> str | None:
        rows = self.store.rows(TABLE, "ref = ? AND kind = 'post'", [ref], order_by="id desc", limit=1)
        if rows:
            return str(rows[0]["lane"])
        known = self.posted(ref)
        return str(known["channel"]) if known else None

    def _insert(self, values: dict[str, Any]) -> None:
        self.store.insert(TABLE, {**values, "status": "pending", "attempts": 0, "created_at": utcnow()})
        with self._wake:
            self._wake.notify()

    # -- the delivery thread -------------------------------------------------------------------
    def start(self) -> Outbox:
        if self._thread is None:
            self.prune()
            self._stopping = False
            self._thread = threading.Thread(target=self._loop, name="slack-outbox", daemon=True)
            self._thread.start()
        return self

    def prune(self) -> int:
        """Forget rows settled more than KEEP_DAYS ago; what is pending is always kept."""
        cutoff = (datetime.now(UTC) - timedelta(days=KEEP_DAYS)).isoformat(timespec="seconds")
        with self.store.lock:
            cursor = self.store.db.conn.execute(f"DELETE FROM {TABLE} WHERE status != 'pending' AND created_at < ?",
                                                [cutoff])
        return cursor.rowcount

    def close(self, timeout: float = 10.0) -> None:
        """Stop delivering; what is left stays in the store for the next process."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wait_delivered(self, timeout: float = 10.0) -> bool:
        """Until nothing is pending (tests, and a tidy shutdown)."""
        deadline = time.monotonic() + timeout
        while self.pending():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def _loop(self) -> None:
        while True:
            with self._wake:
                if self._stopping:
                    return
            try:
                wait = self.deliver_ready()
            except Exception:  # a store fault: keep the thread alive, try again shortly
                log.exception("Slack outbox: delivery failed")
                wait = 1.0
            with self._wake:
                if self._stopping:
                    return
                self._wake.wait(IDLE_SECONDS if wait is None else max(0.0, wait))

    def deliver_ready(self) -> float | None:
        """Send the first pending row of every lane that may send now, until none may; the seconds until
        a waiting lane may send again (None: nothing is waiting)."""
        while True:
            now = self.clock()
            heads = self._heads()
            ready = [row for row in heads if self._not_before.get(row.lane, 0.0) <= now]
            if not ready:
                waits = [self._not_before[row.lane] - now for row in heads]
                return min(waits) if waits else None
            for row in ready:
                with self._wake:
                    if self._stopping:
                        return None
                self._deliver(row)

    def _heads(self) -> list[Row]:
        sql = (f"SELECT * FROM {TABLE} WHERE id IN (SELECT MIN(id) FROM {TABLE} WHERE status = 'pending' "
               "GROUP BY lane) ORDER BY id")
        with self.store.lock:
            return [Row.from_row(dict(r)) for r in self.store.db.conn.execute(sql)]

    def _deliver(self, row: Row) -> None:
        try:
            try:
                if row.kind == "post":
                    self._send_post(row)
                else:
                    self._send_edit(row)
            except (SlackApiError, SlackLimitError, Retry):
                raise
            except Exception as exc:  # a bug or a store fault: logged, and the lane backs off instead of spinning
                log.exception("Slack outbox: could not deliver row %s", row.id)
                raise Retry(None, f"{type(exc).__name__}") from exc
            self._not_before.pop(row.lane, None)
        except Retry as exc:
            wait = exc.wait if exc.wait is not None else min(MAX_BACKOFF_SECONDS, 2.0 ** row.attempts)
            self._not_before[row.lane] = self.clock() + wait
            self.store.update(TABLE, row.id, {"attempts": row.attempts + 1, "last_error": exc.reason})
            log.info("Slack outbox: %s in %s waits %.1f s (%s)", row.kind, row.lane, wait, exc.reason)
        except SlackApiError as exc:
            self._refused(row, str(exc.response.get("error")))
        except SlackLimitError as exc:  # over one of Slack's limits: Slack would refuse it just the same
            self._refused(row, str(exc))

    def _send_post(self, row: Row) -> None:
        msg = json.loads(row.payload)
        channel = row.channel
        try:
            ts = self._call(lambda: self.ui.post(channel, _threaded(msg, row.thread_ts))) if channel else None
        except SlackApiError as exc:
            if not row.dm_user or exc.response.get("error") not in CHANNEL_REFUSALS:
                raise
            log.info("cannot post in %s (%s); sending a DM", channel, exc.response.get("error"))
            ts = None
        if ts is None:
            assert row.dm_user  # a row without a channel always names its user
            channel = self._call(lambda: self.ui.dm_channel(row.dm_user or ""))
            ts = self._call(lambda: self.ui.post(channel, msg))
        with self.store.transaction():
            if row.ref:
                now = utcnow()
                self.store.insert("slack_message", {"ref": row.ref, "channel": channel, "ts": ts,
                                                    "created_at": now, "updated_at": now})
            self._mark_sent([row.id])

    def _send_edit(self, row: Row) -> None:
        where = self.posted(row.ref or "")
        if where is None:  # its post was refused for good: nothing to edit
            return self._refused(row, "its message was never posted")
        latest = self.store.rows(TABLE, "ref = ? AND kind = 'edit' AND status = 'pending'", [row.ref],
                                 order_by="id desc", limit=1)[0]
        self._call(lambda: self.ui.edit(where["channel"], where["ts"], json.loads(latest["payload"])))
        with self.store.lock:
            ids = [r[0] for r in self.store.db.conn.execute(
                f"SELECT id FROM {TABLE} WHERE ref = ? AND kind = 'edit' AND status = 'pending' AND id <= ?",
                [row.ref, latest["id"]])]
            self.store.db.conn.execute("UPDATE slack_message SET updated_at = ? WHERE id = ?",
                                       [utcnow(), where["id"]])
        self._mark_sent(ids)

    def _mark_sent(self, ids: list[int]) -> None:
        marks = ", ".join("?" for _ in ids)
        with self.store.lock:
            self.store.db.conn.execute(f"UPDATE {TABLE} SET status = 'sent', sent_at = ? WHERE id IN ({marks})",
                                       [utcnow(), *ids])

    def _refused(self, row: Row, error: str) -> None:
        """Slack refused the row itself: retrying cannot help. A refused post takes its edits along."""
        log.error("Slack refused a %s in %s (%s): %s", row.kind, row.lane, row.ref or "no ref", error)
        with self.store.lock:
            self.store.db.conn.execute(f"UPDATE {TABLE} SET status = 'failed', last_error = ? WHERE id = ?",
                                       [error, row.id])
            if row.kind == "post" and row.ref and self.posted(row.ref) is None:
                self.store.db.conn.execute(
                    f"UPDATE {TABLE} SET status = 'failed', last_error = 'its post was refused' "
                    "WHERE ref = ? AND kind = 'edit' AND status = 'pending'", [row.ref])

    def _call(self, send: Callable[[], Any]) -> Any:
        """One Slack call; 429, 5xx and connection failures become `Retry`, Slack's refusals stay errors."""
        try:
            return send()
        except SlackApiError as exc:
            status = exc.response.status_code
            if status == 429 or exc.response.get("error") == "ratelimited":
                raise Retry(_retry_after(exc.response.headers), "ratelimited") from None
            if status >= 500:
                raise Retry(None, f"HTTP {status}") from None
            raise
        except (OSError, TimeoutError) as exc:  # URLError and connection resets are OSErrors
            raise Retry(None, f"{type(exc).__name__}: {exc}") from None


def _threaded(msg: Msg, thread_ts: str | None) -> Msg:
    return {**msg, "thread_ts": thread_ts} if thread_ts else msg


def _retry_after(headers: dict[str, Any]) -> float:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value[0] if isinstance(value, list) else value))
            except ValueError:
                break
    return 1.0
