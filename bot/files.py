"""Files an outcome carries (an invoice's PDF, a report's CSV) and how each delivery is recorded.

A command puts `OutcomeFile`s on its result (`Outcome.files`, or any result with a `files` list); the
surface delivers them: the CLI writes them to `--out` (`save_files`), Slack uploads them with the
outcome's message beside them (`bot.slack.files`). Every delivery is audited (`audit_delivery`) with
the file's name, size, SHA-256 and where it went, so "which PDF did the debtor get from us" has an
answer.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import UsageError

if TYPE_CHECKING:
    from bot.store import Store

# What may go into a file name we write or upload: a Billecta name or an invoice number is not trusted
# to be free of '/' or '..'.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("-", name).strip(".-")
    return cleaned or "file"


@dataclass(frozen=True)
class OutcomeFile:
    """One file of a result: its delivered `name`, `mime` type, a one-line `title` (shown beside it in
    Slack) and its bytes, given as `content` or read from `path` (a file the store keeps)."""

    name: str
    mime: str
    title: str
    content: bytes | None = field(default=None, repr=False)
    path: Path | None = None

    def __post_init__(self) -> None:
        if (self.content is None) == (self.path is None):
            raise ValueError("an OutcomeFile has its content or a path, exactly one")
        if safe_name(self.name) != self.name:
            raise ValueError(f"unsafe file name {self.name!r}")

    @cached_property
    def data(self) -> bytes:
        return self.content if self.content is not None else Path(self.path or "").read_bytes()

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def files_of(result: object) -> list[OutcomeFile]:
    """The files a command's result carries: an Outcome's, or any result with a `files` list (a report)."""
    files = getattr(result, "files", None)
    return [f for f in files if isinstance(f, OutcomeFile)] if isinstance(files, list) else []


def size_text(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def audit_delivery(store: Store, file: OutcomeFile, where: str, *, actor: str, source: str, command: str,
                   record_type: str | None, record_ids: list[str], channel: str | None = None) -> None:
    """One audit row per file delivered: outcome 'delivered', and in the detail its name, size,
    SHA-256 and `where` it went (a path, 'Slack channel C123')."""
    store.audit(actor=actor, source=source, command=command, record_type=record_type, record_ids=record_ids,
                outcome="delivered", channel=channel,
                detail=f"{file.name} · {file.size} bytes · sha256 {file.sha256} · to {where}")


def save_files(files: Sequence[OutcomeFile], out: str | None, *, cwd: Path | None = None) -> list[Path]:
    """Write `files` for the shell. One file goes to `out` (a file path, or a directory to put it in),
    by default `./<its name>`; several go into the directory `out` (made if missing), by default `.`.
    A write is atomic (a temporary file renamed), so a reader never sees half a PDF."""
    here = cwd or Path.cwd()
    target = Path(out).expanduser() if out else None
    if target is not None and not target.is_absolute():
        target = here / target
    if len(files) == 1 and target is not None and not target.is_dir() and not str(out).endswith(os.sep):
        return [_write(target, files[0].data)]
    directory = target or here
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--out {out} is a file, but there are {len(files)} files to write: give a directory.")
    if len(files) > 1 and target is not None and target.suffix and not target.exists():
        raise UsageError(f"There are {len(files)} files ({', '.join(f.name for f in files)}): give --out a "
                         f"directory, not {out}.")
    directory.mkdir(parents=True, exist_ok=True)
    return [_write(directory / f.name, f.data) for f in files]


def _write(path: Path, data: bytes) -> Path:
    if not path.parent.is_dir():
        raise UsageError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    try:
        return write_atomic(path, data)
    except OSError as exc:
        raise UsageError(f"Cannot write {path}: {exc.strerror or exc}.") from None


def write_atomic(path: Path, data: bytes) -> Path:
    """`data` at `path` through a temporary file renamed over it: a reader sees the old file or the new
    one, never half of one (a refetch replaces a kept PDF while Slack may be reading it). The temporary
    name is unique, so two threads writing the same file at once each rename a whole one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
