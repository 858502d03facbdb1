"""The query log: every question asked through a front end, its answer, and feedback.

One SQLite file (`data/logs.db`, migration set "jitbot-log"). All logging of questions
goes through `QueryLog`, so that privacy rules added later apply everywhere at once.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("jitbot-log")


@migrations()
def create_log(db: sqlite_utils.Database) -> None:
    db["queries"].create(
        {
            "id": int,
            "time": str,  # ISO UTC
            "user_id": int,
            "role": str,
            "chat_type": str,  # private | group | supergroup | cli ...
            "front_end": str,  # telegram | cli ...
            "question": str,
            "answer": str,
            "abstained": int,
            "cited_passage_ids": str,  # JSON list, citation order
            "latency_ms": float,
            "error": str,  # e.g. a refused question's message; null when answered
        },
        pk="id",
    )
    db["queries"].create_index(["time"])
    db["feedback"].create(
        {"query_id": int, "user_id": int, "value": int, "time": str},
        pk=("query_id", "user_id"),
        foreign_keys=[("query_id", "queries", "id")],
    )


def utcnow_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class QueryLog:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.db = sqlite_utils.Database(
            sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        )
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        migrations.apply(self.db)

    def record(
        self,
        *,
        question: str,
        answer: str = "",
        abstained: bool = False,
        cited_passage_ids: Sequence[str] = (),
        latency_ms: float = 0.0,
        user_id: int | None = None,
        role: str = "",
        chat_type: str = "",
        front_end: str = "",
        error: str | None = None,
    ) -> int:
        """Store one question and what it got; returns the query id."""
        row = {
            "time": utcnow_iso(),
            "user_id": user_id,
            "role": role,
            "chat_type": chat_type,
            "front_end": front_end,
            "question": question,
            "answer": answer,
            "abstained": int(abstained),
            "cited_passage_ids": json.dumps(list(cited_passage_ids)),
            "latency_ms": round(latency_ms, 1),
            "error": error,
        }
        with self.lock:
            return self.db["queries"].insert(row).last_pk

    def record_feedback(self, query_id: int, value: int, user_id: int | None = None) -> bool:
        """+1 or -1 from a user on an answer; a later press by the same user replaces it.

        Returns False when the query id is unknown.
        """
        if value not in (1, -1):
            raise ValueError("feedback is +1 or -1")
        with self.lock:
            if not list(self.db["queries"].rows_where("id = ?", [int(query_id)])):
                return False
            self.db["feedback"].upsert(
                {"query_id": int(query_id), "user_id": user_id or 0, "value": value, "time": utcnow_iso()},
                pk=("query_id", "user_id"),
            )
            return True

    def query(self, query_id: int) -> dict | None:
        with self.lock:
            rows = list(self.db["queries"].rows_where("id = ?", [int(query_id)]))
        if not rows:
            return None
        row = rows[0]
        row["cited_passage_ids"] = json.loads(row["cited_passage_ids"] or "[]")
        return row

    def feedback(self, query_id: int) -> list[dict]:
        with self.lock:
            return list(self.db["feedback"].rows_where("query_id = ?", [int(query_id)], order_by="time"))
