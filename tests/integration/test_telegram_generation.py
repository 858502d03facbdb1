"""A generated answer in Telegram: streamed into one message, then replaced by the checked one.

The real bot (python-telegram-bot) talks to the stand-in Bot API; the real langchain-openai
client talks to the stand-in OpenAI-compatible server; the embedder is the fast fake.
"""

from __future__ import annotations

import re

import pytest

from tests.openai_standin import StandInLLM

from .fake_bot_api import FakeBotAPI
from .telegram_harness import FakeModelServices, bot_settings, running_bot

pytestmark = pytest.mark.slow

MEMBER = 1001
LOCATED = "Where are integrated joint investigations usually located?"
GROUNDED = ("Integrated joint investigations are usually located in the State of operation [1]. "
            "They are funded by a secret treasury [9]. "
            "Their terms are laid out in ad hoc agreements [3].")
STANDALONE = "Where are integrated joint investigations located in Spain?"


def scripted(messages: list[dict]) -> str:
    user = next(m["content"] for m in messages if m["role"] == "user")
    return STANDALONE if "<last_message>" in user else GROUNDED


@pytest.fixture(scope="module")
def llm():
    with StandInLLM(scripted, chunk_words=2) as server:
        yield server


@pytest.fixture
async def bot(llm, tmp_path):
    with FakeBotAPI() as api:
        settings = bot_settings(api, tmp_path, llm_provider="openai", llm_base_url=llm.url,
                                llm_model="standin", llm_timeout=10)
        services = FakeModelServices(settings)
        services.ensure_knowledge_base(lambda line: None)
        services.users.add_user(MEMBER, "prosecutor", "Ana")
        async with running_bot(services, api) as running:
            yield running


async def test_a_generated_answer_streams_into_one_message_then_is_replaced(bot):
    api = bot.api
    question = api.push_message(MEMBER, LOCATED)
    await bot.wait_for("editMessageText", lambda c: "reply_markup" in c.params)
    [reply] = api.sent_to(MEMBER)  # one message: sent once, then edited
    partial = api.calls("sendMessage")[0].params["text"]
    assert partial.endswith("…") and "State of operation [1]." in partial
    assert reply.reply_to == question["message_id"]
    # the final text is the checked answer: the invented citation never reached the chat
    assert "usually located in the State of operation [1]. Their terms are laid out" in reply.text
    assert "1 generated sentence without a valid citation was left out." in reply.text
    assert "[1] Best practices in joint investigations" in reply.text
    assert [b["text"] for b in reply.buttons()] == ["📄 Sources", "👍", "👎"]
    shown = [c.params["text"] for c in api.calls() if c.method in ("sendMessage", "editMessageText")]
    assert not any("secret treasury" in text or "[9]" in text for text in shown)


async def test_a_follow_up_is_rewritten_with_the_chats_last_turn(bot, llm):
    api = bot.api
    api.push_message(MEMBER, LOCATED)
    await bot.wait_for("editMessageText", lambda c: "reply_markup" in c.params)
    api.push_message(MEMBER, "and in Spain?")
    await bot.wait_for("editMessageText", lambda c: "reply_markup" in c.params, count=2)
    rewrite = next(r for r in reversed(llm.requests) if "<last_message>" in r["messages"][1]["content"])
    user = rewrite["messages"][1]["content"]
    assert f"User: {LOCATED}" in user and "<last_message>\nand in Spain?\n</last_message>" in user
    final = api.sent_to(MEMBER)[-1]
    assert re.search(r"Read as: Where are integrated joint investigations located in Spain\?", final.text)
