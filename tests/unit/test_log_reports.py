"""Figures and listings from a query log whose content is known."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.log_reports import compute_stats, list_queries, parse_since, percentile
from bot.query_log import QueryLog
from retrieval.answer import Citation

NOW = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def cite(document_id: str, rank: int = 1) -> Citation:
    return Citation(rank=rank, document_id=document_id, title=document_id.upper(), locator="para. 1", text="",
                    score=0.5, passage_id=f"{document_id}@v1#{rank}", version=1)


@pytest.fixture
def known_log(tmp_path):
    """Three days: 8 questions, 1 refused, 2 (the same) unanswered, feedback 2 👍 1 👎."""
    clock = Clock(NOW - timedelta(days=2))
    log = QueryLog(tmp_path / "logs.db", secret=b"sixteen-byte-secret", clock=clock)
    log.record(question="What is a JIT?", answer="A team.", latency_ms=100, citations=[cite("guide"), cite("model", 2)])
    log.record(question="How tall is Everest?", abstained=True, latency_ms=50)
    clock.now = NOW - timedelta(days=1)
    liked = log.record(question="Who funds JITs?", answer="Eurojust.", latency_ms=300, citations=[cite("guide")])
    log.record(question="how tall is  everest", abstained=True, latency_ms=60)
    log.record(question="x" * 2000, error="The question is too long.")
    clock.now = NOW
    disliked = log.record(question="JIT model agreement?", answer="See it.", latency_ms=900,
                          citations=[cite("model"), cite("guide", 2)])
    log.record(question="Extradition from Peru?", answer="Treaty.", latency_ms=200, citations=[cite("treaty")])
    log.record(question="MLA in Spain?", answer="Yes.", latency_ms=400, citations=[cite("guide")])
    log.record_feedback(liked, 1, user_id=1)
    log.record_feedback(liked, 1, user_id=2)
    log.record_feedback(disliked, -1, user_id=1)
    return log


def test_stats_figures_on_a_known_log(known_log):
    stats = compute_stats(known_log, days=3, today=NOW.date())
    assert [(d.date, d.questions, d.abstained, d.errors) for d in stats.days] == [
        ("2025-03-08", 2, 1, 0), ("2025-03-09", 3, 1, 1), ("2025-03-10", 3, 0, 0)]
    assert (stats.questions, stats.errors, stats.answered, stats.abstained) == (8, 1, 7, 2)
    assert stats.abstention_rate == pytest.approx(2 / 7)
    assert stats.days[1].abstention_rate == 0.5
    assert (stats.feedback_up, stats.feedback_down) == (2, 1) and stats.feedback_ratio == pytest.approx(2 / 3)
    # latencies of the 7 answered: 50 60 100 200 300 400 900 (nearest rank)
    assert (stats.latency_p50, stats.latency_p95) == (200, 900)
    assert [(d["document_id"], d["citations"], d["answers"]) for d in stats.top_documents] == [
        ("guide", 4, 4), ("model", 2, 2), ("treaty", 1, 1)]
    assert stats.top_documents[0]["title"] == "GUIDE"
    [everest] = stats.top_unanswered
    assert everest["times"] == 2 and everest["question"] == "how tall is  everest"  # the latest wording


def test_the_window_leaves_out_older_days_and_fills_empty_ones(known_log):
    stats = compute_stats(known_log, days=3, today=NOW.date() + timedelta(days=1))
    assert [(d.date, d.questions) for d in stats.days] == [("2025-03-09", 3), ("2025-03-10", 3), ("2025-03-11", 0)]
    assert stats.top_unanswered[0]["times"] == 1 and stats.days[-1].abstention_rate is None
    empty = compute_stats(known_log, days=1, today=date(2024, 1, 1))
    assert empty.questions == 0 and empty.abstention_rate is None and empty.latency_p50 is None
    assert empty.top_documents == [] and empty.feedback_ratio is None


def test_listing_filters(known_log):
    assert len(list_queries(known_log)) == 8
    assert [r["question"] for r in list_queries(known_log, abstained=True)] == [
        "how tall is  everest", "How tall is Everest?"]
    assert [r["question"] for r in list_queries(known_log, feedback="negative")] == ["JIT model agreement?"]
    assert [r["feedback_up"] for r in list_queries(known_log, feedback="positive")] == [2]
    assert len(list_queries(known_log, since=NOW - timedelta(hours=1))) == 3
    assert [r["question"] for r in list_queries(known_log, search="Eurojust")] == ["Who funds JITs?"]
    [agreement] = list_queries(known_log, search="agreement")
    assert [c["document_id"] for c in agreement["citations"]] == ["model", "guide"]


def test_since_reads_durations_and_dates():
    assert parse_since("7d", NOW) == NOW - timedelta(days=7)
    assert parse_since("2025-01-31", NOW) == datetime(2025, 1, 31, tzinfo=UTC)
    with pytest.raises(ValueError, match="--since"):
        parse_since("last tuesday", NOW)


def test_percentile_is_nearest_rank():
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([float(n) for n in range(1, 21)], 95) == 19.0
