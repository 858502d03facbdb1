"""Reading the query log: filtered listings, exports and the figures admins look at.

Shared by `jitbot logs`, the Telegram /stats and /unanswered commands. Per-day counts come
from the daily counters (kept in every mode and after purges); everything about single
questions comes from the `queries` table, so in mode "off" those figures are empty.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from .query_log import QueryLog, iso, networks_sql, unanswered_sql
from .users import parse_duration

FEEDBACK_FILTERS = ("negative", "positive", "any")


def parse_since(value: str, now: datetime) -> datetime:
    """'7d', '12h', '2w' (ago), or a date / datetime (UTC unless it says otherwise)."""
    value = value.strip()
    try:
        return now - parse_duration(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"cannot read --since {value!r}: use e.g. 7d, 12h, 2w or 2025-01-31") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fts_phrase(text: str) -> str:
    """Words as quoted FTS terms, so that punctuation in a search is never FTS syntax."""
    words = [w for w in text.split() if re.search(r"\w", w)]
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def list_queries(
    query_log: QueryLog,
    *,
    since: datetime | None = None,
    abstained: bool = False,
    feedback: str | None = None,
    search: str | None = None,
    limit: int | None = 50,
    oldest_first: bool = False,
) -> list[dict]:
    """Logged questions, newest first, with their feedback counts, citations and topics."""
    where, params = [], {}
    if since is not None:
        where.append("q.time >= :since")
        params["since"] = iso(since)
    if abstained:
        where.append(unanswered_sql("q"))
    if feedback:
        if feedback not in FEEDBACK_FILTERS:
            raise ValueError(f"feedback filter must be one of {', '.join(FEEDBACK_FILTERS)}")
        value = {"negative": " AND f.value = -1", "positive": " AND f.value = 1", "any": ""}[feedback]
        where.append(f"EXISTS (SELECT 1 FROM feedback f WHERE f.query_id = q.id{value})")
    if search and fts_phrase(search):
        where.append("q.id IN (SELECT rowid FROM queries_fts WHERE queries_fts MATCH :search)")
        params["search"] = fts_phrase(search)
    sql = (
        "SELECT q.*, "
        "(SELECT count(*) FROM feedback f WHERE f.query_id = q.id AND f.value = 1) AS feedback_up, "
        "(SELECT count(*) FROM feedback f WHERE f.query_id = q.id AND f.value = -1) AS feedback_down "
        "FROM queries q" + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY q.id {'ASC' if oldest_first else 'DESC'}"
        + (" LIMIT :limit" if limit is not None else "")
    )
    if limit is not None:
        params["limit"] = limit
    rows = query_log.read(sql, params)
    citations: dict[int, list[dict]] = {}
    if rows:
        ids = [r["id"] for r in rows]
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            for c in query_log.read(
                f"SELECT * FROM citations WHERE query_id IN ({','.join('?' * len(part))}) ORDER BY query_id, rank", part
            ):
                citations.setdefault(c.pop("query_id"), []).append(c)
    for row in rows:
        row["topics"] = json.loads(row["topics"] or "[]")
        row["contacts"] = json.loads(row["contacts"] or "[]")
        row["citations"] = citations.get(row["id"], [])
    return rows


def export_rows(query_log: QueryLog, since: datetime | None = None) -> Iterator[dict]:
    """Every logged question, oldest first, for CSV or JSON lines."""
    yield from list_queries(query_log, since=since, limit=None, oldest_first=True)


# --- statistics -------------------------------------------------------------------------
@dataclass
class Day:
    date: str
    questions: int = 0
    abstained: int = 0
    errors: int = 0

    @property
    def abstention_rate(self) -> float | None:
        answered = self.questions - self.errors
        return self.abstained / answered if answered else None


@dataclass
class LogStats:
    """Figures over the last `len(days)` days (UTC), today included."""

    mode: str
    days: list[Day]
    #: the networks whose questions are counted (None: every question)
    networks: list[str] | None = None
    feedback_up: int = 0
    feedback_down: int = 0
    latency_p50: float | None = None
    latency_p95: float | None = None
    #: document_id, title, citations (passages cited), answers (answers citing it)
    top_documents: list[dict] = field(default_factory=list)
    #: question (None when redacted), topics, times, last
    top_unanswered: list[dict] = field(default_factory=list)

    @property
    def questions(self) -> int:
        return sum(d.questions for d in self.days)

    @property
    def errors(self) -> int:
        return sum(d.errors for d in self.days)

    @property
    def abstained(self) -> int:
        return sum(d.abstained for d in self.days)

    @property
    def answered(self) -> int:
        """Questions that got an answer or an abstention (not refused, not failed)."""
        return self.questions - self.errors

    @property
    def abstention_rate(self) -> float | None:
        return self.abstained / self.answered if self.answered else None

    @property
    def feedback_ratio(self) -> float | None:
        """The share of 👍 among all 👍/👎."""
        total = self.feedback_up + self.feedback_down
        return self.feedback_up / total if total else None

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(questions=self.questions, answered=self.answered, abstained=self.abstained,
                    errors=self.errors, abstention_rate=self.abstention_rate,
                    feedback_ratio=self.feedback_ratio)
        for day in data["days"]:
            day["abstention_rate"] = Day(**day).abstention_rate
        return data


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def normalised_question(text: str) -> str:
    return " ".join(re.sub(r"[?!.¿¡]+", " ", text.casefold()).split())


def compute_stats(query_log: QueryLog, *, days: int = 30, today: date | None = None, top: int = 10,
                  networks: Sequence[str] | None = None) -> LogStats:
    """The figures of the last `days` days; with `networks`, of the questions asked within one
    of them (by their members, or in their groups). Per-network days are counted from the
    logged questions (the daily counters have no network), so with the log off they are empty."""
    today = today or query_log.clock().astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    start, end = iso(datetime.combine(first, time(), UTC)), iso(datetime.combine(today + timedelta(days=1), time(), UTC))
    within, network_params = networks_sql(networks, "q")
    window = {"first": first.isoformat(), "last": today.isoformat(), "start": start, "end": end, **network_params}
    if networks is None:
        per_day = {d["date"]: d for d in query_log.read(
            "SELECT date, sum(questions) AS questions, sum(abstained) AS abstained, sum(errors) AS errors, "
            "sum(feedback_up) AS up, sum(feedback_down) AS down FROM daily_counts "
            "WHERE date BETWEEN :first AND :last GROUP BY date", window)}
    else:
        per_day = {d["date"]: d for d in query_log.read(
            "SELECT substr(q.time, 1, 10) AS date, count(*) AS questions, "
            "sum(q.abstained AND q.error IS NULL) AS abstained, sum(q.error IS NOT NULL) AS errors "
            f"FROM queries q WHERE q.time >= :start AND q.time < :end AND {within} GROUP BY 1", window)}
    stats = LogStats(mode=query_log.mode, days=[], networks=None if networks is None else sorted(set(networks)))
    for n in range(days):
        key = (first + timedelta(days=n)).isoformat()
        row = per_day.get(key, {})
        stats.days.append(Day(key, row.get("questions") or 0, row.get("abstained") or 0, row.get("errors") or 0))
        stats.feedback_up += row.get("up") or 0
        stats.feedback_down += row.get("down") or 0
    [feedback] = query_log.read(
        "SELECT count(*) FILTER (WHERE f.value = 1) AS up, count(*) FILTER (WHERE f.value = -1) AS down "
        f"FROM feedback f LEFT JOIN queries q ON q.id = f.query_id WHERE f.time >= :start AND f.time < :end "
        f"AND {within}", window)
    stats.feedback_up += feedback["up"]
    stats.feedback_down += feedback["down"]
    latencies = [r["latency_ms"] for r in query_log.read(
        f"SELECT latency_ms FROM queries q WHERE error IS NULL AND time >= :start AND time < :end AND {within}",
        window)]
    stats.latency_p50, stats.latency_p95 = percentile(latencies, 50), percentile(latencies, 95)
    stats.top_documents = query_log.read(
        "SELECT c.document_id, max(c.title) AS title, count(*) AS citations, count(DISTINCT c.query_id) AS answers "
        f"FROM citations c JOIN queries q ON q.id = c.query_id WHERE q.time >= :start AND q.time < :end AND {within} "
        "GROUP BY c.document_id ORDER BY citations DESC, answers DESC, c.document_id LIMIT :top",
        {**window, "top": top})
    stats.top_unanswered = top_unanswered(query_log, start, end, top, networks)
    return stats


def top_unanswered(query_log: QueryLog, start: str, end: str, top: int,
                   networks: Sequence[str] | None = None) -> list[dict]:
    """The most often unanswered questions (same text up to case and punctuation); in a
    redacted log, the most often unanswered topic combinations."""
    groups: dict[str, dict] = {}
    within, params = networks_sql(networks)
    for row in query_log.read(
        f"SELECT time, question, topics FROM queries WHERE {unanswered_sql()} "
        f"AND time >= :start AND time < :end AND {within} ORDER BY time", {"start": start, "end": end, **params}
    ):
        topics = json.loads(row["topics"] or "[]")
        key = normalised_question(row["question"]) if row["question"] else "topics:" + ",".join(topics)
        group = groups.setdefault(key, {"question": row["question"], "topics": topics, "times": 0})
        group["times"] += 1
        group["last"] = row["time"]
        if row["question"]:
            group["question"] = row["question"]  # the latest wording
    latest_first = sorted(groups.values(), key=lambda g: g["last"], reverse=True)
    return sorted(latest_first, key=lambda g: g["times"], reverse=True)[:top]


def recent_unanswered(query_log: QueryLog, limit: int = 10) -> list[dict]:
    """The latest questions the bot could not answer, newest first."""
    rows = query_log.read(
        "SELECT id, time, question, question_chars, topics, front_end FROM queries "
        f"WHERE {unanswered_sql()} ORDER BY id DESC LIMIT ?", [limit])
    for row in rows:
        row["topics"] = json.loads(row["topics"] or "[]")
    return rows
