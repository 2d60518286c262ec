"""Run a piece of Billecta work once per key, and know afterwards whether it happened.

Every money-moving dialog goes through `run_once` (via `bot.runner.run_dialog`). A key's row in the
store's `idempotency` table moves through these states:

    claimed  -> a process (its owner: pid/start/boot, bot.process) is preparing; nothing sent yet
    sending  -> the request is on its way to Billecta (`Once.send`); no answer yet
    applied  -> Billecta said yes; recording it locally is under way
    done     -> finished; the result is the outcome shown for every repeat of the key
    unknown  -> the request may have been applied (reply lost, unexpected error mid-call)
    (no row) -> released: the work certainly changed nothing and may run again

A repeat of a key finds the row: done → the first outcome again; claimed by a live owner → "still
running"; claimed by a dead owner, or unknown → `resolve` asks the command's `check` to look in
Billecta for the work, found by the `token` the service stamped into it (a payment's comment) or,
where Billecta keeps no text to stamp, by the `facts` the service kept with the claim when it sent
(the reminder the invoice had before, the date a postpone moves to; kept through an unknown outcome):
found → done (✅ with what was booked); not found → run again now (the user's retry); cannot tell →
`Unresolved`, naming where to look. A dead claim that never reached `sending` changed nothing and is
simply run again; one that reached `applied` is done in Billecta and only lacks the local record.
A claim is never left claimed for ever, and never reported done for work that did not happen.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from bot.errors import BotError, OutcomeUnknown, StillRunning, Unresolved
from bot.process import is_alive
from bot.services import Outcome

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)

CLAIMED, SENDING, APPLIED, DONE, UNKNOWN = "claimed", "sending", "applied", "done", "unknown"
T = TypeVar("T")
NOT_RECORDED = "Done in Billecta, not recorded here"


def not_recorded_text(what: str, advice: str = "") -> str:
    """The one sentence for work Billecta accepted that the bot then failed to record: done, and `pull` repairs."""
    return (f"{NOT_RECORDED}: {what}. The next `billecta-bot pull` brings the bot's records up to date"
            + (f"; {advice}." if advice else "."))


@dataclass
class Once:
    """What a service gets to do its work once: `token` to stamp into Billecta so `check` can find the
    work later, and `send` to make the one write through."""

    store: Store
    key: str
    sent: bool = False
    reference: str | None = None

    @property
    def token(self) -> str:
        return "bb-" + hashlib.sha256(self.key.encode()).hexdigest()[:10]

    def send(self, call: Callable[[], T], reference: str, local: dict[str, list[dict[str, Any]]] | None = None,
             facts: dict[str, Any] | None = None) -> T:
        """Make the write (`call`). `reference` says what it does ('1 250,00 kr on invoice 1003');
        `local` holds the store rows the service writes after it (table → rows), which `repair` writes
        if recording them fails; `facts` (JSON) what `check` needs to find a write Billecta keeps no
        token on (the balances a credit used). From here a failure is never "nothing changed"."""
        # The local rows go with the claim before sending: a later process that finds the work done in
        # Billecta (a crash, a lost reply) records them.
        what = {"token": self.token, "reference": reference, "local": local or {}, "facts": facts or {}}
        self.store.mark_claim(self.key, SENDING, what)
        self.sent = True
        answer = call()
        self.reference = reference
        self.store.mark_claim(self.key, APPLIED, what)
        return answer

    @property
    def facts(self) -> dict[str, Any]:
        """The `facts` an earlier `send` of this key recorded ({} when it sent nothing)."""
        return dict(_result(self.store, self.key).get("facts") or {})


@dataclass
class Found:
    """`check` found the work in Billecta: what it did, in words for the user."""

    message: str
    details: dict[str, Any] = field(default_factory=dict)


Work = Callable[[Once], Outcome]
Check = Callable[[Once], "Found | None"]


@dataclass
class Subject:
    """What the key's work is about, for messages: 'the payment on invoice 1003', where to look."""

    what: str
    where: str
    record_type: str
    record_ids: list[str]


def run_once(store: Store, key: str, work: Work, check: Check | None, subject: Subject) -> Outcome:
    """`work` once per key (see the module docstring for repeats and crashes)."""
    for _ in range(3):  # a release by another process between our claim and our read: claim again
        if store.claim(key):
            return _run(store, key, work, subject)
        row = store.claim_row(key)
        if row is None:
            continue
        if row["status"] == DONE:
            return _repeat(row["result"] or {}, subject)
        if row["status"] in (CLAIMED, SENDING, APPLIED) and is_alive(row.get("owner")):
            raise StillRunning(f"{subject.what} is being done right now; its result will be shown "
                               "where it was confirmed.")
        if not store.take_over(key, row.get("owner")):
            continue
        outcome = resolve(store, row, check, subject)
        if outcome is not None:
            return outcome
        store.mark_claim(key, CLAIMED)  # certainly not done: this attempt is the retry
        return _run(store, key, work, subject)
    raise StillRunning(f"{subject.what} is being done right now; try again in a moment.")


def resolve(store: Store, row: dict[str, Any], check: Check | None, subject: Subject) -> Outcome | None:
    """A claim whose owner died, or whose outcome was unknown: done (the outcome), not done (None, the
    key still held by the caller) or `Unresolved`."""
    key, result = row["key"], row["result"] or {}
    if row["status"] == APPLIED:
        return _not_recorded(store, key, result.get("reference") or subject.what, subject)
    if row["status"] == CLAIMED:
        return None  # its owner died before sending anything
    once = Once(store, key)
    try:
        found = check(once) if check else None
        known = check is not None
    except BotError as exc:
        log.warning("cannot check %s in Billecta: %s", key, exc.user_message)
        found, known = None, False
    if found is not None:
        outcome = Outcome(f"{found.message} (confirmed earlier; the bot stopped before it could say so).",
                          subject.record_type, subject.record_ids, details={**found.details, "resolved": True})
        store.settle(key, {**asdict(outcome), "local": result.get("local") or {}, "recorded": False})
        _record(store, key)
        return outcome
    if known:
        return None
    _mark_unknown(store, key, _unknown_text(subject))
    raise Unresolved(_unknown_text(subject))


def _result(store: Store, key: str) -> dict[str, Any]:
    return (store.claim_row(key) or {}).get("result") or {}


def _mark_unknown(store: Store, key: str, text: str) -> None:
    """Unknown, keeping what `send` recorded (token, local rows, facts): a later `check` that finds the
    work done needs them to record it."""
    store.mark_claim(key, UNKNOWN, {**_result(store, key), "error": text})


def _unknown_text(subject: Subject) -> str:
    return (f"The bot could not tell whether {subject.what} went through. Check {subject.where} before "
            "trying again.")


def _run(store: Store, key: str, work: Work, subject: Subject) -> Outcome:
    once = Once(store, key)
    try:
        outcome = work(once)
    except Exception as exc:
        if once.reference is not None:
            log.exception("%s: recording %s locally failed", key, once.reference)
            return _not_recorded(store, key, once.reference, subject)
        if not once.sent or (isinstance(exc, BotError) and not isinstance(exc, OutcomeUnknown)):
            store.release(key)  # nothing sent, or refused: nothing changed, the same values may be sent again
            raise
        # It may have reached Billecta: never run it again without looking first.
        text = _unknown_text(subject)
        if not isinstance(exc, BotError):
            reference = secrets.token_hex(4)
            log.error("unexpected error while sending %s [ref %s]", key, reference, exc_info=exc)
            text += f" (reference `{reference}`)"
        _mark_unknown(store, key, text)
        raise Unresolved(text) from exc
    # Files (bytes) are not kept with the claim: a repeat says what was done, it does not deliver again.
    store.settle(key, {**asdict(outcome), "files": [], "recorded": True})
    return outcome


def _not_recorded(store: Store, key: str, reference: str, subject: Subject) -> Outcome:
    row = store.claim_row(key)
    result = (row or {}).get("result") or {}
    local = result.get("local") or {}
    stamp = f" (marked {result['token']} in Billecta)" if result.get("token") else ""
    message = not_recorded_text(f"{reference}{stamp}", "do not register it again")
    outcome = Outcome(message, subject.record_type, subject.record_ids,
                      details={"not_recorded": True, "reference": reference})
    store.settle(key, {**asdict(outcome), "local": local, "recorded": False})
    return outcome


def _repeat(result: dict[str, Any], subject: Subject) -> Outcome:
    known = {name: result[name] for name in ("message", "record_type", "record_ids", "ok", "details")
             if name in result}
    outcome = Outcome(**{"record_type": subject.record_type, "record_ids": subject.record_ids, **known})
    outcome.details = {**outcome.details, "repeated": True}
    return outcome


def repair(store: Store) -> int:
    """Write the local rows of work done in Billecta but not recorded here; returns how many claims.

    Run by `billecta-bot pull` after it has refreshed the mirror from Billecta.
    """
    rows = store.rows("idempotency", "status = 'done' AND result LIKE '%\"recorded\": false%'")
    return sum(1 for row in rows if _record(store, row["key"]))


def _record(store: Store, key: str) -> bool:
    """Write a settled claim's local rows once (all or none); False when that fails again."""
    result = (store.claim_row(key) or {}).get("result") or {}
    try:
        with store.transaction():
            for table, rows in (result.get("local") or {}).items():
                for values in rows:
                    store.insert(table, values)
            store.mark_claim(key, DONE, {**result, "recorded": True})
    except Exception:
        log.exception("%s: recording the local rows failed; the next pull tries again", key)
        return False
    return True


def dead_claims(store: Store, prefix: str) -> list[dict[str, Any]]:
    """Open claims under `prefix` whose owner is no longer running (or whose outcome is unknown)."""
    return [row for row in store.open_claims(prefix)
            if row["status"] == UNKNOWN or not is_alive(row.get("owner"))]
