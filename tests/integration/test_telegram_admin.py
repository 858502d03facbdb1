"""Admins in Telegram: /stats (a PNG chart and figures), /unanswered, the daily purge, and
the query log behind every answer — through the real client and the stand-in Bot API."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from bot.settings import Settings
from bot.telegram.admin_handlers import PRIVATE_ONLY, PURGE_JOB

from .telegram_harness import FakeModelServices, bot_settings, running_bot

PROSECUTOR, ADMIN, STRANGER = 3001, 3002, 6666
GROUP = -100777
LOCATED = "Where are integrated joint investigations usually located?"
GAP = "Can Zorblax Quennington extradite a suspect from Italy?"


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory):
    services = FakeModelServices(Settings(data_dir=tmp_path_factory.mktemp("kb")))
    services.ensure_knowledge_base(lambda line: None)
    services.answer_service.answer(LOCATED)
    return services


def make_services(api, knowledge, data_dir, **settings):
    services = FakeModelServices(bot_settings(api, data_dir, **settings))
    services.catalogue = knowledge.catalogue
    services.answer_service = copy.copy(knowledge.answer_service)
    services.users.add_user(PROSECUTOR, "prosecutor", "Ana")
    services.users.add_user(ADMIN, "admin", "Ben")
    services.users.add_group(GROUP, "JIT network")
    return services


def fill_log(query_log) -> None:
    """Today: two answered questions (one rated 👎), one unanswered, one refused."""
    answered = query_log.record(question=LOCATED, answer="In the State of operation. [1]", latency_ms=200,
                                user_id=PROSECUTOR, role="prosecutor", chat_type="private", front_end="telegram")
    query_log.record(question="What is a JIT?", answer="A team. [1]", latency_ms=400, front_end="telegram")
    query_log.record(question=GAP, abstained=True, latency_ms=300, front_end="telegram")
    query_log.record(question="w" * 5000, error="The question is 5000 characters long.", front_end="telegram")
    query_log.record_feedback(answered, -1, user_id=PROSECUTOR)


@pytest.fixture
def services(api, knowledge, tmp_path):
    return make_services(api, knowledge, tmp_path)


@pytest.fixture
async def bot(services, api):
    async with running_bot(services, api) as running:
        yield running


async def test_stats_sends_an_admin_a_png_chart_with_the_headline_figures(bot, api, services):
    fill_log(services.query_log)
    api.push_message(ADMIN, "/stats")
    await bot.wait_for("sendPhoto")
    [photo] = api.sent_to(ADMIN)
    assert photo.kind == "photo" and photo.file.startswith(b"\x89PNG\r\n\x1a\n") and len(photo.file) > 5000
    assert "Last 30 days" in photo.text
    assert "Questions: 4 (1 refused or failed)" in photo.text
    assert "Not answered: 1 (33%)" in photo.text  # one of the three answered questions
    assert "Feedback: 0 👍 / 1 👎" in photo.text
    assert "Answer time: 0.3 s median, 0.4 s p95" in photo.text


async def test_stats_and_unanswered_are_refused_to_everyone_else(bot, api, services):
    fill_log(services.query_log)
    api.push_message(PROSECUTOR, "/stats")
    api.push_message(PROSECUTOR, "/unanswered")
    replies = await bot.replies(PROSECUTOR, 2)
    assert [r.text for r in replies] == ["Only a network admin can do this."] * 2
    api.push_message(STRANGER, "/stats")
    [refusal] = await bot.replies(STRANGER)
    assert "only for members" in refusal.text
    api.push_message(ADMIN, "/unanswered", chat_id=GROUP, chat_type="supergroup")
    [in_group] = await bot.replies(GROUP)
    assert in_group.text == PRIVATE_ONLY  # the group's members would read the questions
    assert not api.calls("sendPhoto")
    assert all(GAP not in s.text for s in api.sent)


async def test_unanswered_lists_the_questions_the_bot_could_not_answer(bot, api, services):
    fill_log(services.query_log)
    api.push_message(ADMIN, "/unanswered")
    [reply] = await bot.replies(ADMIN)
    assert "Recent questions I could not answer" in reply.text
    assert GAP in reply.text and LOCATED not in reply.text


async def test_in_redacted_mode_unanswered_lists_topics_not_text(api, knowledge, tmp_path):
    services = make_services(api, knowledge, tmp_path, query_log="redacted")
    fill_log(services.query_log)
    async with running_bot(services, api) as bot:
        api.push_message(ADMIN, "/unanswered")
        [reply] = await bot.replies(ADMIN)
    assert "topics: extradition, IT" in reply.text and f"({len(GAP)} characters)" in reply.text
    assert "Zorblax" not in reply.text


async def test_every_answer_is_logged_once_and_a_broken_log_does_not_stop_it(bot, api, services):
    api.push_message(PROSECUTOR, LOCATED)
    [reply] = await bot.replies(PROSECUTOR)
    assert "State of operation" in reply.text
    rows = services.query_log.read("SELECT question, user, front_end FROM queries")
    assert rows == [{"question": LOCATED, "user": services.query_log.pseudonym(PROSECUTOR), "front_end": "telegram"}]
    assert services.query_log.daily_counts()[0]["questions"] == 1

    services.query_log.db.conn.close()  # the log's database is gone
    api.push_message(PROSECUTOR, LOCATED)
    second = (await bot.replies(PROSECUTOR, 2))[1]
    assert "State of operation" in second.text
    assert [b["text"] for b in second.buttons()] == ["📄 Sources", "👍", "👎"]


async def test_the_query_log_is_purged_daily_while_serving(bot, services):
    old = services.query_log.record(question="An old question", front_end="telegram")
    services.query_log.db.execute("UPDATE queries SET time = ? WHERE id = ?",
                                  [(datetime.now(UTC) - timedelta(days=91)).isoformat(), old])
    [job] = bot.application.job_queue.get_jobs_by_name(PURGE_JOB)
    assert job.job.trigger.interval == timedelta(days=1)
    await job.run(bot.application)  # what the scheduler does once a day
    assert services.query_log.query(old) is None
