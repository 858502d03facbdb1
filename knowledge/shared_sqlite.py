"""One SQLite connection shared by a process's threads, guarded by a lock.

The bot answers on worker threads while its event loop records feedback; sqlite3 allows a
connection to cross threads once `check_same_thread` is off, provided every call on it is
serialised. Each store (catalogue, users, query log) opens its file through here.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from pathlib import Path

import sqlite_utils

from .private_files import private_sqlite


def open_shared_database(path: Path) -> tuple[sqlite_utils.Database, threading.RLock]:
    """The database at `path` (created with its folder if missing) in WAL mode, and its lock.

    The file and its folder are private (0600, 0700) before SQLite opens it: it then makes
    its -wal and -shm files with the same mode.
    """
    private_sqlite(path)
    connection = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    db = sqlite_utils.Database(connection)
    db.execute("PRAGMA journal_mode=WAL")  # readers in other processes never block the writer
    private_sqlite(path)  # -wal and -shm of a file made by an older version
    return db, threading.RLock()


def locked(method):
    """Run a store method while holding the store's `lock`."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper
