"""The query log stores what its privacy mode says and no more, purges old questions,
and upgrades older log files without losing what they hold."""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils

from bot.log_reports import list_queries
from bot.query_log import QueryLog, local_secret, migrations
from retrieval.answer import Answer, Citation

SECRET = b"0123456789abcdef-test-secret"
# Distinctive words, so that finding them anywhere in the file's bytes means a leak.
QUESTION = "Can prosecutor Zorblax Quennington sign the JIT agreement for Italy?"
ANSWER = "Signatures belong to the competent authorities named by Vandermeulen. [1]"


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def citation(rank: int = 1, document_id: str = "jit-guide", score: float = 0.71) -> Citation:
    return Citation(rank=rank, document_id=document_id, title="JIT Practical Guide", locator=f"para. {rank * 10}",
                    text="…", score=score, passage_id=f"{document_id}@v2#{rank}", version=2)


def record_sample(log: QueryLog, **overrides) -> int:
    values = {"question": QUESTION, "answer": ANSWER, "citations": [citation(1), citation(2, "unodc-model")],
              "contacts": [{"id": "it-01", "network": "JITs", "country_code": "IT", "name": "Maria Rossi"}],
              "latency_ms": 123.45, "user_id": 424242, "role": "prosecutor", "chat_type": "private",
              "front_end": "telegram"}
    values.update(overrides)
    return log.record(**values)


def file_bytes(log: QueryLog) -> bytes:
    """The database and its WAL and shared-memory files, as on disk."""
    return b"".join(p.read_bytes() for p in log.path.parent.glob(log.path.name + "*"))


@pytest.fixture
def query_log(tmp_path):
    return QueryLog(tmp_path / "logs.db", secret=SECRET)


def test_full_mode_keeps_the_exchange_with_a_pseudonym_instead_of_the_telegram_id(query_log):
    query_id = record_sample(query_log)
    row = query_log.query(query_id)
    assert row["question"] == QUESTION and row["answer"] == ANSWER
    assert row["user"] == query_log.pseudonym(424242) and "424242" not in json.dumps(row)
    assert len(row["user"]) == 16 and row["role"] == "prosecutor" and row["front_end"] == "telegram"
    assert row["topics"] == ["jit", "IT"]
    assert row["contacts"] == [{"id": "it-01", "network": "JITs", "country_code": "IT"}]
    assert [(c["document_id"], c["version"], c["locator"], c["score"]) for c in row["citations"]] == [
        ("jit-guide", 2, "para. 10", 0.71), ("unodc-model", 2, "para. 20", 0.71)]
    assert row["cited_passage_ids"] == ["jit-guide@v2#1", "unodc-model@v2#2"]
    assert row["latency_ms"] == 123.5 and row["abstained"] == 0 and row["error"] is None
    assert row["time"].endswith("+00:00")


def test_pseudonyms_are_stable_for_a_secret_and_differ_between_secrets(tmp_path, query_log):
    other = QueryLog(tmp_path / "other.db", secret=b"another-secret-of-16+")
    assert query_log.pseudonym(1001) == query_log.pseudonym(1001) != query_log.pseudonym(1002)
    assert other.pseudonym(1001) != query_log.pseudonym(1001)


def test_an_answer_is_recorded_from_the_answer_service_result(query_log):
    answer = Answer(question="Where are JITs located?", answer="In the State of operation. [1]",
                    abstained=False, citations=[citation()], latency_ms=50.0)
    row = query_log.query(query_log.record_answer(answer, role="operator", chat_type="cli", front_end="cli"))
    assert row["question"] == "Where are JITs located?" and row["user"] is None and row["front_end"] == "cli"
    assert row["cited_passage_ids"] == ["jit-guide@v2#1"]


def test_feedback_is_recorded_against_the_question_and_a_second_press_replaces_it(query_log):
    first = query_log.record(question="a")
    second = query_log.record(question="b")
    assert query_log.record_feedback(second, 1, user_id=42)
    assert query_log.record_feedback(second, -1, user_id=42)
    assert query_log.record_feedback(second, 1, user_id=43)
    assert sorted((f["user"], f["value"]) for f in query_log.feedback(second)) == sorted([
        (query_log.pseudonym(42), -1), (query_log.pseudonym(43), 1)])
    assert query_log.feedback(first) == []
    assert not query_log.record_feedback(999, 1, user_id=42)
    with pytest.raises(ValueError):
        query_log.record_feedback(first, 5)


def test_a_refused_question_is_recorded_with_its_error(query_log):
    query_id = query_log.record(question="x" * 50, error="The question is too long.")
    assert query_log.query(query_id)["error"] == "The question is too long."
    assert query_log.daily_counts()[0]["errors"] == 1


def test_full_text_search_finds_questions_and_answers(query_log):
    record_sample(query_log)
    query_log.record(question="How tall is Mount Everest?", abstained=True)
    assert [r["question"] for r in list_queries(query_log, search="quennington")] == [QUESTION]
    assert [r["question"] for r in list_queries(query_log, search="Vandermeulen")] == [QUESTION]
    assert [r["question"] for r in list_queries(query_log, search='"Mount  Everest?" ( -')] == ["How tall is Mount Everest?"]


def test_redacted_mode_keeps_lengths_and_topics_but_no_text_anywhere_in_the_file(tmp_path):
    log = QueryLog(tmp_path / "logs.db", mode="redacted", secret=SECRET)
    query_id = record_sample(log)
    failed = log.record(question=QUESTION, error=f"RuntimeError: index broke on '{QUESTION}'", user_id=424242)
    assert log.record_feedback(query_id, -1, user_id=424242)
    row = log.query(query_id)
    assert row["question"] is None and row["answer"] is None
    assert row["question_chars"] == len(QUESTION) and row["answer_chars"] == len(ANSWER)
    assert row["topics"] == ["jit", "IT"] and row["citations"][0]["locator"] == "para. 10"
    assert log.query(failed)["error"] == "RuntimeError"
    assert list_queries(log, search="Zorblax") == []
    on_disk = file_bytes(log)
    for secret_word in (b"Zorblax", b"Quennington", b"Vandermeulen", b"prosecutor Zorblax"):
        assert secret_word not in on_disk
    assert b"JIT Practical Guide" in on_disk  # the file is readable as bytes: the check can fail


def test_off_mode_keeps_only_daily_counts(tmp_path):
    log = QueryLog(tmp_path / "logs.db", mode="off", secret=SECRET)
    answered = record_sample(log)
    record_sample(log, abstained=True, citations=[])
    record_sample(log, error="The question is too long.")
    assert answered < 0  # an id for the answer's buttons, valid in this process only
    assert log.record_feedback(answered, 1, user_id=424242)
    assert not log.record_feedback(-999, 1)  # not an answer of this process
    for table in ("queries", "citations", "feedback", "queries_fts"):
        assert log.read(f"SELECT count(*) AS n FROM {table}")[0]["n"] == 0
    [counts] = log.daily_counts()
    assert (counts["questions"], counts["abstained"], counts["errors"], counts["feedback_up"]) == (3, 1, 1, 1)
    assert b"Zorblax" not in file_bytes(log) and b"Vandermeulen" not in file_bytes(log)


def test_a_logging_failure_is_reported_and_never_raised(tmp_path, caplog):
    log = QueryLog(tmp_path / "logs.db", secret=None)  # a Telegram id cannot be pseudonymised
    with caplog.at_level(logging.ERROR):
        query_id = record_sample(log)
    assert query_id < 0 and "Could not record a question" in caplog.text
    assert log.read("SELECT count(*) AS n FROM queries")[0]["n"] == 0
    log.db.conn.close()  # the database is gone
    assert record_sample(log, user_id=None) < 0


def test_purge_deletes_old_questions_with_their_citations_and_feedback(tmp_path):
    clock = Clock(datetime(2025, 1, 1, 9, tzinfo=UTC))
    log = QueryLog(tmp_path / "logs.db", secret=SECRET, retention_days=90, clock=clock)
    old = record_sample(log)
    log.record_feedback(old, -1, user_id=1)
    clock.now += timedelta(days=80)
    recent = record_sample(log, question="What does Europol's JIT funding cover?", answer="Travel. [1]")
    clock.now += timedelta(days=15)  # the first question is 95 days old, the second 15
    assert log.purge() == 1
    assert log.query(old) is None and log.feedback(old) == []
    assert log.read("SELECT count(*) AS n FROM citations WHERE query_id = ?", [old])[0]["n"] == 0
    assert log.query(recent)["question"].startswith("What does Europol")
    assert [c["questions"] for c in log.daily_counts()] == [1, 1]  # counters outlive the purge
    assert list_queries(log, search="Quennington") == []
    assert b"Quennington" not in file_bytes(log)  # overwritten, not left in free pages
    assert log.purge(older_than_days=10) == 1


def test_migrations_from_an_empty_database(tmp_path):
    log = QueryLog(tmp_path / "logs.db", secret=SECRET)
    assert [m.name for m in migrations.applied(log.db)] == [m.name for m in migrations._migrations]
    assert {"queries", "citations", "feedback", "daily_counts", "queries_fts"} <= set(log.db.table_names())
    again = QueryLog(tmp_path / "logs.db", secret=SECRET)  # nothing left to apply
    assert migrations.pending(again.db) == []


def test_migrations_from_the_first_schema_keep_the_log_and_pseudonymise_telegram_ids(tmp_path):
    path = tmp_path / "logs.db"
    first = sqlite_utils.Database(path)
    migrations.apply(first, stop_before="pseudonymous_users")  # the schema as first released
    first["queries"].insert_all([
        {"time": "2025-01-02T10:00:00.000+00:00", "user_id": 1001, "role": "prosecutor", "chat_type": "private",
         "front_end": "telegram", "question": QUESTION, "answer": ANSWER, "abstained": 0,
         "cited_passage_ids": json.dumps(["jit-guide@v2#3", "unodc-model@v1#1"]), "latency_ms": 80.0, "error": None},
        {"time": "2025-01-02T11:00:00.000+00:00", "user_id": 1002, "role": "admin", "chat_type": "private",
         "front_end": "telegram", "question": "How tall is Everest?", "answer": "Not found", "abstained": 1,
         "cited_passage_ids": "[]", "latency_ms": 20.0, "error": None},
    ])
    first["feedback"].insert({"query_id": 1, "user_id": 1001, "value": -1, "time": "2025-01-02T10:05:00+00:00"})
    first.close()

    log = QueryLog(path, secret=SECRET)
    row = log.query(1)
    assert row["question"] == QUESTION and row["user"] == log.pseudonym(1001)
    assert "user_id" not in row and "user_id" not in log.db["feedback"].columns_dict
    assert row["cited_passage_ids"] == ["jit-guide@v2#3", "unodc-model@v1#1"]
    assert [(c["document_id"], c["version"]) for c in row["citations"]] == [("jit-guide", 2), ("unodc-model", 1)]
    assert row["topics"] == ["jit", "IT"] and row["question_chars"] == len(QUESTION)
    assert [(f["user"], f["value"]) for f in log.feedback(1)] == [(log.pseudonym(1001), -1)]
    assert [(c["date"], c["questions"], c["abstained"]) for c in log.daily_counts()] == [("2025-01-02", 2, 1)]
    assert [r["id"] for r in list_queries(log, search="Everest")] == [2]
    assert record_sample(log) == 3  # and it goes on logging


def test_the_fallback_secret_is_private_to_the_owner_and_kept(tmp_path):
    path = tmp_path / "data" / "log-secret"
    secret = local_secret(path)
    assert len(secret) == 64 and local_secret(path) == secret
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
