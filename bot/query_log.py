"""The query log: every question asked through a front end, its answer, and feedback.

One SQLite file (`data/logs.db`, migration set "jitbot-log"). All logging of questions
goes through `QueryLog`, so that the privacy rules apply everywhere at once:

- users are pseudonyms (an HMAC of the Telegram id with a secret), never raw ids;
- mode "full" keeps question and answer text, "redacted" keeps their lengths and topic
  tags instead (`knowledge.topics`), "off" keeps only daily counters;
- rows older than the retention period are purged, and deleted content is overwritten
  (`secure_delete`), not left in free pages.

Recording never raises: a failure is written to the service log and the answer goes out.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import os
import re
import secrets
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations

from knowledge.shared_sqlite import open_shared_database
from knowledge.topics import detect_topics

log = logging.getLogger(__name__)

LOG_MODES = ("full", "redacted", "off")
PSEUDONYM_SQL_FUNCTION = "jitbot_pseudonym"

migrations = Migrations("jitbot-log")


# --- migrations (append only: never edit one that has been released) -----------------
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


@migrations()
def pseudonymous_users(db: sqlite_utils.Database) -> None:
    """Raw Telegram ids become pseudonyms.

    `jitbot_pseudonym` is an SQL function that QueryLog registers on its connection: the
    HMAC secret stays with QueryLog and never enters the database.
    """
    for table in ("queries", "feedback"):
        db[table].add_column("user", str)
        db.execute(f"UPDATE [{table}] SET user = {PSEUDONYM_SQL_FUNCTION}(user_id) WHERE user_id IS NOT NULL")
    db["queries"].transform(drop={"user_id"}, column_order=["id", "time", "user"])
    db.execute("UPDATE feedback SET user = '' WHERE user IS NULL")
    db["feedback"].transform(drop={"user_id"}, pk=("query_id", "user"), column_order=["query_id", "user"])


@migrations()
def redaction_columns(db: sqlite_utils.Database) -> None:
    """Lengths, topic tags and contacts: what a redacted log keeps instead of text."""
    queries = db["queries"]
    for column, kind in (("question_chars", int), ("answer_chars", int), ("topics", str), ("contacts", str)):
        queries.add_column(column, kind)
    for row in list(db.query("SELECT id, question, answer FROM queries")):
        queries.update(row["id"], {
            "question_chars": len(row["question"] or ""), "answer_chars": len(row["answer"] or ""),
            "topics": json.dumps(detect_topics(row["question"] or "")), "contacts": "[]",
        })


@migrations()
def cited_passages(db: sqlite_utils.Database) -> None:
    """One row per cited passage (document, version, locator, score) instead of a JSON list."""
    db["citations"].create(
        {"query_id": int, "rank": int, "document_id": str, "version": int, "title": str,
         "locator": str, "score": float, "passage_id": str},
        pk=("query_id", "rank"),
        foreign_keys=[("query_id", "queries", "id")],
    )
    db["citations"].create_index(["document_id"])
    rows = []
    for row in list(db.query("SELECT id, cited_passage_ids FROM queries")):
        for rank, passage_id in enumerate(json.loads(row["cited_passage_ids"] or "[]"), start=1):
            parsed = re.fullmatch(r"(.+)@v(\d+)#\d+", passage_id)
            rows.append({"query_id": row["id"], "rank": rank, "passage_id": passage_id,
                         "document_id": parsed[1] if parsed else "", "version": int(parsed[2]) if parsed else 0})
    db["citations"].insert_all(rows)
    db["queries"].transform(drop={"cited_passage_ids"})


@migrations()
def daily_counts(db: sqlite_utils.Database) -> None:
    """Counters per day and front end: all that mode "off" keeps, and what outlives purges."""
    db["daily_counts"].create(
        {"date": str, "front_end": str, "questions": int, "abstained": int, "errors": int,
         "feedback_up": int, "feedback_down": int},  # feedback counted here only when not per question
        pk=("date", "front_end"),
        not_null={"questions", "abstained", "errors", "feedback_up", "feedback_down"},
        defaults={"questions": 0, "abstained": 0, "errors": 0, "feedback_up": 0, "feedback_down": 0},
    )
    db.execute(
        "INSERT INTO daily_counts (date, front_end, questions, abstained, errors) "
        "SELECT substr(time, 1, 10), coalesce(front_end, ''), count(*), "
        "sum(abstained AND error IS NULL), sum(error IS NOT NULL) FROM queries GROUP BY 1, 2"
    )


@migrations()
def full_text_search(db: sqlite_utils.Database) -> None:
    db["queries"].enable_fts(["question", "answer"], create_triggers=True)
    db["queries"].create_index(["abstained"])


@migrations()
def answer_outcome(db: sqlite_utils.Database) -> None:
    """Each answer's outcome: answered, related_only, not_found, contacts (or error).

    "related_only" answers quote passages on the topic that do not state what was asked;
    they are unanswered questions for the admins' views even when contacts were listed.
    """
    db["queries"].add_column("outcome", str)
    db.execute(
        "UPDATE queries SET outcome = CASE WHEN error IS NOT NULL THEN 'error' "
        "WHEN abstained = 1 THEN 'not_found' ELSE 'answered' END"
    )
    db["queries"].create_index(["outcome"])


@migrations()
def asker_networks(db: sqlite_utils.Database) -> None:
    """The networks of the asker's scope (comma-separated ids; "" public only; null: the
    operator or an admin, who see everything), so that figures can be given per network."""
    db["queries"].add_column("networks", str)


def networks_sql(networks: Sequence[str] | None, table: str = "") -> tuple[str, dict[str, str]]:
    """SQL condition "asked within one of `networks`" (in the asker's scope), and its named
    parameters; ("1", {}) for None (every question)."""
    if networks is None:
        return "1", {}
    t = f"{table}." if table else ""
    params = {f"network_{i}": n for i, n in enumerate(sorted(set(networks)))}
    if not params:
        return "0", {}
    terms = [f"instr(',' || coalesce({t}networks, '') || ',', ',' || :{name} || ',') > 0" for name in params]
    return "(" + " OR ".join(terms) + ")", params


def scope_column(scope: Any) -> str | None:
    """A Scope as the `networks` column stores it."""
    if scope is None or scope.networks is None:
        return None
    return ",".join(sorted(scope.networks))


def unanswered_sql(table: str = "") -> str:
    """SQL condition for "the knowledge base did not answer" (the admins' unanswered views):
    not found or related passages only, even with contacts listed; errors are not gaps."""
    t = f"{table}." if table else ""
    return (f"({t}outcome IN ('related_only', 'not_found') OR ({t}outcome IS NULL AND {t}abstained = 1)) "
            f"AND {t}error IS NULL")

# --- helpers ----------------------------------------------------------------------------
def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def utcnow_iso() -> str:
    return iso(utcnow())


def local_secret(path: Path) -> bytes:
    """A random secret kept in `path` (mode 0600), made on first use.

    For commands run by hand when JITBOT_LOG_SECRET is unset; `serve` insists on the setting.
    """
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as file:
        file.write(value)
    return value


def redacted_error(error: str) -> str:
    """An error without free text: the exception's class, or that the question was refused."""
    name = re.match(r"([A-Za-z_][\w.]*):", error)
    return name[1] if name else "question refused"


def _citation_row(query_id: int, citation: Any) -> dict:
    return {"query_id": query_id, "rank": citation.rank, "document_id": citation.document_id,
            "version": citation.version, "title": citation.title, "locator": citation.locator,
            "score": round(float(citation.score), 4), "passage_id": citation.passage_id}


def _contact_ref(contact: dict) -> dict:
    """Which directory entry was returned (its id, network and country), not its details."""
    return {k: contact[k] for k in ("id", "network", "country_code") if contact.get(k)}


class QueryLog:
    def __init__(
        self,
        path: Path | str,
        *,
        mode: str = "full",
        secret: bytes | Callable[[], bytes] | None = None,
        retention_days: int = 90,
        clock: Callable[[], datetime] = utcnow,
    ):
        if mode not in LOG_MODES:
            raise ValueError(f"query log mode must be one of {', '.join(LOG_MODES)}, not {mode!r}")
        self.path = Path(path)
        self.mode = mode
        self.retention_days = retention_days
        self.clock = clock
        self._secret = secret
        self.db, self.lock = open_shared_database(self.path)
        self.db.conn.create_function(PSEUDONYM_SQL_FUNCTION, 1, self.pseudonym, deterministic=True)
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA secure_delete=ON")  # purged text is overwritten, not just unlinked
        migrations.apply(self.db)
        # Answers that got no row (mode "off", or a failed write) still get an id for their
        # buttons: negative, valid in this process only; their feedback goes to the counters.
        self._transient_ids = itertools.count(-1, -1)
        self._transient: OrderedDict[int, str] = OrderedDict()

    # --- pseudonyms ------------------------------------------------------------------
    def pseudonym(self, user_id: int | str | None) -> str | None:
        """The stable pseudonym of a Telegram user id (16 hex digits of an HMAC-SHA256)."""
        if user_id is None:
            return None
        secret = self._secret() if callable(self._secret) else self._secret
        if not secret:
            raise ValueError("the query log needs a secret to pseudonymise user ids (JITBOT_LOG_SECRET)")
        self._secret = secret  # resolved once
        return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()[:16]

    # --- writing ---------------------------------------------------------------------
    def record(
        self,
        *,
        question: str,
        answer: str = "",
        abstained: bool = False,
        outcome: str = "",
        citations: Sequence[Any] = (),
        contacts: Sequence[dict] = (),
        latency_ms: float = 0.0,
        user_id: int | None = None,
        role: str = "",
        chat_type: str = "",
        front_end: str = "",
        error: str | None = None,
        scope: Any = None,
    ) -> int:
        """Store one question and what it got, as the mode allows; returns the query id.

        `scope`: the asker's knowledge.scope.Scope (None: everything), stored as `networks`.

        `citations` are retrieval.answer.Citation-like objects. Never raises: when the
        write fails, the failure is logged and a transient (negative) id is returned.
        """
        try:
            now = self.clock()
            with self.lock, self.db.atomic():
                self._count(now, front_end, questions=1, abstained=int(abstained and error is None),
                            errors=int(error is not None))
                if self.mode == "off":
                    return self._transient_id(front_end)
                redacted = self.mode == "redacted"
                row = {
                    "time": iso(now), "user": self.pseudonym(user_id), "role": role,
                    "chat_type": chat_type, "front_end": front_end,
                    "question": None if redacted else question,
                    "answer": None if redacted else answer,
                    "question_chars": len(question), "answer_chars": len(answer),
                    "topics": json.dumps(detect_topics(question)),
                    "contacts": json.dumps([_contact_ref(c) for c in contacts]),
                    "abstained": int(abstained), "latency_ms": round(latency_ms, 1),
                    "outcome": "error" if error is not None else (outcome or None),
                    "error": redacted_error(error) if redacted and error else error,
                    "networks": scope_column(scope),
                }
                query_id = self.db["queries"].insert(row).last_pk
                self.db["citations"].insert_all(_citation_row(query_id, c) for c in citations)
                return query_id
        except Exception:
            log.exception("Could not record a question in the query log %s", self.path)
            with self.lock:
                return self._transient_id(front_end)

    def record_answer(self, answer: Any, **who: Any) -> int:
        """Record a retrieval.answer.Answer; `who` is user_id, role, chat_type, front_end."""
        return self.record(
            question=answer.question, answer=answer.answer, abstained=answer.abstained,
            outcome=answer.outcome, citations=answer.citations, contacts=answer.contacts, latency_ms=answer.latency_ms, **who,
        )

    def record_feedback(self, query_id: int, value: int, user_id: int | None = None) -> bool:
        """+1 or -1 from a user on an answer; a later press by the same user replaces it.

        Returns False when the query id is unknown. With mode "off" (or for an answer that
        got no row) only the day's counter goes up.
        """
        if value not in (1, -1):
            raise ValueError("feedback is +1 or -1")
        query_id = int(query_id)
        column = "feedback_up" if value == 1 else "feedback_down"
        with self.lock, self.db.atomic():
            if query_id < 0:
                if query_id not in self._transient:
                    return False
                self._count(self.clock(), self._transient[query_id], **{column: 1})
                return True
            rows = list(self.db.query("SELECT front_end FROM queries WHERE id = ?", [query_id]))
            if not rows:
                return False
            if self.mode == "off":
                self._count(self.clock(), rows[0]["front_end"] or "", **{column: 1})
                return True
            self.db["feedback"].upsert(
                {"query_id": query_id, "user": self.pseudonym(user_id) or "", "value": value,
                 "time": iso(self.clock())},
                pk=("query_id", "user"),
            )
            return True

    def purge(self, older_than_days: int | None = None) -> int:
        """Delete questions older than the retention period (and their citations and
        feedback); the daily counters stay. Returns how many questions were deleted."""
        days = self.retention_days if older_than_days is None else older_than_days
        cutoff = iso(self.clock() - timedelta(days=days))
        old = "SELECT id FROM queries WHERE time < ?"
        with self.lock:
            with self.db.atomic():
                self.db.execute(f"DELETE FROM citations WHERE query_id IN ({old})", [cutoff])
                self.db.execute(f"DELETE FROM feedback WHERE query_id IN ({old})", [cutoff])
                deleted = self.db.execute("DELETE FROM queries WHERE time < ?", [cutoff]).rowcount
            # Copy the overwritten pages into the database file and empty the WAL, so that
            # no copy of a purged question stays on disk.
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    def _count(self, now: datetime, front_end: str, **increments: int) -> None:
        columns = ", ".join(increments)
        updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in increments)
        self.db.execute(
            f"INSERT INTO daily_counts (date, front_end, {columns}) VALUES (?, ?{', ?' * len(increments)}) "
            f"ON CONFLICT (date, front_end) DO UPDATE SET {updates}",
            [now.astimezone(UTC).date().isoformat(), front_end or "", *increments.values()],
        )

    def _transient_id(self, front_end: str) -> int:
        query_id = next(self._transient_ids)
        self._transient[query_id] = front_end or ""
        while len(self._transient) > 10_000:
            self._transient.popitem(last=False)
        return query_id

    # --- reading ---------------------------------------------------------------------
    def read(self, sql: str, params: Sequence[Any] | dict = ()) -> list[dict]:
        with self.lock:
            return list(self.db.query(sql, params))

    def query(self, query_id: int) -> dict | None:
        rows = self.read("SELECT * FROM queries WHERE id = ?", [int(query_id)])
        if not rows:
            return None
        row = rows[0]
        row["citations"] = self.read("SELECT * FROM citations WHERE query_id = ? ORDER BY rank", [row["id"]])
        row["cited_passage_ids"] = [c["passage_id"] for c in row["citations"]]
        row["topics"] = json.loads(row["topics"] or "[]")
        row["contacts"] = json.loads(row["contacts"] or "[]")
        return row

    def feedback(self, query_id: int) -> list[dict]:
        return self.read("SELECT * FROM feedback WHERE query_id = ? ORDER BY time", [int(query_id)])

    def daily_counts(self) -> list[dict]:
        return self.read("SELECT * FROM daily_counts ORDER BY date, front_end")
