"""Which process this is, in a form that outlives it: pid, start time and boot id.

A run-once claim (bot.once) records its owner this way, so a later process can tell a claim whose
owner is still working from one left by a process that was killed (a reused pid has another start
time; a reboot has another boot id).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name (which may hold spaces and parentheses)."""
    return _read(f"/proc/{pid}/stat").rpartition(")")[2].split()


def _start_time(pid: int) -> str:
    """Field 22 of /proc/<pid>/stat (clock ticks since boot); '' where /proc is missing."""
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else ""


def _boot_id() -> str:
    return _read("/proc/sys/kernel/random/boot_id")[:8]


def identity(pid: int) -> str:
    return f"{pid}/{_start_time(pid)}/{_boot_id()}"


@cache
def _mine(pid: int) -> str:
    return identity(pid)


def this_process() -> str:
    """'pid/start/boot' of the running process (re-read after a fork: the pid is the cache key)."""
    return _mine(os.getpid())


def is_alive(owner: str | None) -> bool:
    """Whether the process named by `owner` (from `this_process`) is still running."""
    try:
        pid_text, start, boot = (owner or "").split("/")
        pid = int(pid_text)
    except ValueError:
        return False
    if boot != _boot_id():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process with that pid: it exists
    fields = _stat(pid)
    if fields and fields[0] in ("Z", "X"):  # killed, not yet reaped by its parent
        return False
    return _start_time(pid) == start
