"""Answer-sentence vectors kept on disk, so that a new process does not embed them again.

A `jitbot ask` process is cold: quoting the closest sentences of the top passages meant
embedding ~7 of them (~450 tokens) before every answer, about as long as everything else
it does. Their vectors depend only on the model and the sentence, so they are kept in a
small SQLite file of the data directory (`sentence-vectors.db`), keyed by a hash of the
model's name and the sentence, and shared by every process (`ask`, `serve` after a
restart). It is a cache: deleting the file loses nothing, a failure to read or write it is
ignored, and it stops growing at `max_rows` (the oldest rows go first). Vectors are stored
as float32, exactly as computed, so an answer is the same whether they came from the file
or from the model; a model change gives other keys, so vectors of two models never meet.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"


class SentenceVectorStore:
    def __init__(self, path: Path, model: str, *, max_rows: int = 200_000):
        self.path = Path(path)
        self.model = model
        self.max_rows = max_rows

    def _key(self, text: str) -> bytes:
        return hashlib.blake2b(f"{self.model}\0{text}".encode(), digest_size=16).digest()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=1.0)
        db.execute(SCHEMA)
        return db

    def get(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those texts that have one."""
        if not texts or not self.path.exists():
            return {}
        keys = {self._key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        try:
            db = self._connect()
            try:
                marks = ",".join("?" * len(keys))
                for key, blob in db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", list(keys)):
                    found[keys[bytes(key)]] = np.frombuffer(blob, dtype=np.float32).copy()
            finally:
                db.close()
        except sqlite3.Error:
            return {}
        return found

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Keep these vectors (silently not, if the file cannot be written)."""
        rows = [(self._key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors)]
        if not rows:
            return
        try:
            db = self._connect()
            try:
                with db:
                    db.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)
                    last = db.execute("SELECT max(rowid) FROM vectors").fetchone()[0] or 0
                    if last > self.max_rows:  # rowids grow with every insert: the oldest go
                        db.execute("DELETE FROM vectors WHERE rowid <= ?", (last - self.max_rows,))
            finally:
                db.close()
        except sqlite3.Error:
            pass
