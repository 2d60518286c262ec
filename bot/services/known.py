"""What Billecta already holds by external id, listed once per bulk upsert job instead of looked up per record.

An upsert must never create a second copy of an external id, so each record without a Billecta id is
looked up before its create: two requests per new record. A large first sync instead lists the
account's debtors (or products) once when the job starts, and its items read the answer from that index:
an external id in it is updated, one absent from it is created without a look-up of its own. Orders are
found by ExternalReference among their debtor's open invoices, so their index lists each debtor once,
when the first of its orders asks.

The index can be stale, so it is only trusted where staleness cannot make a copy:
- an item that may have reached Billecta before (resumed after a crash, retried after a failure, or a
  record whose earlier job's attempt did not settle) still looks itself up, since the index says nothing
  about a create whose reply was lost; a create whose reply is lost now is settled by the client's
  look-up by external id (bot.billecta.outcomes), as before;
- a Billecta id from the index that Billecta no longer has (deleted in its portal) is looked up again;
- an external id listed twice is left to the per-record look-up, so Billecta's refusal names the copies;
- the index is listed again once it is older than MAX_AGE_SECONDS (or, for an account so large that a
  listing takes longer than a twentieth of that, than LISTINGS_SHARE⁻¹ times the last listing took, so
  listing never costs more than about 5% of the job), so a record someone else created in Billecta
  during a long job is found by the items that run after the next listing.

What remains is the race the per-record look-up has too, only wider: someone else creating the same
external id between the listing and our create, a window of up to the index's age instead of one round
trip. That is accepted because the external ids are the store's own record ids: the only realistic other
creator is a second bot process upserting the same records at the same moment, which the per-record
look-up does not prevent either (both look, both create). Small jobs (at most INDEX_THRESHOLD records
never attempted and without a Billecta id) keep the per-record look-up: listing the account would cost
them more than it saves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from typing import TypeVar

from bot.errors import BillectaNotFound

T = TypeVar("T")

INDEX_THRESHOLD = 20
MAX_AGE_SECONDS = 10.0
LISTINGS_SHARE = 0.05  # of a job's time, at most, spent listing again

_local = threading.local()


class Ask(Enum):
    """The index cannot answer for this record: look it up in Billecta."""

    BILLECTA = "ask Billecta"


ASK = Ask.BILLECTA


class ExternalIndex:
    """External id → Billecta id for one record type, shared by a job's worker threads.

    `listing(scope)` lists (external id, Billecta id) pairs of one scope: the whole account ("") for
    debtors and products, one debtor's open invoices for orders. Each scope is listed when first asked
    about and again once older than `max_age`; a scope being listed makes only its own askers wait.
    """

    def __init__(self, record_type: str, listing: Callable[[str], Iterable[tuple[str | None, str | None]]], *,
                 max_age: float = MAX_AGE_SECONDS, clock: Callable[[], float] = time.monotonic,
                 scope: str | None = "") -> None:
        self.record_type = record_type
        self._listing, self._max_age, self._clock = listing, max_age, clock
        self._lock = threading.Lock()
        self._scopes: dict[str, _Scope] = {}
        self.listings = 0
        if scope is not None:
            self._scope(scope).answer(self, "")  # list now, before the workers start

    def _scope(self, scope: str) -> _Scope:
        with self._lock:
            return self._scopes.setdefault(scope, _Scope(scope))

    def _list(self, scope: str) -> tuple[dict[str, str], set[str]]:
        ids: dict[str, str] = {}
        ambiguous: set[str] = set()
        for external_id, billecta_id in self._listing(scope):
            if not external_id or not billecta_id:
                continue
            if ids.setdefault(external_id, billecta_id) != billecta_id:
                ambiguous.add(external_id)
        with self._lock:
            self.listings += 1
        return ids, ambiguous

    def billecta_id(self, external_id: str, scope: str = "") -> str | Ask | None:
        """Billecta's id for the external id, None when Billecta has none, ASK when it holds several."""
        return self._scope(scope).answer(self, external_id)


class _Scope:
    def __init__(self, name: str) -> None:
        self.name = name
        self.lock = threading.Lock()
        self.ids: dict[str, str] | None = None
        self.ambiguous: set[str] = set()
        self.listed_at = 0.0
        self.took = 0.0

    def answer(self, index: ExternalIndex, external_id: str) -> str | Ask | None:
        with self.lock:  # one worker lists while the others asking about this scope wait for the fresh answer
            max_age = max(index._max_age, self.took / LISTINGS_SHARE)
            if self.ids is None or index._clock() - self.listed_at >= max_age:
                started = index._clock()
                self.ids, self.ambiguous = index._list(self.name)
                self.listed_at = index._clock()
                self.took = self.listed_at - started
            if external_id in self.ambiguous:
                return ASK
            return self.ids.get(external_id)


@contextmanager
def using(index: ExternalIndex | None) -> Iterator[None]:
    """Make `index` the answer for the services called in this thread (a job's item)."""
    outer = getattr(_local, "index", None)
    _local.index = index
    try:
        yield
    finally:
        _local.index = outer


def billecta_id(record_type: str, external_id: str, *, resumed: bool, scope: str = "") -> str | Ask | None:
    """What the current job's index knows of the external id; ASK without an index or for a resumed item."""
    index: ExternalIndex | None = getattr(_local, "index", None)
    if resumed or index is None or index.record_type != record_type:
        return ASK
    return index.billecta_id(external_id, scope)


def look_up(record_type: str, external_id: str, *, resumed: bool, get: Callable[[str], T],
            find: Callable[[], T | None], scope: str = "") -> T | None:
    """The record Billecta holds under `external_id`: the index's id read fresh with `get`, none when the
    index says so, else `find` (a look-up by external id)."""
    indexed = billecta_id(record_type, external_id, resumed=resumed, scope=scope)
    if indexed is None:
        return None
    if indexed is not ASK:
        try:
            return get(indexed)
        except BillectaNotFound:
            pass  # deleted since it was listed; another may carry the external id now
    return find()
