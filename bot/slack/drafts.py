"""Dialog modals whose form came from the store's mirror, while Billecta's fresh read is on its way.

One `Draft` per open modal (by a key its private_metadata carries, so it exists before the modal
does and every interaction with it finds it), shared by the three parties that may update it: the load
(which redraws the form when Billecta answers), the on-change handler (what the user typed, checked
against the freshest figures known) and the submit (which closes it, so a late redraw never replaces
the "Working…" view). Each of them updates the modal holding the draft's lock and records the hash
Slack gave the new view, so the redraw and the user's typing never overwrite one another.
Kept in memory: one process serves Slack's requests; a draft lost with a restart only means that
modal is no longer redrawn, and its submit is still checked against fresh data.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

# Modals open at once in a busy workspace are a few dozen; the oldest beyond this are forgotten.
LIMIT = 2000


@dataclass
class Draft:
    key: str
    prepared: dict[str, Any]  # the freshest prepared data: the mirror's, then Billecta's
    values: dict[str, Any]  # the form's values: the prefill, then what the user typed
    hash: str | None = None  # of the last view drawn through this draft (None: views.open has not answered)
    # The hash a redraw replaced: the user's interaction with that view is not outdated, only overtaken.
    replaced: str | None = None
    closed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def current(self, view_hash: str | None) -> bool:
        """Whether an interaction with the view at `view_hash` is the latest (not a slower duplicate)."""
        if self.closed:
            return False
        return self.hash is None or view_hash in (self.hash, self.replaced)


class Drafts:
    def __init__(self, limit: int = LIMIT) -> None:
        self._drafts: OrderedDict[str, Draft] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def open(self, prepared: dict[str, Any], values: dict[str, Any]) -> Draft:
        draft = Draft(secrets.token_hex(8), dict(prepared), dict(values))
        with self._lock:
            self._drafts[draft.key] = draft
            while len(self._drafts) > self._limit:
                self._drafts.popitem(last=False)
        return draft

    def get(self, key: str | None) -> Draft | None:
        with self._lock:
            return self._drafts.get(key or "")

    def forget(self, key: str | None) -> None:
        """Drop the draft (its lock may be held by the caller, who marks it closed)."""
        with self._lock:
            self._drafts.pop(key or "", None)

    def close(self, key: str | None) -> Draft | None:
        """Forget the modal's draft (submitted, or moved on); a redraw under way then draws nothing."""
        with self._lock:
            draft = self._drafts.pop(key or "", None)
        if draft is not None:
            with draft.lock:
                draft.closed = True
        return draft
