"""Files the bot keeps: in a `files/` folder beside the database, one row each in `stored_file`.

A file belongs to a record and one of its documents (`invoice`, `reminder-1`…); keeping it again (a
refetch) replaces both the file and its row, so the store always holds the latest copy once. Paths
are kept relative to the folder, so moving the database with its folder keeps them valid.
"""

from __future__ import annotations

import tempfile
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import StoreUnavailable
from bot.files import OutcomeFile, safe_name, write_atomic
from bot.store import Store, utcnow

if TYPE_CHECKING:
    from bot.runtime import Runtime

FOLDER = "files"
# An in-memory store (tests, a one-off run) has no folder beside it: its files live as long as it does.
_MEMORY_FOLDERS: weakref.WeakKeyDictionary[Store, tempfile.TemporaryDirectory[str]] = weakref.WeakKeyDictionary()


def files_dir(store: Store) -> Path:
    if store.path == ":memory:":
        folder = _MEMORY_FOLDERS.setdefault(store, tempfile.TemporaryDirectory(prefix="billecta-bot-files-"))
        return Path(folder.name)
    return Path(store.path).resolve().parent / FOLDER


def keep(rt: Runtime, *, record_type: str, record_key: str, document: str, file: OutcomeFile,
         billecta_file_id: str | None = None) -> OutcomeFile:
    """Write `file` under `<files>/<record type>/<record key>/` and record it; returns it read from there."""
    root = files_dir(rt.store)
    relative = Path(safe_name(record_type), safe_name(record_key), file.name)
    path = root / relative
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, file.data)
    except OSError as exc:
        raise StoreUnavailable(f"Cannot keep {file.name} in {root} ({exc.strerror or exc}); check that the "
                               "folder beside the bot's database is writable.") from None
    kept = OutcomeFile(file.name, file.mime, file.title, path=path)
    row = {"record_type": record_type, "record_key": record_key, "document": document,
           "billecta_file_id": billecta_file_id, "name": file.name, "path": relative.as_posix(), "mime": file.mime,
           "title": file.title, "size": kept.size, "sha256": kept.sha256, "fetched_at": utcnow()}
    columns = ", ".join(row)
    updates = ", ".join(f"{column} = excluded.{column}" for column in row)
    with rt.store.lock:
        before = rt.store.db.execute(
            "SELECT path FROM stored_file WHERE record_type = ? AND record_key = ? AND document = ?",
            [record_type, record_key, document]).fetchone()
        rt.store.db.execute(f"INSERT INTO stored_file ({columns}) VALUES ({', '.join('?' for _ in row)}) "
                            f"ON CONFLICT (record_type, record_key, document) DO UPDATE SET {updates}",
                            list(row.values()))
    if before is not None and before[0] != row["path"]:
        (root / before[0]).unlink(missing_ok=True)  # the document's earlier copy, under another name
    return kept


def kept_files(store: Store, record_type: str, record_key: str) -> list[dict[str, Any]]:
    """The rows of a record's kept files, each with `full_path` (where the file is now)."""
    root = files_dir(store)
    rows = store.rows("stored_file", "record_type = ? AND record_key = ?", [record_type, record_key], order_by="id")
    return [{**row, "full_path": root / row["path"]} for row in rows]


def forget_invoices_of(store: Store, debtor_public_id: str) -> int:
    """Delete the kept files of a debtor's invoices (an anonymized debtor's PDFs name and address them);
    Billecta's own copies stay and can be fetched again. Returns how many files went."""
    root = files_dir(store)
    theirs = ("record_type = 'invoice' AND record_key IN "
              "(SELECT action_public_id FROM invoice WHERE debtor_public_id = ?)")
    with store.transaction():
        rows = store.rows("stored_file", theirs, [debtor_public_id])
        store.db.execute(f"DELETE FROM stored_file WHERE {theirs}", [debtor_public_id])
        store.db.execute("UPDATE invoice SET pdf_path = NULL WHERE debtor_public_id = ?", [debtor_public_id])
    for row in rows:
        (root / row["path"]).unlink(missing_ok=True)
    return len(rows)
