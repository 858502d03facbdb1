"""The stand-in Bot API behaves as python-telegram-bot expects Telegram to (other tests rely on it)."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, RetryAfter

from bot.telegram.app import api_urls

from .fake_bot_api import TOKEN, FakeBotAPI


@pytest.fixture
async def api_and_bot():
    with FakeBotAPI() as api:
        base_url, base_file_url = api_urls(api.url)
        async with Bot(TOKEN, base_url=base_url, base_file_url=base_file_url) as bot:
            yield api, bot


async def test_get_updates_honours_offset_and_long_polls(api_and_bot):
    api, bot = api_and_bot
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9  # waited for the long-poll timeout

    async def push_later():
        await asyncio.sleep(0.3)
        api.push_message(7, "hello")

    pusher = asyncio.create_task(push_later())
    started = time.monotonic()
    [update] = await bot.get_updates(timeout=10)
    await pusher
    assert time.monotonic() - started < 5  # returned as soon as the update arrived
    assert update.message.text == "hello"
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update.update_id]  # not confirmed yet
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_commands_and_mentions_carry_entities(api_and_bot):
    api, bot = api_and_bot
    api.push_message(7, "/contacts@jitbot_test_bot Italy")
    api.push_message(7, "hi @jitbot_test_bot where?", chat_id=-100, chat_type="group")
    command, mention = await bot.get_updates(timeout=0)
    assert command.message.entities[0].type == "bot_command" and command.message.entities[0].length == 25
    assert mention.message.parse_entities(["mention"]) and mention.effective_chat.type == "group"


async def test_messages_are_checked_like_telegram_checks_them(api_and_bot):
    api, bot = api_and_bot
    api.push_message(7, "hello")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(8, "to a stranger")
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(7, "1 < 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)too long"):
        await bot.send_message(7, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(7, "ok", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="x" * 65)]]))
    sent = await bot.send_message(7, "<b>bold</b> &amp; fine", parse_mode="HTML")
    assert sent.text == "bold & fine" and api.sent_to(7)[0].html == "<b>bold</b> &amp; fine"
    edited = await bot.edit_message_text("changed", chat_id=7, message_id=sent.message_id)
    assert edited.text == "changed" and api.sent_to(7)[0].text == "changed"


async def test_injected_flood_control_is_a_retry_after(api_and_bot):
    api, bot = api_and_bot
    api.push_message(7, "hello")
    api.fail_next("sendMessage")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(7, "first")
    retry_after = raised.value.retry_after  # an int in PTB 22, a timedelta later
    assert getattr(retry_after, "total_seconds", lambda: retry_after)() == 1
    assert (await bot.send_message(7, "second")).text == "second"


async def test_files_go_both_ways(api_and_bot):
    api, bot = api_and_bot
    api.push_document(7, b"name,country\nAna,IT\n", "contacts.csv", caption="import these")
    [update] = await bot.get_updates(timeout=0)
    assert update.message.caption == "import these"
    telegram_file = await update.message.document.get_file()
    assert bytes(await telegram_file.download_as_bytearray()) == b"name,country\nAna,IT\n"
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    photo = await bot.send_photo(7, png, caption="stats")
    document = await bot.send_document(7, b"report", filename="report.txt")
    sent = api.sent_to(7)
    assert [s.kind for s in sent] == ["photo", "document"]
    assert sent[0].file == png and sent[0].text == "stats" and photo.photo
    assert sent[1].file == b"report" and document.document
