"""The query log records each question with what it got, and feedback against it."""

from __future__ import annotations

import pytest

from bot.query_log import QueryLog


@pytest.fixture
def query_log(tmp_path):
    return QueryLog(tmp_path / "logs.db")


def test_a_question_is_recorded_with_its_answer_and_citations(query_log):
    query_id = query_log.record(
        question="Where are JITs located?", answer="In the State of operation. [1]", abstained=False,
        cited_passage_ids=["doc@v1#3", "doc@v1#9"], latency_ms=12.34, user_id=42, role="prosecutor",
        chat_type="private", front_end="telegram",
    )
    row = query_log.query(query_id)
    assert row["question"] == "Where are JITs located?"
    assert row["cited_passage_ids"] == ["doc@v1#3", "doc@v1#9"]
    assert row["user_id"] == 42 and row["role"] == "prosecutor" and row["front_end"] == "telegram"
    assert row["abstained"] == 0 and row["error"] is None and row["time"].endswith("+00:00")


def test_feedback_is_recorded_against_the_question_and_a_second_press_replaces_it(query_log):
    first = query_log.record(question="a")
    second = query_log.record(question="b")
    assert query_log.record_feedback(second, 1, user_id=42)
    assert query_log.record_feedback(second, -1, user_id=42)
    assert query_log.record_feedback(second, 1, user_id=43)
    assert [(f["user_id"], f["value"]) for f in query_log.feedback(second)] == [(42, -1), (43, 1)]
    assert query_log.feedback(first) == []
    assert not query_log.record_feedback(999, 1, user_id=42)
    with pytest.raises(ValueError):
        query_log.record_feedback(first, 5)


def test_a_refused_question_is_recorded_with_its_error(query_log):
    query_id = query_log.record(question="x" * 50, error="The question is too long.")
    assert query_log.query(query_id)["error"] == "The question is too long."


def test_migrations_are_applied_once(tmp_path):
    QueryLog(tmp_path / "logs.db").record(question="kept")
    again = QueryLog(tmp_path / "logs.db")
    assert again.query(1)["question"] == "kept"
