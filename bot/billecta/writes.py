"""Which Billecta writes succeeded in this thread, so a caller can tell "Billecta said yes, then
recording it here failed" (done in Billecta, not recorded here) from "nothing changed".

The transport notes every write Billecta accepted (a 2xx to anything but GET, or a lost reply found
applied); `tracking()` collects them for the code it wraps, in the thread that runs it (the client's
calls run in their caller's thread).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()


class Writes(list[str]):
    """'PUT /v1/invoice/pause/…' for each write Billecta accepted; truthy once there is one."""


@contextmanager
def tracking() -> Iterator[Writes]:
    writes = Writes()
    outer = getattr(_local, "writes", None)
    _local.writes = writes
    try:
        yield writes
    finally:
        _local.writes = outer
        if outer is not None:
            outer.extend(writes)


def note(method: str, path: str) -> None:
    """Called by the transport when Billecta accepted a write."""
    writes = getattr(_local, "writes", None)
    if writes is not None and method.upper() != "GET" and "/authentication/" not in path:
        writes.append(f"{method.upper()} {path}")
