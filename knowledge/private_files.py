"""The data directory is for the account that runs jitbot only: folders 0700, files 0600.

The catalogue, the user store and above all the query log (which may hold case details)
live there. Modes are set explicitly, whatever the umask: the SQLite files before they are
opened (SQLite gives its -wal and -shm files the mode of the database file), folders when
they are made, and, for what libraries write inside (Chroma, bm25s), a private umask for
the process plus a pass over the tree that also tightens files made by older versions.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
PRIVATE_UMASK = 0o077
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
#: What jitbot keeps in its data directory (names or fnmatch patterns).
DATA_ENTRIES = ("*.db", "*.db-wal", "*.db-shm", "*.db-journal", "chroma", "bm25", "bm25.*",
                "originals", "*secret", ".initialised", ".samples", "kb.lock")


def use_private_umask() -> None:
    """Files and folders this process creates from now on are private (libraries' too)."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner can enter (parents made as needed)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """`path` as a file only its owner can read (created empty if missing)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    os.chmod(path, FILE_MODE)
    return path


def private_sqlite(path: Path) -> Path:
    """A SQLite database file and any -wal/-shm/-journal beside it, private; folder too."""
    private_dir(path.parent)
    private_file(path)
    for suffix in SQLITE_COMPANIONS:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path.with_name(path.name + suffix), FILE_MODE)
    return path


def restrict_tree(root: Path) -> None:
    """Every folder under `root` 0700 and every file 0600 (symbolic links left alone)."""
    if not root.is_dir() or root.is_symlink():
        return
    for folder, dirs, files in os.walk(root):
        for name, mode in [(d, DIR_MODE) for d in dirs] + [(f, FILE_MODE) for f in files]:
            entry = os.path.join(folder, name)
            with contextlib.suppress(FileNotFoundError):  # another process swapping an index
                if not os.path.islink(entry):
                    os.chmod(entry, mode)
    os.chmod(root, DIR_MODE)


def restrict_data_dir(data_dir: Path) -> None:
    """The data directory 0700, and what jitbot keeps in it private.

    Only entries jitbot makes (DATA_ENTRIES) are touched, so that a data directory set to
    a folder that holds other things (a checkout, a home folder) keeps their modes.
    """
    if not data_dir.is_dir():
        return
    os.chmod(data_dir, DIR_MODE)
    for entry in data_dir.iterdir():
        if entry.is_symlink() or not any(fnmatch.fnmatch(entry.name, p) for p in DATA_ENTRIES):
            continue
        with contextlib.suppress(FileNotFoundError):
            if entry.is_dir():
                restrict_tree(entry)
            else:
                os.chmod(entry, FILE_MODE)
