"""Disk-full and I/O errors: recognise them, and say in one line what failed and what still serves.

How the hang of issue 13 happened (reproduced on a 3 MB tmpfs, and with chromadb 1.5 alone on a
1 MB one): when the disk fills during `DenseIndex.add`, Chroma's upsert fails with "(code: 13)
database or disk is full"; the rollback then called `DenseIndex.delete` on the same client, and
in 3 runs out of 4 that delete never returned — a sqlx SQLite worker sleeps in SQLite's busy
handler, waiting for a write lock that the failed upsert's connection still holds, and the Rust
call holds the GIL meanwhile, so no Python thread (a timer, a watchdog) can even run to stop it.
A fresh Chroma client (a new process, or `DenseIndex.reopen`) does not inherit that lock: there
the same delete returns at once (or fails at once while the disk is still full).

So the knowledge base never touches the failed client again after a storage error: it leaves the
new version marked 'indexing' (never served: the catalogue decides what answers quote), reopens
the vector index, and the next change or `kb check --repair` discards what was left — after the
disk has room again.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

#: errno values that mean "the storage under the data directory failed", not "bad input"
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS}
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}

#: how SQLite (ours, or Chroma's through sqlx: "(code: 13)") and Chroma say the same
FULL_MESSAGES = ("database or disk is full", "no space left on device", "(code: 13)", "disk quota exceeded")
IO_MESSAGES = (
    "disk i/o error", "(code: 10)", "input/output error", "read-only file system",
    "attempt to write a readonly database", "(code: 8)", "unable to open database file", "(code: 14)",
    "file is not a database", "(code: 26)", "database disk image is malformed", "(code: 11)",
)
#: below this much free space, any write failure in the data directory is taken for a full disk
NEARLY_FULL_BYTES = 1024 * 1024


class StorageError(RuntimeError):
    """The data directory's disk is full or failed: one line for the person who has to act."""

    def __init__(self, message: str, kind: str = "io"):
        super().__init__(message)
        self.kind = kind  # "full" or "io"


def _chain(error: BaseException):
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def storage_problem(error: BaseException, data_dir: Path | None = None) -> tuple[str, str] | None:
    """("full" | "io", detail) if `error` (or what caused it) is a disk-full or I/O failure."""
    for item in _chain(error):
        if isinstance(item, StorageError):
            return item.kind, str(item)
        if isinstance(item, OSError) and item.errno in STORAGE_ERRNOS:
            kind = "full" if item.errno in FULL_ERRNOS else "io"
            where = f" ({item.filename})" if item.filename else ""
            return kind, f"{item.strerror or item}{where}"
        if isinstance(item, (OSError, sqlite3.Error)) or type(item).__module__.startswith("chromadb"):
            text = str(item).lower()
            if any(m in text for m in FULL_MESSAGES):
                return "full", "database or disk is full"
            for message in IO_MESSAGES:
                if message in text:
                    return "io", _short(str(item))
    if data_dir is not None and _nearly_full(data_dir) and any(
        isinstance(i, (OSError, sqlite3.Error)) or type(i).__module__.startswith("chromadb") for i in _chain(error)
    ):
        return "full", _short(str(error)) or "no space left"
    return None


def _nearly_full(data_dir: Path) -> bool:
    path = Path(data_dir)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def _short(text: str) -> str:
    """Chroma's messages nest ("Query error: Database error: error returned from database: …")."""
    line = " ".join(text.split())
    return line.rsplit("error returned from database: ", 1)[-1][:200]


def describe(kind: str, detail: str, data_dir: Path, what: str, *, previous_served: bool = True) -> str:
    """One line: what failed, where, that the previous version still serves, what to do."""
    cause = (f"the disk holding the data directory {data_dir} is full"
             if kind == "full" else f"the data directory {data_dir} cannot be read or written")
    served = " What was served before is still served (the previous version answers)." if previous_served else ""
    remedy = "free some space" if kind == "full" else "check the disk and the directory's permissions"
    then = (f"{remedy}, then run `jitbot kb check --repair` (the next change also cleans up)"
            if previous_served else f"{remedy}, then try again")
    return f"{what} failed: {cause} ({detail}).{served} To go on: {then}."


def as_storage_error(error: BaseException, data_dir: Path, what: str, **kw) -> StorageError | None:
    found = storage_problem(error, data_dir)
    if found is None:
        return None
    if isinstance(error, StorageError):
        return error
    kind, detail = found
    return StorageError(describe(kind, detail, data_dir, what, **kw), kind)
