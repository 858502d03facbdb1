"""Per-chat ordering of updates and the refusal rate limit."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.telegram.access import RefusalLimiter
from bot.telegram.update_processor import PerChatUpdateProcessor


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private")
    return Update(update_id, message=Message(update_id, None, chat, text=f"q{update_id}"))


async def test_updates_of_one_chat_run_in_order_and_chats_run_concurrently():
    processor = PerChatUpdateProcessor(64)
    finished: list[tuple[int, int]] = []
    running: set[int] = set()
    overlap = []

    async def handle(u: Update, delay: float) -> None:
        chat = u.effective_chat.id
        assert chat not in running, "two updates of one chat ran at once"
        running.add(chat)
        overlap.append(len(running))
        await asyncio.sleep(delay)
        running.discard(chat)
        finished.append((chat, u.update_id))

    jobs = []
    for i in range(1, 13):
        u = update(i, chat_id=1 + i % 3)
        # earlier updates are slower: without the lock a later one would finish first
        jobs.append(processor.process_update(u, handle(u, 0.05 / i)))
    async with processor:
        await asyncio.gather(*jobs)
    for chat in (1, 2, 3):
        ids = [uid for c, uid in finished if c == chat]
        assert ids == sorted(ids) and len(ids) == 4
    assert max(overlap) > 1  # different chats did run at the same time
    assert processor.busy_chats == 0  # no lock kept for idle chats


async def test_an_update_without_a_chat_is_processed():
    processor = PerChatUpdateProcessor(4)
    done = []

    async def handle() -> None:
        done.append(True)

    await processor.process_update(object(), handle())
    assert done == [True]


def test_a_stranger_is_refused_once_per_interval_then_ignored():
    now = [0.0]
    limiter = RefusalLimiter(interval=600, clock=lambda: now[0])
    assert limiter.allow(7)
    assert not limiter.allow(7)
    assert limiter.allow(8)  # per user
    now[0] = 599
    assert not limiter.allow(7)
    now[0] = 601
    assert limiter.allow(7)


def test_the_refusal_memory_stays_bounded():
    limiter = RefusalLimiter(interval=600, max_keys=100, clock=lambda: 0.0)
    for user in range(1000):
        limiter.allow(user)
    assert len(limiter.last) <= 100


def test_the_bot_token_never_reaches_the_log():
    import io
    import logging

    from bot.cli_telegram import RedactToken

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactToken("123456:SECRET-token"))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("Set Bot API URL: %s", "https://api.telegram.org/bot123456:SECRET-token")
        logger.warning("nothing secret here: %d updates", 3)
    finally:
        logger.removeHandler(handler)
    assert out.getvalue() == "Set Bot API URL: https://api.telegram.org/bot<token>\nnothing secret here: 3 updates\n"
